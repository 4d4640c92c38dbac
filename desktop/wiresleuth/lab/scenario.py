"""Scenarios are data: one TOML file each, naming servers, faults, the client and expectations.

Shipped scenarios live in ``wiresleuth/lab/scenarios/`` (package data); any other file can
be given by path. Every mistake in a file is reported with the file and the key. See
docs/lab.md for the format.
"""

from __future__ import annotations

import importlib.resources
import ipaddress
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wiresleuth.errors import BadInput, LabError
from wiresleuth.lab import addresses
from wiresleuth.lab.addresses import DOMAIN
from wiresleuth.lab.expect import Expectations
from wiresleuth.lab.faults import PRIMITIVES, Fault
from wiresleuth.lab.faults.base import check_address, check_choice, check_port, check_range
from wiresleuth.lab.params import ParamError, from_table
from wiresleuth.lab.pki import CA_KINDS
from wiresleuth.model.target import Target

OS_SETTINGS = ("gnome", "kde", "environment")
"""Mechanisms through which a scenario sets the client's OS proxy configuration."""
_TOP_KEYS = (
    "description", "routers", "server", "fault", "client", "expect", "expect_no_capture",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class ServerSpec:
    """A web server in the ``internet`` namespace, with its DNS name."""

    name: str
    """DNS name under lab.test; also the certificate's name."""
    address: str
    """Address inside 100.64.1.0/24 (added to the internet namespace)."""
    tls_port: int = 443
    """HTTPS port (0: none)."""
    http_port: int = 80
    """Plain HTTP port (0: none)."""
    ca: str = "public"
    """Which lab root signs the certificate: public or inspection."""
    dscp: int = 0
    """DSCP set on every packet the server sends (46: EF)."""
    large_chain: bool = False
    """Intermediates and many SANs: a first flight of several full-size segments."""
    reset_after: float | None = None
    """Read the ClientHello, wait this many seconds, then reset (no TLS at all)."""

    def __post_init__(self) -> None:
        if not self.name.endswith(f".{DOMAIN}"):
            raise ParamError("name", f"must end with .{DOMAIN}; got {self.name!r}")
        check_address("address", self.address)
        if ipaddress.ip_address(self.address) not in ipaddress.ip_network(addresses.SERVER_NET):
            raise ParamError("address", f"must be inside {addresses.SERVER_NET}")
        for key, port in (("tls_port", self.tls_port), ("http_port", self.http_port)):
            if port:
                check_port(key, port)
        if not (self.tls_port or self.http_port):
            raise ParamError("tls_port", "a server needs tls_port or http_port")
        check_choice("ca", self.ca, CA_KINDS)
        check_range("dscp", self.dscp, 0, 63)
        if self.reset_after is not None:
            check_range("reset_after", self.reset_after, 0, 60)


@dataclass(frozen=True, kw_only=True)
class Budgets:
    """Seconds the program may spend (written into the client's profile)."""

    run: float = 60.0
    """Whole run."""
    connect: float = 3.0
    """One TCP connect."""
    tls_handshake: float = 6.0
    """One TLS handshake."""
    tunnel_hold: float | None = None
    """How long the proxy-path wizard holds tunnels open (None: the profile default)."""

    def __post_init__(self) -> None:
        check_range("run", self.run, 1, 600)
        check_range("connect", self.connect, 0.1, 60)
        check_range("tls_handshake", self.tls_handshake, 0.1, 120)
        if self.tunnel_hold is not None:
            check_range("tunnel_hold", self.tunnel_hold, 1, 600)


@dataclass(frozen=True, kw_only=True)
class ClientSpec:
    """How the program under test is run in ``client``."""

    targets: tuple[str, ...]
    """URLs or host:port; hosts must be lab names or lab addresses."""
    budgets: Budgets = field(default_factory=Budgets)
    """Time budgets for the profile."""
    proxy: str | None = None
    """The profile's explicit proxy ``host:port`` (the lab's Squid is 198.18.2.10:3128)."""
    path_proof: tuple[str, ...] = ()
    """``host:port`` endpoints where a ``path_listener`` runs (profile ``path_proof``)."""
    proxy_user: str | None = None
    """Runs the program with ``--proxy-user`` and types ``proxy_password`` at its prompt."""
    proxy_password: str | None = None
    """A lab password typed at the prompt through a terminal, as a user would."""
    pac_url: str | None = None
    """The profile's PAC URL (``http://pac.lab.test/proxy.pac``)."""
    must_refuse: tuple[str, ...] = ()
    """``host:port`` endpoints the profile says must refuse connections (C3)."""
    os_settings: str | None = None
    """Where the client's OS proxy configuration is set, through the real mechanism the
    program reads: ``gnome`` (GSettings keyfile in the run's XDG_CONFIG_HOME, desktop GNOME),
    ``kde`` (kioslaverc there, desktop KDE) or ``environment`` (``*_proxy`` variables)."""
    os_proxy: str | None = None
    """The OS settings' fixed proxy ``host:port``."""
    os_pac_url: str | None = None
    """The OS settings' PAC URL (instead of a fixed proxy)."""
    os_bypass: tuple[str, ...] = ()
    """The OS settings' bypass list (GNOME ignore-hosts, KDE NoProxyFor, no_proxy)."""
    default_route: bool = True
    """False: the client has no default route (offline: unplugged uplink, Wi-Fi without
    DHCP); removed just before the program runs, after the lab was checked up."""
    watch_every: float | None = None
    """Run ``wiresleuth watch --every`` this many seconds instead of ``wiresleuth run``."""
    watch_for: float | None = None
    """The watch's ``--for`` in seconds (with ``watch_every``; kept short: a lab test)."""

    @property
    def program_seconds(self) -> float:
        """How long the program may take before the lab gives up on it (less the grace): a
        run's budget; a watch's duration, plus a full diagnosis started in its last slot."""
        if self.watch_for is None:
            return self.budgets.run
        return self.watch_for + 2 * self.budgets.run

    def __post_init__(self) -> None:
        if (self.watch_every is None) != (self.watch_for is None):
            raise ParamError("watch_every", "give watch_every and watch_for together")
        if self.watch_every is not None and self.watch_for is not None:
            check_range("watch_every", self.watch_every, 5, 600)
            check_range("watch_for", self.watch_for, self.watch_every, 600)
        if not self.targets:
            raise ParamError("targets", "give at least one target")
        if self.os_settings is not None:
            check_choice("os_settings", self.os_settings, OS_SETTINGS)
            if (self.os_proxy is None) == (self.os_pac_url is None):
                raise ParamError("os_settings", "give exactly one of os_proxy and os_pac_url")
        elif self.os_proxy or self.os_pac_url or self.os_bypass:
            raise ParamError("os_proxy", f"say where with os_settings ({', '.join(OS_SETTINGS)})")
        if self.os_proxy is not None:
            host, _, port = self.os_proxy.rpartition(":")
            if not port.isdigit() or not host:
                raise ParamError("os_proxy", f'expected "host:port", got {self.os_proxy!r}')
        if (self.proxy_user is None) != (self.proxy_password is None):
            raise ParamError("proxy_user", "give proxy_user and proxy_password together")
        if self.proxy is not None:
            host, _, port = self.proxy.rpartition(":")
            if not port.isdigit():
                raise ParamError("proxy", f'expected "host:port", got {self.proxy!r}')
            if not host.endswith(f".{DOMAIN}"):
                check_address("proxy", host)
        for text in self.path_proof:
            try:
                Target.parse(text)
            except BadInput as exc:
                raise ParamError("path_proof", str(exc)) from exc
        for text in self.targets:
            try:
                target = Target.parse(text)
            except BadInput as exc:
                raise ParamError("targets", str(exc)) from exc
            if target.host.endswith(f".{DOMAIN}"):
                continue
            try:
                ipaddress.ip_address(target.host)
            except ValueError:
                raise ParamError(
                    "targets", f"{target.host}: use a name under .{DOMAIN} or a lab address"
                ) from None
            check_address("targets", target.host, loopback_ok=True)


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """One scenario, loaded and checked."""

    name: str
    """File stem (``C1``, ``baseline``...)."""
    description: str
    """One line for ``lab list``."""
    source: str
    """Where it was read from (for messages)."""
    servers: tuple[ServerSpec, ...] = ()
    """Web servers in ``internet``."""
    faults: tuple[Fault, ...] = ()
    """Fault primitives, applied in order after the base lab is up."""
    client: ClientSpec
    """The program's targets and budgets."""
    expect: Expectations
    """What a run with capture rights must report."""
    expect_no_capture: Expectations | None = None
    """What a run without capture rights must report (None: not checked that way)."""
    routers: int = 1
    """Routers between client and internet: 1 (``router``) or 2 (``router`` then ``wan``,
    so that a middlebox can sit on hop 1 or hop 2)."""


def _table(raw: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise LabError(f"{where}: [{key}] must be a table")
    return value


def _tables(raw: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise LabError(f"{where}: {key} must be written as [[{key}]] tables")
    return value


def _fault(table: Mapping[str, Any], where: str) -> Fault:
    kind = table.get("kind")
    if not isinstance(kind, str):
        raise LabError(f"{where}: key 'kind' missing; one of: {', '.join(PRIMITIVES)}")
    cls = PRIMITIVES.get(kind)
    if cls is None:
        raise LabError(
            f"{where}: key 'kind': unknown primitive {kind!r}; known: {', '.join(PRIMITIVES)}"
        )
    params = {k: v for k, v in table.items() if k != "kind"}
    return from_table(cls, params, where=f"{where} (kind = {kind!r})")


def parse_scenario(text: str, *, name: str, source: str) -> Scenario:
    """A scenario from TOML text; LabError naming ``source`` and the key on any mistake."""
    try:
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:  # too deep, too long
        raise LabError(f"{source}: not valid TOML: {exc}") from exc
    for key in raw:
        if key not in _TOP_KEYS:
            raise LabError(f"{source}: unknown key {key!r}; known keys: {', '.join(_TOP_KEYS)}")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise LabError(f"{source}: key 'description' missing (one line for `lab list`)")
    routers = raw.get("routers", 1)
    if isinstance(routers, bool) or routers not in (1, 2):
        raise LabError(f"{source}: key 'routers': must be 1 or 2; got {routers!r}")
    servers = tuple(
        from_table(ServerSpec, table, where=f"{source}: [[server]] #{n}")
        for n, table in enumerate(_tables(raw, "server", source), 1)
    )
    _check_unique(servers, source)
    faults = tuple(
        _fault(table, f"{source}: [[fault]] #{n}")
        for n, table in enumerate(_tables(raw, "fault", source), 1)
    )
    for n, fault in enumerate(faults, 1):
        hop = getattr(fault, "hop", 1)
        if hop > routers:
            raise LabError(
                f"{source}: [[fault]] #{n}: key 'hop': hop {hop} needs routers = {hop} "
                f"(the scenario has {routers})"
            )
    if "client" not in raw:
        raise LabError(f"{source}: [client] missing (targets = [...])")
    client = from_table(ClientSpec, _table(raw, "client", source), where=f"{source}: [client]")
    expect = from_table(Expectations, _table(raw, "expect", source), where=f"{source}: [expect]")
    no_capture = None
    if "expect_no_capture" in raw:
        no_capture = from_table(
            Expectations,
            _table(raw, "expect_no_capture", source),
            where=f"{source}: [expect_no_capture]",
        )
    return Scenario(
        name=name,
        description=description.strip().splitlines()[0],
        source=source,
        servers=servers,
        faults=faults,
        client=client,
        expect=expect,
        expect_no_capture=no_capture,
        routers=routers,
    )


def _check_unique(servers: tuple[ServerSpec, ...], source: str) -> None:
    """Every server has its own address; servers may share a name (one name, several
    addresses: a load balancer's members), if they share its ports too."""
    seen: dict[str, int] = {}
    named: dict[str, int] = {}
    for n, server in enumerate(servers, 1):
        if server.address in seen:
            raise LabError(
                f"{source}: [[server]] #{n}: {server.address} already used by [[server]] "
                f"#{seen[server.address]}"
            )
        seen[server.address] = n
        first = named.setdefault(server.name, n)
        other = servers[first - 1]
        if (other.tls_port, other.http_port) != (server.tls_port, server.http_port):
            raise LabError(
                f"{source}: [[server]] #{n}: {server.name} is also [[server]] #{first}, with "
                "other ports; servers that share a name must share its ports"
            )


def _shipped() -> dict[str, Any]:
    folder = importlib.resources.files("wiresleuth.lab").joinpath("scenarios")
    return {
        item.name.removesuffix(".toml"): item
        for item in folder.iterdir()
        if item.name.endswith(".toml")
    }


def shipped_names() -> list[str]:
    """Names of the scenarios shipped with the package, sorted (baseline first)."""
    return sorted(_shipped(), key=lambda n: (n != "baseline", n))


def load_scenario(ref: str | Path) -> Scenario:
    """A shipped scenario by name (``C1``) or any scenario file by path."""
    shipped = _shipped()
    text_ref = str(ref)
    match = {n.lower(): n for n in shipped}.get(text_ref.lower())
    if isinstance(ref, str) and match is not None:
        item = shipped[match]
        return parse_scenario(item.read_text(encoding="utf-8"), name=match, source=f"{match}.toml")
    path = Path(ref)
    if not path.is_file():
        known = ", ".join(shipped_names())
        raise LabError(f"no scenario {text_ref!r}: not a file, nor one of: {known}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabError(f"{path}: cannot read: {exc}") from exc
    return parse_scenario(text, name=path.stem, source=str(path))


def list_scenarios() -> list[tuple[str, str]]:
    """(name, description) of every shipped scenario."""
    return [(name, load_scenario(name).description) for name in shipped_names()]
