"""A run as short as its longest unavoidable wait: every lab scenario, its run time against
the longest wait the scenario forces, and the run's critical path (issue 15).

For each scenario (with capture as root, and without as user nobody) the real program runs
in the lab ``--repeat`` times; the table shows the median run (report.json ``duration_s``:
the engine's run, from resolving the targets to the end of the analysis; the program's
whole wall time, start-up and bundle writing included, is the ``program`` column), the
longest unavoidable wait, their ratio, and the critical path the run itself recorded.

The longest unavoidable wait is derived from the scenario file alone, never from the run:
the lab path's round trip (``2 x`` the delay line's one-way delay, or the ``delay``
fault's), the client's budgets (the probe deadlines) and each fault's own parameters. It is
the longest chain of waits that must follow each other:

- a name with several addresses is tested at each (issue 16): its chain is that of its
  slowest address;
- a name lookup crosses the path (one round trip; none for an address), then a connect
  (one round trip; none to a router-local relay);
- then the exchange that meets the fault: a server's ``reset_after`` plus the round trip
  the reset travels back; a relay's or listener's ``wait`` (plus a round trip from the
  internet namespace); a relay that never answers, or a first flight lost to a
  ``drop_dscp_length`` or ``mtu`` black hole, costs the handshake deadline; a payload hold
  costs one hold per request of the exchange (a TLS exchange sends two: the ClientHello,
  then the request), cut by the handshake deadline; a dropped port costs the connect
  deadline; a healthy exchange costs its round trips (TLS handshake and request: two);
- a tunnel hold (a proxy on the route of a secure target) costs its length (the profile's
  ``tunnel_hold``, bounded by the run budget as the wizard does) after its set-up (connect
  and TLS handshake: three round trips);
- when a PAC decides the route, everything that tests the route waits for it first: the PAC
  host's lookup, its fetch (two round trips, or the read deadline when the fetch hangs) and
  its evaluation (the sandbox's time limit when the scenario expects the script to run out
  of time; else a round trip for each name the script looks up, one after another); the
  target's own name lookup is not in that chain: it needs nothing, so it goes beside the
  PAC's, and the connect waits for the longer of the two;
- a device answering in the server's name (a reset after the ClientHello, a relay that
  answers the handshake or injects an answer) is located once it was seen (the hop locator,
  issue 17, traces only what a check suspects): an echo trace and a SYN trace (a round trip
  each), then, for an answer that follows the request, the same request again with TTL-
  limited copies side by side, which waits the fault's own delay once more. A PAC server
  answered by a device is located once the PAC check is done, beside the checks of the
  route; a server's, after that location and its own check (one location at a time).

Run (root, Linux; about 25 minutes for every scenario, both ways, three times)::

    sudo WIRESLEUTH_LAB_PREFIX=rb- .venv/bin/python benchmarks/bench_run_budget.py
    sudo .venv/bin/python benchmarks/bench_run_budget.py C1 C8 --repeat 1 --capture-only
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiresleuth.lab.faults.delay import Delay
from wiresleuth.lab.faults.dns_override import DnsOverride
from wiresleuth.lab.faults.drop_dscp_length import DropDscpLength
from wiresleuth.lab.faults.drop_port import DropPort
from wiresleuth.lab.faults.hold_payload import HoldPayload
from wiresleuth.lab.faults.http_file import HttpFile
from wiresleuth.lab.faults.listener import Listener
from wiresleuth.lab.faults.mtu import Mtu
from wiresleuth.lab.faults.redirect import Redirect
from wiresleuth.lab.lab import BASE_ONE_WAY_MS
from wiresleuth.lab.runner import run_scenario
from wiresleuth.lab.scenario import Scenario, ServerSpec, load_scenario, shipped_names
from wiresleuth.model.target import Target
from wiresleuth.probes.pac_sandbox import TIME_LIMIT
from wiresleuth.profile.model import Budgets as ProfileBudgets

GOAL = 1.25
"""Run time over the longest unavoidable wait, at most (issue 15)."""


@dataclass(frozen=True)
class Wait:
    """A chain of waits: its length and how it was derived."""

    seconds: float
    why: str

    def then(self, other: Wait) -> Wait:
        if other.seconds == 0:
            return self
        if self.seconds == 0:
            return other
        return Wait(self.seconds + other.seconds, f"{self.why}; then {other.why}")


NOTHING = Wait(0.0, "")


def _longer(first: Wait, second: Wait) -> Wait:
    """Of two chains that run side by side, the one that ends last."""
    return first if first.seconds >= second.seconds else second


def _sum(*parts: tuple[float, str]) -> Wait:
    kept = [(s, w) for s, w in parts if s > 0]
    return Wait(sum(s for s, _ in kept), " + ".join(f"{w} {s:g} s" for s, w in kept))


class WaitModel:
    """The longest unavoidable wait of one scenario (see the module's docstring)."""

    def __init__(self, scenario: Scenario) -> None:
        self.sc = scenario
        one_way = BASE_ONE_WAY_MS
        for fault in scenario.faults:
            if isinstance(fault, Delay):
                one_way = fault.one_way_ms
        self.rtt = round(2 * one_way / 1000, 3)
        self.budgets = scenario.client.budgets
        self.faults = scenario.faults
        self._member: ServerSpec | None = None
        """The server a name's chain is derived for (one of its addresses), while it is."""

    # -- pieces ---------------------------------------------------------------------------

    def _server(self, host: str) -> ServerSpec | None:
        member = self._member
        if member is not None and host in (member.name, member.address):
            return member
        return next((s for s in self.sc.servers if host in (s.name, s.address)), None)

    def _members(self, host: str) -> list[ServerSpec | None]:
        """Every server a name stands for (the TLS check tests each of its addresses)."""
        return [s for s in self.sc.servers if s.name == host] or [None]

    def _address(self, host: str) -> str | None:
        for fault in self.faults:
            if isinstance(fault, DnsOverride) and host == fault.name:
                return fault.address
        server = self._server(host)
        if server is not None:
            return server.address
        for fault in self.faults:
            if isinstance(fault, HttpFile) and host == fault.name:
                return fault.address
        return host if host[:1].isdigit() else None

    def _pac_run(self, script: str) -> tuple[bool, int]:
        """Whether the scenario's PAC sends a target through a proxy, and how many names it
        looks up doing so: the script run (by the product's restricted interpreter, in this
        process) with the scenario's own names, every target as the route wizard asks."""
        import ipaddress

        from wiresleuth.probes.pac_functions import pac_functions
        from wiresleuth.probes.pac_interpreter import PacScript

        looked_up: list[str] = []

        def resolve(host: object) -> str:
            name = str(host)
            try:
                ipaddress.ip_address(name)
            except ValueError:
                looked_up.append(name)
            return self._address(name) or ""

        pac = PacScript(script, pac_functions(my_ip="198.18.1.10", resolve=resolve))
        looked_up.clear()  # the interpreter's own test call is not the route wizard's
        proxied = False
        for text in self.sc.client.targets:
            target = Target.parse(text)
            if "PROXY" in str(pac.find_proxy_for_url(target.url, target.host)).upper():
                proxied = True
        return proxied, len(looked_up)

    def _lookup(self, host: str) -> tuple[float, str]:
        return (0.0, "") if host[:1].isdigit() else (self.rtt, "name lookup")

    def _relay(self, address: str | None, port: int) -> Redirect | None:
        return next(
            (
                f
                for f in self.faults
                if isinstance(f, Redirect) and (f.address, f.port) == (address, port)
            ),
            None,
        )

    def _listener(self, address: str | None, port: int) -> Listener | None:
        return next(
            (
                f
                for f in self.faults
                if isinstance(f, Listener) and (f.address, f.port) == (address, port)
            ),
            None,
        )

    def _dropped(self, address: str | None, port: int) -> bool:
        return any(
            isinstance(f, DropPort) and f.port == port and f.address in ("", address)
            for f in self.faults
        )

    def _large_loss(self, server: ServerSpec | None) -> bool:
        if server is None or not server.large_chain:
            return False
        for fault in self.faults:
            if isinstance(fault, DropDscpLength) and fault.dscp == server.dscp:
                return True
            if isinstance(fault, Mtu) and fault.drop_frag_needed:
                return True
        return False

    # -- chains ---------------------------------------------------------------------------

    def located(self, target: Target) -> Wait:
        """The hop locator's traces after a device was seen answering for ``target``."""
        address = self._address(target.host)
        server = self._server(target.host)
        traces = (2 * self.rtt, "locating it: echo and SYN traces")
        relay = self._relay(address, target.port)
        if relay is not None:
            if relay.close == "hold" and not relay.reply:
                return _sum(traces)  # it answered the handshake only
            return _sum(traces, (relay.wait, "the request again, TTL-limited"))
        if server is not None and server.reset_after is not None and target.scheme == "https":
            return _sum(
                traces, (server.reset_after + self.rtt, "the ClientHello again, TTL-limited")
            )
        return NOTHING

    def exchange(self, target: Target, *, looked_up: bool = False) -> Wait:
        """Name lookup (unless ``looked_up``), connect and the first exchange with one
        target, directly."""
        b, rtt = self.budgets, self.rtt
        address = self._address(target.host)
        server = self._server(target.host)
        lookup = (0.0, "") if looked_up else self._lookup(target.host)
        relay = self._relay(address, target.port)
        if relay is not None:
            if relay.close == "hold" and not relay.reply:
                return _sum(lookup, (b.tls_handshake, "a relay that never answers: deadline"))
            return _sum(lookup, (relay.wait, "the router's relay answers after"))
        if self._dropped(address, target.port):
            return _sum(lookup, (b.connect, "a dropped SYN: connect deadline"))
        connect = (rtt, "connect")
        listener = self._listener(address, target.port)
        if listener is not None:
            back = rtt if listener.namespace == "internet" else 0.0
            return _sum(
                lookup, connect, (listener.wait + back, "a listener answers after its wait, back")
            )
        if server is not None and server.reset_after is not None and target.scheme == "https":
            return _sum(
                lookup, connect, (server.reset_after + rtt, "reset after the ClientHello, back")
            )
        if target.scheme == "https" and self._large_loss(server):
            return _sum(lookup, connect, (b.tls_handshake, "first flight lost: handshake deadline"))
        holds = [f for f in self.faults if isinstance(f, HoldPayload) and target.port in f.ports]
        if holds:
            hold = holds[0].seconds
            if target.scheme == "https":
                held = min(2 * (hold + rtt), b.tls_handshake)
                return _sum(
                    lookup, connect, (held, "two held requests (hello, request), to the deadline")
                )
            return _sum(lookup, connect, (hold + rtt, "one held request"))
        trips = 2 if target.scheme == "https" else 1
        return _sum(
            lookup, connect, (trips * rtt, "handshake and request" if trips == 2 else "request")
        )

    def pac_suspect(self) -> Wait:
        """A PAC server answered by a device in the path is located once the PAC check is
        done: its echo and SYN traces."""
        url = self.sc.client.pac_url or self.sc.client.os_pac_url
        if url is None:
            return NOTHING
        target = Target.parse(url)
        if self._relay(self._address(target.host), target.port) is None:
            return NOTHING
        return _sum((2 * self.rtt, "locating the PAC's answerer: echo and SYN traces"))

    def pac(self) -> tuple[Wait, bool]:
        """The PAC's fetch and evaluation (the route waits for them); whether it names a proxy."""
        url = self.sc.client.pac_url or self.sc.client.os_pac_url
        if url is None:
            return NOTHING, False
        target = Target.parse(url)
        address = self._address(target.host)
        lookup = self._lookup(target.host)
        relay = self._relay(address, target.port)
        body = next(
            (f.body for f in self.faults if isinstance(f, HttpFile) and f.address == address), ""
        )
        if relay is not None and relay.close == "hold" and not relay.reply:
            return _sum(
                lookup, (self.budgets.tls_handshake, "the PAC fetch hangs: read deadline")
            ), False
        if relay is not None or self._listener(address, target.port) is not None:
            return _sum(lookup, (relay.wait if relay else 0.0, "a local answer")), False
        fetch = (2 * self.rtt, "PAC fetch (connect, GET)")
        if not body:
            return _sum(lookup, fetch), False
        if "pac.evaluation_timeout" in (*self.sc.expect.top, *self.sc.expect.includes):
            limit = next(
                (float(v.equals) for v in self.sc.expect.values
                 if v.id == "pac.evaluation_timeout" and v.key == "time_limit"
                 and isinstance(v.equals, (int, float))),
                TIME_LIMIT,
            )  # fmt: skip
            return _sum(lookup, fetch, (limit, "the script runs out of time")), False
        proxied, lookups = self._pac_run(body)
        if lookups:
            looked = (lookups * self.rtt, f"the script's name lookups ({lookups}, one at a time)")
            return _sum(lookup, fetch, looked), proxied
        return _sum(lookup, fetch), proxied

    def hold(self, pac_names_proxy: bool) -> Wait:
        """The proxy-path wizard's tunnel hold, when a proxy is on a secure target's route."""
        client = self.sc.client
        secure = any(Target.parse(t).scheme == "https" for t in client.targets)
        proxied = client.proxy or client.os_proxy or pac_names_proxy
        if not (secure and proxied):
            return NOTHING
        b = self.budgets
        wanted = b.tunnel_hold if b.tunnel_hold is not None else ProfileBudgets().tunnel_hold
        seconds = max(0.0, min(wanted, b.run * 0.75 - b.connect - b.tls_handshake))
        return _sum((3 * self.rtt, "hold set-up (connect, TLS)"), (seconds, "tunnel hold"))

    def longest(self) -> Wait:
        if not self.sc.client.default_route:
            return Wait(0.0, "no route: every probe fails at once, nothing to wait for")
        pac, names_proxy = self.pac()
        targets = [Target.parse(t) for t in self.sc.client.targets]
        located_pac = pac.then(self.pac_suspect())
        chains: list[Wait] = [located_pac]
        for target in targets:
            for member in self._members(target.host):
                self._member = member
                ready = _longer(pac, _sum(self._lookup(target.host)))
                checked = ready.then(self.exchange(target, looked_up=True))
                chains.append(_longer(located_pac, checked).then(self.located(target)))
        self._member = None
        chains.append(pac.then(self.hold(names_proxy)))
        must_refuse = [Target.parse(t) for t in self.sc.client.must_refuse]
        chains += [self.exchange(t).then(self.located(t)) for t in must_refuse]
        chains += [self.exchange(Target.parse(t)) for t in self.sc.client.path_proof]
        return max(chains, key=lambda w: w.seconds)


# -- running -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    run: float
    program: float
    ok: bool
    path: list[dict[str, Any]]


def one_run(name: str, capture: bool, folder: Path) -> Sample:
    out = folder / f"{name}-{'cap' if capture else 'nocap'}-{time.monotonic_ns()}.wsbundle"
    outcome = run_scenario(name, out, capture=capture)
    for failure in outcome.failures:  # what did not hold, beside the table's flag
        print(f"  {name} ({'with' if capture else 'without'} capture): {failure}", flush=True)
    report: dict[str, Any] = {}
    if outcome.bundle is not None:
        with zipfile.ZipFile(outcome.bundle) as bundle:
            report = json.loads(bundle.read("report.json"))
    return Sample(
        run=float(report.get("duration_s", float("nan"))),
        program=float(outcome.timings.get("program", float("nan"))),
        ok=outcome.ok,
        path=list(report.get("critical_path", [])),
    )


def path_text(path: list[dict[str, Any]], longest: int = 3) -> str:
    """The critical path's longest steps, in run order."""
    kept = sorted(sorted(path, key=lambda s: -s["seconds"])[:longest], key=lambda s: s["start_s"])
    return "; ".join(
        f"{(s['wizard'] + ': ') if s['wizard'] else ''}{s['what']} {s['seconds']:.2f}"
        + (" (deadline)" if s["to_deadline"] else "")
        for s in kept
    )


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def machine_speed() -> float:
    """Seconds this machine takes to import the program's run path (median of three fresh
    interpreters): the same work every run does before its clock starts, printed beside the
    table so that figures from a slower moment of a shared machine can be told apart (this
    varied by a quarter within one evening on the lab's 2-core VM)."""
    code = "import wiresleuth.cli.main, wiresleuth.engine, wiresleuth.wizards.registry"
    times = []
    for _ in range(3):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: every shipped one)")
    parser.add_argument("--repeat", type=int, default=3)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--capture-only", action="store_true")
    mode.add_argument("--no-capture-only", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every sample as JSON here")
    parser.add_argument("--model-only", action="store_true", help="print the waits, run nothing")
    args = parser.parse_args()
    # A watch scenario runs for its --for, not until its waits end: not a run to time here.
    names = args.scenarios or [n for n in shipped_names() if load_scenario(n).client.watch_every is None]
    if args.model_only:
        for name in names:
            wait = WaitModel(load_scenario(name)).longest()
            print(f"{name:17} {wait.seconds:6.2f} s  {wait.why}")
        return 0
    if os.geteuid() != 0:
        print("the lab needs root", file=sys.stderr)
        return 2
    modes = [True] if args.capture_only else [False] if args.no_capture_only else [True, False]
    print(f"load average before: {load_average()}  (2 cores shared; ratios compare one run's "
          "time with a wait derived from its scenario)")  # fmt: skip
    print(f"machine speed before: the program's imports take {machine_speed():.2f} s")
    print(
        "| scenario | capture | run (median) | program | longest wait | ratio | critical path (longest steps) |"
    )
    print("|---|---|---|---|---|---|---|")
    rows: list[dict[str, Any]] = []
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="run-budget-") as tmp:
        for name in names:
            wait = WaitModel(load_scenario(name)).longest()
            for capture in modes:
                samples = [one_run(name, capture, Path(tmp)) for _ in range(args.repeat)]
                runs = [s.run for s in samples]
                median = statistics.median(runs)
                middle = min(samples, key=lambda s: abs(s.run - median))
                ratio = median / wait.seconds if wait.seconds else float("nan")
                if wait.seconds:
                    worst = max(worst, ratio)
                flag = "" if all(s.ok for s in samples) else " EXPECTATIONS FAILED"
                print(
                    f"| {name} | {'yes' if capture else 'no'} | {median:.2f} s "
                    f"({', '.join(f'{r:.2f}' for r in runs)}) | "
                    f"{statistics.median(s.program for s in samples):.1f} s | "
                    f"{wait.seconds:.2f} s | {ratio:.2f}{flag} | {path_text(middle.path)} |",
                    flush=True,
                )
                rows.append({"scenario": name, "capture": capture, "runs": runs,
                             "program": [s.program for s in samples], "wait": wait.seconds,
                             "why": wait.why, "ratio": ratio, "ok": [s.ok for s in samples],
                             "critical_path": middle.path})  # fmt: skip
    print(f"load average after: {load_average()}")
    print(f"machine speed after: the program's imports take {machine_speed():.2f} s")
    print(f"worst ratio {worst:.2f} (goal: at most {GOAL})")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
