"""pacparser's own test suite (shared/corpora/pacparser): every case that needs no Internet.

``testdata`` lines are ``-c CLIENT_IP -u URL|EXPECTED``; myIpAddress() returns the -c address
(pacparser's default when -c is absent is irrelevant to these cases, see below).

Excluded, and why: ``-u http://www.google.com|isResolvable # INTERNET_REQUIRED`` asserts that
www.google.com resolves on the public Internet; this machine has no Internet and tests may
not send DNS anywhere but loopback. Faking that answer would test our fake, not the PAC.
``www.notresolvabledomainXXX.com|isNotResolvable`` does need DNS, but only its failure: it
runs against a loopback DNS server that answers NXDOMAIN, exactly what a real resolver says.
"""

import asyncio
import shlex
from urllib.parse import urlsplit

import pytest

from tests.capture.corpora import SHARED, corpus
from tests.probes.pac_servers import MapDns
from wiresleuth.probes.pac_sandbox import evaluate_pac

DEFAULT_CLIENT = "192.0.2.7"
"""myIpAddress() for cases without -c (TEST-NET-1: outside both tested networks)."""


def _cases() -> list[tuple[str, str, str]]:
    path = SHARED / "corpora" / "pacparser" / "testdata"
    if not path.is_file():
        return [("(corpus missing)", "", "")]
    cases = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        args, _, expected = line.partition("|")
        expected, _, note = expected.partition("#")
        if "INTERNET_REQUIRED" in note:
            continue
        words = shlex.split(args.replace("'", "\\'"))
        client = words[words.index("-c") + 1] if "-c" in words else DEFAULT_CLIENT
        cases.append((words[words.index("-u") + 1], client, expected.strip()))
    return cases


def test_only_the_internet_case_is_left_out() -> None:
    lines = [
        line
        for line in (corpus("pacparser") / "testdata").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(_cases()) == len(lines) - 1 == 9


@pytest.mark.parametrize(("url", "client", "expected"), _cases())
def test_pacparser_case(url: str, client: str, expected: str) -> None:
    script = (corpus("pacparser") / "proxy.pac").read_text()
    host = urlsplit(url).hostname or ""
    with MapDns({}) as dns_server:  # every name: NXDOMAIN, as for a name that does not exist
        result = asyncio.run(
            evaluate_pac(
                script, [(url, host)], my_ip=client, resolver=("127.0.0.1", dns_server.port)
            )
        )
    assert result.outcome == "ok", result.error
    assert result.decisions[0].result == expected
