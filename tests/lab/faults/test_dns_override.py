"""dns_override: the lab DNS answers a name with the chosen address, also to the OS resolver."""

import pytest

from wiresleuth.lab.commands import run_in
from wiresleuth.lab.faults.dns_override import DnsOverride
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def _getent(lab: Lab, name: str) -> str:
    return run_in(lab.names.ns("client"), ["getent", "ahostsv4", name]).stdout.split()[0]


def test_override_from_the_scenario_file(primitives_lab: Lab) -> None:
    assert _getent(primitives_lab, "pac.lab.test") == "127.0.0.1"


def test_override_replaces_a_server_record_while_running(primitives_lab: Lab) -> None:
    try:
        DnsOverride(name="www.lab.test", address="100.64.1.99").apply(primitives_lab)
        assert primitives_lab.dns.resolve("www.lab.test") == "100.64.1.99"
    finally:
        DnsOverride(name="www.lab.test", address="100.64.1.10").apply(primitives_lab)
    assert _getent(primitives_lab, "www.lab.test") == "100.64.1.10"
