"""The PAC and local-listener wizards end to end on loopback (no lab): the engine runs them,
their observations and findings come out of a real run."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.probes.pac_servers import ScriptedTcp, http_reply
from wiresleuth.engine import Engine
from wiresleuth.model.target import Target
from wiresleuth.probes.pac_decider import SandboxPacDecider
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards.base import WizardInput
from wiresleuth.wizards.local_listeners import LocalListenersWizard
from wiresleuth.wizards.pac import PacWizard

PAC = b"function FindProxyForURL(url, host) { return host == 'a.lab.test' ? 'PROXY p:3128' : 'DIRECT'; }"


def profile(pac_url: str | None) -> Profile:
    return Profile(
        targets=(Target.parse("https://a.lab.test/"), Target.parse("https://b.lab.test/")),
        pac_url=pac_url,
        budgets=Budgets(run=20, connect=1.0, tls_handshake=1.5, icmp=0.3),
    )


def run(wizard: PacWizard | LocalListenersWizard, prof: Profile):  # type: ignore[no-untyped-def]
    result = Engine(prof, [wizard], capture=False).run()
    return result, result.observations[wizard.id]


def test_no_pac_anywhere_means_no_network_and_one_info(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "auto_proxy",
        "no_proxy",
        "XDG_CURRENT_DESKTOP",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    wizard = PacWizard()
    prof = profile(None)
    assert wizard.flows(WizardInput(profile=prof, targets=prof.targets, resolved={})) == []
    result, obs = run(wizard, prof)
    assert obs["pac_url"] is None and obs["fetch"] is None and obs["dns"] is None
    pac = [f for f in result.findings if f.wizard == "pac"]
    assert [f.id for f in pac] == ["pac.not_configured"]
    (status,) = [s for s in result.checks if s.check == "pac"]
    assert status.target is None and status.shown.startswith("not tested (no PAC is in use")


def test_a_served_pac_decides_for_each_target() -> None:
    with ScriptedTcp(
        http_reply("200 OK", PAC, ctype="application/x-ns-proxy-autoconfig")
    ) as server:
        url = f"http://127.0.0.1:{server.port}/proxy.pac"
        wizard = PacWizard()
        prof = profile(url)
        given = WizardInput(profile=prof, targets=prof.targets, resolved={})
        assert {(f.address, f.port) for f in wizard.flows(given) if f.proto == "tcp"} == {
            ("127.0.0.1", server.port)
        }
        result, obs = run(wizard, prof)
    assert obs["pac_source"] == "profile" and obs["address_kind"] == "loopback"
    decisions = {d["url"]: d["result"] for d in obs["evaluation"]["decisions"]}
    assert decisions == {"https://a.lab.test/": "PROXY p:3128", "https://b.lab.test/": "DIRECT"}
    assert [f.id for f in result.findings if f.wizard == "pac"] == []
    (status,) = [s for s in result.checks if s.check == "pac"]
    assert status.shown == f"passed: {url}"


def test_a_local_404_is_named_with_its_process() -> None:
    with ScriptedTcp(http_reply("404 Not Found", server="Microsoft-HTTPAPI/2.0")) as server:
        result, _obs = run(PacWizard(), profile(f"http://127.0.0.1:{server.port}/proxy.pac"))
    [finding] = [f for f in result.findings if f.wizard == "pac"]
    assert finding.id == "pac.points_to_local_listener"
    assert finding.values["server"] == "Microsoft-HTTPAPI/2.0" and finding.values["pid"] is not None


def test_a_file_pac(tmp_path: Path) -> None:
    path = tmp_path / "proxy.pac"
    path.write_bytes(PAC)
    _result, obs = run(PacWizard(), profile(path.as_uri()))
    assert obs["evaluation"]["outcome"] == "ok" and obs["script_bytes"] == len(PAC)
    missing, _obs = run(PacWizard(), profile((tmp_path / "none.pac").as_uri()))
    assert [f.id for f in missing.findings if f.wizard == "pac"] == ["pac.invalid_script"]


def test_the_decider_for_the_proxy_wizard() -> None:
    with ScriptedTcp(http_reply("200 OK", PAC)) as server:
        decider = SandboxPacDecider(connect_timeout=1.0, read_timeout=1.0)
        url = f"http://127.0.0.1:{server.port}/proxy.pac"

        async def both() -> list[str | None]:
            return [
                await decider.find_proxy(url, Target.parse("https://a.lab.test/")),
                await decider.find_proxy(url, Target.parse("https://b.lab.test/")),
            ]

        assert asyncio.run(both()) == ["PROXY p:3128", "DIRECT"]
        assert len(server.requests) == 1  # fetched once


def test_the_listener_wizard_runs_and_reports_what_it_found() -> None:
    result, obs = run(LocalListenersWizard(), profile(None))
    assert obs["ports"] == [80, 8080, 443] and obs["error"] is None
    assert len([f for f in result.findings if f.id == "local.port80_listener"]) == len(
        obs["listeners"]
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_file_pac_that_is_a_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    """Issue 20, item 4: the run used to hang after "finished", in open() of the FIFO."""
    path = tmp_path / "proxy.pac"
    os.mkfifo(path)
    outcome: list[object] = []

    def both() -> None:
        outcome.append(run(PacWizard(), profile(path.as_uri())))
        decider = SandboxPacDecider()
        outcome.append(
            asyncio.run(decider.find_proxy(path.as_uri(), Target.parse("https://a.lab.test/")))
        )

    worker = threading.Thread(target=both, daemon=True)
    worker.start()
    worker.join(60.0)
    with contextlib.suppress(OSError):  # release a reader stuck in open(), if any
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    assert not worker.is_alive(), "the PAC wizard waited on the named pipe"
    (result, obs), decided = outcome
    assert "named pipe (FIFO), not a regular file" in obs["file_error"]
    [finding] = [f for f in result.findings if f.wizard == "pac"]
    assert finding.id == "pac.invalid_script" and "named pipe" in finding.values["reason"]
    assert decided is None


def test_the_fetch_does_not_wait_for_the_address_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PAC is fetched at once; whose address it is (this computer's?) is found beside it:
    a slow look at this computer's addresses must not hold the fetch back."""
    from wiresleuth.probes import local_listeners

    real = local_listeners.local_addresses
    looked: list[float] = []

    def slow() -> Any:
        time.sleep(0.4)
        looked.append(time.time())
        return real()

    monkeypatch.setattr(local_listeners, "local_addresses", slow)
    with ScriptedTcp(http_reply("200 OK", PAC)) as server:
        _result, obs = run(PacWizard(), profile(f"http://127.0.0.1:{server.port}/proxy.pac"))
    assert obs["evaluation"]["outcome"] == "ok" and obs["address_kind"] == "loopback"
    assert looked and obs["fetch"]["connect"]["started_at"] < looked[0] - 0.2
