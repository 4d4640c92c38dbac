"""A built lab: topology, PKI, DNS, delay line, proxy and servers, plus the scenario's faults.

``build_lab`` either returns a complete lab or tears down whatever it had made and raises;
``teardown_lab`` works from the names alone (state directory and namespaces), so it also
cleans up after a run that crashed or was killed.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from wiresleuth.errors import LabError
from wiresleuth.lab import addresses as addr
from wiresleuth.lab.commands import iptables, missing_tools, run
from wiresleuth.lab.dns_server import LabDns
from wiresleuth.lab.interrupts import shielded
from wiresleuth.lab.names import LabNames
from wiresleuth.lab.pki import LabPKI, TrustBundles
from wiresleuth.lab.processes import ProcessTable, read_table, stop_processes
from wiresleuth.lab.scenario import Scenario, ServerSpec
from wiresleuth.lab.squid import SquidOptions, restart_squid, start_squid
from wiresleuth.lab.topology import (
    add_server_address,
    build_topology,
    existing_namespaces,
    teardown_topology,
)
from wiresleuth.lab.waiting import wait_until

Progress = Callable[[str], None]
BASE_ONE_WAY_MS = 50.0
"""Base path delay each way: the internet is ~100 ms RTT from client and proxy."""
READY_TIMEOUT = 15.0
"""Seconds a lab process may take to become ready (a Python start on a busy CI box)."""
DELAY_QUEUE = 1
DELAY_PROCESS = "delay-line"


def _quiet(_: str) -> None:
    pass


def check_host() -> None:
    """LabError unless this is Linux, we are root and the lab's tools are installed."""
    if platform.system() != "Linux":
        raise LabError("the lab needs Linux network namespaces")
    if os.geteuid() != 0:
        raise LabError("the lab needs root (namespaces, iptables): run it with sudo")
    missing = missing_tools()
    if missing:
        raise LabError(f"missing tools: {', '.join(missing)} (see scripts/apt-packages.txt)")


class Lab:
    """A running lab; fault primitives act on it through the LabControl methods."""

    def __init__(self, names: LabNames, *, progress: Progress = _quiet) -> None:
        self.names = names
        self.state_dir = names.state_dir
        self.progress = progress
        self.table = ProcessTable(self.state_dir)
        self.dns = LabDns(names, self.table)
        self._bundles: TrustBundles | None = None
        self._pki: LabPKI | None = None
        self.one_way_ms = 0.0
        self._delay_rules = False
        self._queues = itertools.count(DELAY_QUEUE + 1)
        self._ready_dir = self.state_dir / "ready"
        self._ready_dir.mkdir(parents=True, exist_ok=True)
        self.routers = 1
        """Routers between client and internet (1, or 2 with ``wan``)."""

    @property
    def edge(self) -> str:
        """The role of the router on the internet link (where the path delay is made)."""
        return "wan" if self.routers == 2 else "router"

    @property
    def bundles(self) -> TrustBundles:
        """The client's two CA bundles (LabError before the lab is built)."""
        if self._bundles is None:
            raise LabError("the lab is not built yet: no trust bundles")
        return self._bundles

    # -- LabControl -------------------------------------------------------------------
    def ip(self, role: str, *args: str) -> None:
        """Run ``ip -n <namespace> args``."""
        run(["ip", "-n", self.names.ns(role), *args])

    def iptables(self, role: str, *args: str) -> None:
        """Add a rule in a role's namespace (nft flavour)."""
        iptables(self.names.ns(role), *args)

    def spawn_ready(self, name: str, role: str, argv: Sequence[str]) -> Path:
        """Start a process that takes ``--ready-file``; return that file (not yet waited for)."""
        ready = self._ready_dir / name
        ready.unlink(missing_ok=True)
        self.table.spawn(name, self.names.ns(role), [*argv, "--ready-file", str(ready)])
        return ready

    def wait_ready(self, name: str, ready: Path) -> None:
        """Wait for a process's ready file; LabError with its log if it exits first."""

        def is_ready() -> bool:
            if ready.exists():
                return True
            self.table.ensure_running(name)
            return False

        wait_until(is_ready, what=name, timeout=READY_TIMEOUT)

    def start_process(self, name: str, role: str, argv: Sequence[str]) -> None:
        """Start a lab process and wait until it says it is ready."""
        self.wait_ready(name, self.spawn_ready(name, role, argv))

    def write_file(self, name: str, data: bytes) -> Path:
        """A world-readable file in the state directory."""
        path = self.state_dir / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, 0o644)
        return path

    def set_path_delay(self, one_way_ms: float) -> None:
        """(Re)start the router's delay line on the internet link with a new delay."""
        if one_way_ms == self.one_way_ms and self.table.running(DELAY_PROCESS):
            return
        if self.table.running(DELAY_PROCESS):
            self.table.stop(DELAY_PROCESS)
        self.one_way_ms = one_way_ms
        if one_way_ms <= 0:
            return  # rules use --queue-bypass: with no process, packets pass undelayed
        argv = [sys.executable, "-m", "wiresleuth.lab.servers.delay_line",
                "--queue", str(DELAY_QUEUE), "--delay-ms", str(one_way_ms)]  # fmt: skip
        self.start_process(DELAY_PROCESS, self.edge, argv)
        if not self._delay_rules:
            inet = addr.link("internet").router_if
            for direction in ("-i", "-o"):
                # mangle runs before filter: fault rules in filter FORWARD still see the packet
                self.iptables(self.edge, "-t", "mangle", "-A", "FORWARD", direction, inet,
                              "-j", "NFQUEUE", "--queue-num", str(DELAY_QUEUE),
                              "--queue-bypass")  # fmt: skip
            for kind in ("echo-request", "echo-reply"):
                # A packet held in the queue keeps its conntrack entry unconfirmed (confirmed
                # as it leaves): once a fault's NAT rule turns conntrack on, the next echo of
                # the same identifier, 20 ms later, makes a second entry for the same tuple
                # and is dropped when it leaves (insert_failed). A real router's conntrack
                # confirms in microseconds, the distance is in the wires; the echoes are NATed
                # by no fault, so they are not tracked here.
                self.iptables(self.edge, "-t", "raw", "-A", "PREROUTING", "-p", "icmp",
                              "--icmp-type", kind, "-j", "CT", "--notrack")  # fmt: skip
            self._delay_rules = True

    def ensure_address(self, role: str, address: str) -> None:
        """Make ``address`` usable for a listener in a role's namespace."""
        ns = self.names.ns(role)
        if addr.check_lab_address(address, loopback_ok=True).startswith("127."):
            return
        local = run(["ip", "-n", ns, "-o", "addr", "show"]).stdout
        if f" {address}/" in local:
            return
        if role == "internet" and ipaddress.ip_address(address) in ipaddress.ip_network(
            addr.SERVER_NET
        ):
            add_server_address(self.names, address)
            return
        raise LabError(
            f"address {address} is not in namespace {role}; use one it has, loopback, "
            f"or (in internet) one inside {addr.SERVER_NET}"
        )

    def set_dns_record(self, name: str, address: str) -> None:
        """Make the lab DNS answer ``name`` with ``address``."""
        self.dns.set_record(name, address)

    def next_queue(self) -> int:
        """A fresh NFQUEUE number."""
        return next(self._queues)

    def restart_proxy(self, options: SquidOptions) -> None:
        """Restart the lab's Squid with scenario settings (the ``proxy`` primitive)."""
        if options.inspect:
            if self._pki is None:
                raise LabError("the lab is not built yet: no inspection CA")
            options = replace(
                options,
                inspection_ca=self._pki.root_with_key_pem("inspection"),
                upstream_ca=self._pki.root_pem("public"),
            )
        restart_squid(self.names, self.table, options)

    # -- building ---------------------------------------------------------------------
    def _server_argv(self, pki: LabPKI, server: ServerSpec) -> list[str]:
        argv = [sys.executable, "-m", "wiresleuth.lab.servers.web_server",
                "--name", server.name, "--address", server.address]  # fmt: skip
        if server.tls_port:
            cert = pki.issue(server.name, server.address, ca=server.ca, large=server.large_chain)
            argv += ["--tls-port", str(server.tls_port),
                     "--cert", str(cert.chain), "--key", str(cert.key)]  # fmt: skip
        if server.http_port:
            argv += ["--http-port", str(server.http_port)]
        if server.dscp:
            argv += ["--dscp", str(server.dscp)]
        if server.reset_after is not None:
            argv += ["--reset-after", str(server.reset_after)]
        return argv

    def build(self, scenario: Scenario) -> None:
        """Bring up the base lab and the scenario's servers, then apply its faults."""
        started = time.monotonic()
        self.routers = scenario.routers
        build_topology(self.names, routers=scenario.routers)
        shown = existing_namespaces(self.names)
        self.progress(f"namespaces up: {', '.join(shown)}")
        pki = LabPKI(self.state_dir / "pki")
        self._pki = pki
        self._bundles = pki.write_bundles()
        for server in scenario.servers:
            add_server_address(self.names, server.address)
        # start everything first, then wait: Python start-up is the slow part
        pending = [
            (_process_name(server, scenario), self.spawn_ready(
                _process_name(server, scenario), "internet", self._server_argv(pki, server)))
            for server in scenario.servers
        ]  # fmt: skip
        records: dict[str, tuple[str, ...]] = {}
        for server in scenario.servers:  # a name several servers share gets each address
            records[server.name] = (*records.get(server.name, ()), server.address)
        for address, name in addr.ROUTER_NAMES.items():
            if address == addr.CLIENT_GATEWAY or self.routers == 2:
                records[f"{name}.{addr.DOMAIN}"] = (address,)  # reverse names, for traces
        self.dns.start(records)
        self.set_path_delay(BASE_ONE_WAY_MS)
        start_squid(self.names, self.table)
        for name, ready in pending:
            self.wait_ready(name, ready)
        self.progress(
            f"base lab ready in {time.monotonic() - started:.1f} s: DNS {addr.DNS_SERVER}, "
            f"proxy {addr.PROXY}:{addr.PROXY_PORT}, path delay {self.one_way_ms:g} ms each way, "
            f"{len(scenario.servers)} server(s)"
        )
        for fault in scenario.faults:
            fault.apply(self)
            self.progress(f"fault: {fault.describe()}")

    def teardown(self) -> list[str]:
        """Stop every process and remove everything; returns problems instead of raising."""
        errors = self.table.stop_all()
        errors += teardown_lab(self.names)
        return errors


def teardown_lab(names: LabNames) -> list[str]:
    """Remove a lab by its names: recorded processes, namespaces, /etc/netns, state dir."""
    errors = stop_processes(read_table(names.state_dir))
    errors += teardown_topology(names)
    shutil.rmtree(names.state_dir, ignore_errors=True)
    if names.state_dir.exists():
        errors.append(f"could not remove {names.state_dir}")
    return errors


def lab_exists(names: LabNames) -> bool:
    """Whether anything of this lab is present (namespaces or a state directory)."""
    return bool(existing_namespaces(names)) or names.state_dir.exists()


def build_lab(scenario: Scenario, names: LabNames, *, progress: Progress = _quiet) -> Lab:
    """Check the host, build the lab for ``scenario``; on failure remove what was made."""
    check_host()
    if existing_namespaces(names):
        raise LabError(
            f"a lab is already up (namespaces {', '.join(existing_namespaces(names))}); "
            "run `wiresleuth lab down` with the same WIRESLEUTH_LAB_PREFIX first"
        )
    if names.state_dir.exists():  # leftovers of a crash: no namespaces, maybe processes
        teardown_lab(names)
    names.state_dir.mkdir(parents=True)
    os.chmod(names.state_dir, 0o755)  # the client may run as nobody: it reads bundles here
    lab = Lab(names, progress=progress)
    try:
        lab.build(scenario)
    except BaseException:
        with shielded(), contextlib.suppress(Exception):
            lab.teardown()
        raise
    return lab


def _process_name(server: ServerSpec, scenario: Scenario) -> str:
    """``server-NAME``; ``server-NAME-ADDRESS`` when several servers share the name (the
    members of a load balancer's pool, ``lb-one-bad``)."""
    shared = sum(1 for other in scenario.servers if other.name == server.name) > 1
    return f"server-{server.name}-{server.address}" if shared else f"server-{server.name}"
