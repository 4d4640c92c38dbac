"""drop_port and reject_port (base.PortRule): one match (port, address, link), two verdicts.

The rules' effect on real traffic is proven in the lab (test_passive_faults.py, the proxy
scenarios); here, the exact rule each writes, read from what it asks the lab to run."""

from __future__ import annotations

import pytest

from wiresleuth.errors import LabError
from wiresleuth.lab.addresses import link
from wiresleuth.lab.faults.base import Fault
from wiresleuth.lab.faults.drop_port import DropPort
from wiresleuth.lab.faults.reject_port import RejectPort
from wiresleuth.lab.params import from_table


class RuleBook:
    """The lab as a fault sees it, writing down the iptables rules asked of it."""

    def __init__(self) -> None:
        self.rules: list[tuple[str, ...]] = []

    def iptables(self, role: str, *args: str) -> None:
        self.rules.append((role, *args))

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"a port rule asked the lab for {name}")


def rules_of(fault: Fault) -> list[tuple[str, ...]]:
    book = RuleBook()
    fault.apply(book)  # type: ignore[arg-type]
    return book.rules


def test_drop_port_drops_what_comes_from_the_link() -> None:
    fault = from_table(DropPort, {"port": 443, "address": "100.64.1.20"}, where="t")
    client_if = link("client").router_if
    assert rules_of(fault) == [
        ("router", "-A", "FORWARD", "-i", client_if, "-d", "100.64.1.20",
         "-p", "tcp", "--dport", "443", "-j", "DROP"),
    ]  # fmt: skip
    assert fault.describe() == "router drops TCP to 100.64.1.20:443 from the client link"


def test_reject_port_answers_with_a_reset_for_any_address() -> None:
    fault = from_table(RejectPort, {"port": 8081, "from_link": "proxy"}, where="t")
    proxy_if = link("proxy").router_if
    assert rules_of(fault) == [
        ("router", "-A", "FORWARD", "-i", proxy_if,
         "-p", "tcp", "--dport", "8081", "-j", "REJECT", "--reject-with", "tcp-reset"),
    ]  # fmt: skip
    assert fault.describe() == "router refuses TCP to any address:8081 with a reset"


@pytest.mark.parametrize("kind", [DropPort, RejectPort])
@pytest.mark.parametrize(
    ("table", "key"),
    [({"port": 0}, "port"), ({"port": 80, "address": "8.8.8.8"}, "address"),
     ({"port": 80, "from_link": "wan"}, "from_link"), ({}, "port")],
)  # fmt: skip
def test_both_check_the_same_parameters(
    kind: type[Fault], table: dict[str, object], key: str
) -> None:
    with pytest.raises(LabError, match=f"^t: key '{key}': "):
        from_table(kind, table, where="t")
