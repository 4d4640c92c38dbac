"""Listeners on this computer: found in the socket table, owner named, answers recorded."""

import asyncio
import os

from tests.probes.pac_servers import ScriptedTcp, http_reply
from wiresleuth.probes.local_listeners import (
    find_listeners,
    local_addresses,
    observe_listeners,
    owner_of,
    probe_address,
)


def test_a_loopback_listener_is_found_with_this_process_as_owner() -> None:
    with ScriptedTcp(http_reply("404 Not Found", server="Microsoft-HTTPAPI/2.0")) as server:
        found, error = find_listeners((server.port,))
        assert error is None
        assert ("127.0.0.1", server.port) in [(a, p) for a, p, _pid in found]
        obs = asyncio.run(observe_listeners((server.port,), timeout=1.0))
    [listener] = obs.listeners
    assert listener.pid == os.getpid() and listener.process
    assert [a.path for a in listener.answers] == ["/wpad.dat", "/"]
    assert all(a.exchange.data.startswith(b"HTTP/1.1 404") for a in listener.answers)
    assert "127.0.0.1" in obs.local_addresses


def test_helpers() -> None:
    assert probe_address("0.0.0.0") == "127.0.0.1" and probe_address("::") == "::1"
    assert probe_address("127.0.0.1") == "127.0.0.1"
    assert owner_of(None)["pid"] is None and "owner_error" in owner_of(None)
    assert "127.0.0.1" in local_addresses()
