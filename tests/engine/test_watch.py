"""A real watch against loopback servers, its schedule on a fake clock (no test sleeps)."""

import socket
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import trustme

from tests.engine.test_watch_schedule import FakeClock
from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok
from tests.probes.proxy_servers import _relay, read_head
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.bundle.watch_file import watch_summary, write_watch_bundle
from wiresleuth.engine.watch import Watch, discard_watch_scratch
from wiresleuth.model.link_state import LinkInterface, LinkState, WifiLink
from wiresleuth.model.target import Target
from wiresleuth.model.watch import WatchProgress
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards.base import Wizard
from wiresleuth.wizards.route import RouteWizard
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


class Flaky:
    """A server that answers TLS properly, except on the attempts listed in ``bad``, where it
    resets after the ClientHello (the current attempt is set by the test's progress sink).

    A good answer comes after ``GOOD_DELAY``: attempt 5 is then the working attempt nearest
    to attempt 4 by far (attempt 2 is as far as attempt 3 with its diagnosis, plus attempt 2
    itself), not by the few milliseconds an instant answer would leave."""

    GOOD_DELAY = 0.3

    def __init__(self, ca: trustme.CA, bad: set[int]) -> None:
        self.attempt = 0
        self.bad = bad
        self._good = tls_ok(ca)
        self._reset = reset_after(0.2)

    def __call__(self, conn: socket.socket) -> None:
        if self.attempt in self.bad:
            self._reset(conn)
            return
        time.sleep(self.GOOD_DELAY)
        self._good(conn)


def small_full(profile: Profile) -> list[Wizard]:
    return [RouteWizard(), TlsHandshakeWizard()]


def local_profile(port: int, *, tls_handshake: float = 2.0) -> Profile:
    """One target on this computer, with short budgets."""
    return Profile(
        targets=(Target.parse(f"localhost:{port}"),),
        budgets=Budgets(run=20.0, connect=1.0, tls_handshake=tls_handshake, icmp=0.3),
    )


def following(flaky: Flaky) -> tuple[list[WatchProgress], Callable[[WatchProgress], None]]:
    """The events a watch says, and a sink that keeps them and tells ``flaky`` the attempt."""
    progress: list[WatchProgress] = []

    def on_progress(event: WatchProgress) -> None:
        progress.append(event)
        if event.kind == "attempt-started":
            flaky.attempt = int(event.message.split()[1].rstrip(":"))

    return progress, on_progress


def test_a_watch_groups_the_failures_diagnoses_them_and_saves_a_bundle(
    ca: trustme.CA, tmp_path: Path
) -> None:
    flaky = Flaky(ca, bad={3, 4})
    progress, on_progress = following(flaky)
    with LoopbackServer(flaky) as server:
        profile = local_profile(server.port)
        clock = FakeClock()
        watch = Watch(
            profile,
            every=60.0,
            duration=300.0,
            capture=False,
            full=small_full,
            on_progress=on_progress,
            clock=clock,
        )
        run = watch.run()
    summary = run.summary
    assert summary.attempts_total == 5 and summary.settings.ended == "finished"
    assert [a.ok for a in summary.attempts] == [True, True, False, False, True]
    assert [a.diagnosed for a in summary.attempts] == [False, False, True, True, False]
    addresses = {r.address for a in summary.attempts for r in a.results}
    assert addresses == {"127.0.0.1"}  # localhost resolves to it here (and ::1 is not served)
    (group,) = summary.groups
    assert group.signature == "tls.reset_after_client_hello"
    assert (group.count, group.first_attempt, group.last_attempt) == (2, 3, 4)
    assert group.worked == 3 and group.nearest_working == 5
    assert [f.attempt for f in summary.failures] == [3, 4]
    assert all(f.diagnosis_ran for f in summary.failures)
    # the full diagnosis (the TLS wizard's follow-up included) concluded it again
    assert any(
        f.id == "tls.reset_after_client_hello" and f.wizard == "tls"
        for f in summary.failures[0].findings
    )
    kinds = [p.kind for p in progress]
    assert kinds.count("diagnosis-started") == 2 and kinds[-1] == "finished"
    assert any("FAILED" in p.message and "127.0.0.1" in p.message for p in progress)

    out = write_watch_bundle(run, tmp_path / "watch.wsbundle")
    discard_watch_scratch(run)
    bundle = read_bundle(out)
    again = watch_summary(bundle.report)
    assert again == summary
    assert [f.id for f in bundle.findings] == [f.id for f in run.result.findings]


def test_cancel_ends_a_watch_at_once_and_keeps_what_it_saw(ca: trustme.CA) -> None:
    """A real clock, an hour between attempts: cancel during the wait ends it (bounded
    join), and the watch hands back its one attempt."""
    with LoopbackServer(tls_ok(ca)) as server:
        profile = local_profile(server.port)
        first = threading.Event()

        def on_progress(event: WatchProgress) -> None:
            if event.kind == "attempt":
                first.set()

        watch = Watch(
            profile, every=3600.0, duration=7200.0, capture=False, on_progress=on_progress
        )
        box: list[object] = []
        runner = threading.Thread(target=lambda: box.append(watch.run()), daemon=True)
        runner.start()
        assert first.wait(30.0)
        watch.cancel()
        runner.join(10.0)
        assert not runner.is_alive()
    (run,) = box
    assert run.summary.settings.ended == "cancelled"  # type: ignore[attr-defined]
    assert run.summary.attempts_total == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("after", "said"),
    [
        (None, "stopped before its full diagnosis could run"),
        (0.5, "stopped during the full diagnosis, which concluded from what finished"),
    ],
)
def test_a_watch_stopped_at_its_full_diagnosis_says_so(
    ca: trustme.CA, after: float | None, said: str
) -> None:
    """The attempt fails; the watch is stopped as its full diagnosis starts, or while it runs
    (the server takes 2 s to reset): the event says so, never "full diagnosis done"."""
    with LoopbackServer(reset_after(2.0)) as server:
        profile = local_profile(server.port, tls_handshake=5.0)
        events: list[WatchProgress] = []
        holder: list[Watch] = []

        def on_progress(event: WatchProgress) -> None:
            events.append(event)
            if event.kind == "diagnosis-started":
                if after is None:
                    holder[0].cancel()
                else:
                    threading.Timer(after, holder[0].cancel).start()

        watch = Watch(
            profile, every=3600.0, duration=7200.0, capture=False, full=small_full,
            on_progress=on_progress,
        )  # fmt: skip
        holder.append(watch)
        run = watch.run()
    (diagnosis,) = [e for e in events if e.kind == "diagnosis"]
    assert said in diagnosis.message and "done" not in diagnosis.message
    assert run.summary.settings.ended == "cancelled"


class RecordingProxy:
    """A CONNECT proxy that writes down each request line and relays to 127.0.0.1:``port``."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.requests: list[str] = []

    def __call__(self, conn: socket.socket) -> None:
        head = read_head(conn)
        if not head:
            return
        self.requests.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        conn.settimeout(None)
        _relay(conn, upstream)
        upstream.close()


def tls_for_both_names(ca: trustme.CA):  # type: ignore[no-untyped-def]
    """A TLS server whose certificate names localhost and 127.0.0.1."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)

    def behave(conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(4096)
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    return behave


def test_a_pac_from_the_os_settings_decides_each_attempts_route(
    ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No PAC in the profile; KDE's settings name a PAC (a file, as kioslaverc may) that sends
    localhost through a proxy and 127.0.0.1 DIRECT: every light attempt goes that way, as a
    full run (and the user's applications) would."""
    with LoopbackServer(tls_for_both_names(ca)) as server:
        proxy = RecordingProxy(server.port)
        with LoopbackServer(proxy) as proxy_server:
            pac = tmp_path / "proxy.pac"
            pac.write_text(
                "function FindProxyForURL(url, host) {\n"
                '  if (host == "127.0.0.1") return "DIRECT";\n'
                f'  return "PROXY 127.0.0.1:{proxy_server.port}";\n'
                "}\n"
            )
            config = tmp_path / "config"
            config.mkdir()
            (config / "kioslaverc").write_text(
                f"[Proxy Settings]\nProxy Config Script=file://{pac}\nProxyType=2\n"
            )
            for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "auto_proxy"):
                monkeypatch.delenv(name, raising=False)
                monkeypatch.delenv(name.upper(), raising=False)
            monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
            monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
            via_proxy = f"localhost:{server.port}"
            direct = f"127.0.0.1:{server.port}"
            profile = Profile(
                targets=(Target.parse(via_proxy), Target.parse(direct)),
                budgets=Budgets(run=20.0, connect=1.0, tls_handshake=2.0, icmp=0.3),
            )
            assert profile.pac_url is None and profile.proxy is None
            watch = Watch(
                profile, every=60.0, duration=120.0, capture=False, full=small_full,
                clock=FakeClock(),
            )  # fmt: skip
            run = watch.run()
    summary = run.summary
    assert summary.attempts_total == 2 and all(a.ok for a in summary.attempts), summary.attempts
    # one tunnel per attempt, for the site the PAC sends to the proxy; none for the DIRECT one
    assert proxy.requests == [f"CONNECT {via_proxy} HTTP/1.1"] * 2
    for attempt in summary.attempts:
        routes = {
            r.target: summary.contexts[r.context].route for r in attempt.results if r.target
        }
        pac_from_kde = f"(from PAC from KDE settings (file://{pac}))"
        assert routes[via_proxy] == f"proxy 127.0.0.1:{proxy_server.port} {pac_from_kde}"
        assert routes[direct] == f"direct {pac_from_kde}"
        tunnelled = next(r for r in attempt.results if r.target == via_proxy)
        assert tunnelled.address == "127.0.0.1"  # the proxy's: the proxy resolves the name


def test_a_change_of_wifi_network_and_a_vpn_are_said_and_compared(ca: trustme.CA) -> None:
    """The links as this computer would report them at each attempt's start (read live in
    tests/platform/test_linux_links.py): attempt 2, the one that fails, is on the router's
    other Wi-Fi network with a VPN tunnel up. Each change is said as it is seen, and the
    failure's nearest working attempt differs in both."""
    wlan = LinkInterface(name="wlp0s20f3", up=True, kind="wifi")
    tun = LinkInterface(name="tun0", up=True, kind="vpn", vpn="tun/tap")
    home = WifiLink(interface="wlp0s20f3", ssid="O2-Internet-5G-040", bssid="14:36:0e:d7:75:f2")
    other = WifiLink(interface="wlp0s20f3", ssid="O2-Internet-040", bssid="14:36:0e:d7:75:f1")
    states = [
        LinkState(interfaces=(wlan,), wifi=(home,)),
        LinkState(interfaces=(wlan, tun), wifi=(other,)),
        LinkState(interfaces=(wlan,), wifi=(home,)),
    ]
    flaky = Flaky(ca, bad={2})
    progress, on_progress = following(flaky)
    with LoopbackServer(flaky) as server:
        profile = local_profile(server.port)
        watch = Watch(
            profile, every=60.0, duration=180.0, capture=False, full=small_full,
            on_progress=on_progress, clock=FakeClock(), links=lambda: states.pop(0),
        )  # fmt: skip
        summary = watch.run().summary
    said = [(p.kind, p.message) for p in progress if p.kind.startswith("network")]
    assert said == [
        ("network", "network: up: wlp0s20f3; no VPN interface; Wi-Fi wlp0s20f3 on "
                    "'O2-Internet-5G-040' at 14:36:0e:d7:75:f2"),
        ("network-change", "network change: a VPN interface appeared: tun0 (tun/tap)"),
        ("network-change", "network change: Wi-Fi wlp0s20f3 changed network: 'O2-Internet-040' "
                           "at 14:36:0e:d7:75:f1 (was 'O2-Internet-5G-040' at 14:36:0e:d7:75:f2)"),
        ("network-change", "network change: VPN interface tun0 (tun/tap) is gone"),
        ("network-change", "network change: Wi-Fi wlp0s20f3 changed network: "
                           "'O2-Internet-5G-040' at 14:36:0e:d7:75:f2 (was 'O2-Internet-040' "
                           "at 14:36:0e:d7:75:f1)"),
    ]  # fmt: skip
    assert [a.ok for a in summary.attempts] == [True, False, True]
    (group,) = summary.groups
    differed = {d.fact: (d.failing, d.working) for d in group.differences}
    assert differed == {
        "Wi-Fi": (
            "wlp0s20f3 'O2-Internet-040' at 14:36:0e:d7:75:f1",
            "wlp0s20f3 'O2-Internet-5G-040' at 14:36:0e:d7:75:f2",
        ),
        "VPN": ("tun0 (tun/tap)", "none"),
    }
