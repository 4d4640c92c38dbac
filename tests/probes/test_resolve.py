"""Name resolution: a name DNS cannot carry is an observation with a plain reason, not a crash."""

from __future__ import annotations

import asyncio

import pytest

from tests.lab.prefixes import lab_prefix
from wiresleuth.probes.resolve import resolve


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("a" * 70 + ".example", "has 70 characters; DNS allows 63 between dots"),
        ("a..example", "empty part between two dots"),
    ],
)
def test_a_name_the_idna_codec_refuses_is_an_error_in_words(host: str, reason: str) -> None:
    found = asyncio.run(resolve(host, timeout=2.0))
    assert found.addresses == ()
    assert found.error is not None and reason in found.error


def test_a_literal_resolves_to_itself() -> None:
    found = asyncio.run(resolve("127.0.0.1", timeout=2.0))
    assert found.addresses == ("127.0.0.1",) and found.error is None


@pytest.mark.lab
def test_a_name_resolves_to_its_ipv4_and_ipv6_addresses() -> None:
    """Issue 16: the system resolver is asked for every family, as applications ask. In a
    network namespace of its own, whose hosts file (``ip netns exec`` mounts
    /etc/netns/NAME/hosts over /etc/hosts) gives the name one address of each family."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2: run the lab tests as root")
    prefix = lab_prefix("resolver-netns")
    name = f"{prefix}resolve-{os.getpid()}"
    folder = Path("/etc/netns") / name
    subprocess.run(["ip", "netns", "add", name], check=True, timeout=10)
    try:
        folder.mkdir(parents=True)
        (folder / "hosts").write_text(
            "127.0.0.1 localhost\n198.18.9.1 dual.lab.test\n::1 dual.lab.test\n"
        )
        code = (
            "import asyncio\nfrom wiresleuth.probes.resolve import resolve\n"
            "print(sorted(asyncio.run(resolve('dual.lab.test', timeout=2.0)).addresses))"
        )
        done = subprocess.run(
            ["ip", "netns", "exec", name, sys.executable, "-c", code],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    assert done.stdout.strip() == "['198.18.9.1', '::1']"


def test_the_caller_is_told_when_the_lookup_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    """``on_way`` comes before the system resolver is asked (in the lookup's thread), and at
    once for an address, which needs no lookup."""
    import socket
    import threading

    told: list[str] = []
    real = socket.getaddrinfo

    def asked(*args: object, **kwargs: object) -> object:
        told.append("asked")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", asked)

    def on_way() -> None:
        told.append("main" if threading.current_thread() is threading.main_thread() else "thread")

    found = asyncio.run(resolve("localhost", timeout=2.0, on_way=on_way))
    assert found.addresses and told == ["thread", "asked"]
    told.clear()
    asyncio.run(resolve("127.0.0.1", timeout=2.0, on_way=on_way))
    assert told == ["main"]
