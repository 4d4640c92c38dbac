"""PAC wizard: where the proxy configuration comes from, and what its PAC really does.

Order of work: the proxy sources of this computer (and the profile's PAC URL, which wins
for the test); WPAD discovery when automatic detection is on; the PAC host's DNS answer and
TTL with a resolver-rewriting test; the fetch, timed at the socket and seen on the wire; the
script run in a sandboxed child process for every target. Nothing touches the network when
no PAC is configured anywhere.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from wiresleuth.analysis.http_response import parse_head
from wiresleuth.analysis.pac_classify import (
    BROWSER_PAC_MAX_BYTES,
    address_kind,
    classify_fetch,
)
from wiresleuth.analysis.wpad_candidates import wpad_candidates
from wiresleuth.model.pac_observations import (
    DnsAnswerObservation,
    HttpExchangeObservation,
    ListenerObservation,
    PacEvaluationObservation,
    PacWizardObservations,
    WpadCandidateObservation,
)
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.proxy_config import ProxyConfiguration
from wiresleuth.probes import lookups_ahead
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.base import Progress, Wizard, WizardInput, waited
from wiresleuth.wizards.loading import When, load
from wiresleuth.wizards.proxy_settings_read import proxy_configuration
from wiresleuth.wizards.route_input import is_address

if TYPE_CHECKING:
    from wiresleuth.probes.pac_sandbox import Prestarted

log = logging.getLogger(__name__)

REWRITE_TESTS = 2
"""Random names asked to detect NXDOMAIN rewriting."""
PLAN_DNS_TIMEOUT = 2.0
"""Seconds the pre-capture lookup of the PAC host may take (it only sizes the capture)."""
_STEPS = 4


@dataclass(kw_only=True)
class _Plan:
    """Decided before capture starts: which PAC URL, and which addresses to capture."""

    configuration: ProxyConfiguration | None = None
    configuration_error: str | None = None
    pac_url: str | None = None
    pac_source: str | None = None
    addresses: tuple[str, ...] = ()
    system_addresses: tuple[str, ...] = ()
    """What the system resolver answered for the PAC host then: the fetch goes there at once."""
    nameservers: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


def _host_port(url: str) -> tuple[str | None, int | None, str]:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port or default
    except ValueError:
        port = default
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, port, path


class PacWizard(Wizard):
    """Does the PAC load fast, from the right server, and decide sensibly for each site?"""

    id = "pac"
    per_target = False
    observation_type = PacWizardObservations
    title = "Proxy auto-configuration (PAC), its server and its name"
    description = (
        "Finds where this computer's proxy settings come from, fetches the proxy "
        "auto-configuration file the way a browser does, checks who answers and how fast, "
        "and runs the script safely for each site."
    )

    def __init__(self) -> None:
        self._plan: _Plan | None = None

    # -- planning (before capture) --------------------------------------------------------

    def prepare(self, profile: Profile) -> None:
        # The evaluator's module loads in the loading thread: imported as the check started,
        # it held the interpreter 8-10 ms beside the fetch; here, where capture waits for
        # this set-up, 10 ms more when the names answer at once.
        load(_load_evaluator_module, When.PROBES)
        self._planned_for(profile)

    def _planned(self, given: WizardInput) -> _Plan:
        return self._planned_for(given.profile)

    def _planned_for(self, profile: Profile) -> _Plan:
        if self._plan is not None:
            return self._plan
        plan = _Plan()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            # A PAC the profile names is looked up at once, beside the reading of this
            # computer's settings (0.03-0.06 s, mostly loading the readers): capture, and
            # with it the fetch, waits for these lookups.
            named = _lookup_host(profile.pac_url)
            early = _quick_lookup(pool, named) if named else None
            plan.configuration, plan.configuration_error = proxy_configuration()
            if profile.pac_url:
                plan.pac_url, plan.pac_source = profile.pac_url, "profile"
            elif plan.configuration is not None and plan.configuration.winning is not None:
                winning = plan.configuration.winning
                if winning.pac_url:
                    plan.pac_url, plan.pac_source = winning.pac_url, f"system:{winning.name}"
            if plan.pac_url and urlsplit(plan.pac_url).scheme in ("http", "https"):
                host, _port, _path = _host_port(plan.pac_url)
                if host and is_address(host):
                    plan.addresses = (host,)
                elif host:
                    asked = early if early and host == named else _quick_lookup(pool, host)
                    plan.addresses = _quick_answers(host, plan, *asked)
                from wiresleuth.probes.dns_lookup import system_nameservers

                plan.nameservers = system_nameservers()
        self._plan = plan
        return plan

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        plan = self._planned(given)
        if plan.pac_url is None:
            return []
        _host, port, _path = _host_port(plan.pac_url)
        flows: list[FlowSpec] = []
        for address in plan.addresses:
            flows += [
                FlowSpec(address=address, proto="tcp", port=port),
                FlowSpec(address=address, proto="icmp"),
            ]
        flows += [FlowSpec(address=ns, proto="udp", port=53) for ns in plan.nameservers]
        return flows

    def steps(self, given: WizardInput) -> int:
        return _STEPS

    # -- the run --------------------------------------------------------------------------

    async def run(self, given: WizardInput, progress: Progress) -> PacWizardObservations:
        loop = asyncio.get_running_loop()
        plan = await loop.run_in_executor(None, self._planned, given)
        config = plan.configuration
        wpad: tuple[WpadCandidateObservation, ...] = ()
        pac_url, pac_source = plan.pac_url, plan.pac_source
        if pac_url is None and config is not None and config.mode == "auto_detect":
            wpad = await _discover(given)
            found = next((c for c in wpad if c.outcome == "found"), None)
            if found is not None:
                pac_url, pac_source = found.url, "wpad"
        progress.step(f"proxy configuration: {config.mode if config else 'unreadable'}")
        base = PacWizardObservations(
            configuration=config,
            configuration_error=plan.configuration_error,
            profile_pac_url=given.profile.pac_url,
            pac_url=pac_url,
            pac_source=pac_source,
            wpad=wpad,
            targets=tuple(t.url for t in given.targets),
        )
        if pac_url is None:
            for message in ("DNS: no PAC", "fetch: no PAC", "script: no PAC"):
                progress.step(message)
            return base
        if urlsplit(pac_url).scheme == "file":
            return await self._file_pac(base, pac_url, given, progress)
        return await self._http_pac(base, pac_url, given, progress)

    async def _file_pac(
        self, base: PacWizardObservations, url: str, given: WizardInput, progress: Progress
    ) -> PacWizardObservations:
        from dataclasses import replace

        progress.step("DNS: file PAC, no name to look up")
        path = Path(unquote(urlsplit(url).path))
        loop = asyncio.get_running_loop()
        try:
            raw = await loop.run_in_executor(None, _read_limited, path)
        except OSError as exc:
            progress.step("fetch: the PAC file cannot be read")
            progress.step("script: not evaluated")
            return replace(base, file_error=exc.strerror or str(exc))
        progress.step(f"fetch: read {len(raw)} bytes from {path}")
        evaluation = await _evaluate(raw.decode("utf-8", errors="replace"), given, None)
        progress.step(f"script: {evaluation.outcome}")
        return replace(base, script_bytes=len(raw), evaluation=evaluation)

    async def _http_pac(
        self, base: PacWizardObservations, url: str, given: WizardInput, progress: Progress
    ) -> PacWizardObservations:
        # The evaluator starts now and loads its libraries while the PAC is looked up and
        # fetched: the route, and every wizard that tests it, wait for its answer. Started in
        # a thread (its module loaded there too), not awaited here: the fetch waited 0.01-0.03
        # s for the child's spawn.
        evaluator = asyncio.get_running_loop().run_in_executor(None, _prestarted)
        # The path's round trip (a wave of three echoes) starts now too, to the
        # address looked up before capture started: it then ends with the fetch, not a round
        # trip after it (measured again if the wizard's own lookup gives another address).
        _host, port, _path = _host_port(url)
        planned = self._plan.addresses[0] if self._plan and self._plan.addresses else None
        early = None
        if planned is not None and port is not None:
            early = (planned, _path_rtt_task(planned, port, "", given))
        try:
            return await self._fetch_and_run(base, url, given, progress, evaluator, early)
        finally:
            evaluator.add_done_callback(_close_evaluator)
            if early is not None and early[1] is not None:
                early[1].cancel()

    async def _fetch_and_run(
        self,
        base: PacWizardObservations,
        url: str,
        given: WizardInput,
        progress: Progress,
        evaluator: asyncio.Future[Prestarted],
        early: tuple[str, asyncio.Task[Any] | None] | None,
    ) -> PacWizardObservations:
        from dataclasses import replace

        from wiresleuth.probes.dns_lookup import dns_query, random_label
        from wiresleuth.probes.resolve import resolve

        budgets = given.profile.budgets
        host, port, _path = _host_port(url)
        assert host is not None and port is not None
        obs = replace(base, host=host, port=port, must_refuse=_must_refuse(given, host, port))
        dns: DnsAnswerObservation | None = None
        rewrite: tuple[DnsAnswerObservation, ...] = ()
        address: str | None = host if is_address(host) else None
        fetching: asyncio.Task[PacWizardObservations] | None = None
        sent: asyncio.Task[HttpExchangeObservation] | None = None
        try:
            if address is None:
                # The system resolver answered for this host a moment ago (before capture
                # started): the fetch goes to that address at once, as a browser uses the
                # answer it holds, while the lookup is measured again on the wire beside it.
                # Its request is the first task made, so it leaves before the DNS queries'.
                planned = self._plan.system_addresses if self._plan else ()
                if planned and self._plan is not None and self._plan.pac_url == url:
                    sent = _fetch_task(url, planned[0], given, progress)
                    fetching = asyncio.create_task(
                        self._fetch_part(
                            obs, url, planned[0], given, progress, evaluator, early, sent
                        )
                    )
                parent = host.split(".", 1)[1] if host.count(".") >= 2 else host
                names = [f"{random_label()}.{parent}" for _ in range(REWRITE_TESTS)]
                rewrite_task = asyncio.gather(
                    *(dns_query(n, timeout=budgets.connect) for n in names)
                )
                answer, system = await waited(
                    progress, f"DNS: {host}", budgets.connect,
                    asyncio.gather(
                        dns_query(host, timeout=budgets.connect),
                        resolve(host, timeout=budgets.connect),
                    ),
                )  # fmt: skip
                rewrite = tuple(
                    await waited(progress, "DNS: random names", budgets.connect, rewrite_task)
                )
                dns = answer
                address = system.addresses[0] if system.addresses else None
                if address is None and answer.addresses:
                    address = answer.addresses[0]
            # What answers at a random name's address does not hold up the fetch.
            rewrites = asyncio.create_task(
                waited(
                    progress, "what answers at a random name's address", 2 * budgets.connect,
                    _probe_rewrites(rewrite, budgets.connect),
                )
            )  # fmt: skip
            try:
                fetched = await (
                    fetching
                    if fetching is not None
                    else self._fetch_part(obs, url, address, given, progress, evaluator, early)
                )
                fetched = replace(fetched, dns=dns, rewrite_tests=rewrite)
                progress.publish(fetched)  # the route needs nothing of what answers there
                return replace(fetched, rewrite_http=await rewrites)
            finally:
                rewrites.cancel()
        finally:
            for task in (fetching, sent):
                if task is not None:
                    task.cancel()

    async def _fetch_part(
        self,
        obs: PacWizardObservations,
        url: str,
        address: str | None,
        given: WizardInput,
        progress: Progress,
        evaluator: asyncio.Future[Prestarted],
        early: tuple[str, asyncio.Task[Any] | None] | None = None,
        sent: asyncio.Task[HttpExchangeObservation] | None = None,
    ) -> PacWizardObservations:
        """The fetch (``sent``: already on its way), what answered it, the script's run."""
        from dataclasses import replace

        host, port, _path = _host_port(url)
        assert host is not None and port is not None
        progress.step(f"DNS: {host} -> {address or 'no address'}")
        if address is None:
            progress.step("fetch: skipped, no address")
            progress.step("script: not evaluated")
            return obs
        from wiresleuth.probes.local_listeners import find_listeners, local_addresses

        # The fetch goes at once; whose address it is (this computer's: then its listeners
        # are looked at) is found beside it, as a browser does not ask before fetching.
        fetching = sent or _fetch_task(url, address, given, progress)
        rtt_task: asyncio.Task[Any] | None = None
        try:
            loop = asyncio.get_running_loop()
            mine = await loop.run_in_executor(None, local_addresses)
            kind = address_kind(address, mine)
            obs = replace(obs, address=address, address_kind=kind)
            listeners: tuple[ListenerObservation, ...] = ()
            if kind in ("loopback", "this_machine"):
                listeners = await _listeners_on(port, find_listeners)
            if early is not None and early[0] == address and kind not in _LOCAL:
                rtt_task = early[1]
            else:
                rtt_task = _path_rtt_task(address, port, kind, given)
            fetch = await fetching
            obs = replace(obs, fetch=fetch, local_listeners=listeners)
            _report(fetch, progress)
            cls = classify_fetch(fetch)
            progress.step(f"fetch: {cls.kind} ({fetch.outcome})")
            head = parse_head(fetch.data)
            if cls.kind != "served" or head is None:
                progress.step("script: not evaluated")
            else:
                script = head.text_body()
                my_ip = fetch.connect.local_address or _first_address(mine)
                # The script runs while the path's round trip is still being measured: it
                # needs the script, not the round trip.
                evaluation = await waited(
                    progress, "running the PAC script in its sandbox", None,
                    _evaluate(script, given, my_ip, evaluator),
                )  # fmt: skip
                progress.step(f"script: {evaluation.outcome}")
                obs = replace(obs, script_bytes=len(head.body), evaluation=evaluation)
            if rtt_task is not None:
                # What the route needs (the fetch and the script's answers) is known: the
                # wizards that test that route need not wait for the path's round trip.
                progress.publish(obs)
                path_rtt = await waited(
                    progress, f"path round trip to {address}", None, rtt_task
                )
                obs = replace(obs, path_rtt=path_rtt)
            return obs
        finally:
            fetching.cancel()  # ended already, unless this wizard is cancelled
            if rtt_task is not None:
                rtt_task.cancel()


# -- helpers --------------------------------------------------------------------------------


def _lookup_host(url: str | None) -> str | None:
    """The name an http(s) PAC URL's host needs looked up (None: none, or an address)."""
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return None
    host, _port, _path = _host_port(url)
    return host if host and not is_address(host) else None


def _system_lookup(host: str) -> tuple[str, ...]:
    """IPv4 addresses of ``host`` from the system resolver (hosts file, loopback answers):
    what browsers use. The run may have asked it as it started (``probes.lookups_ahead``)."""
    try:
        infos = lookups_ahead.answer(host, socket.AF_INET, PLAN_DNS_TIMEOUT)
        if infos is None:
            infos = socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_STREAM)
    except (OSError, UnicodeError, TimeoutError):
        return ()
    return tuple(str(i[4][0]) for i in infos)


_Lookup = concurrent.futures.Future[tuple[str, ...]]


def _quick_lookup(pool: concurrent.futures.Executor, host: str) -> tuple[_Lookup, _Lookup]:
    """The PAC host asked, before capture starts (so capture can include its addresses), of
    the system resolver and of the DNS server at once (each is a round trip)."""
    return pool.submit(_system_lookup, host), pool.submit(_server_lookup, host)


def _server_lookup(host: str) -> tuple[str, ...]:
    """IPv4 addresses of ``host`` from the DNS server (raises what dnspython raises)."""
    import dns.resolver

    answer = dns.resolver.resolve(host + ".", "A", search=False, lifetime=PLAN_DNS_TIMEOUT)
    return tuple(str(item.address) for item in answer)


def _quick_answers(
    host: str, plan: _Plan, by_system: _Lookup, by_server: _Lookup
) -> tuple[str, ...]:
    """Every address the two lookups gave (the DNS server's first); a failure is a note.
    While they are on their way, what the wizard's own queries will need is loaded."""
    import dns.exception

    from wiresleuth.probes.dns_lookup import load_backend

    load_backend()

    try:
        found = by_server.result()
    except (dns.exception.DNSException, OSError) as exc:
        plan.notes.append(f"pre-capture lookup of {host}: {exc}")
        found = ()
    plan.system_addresses = by_system.result()
    return tuple(dict.fromkeys([*found, *plan.system_addresses]))


def _must_refuse(given: WizardInput, host: str, port: int) -> bool:
    return any(t.host == host and t.port == port for t in given.profile.must_refuse)


def _read_limited(path: Path) -> bytes:
    from wiresleuth.probes.pac_file import read_pac_file

    return read_pac_file(path, BROWSER_PAC_MAX_BYTES)


def _first_address(addresses: tuple[str, ...]) -> str:
    for address in addresses:
        if "." in address and not address.startswith("127."):
            return address
    return "127.0.0.1"


def _load_evaluator_module() -> None:
    import wiresleuth.probes.pac_sandbox  # noqa: F401


def _prestarted() -> Prestarted:
    from wiresleuth.probes.pac_sandbox import Prestarted

    return Prestarted()


def _close_evaluator(started: asyncio.Future[Prestarted]) -> None:
    """Stop the evaluator started ahead if no script ran in it (its spawn may end later), in
    a thread: stopping waits for the child to end, in steps of 10 ms."""
    if not started.cancelled() and started.exception() is None:
        asyncio.get_running_loop().run_in_executor(None, started.result().close)


async def _evaluate(
    script: str,
    given: WizardInput,
    my_ip: str | None,
    starting: asyncio.Future[Prestarted] | None = None,
) -> PacEvaluationObservation:
    from wiresleuth.probes.local_listeners import local_addresses
    from wiresleuth.probes.pac_sandbox import evaluate_pac

    if my_ip is None:
        loop = asyncio.get_running_loop()
        my_ip = _first_address(await loop.run_in_executor(None, local_addresses))
    targets = [(t.url, t.host) for t in given.targets]
    # shielded: a cancelled evaluation must not cancel the spawn, whose child is then stopped
    evaluator = await asyncio.shield(starting) if starting is not None else None
    return await evaluate_pac(script, targets, my_ip=my_ip, prestarted=evaluator)


async def _probe_rewrites(
    tests: tuple[DnsAnswerObservation, ...], timeout: float
) -> tuple[HttpExchangeObservation, ...]:
    """``GET /`` at each address a random name got: what answers there."""
    from wiresleuth.probes.http_get import http_get

    addresses = list(dict.fromkeys(a for t in tests if t.rcode == "NOERROR" for a in t.addresses))
    return tuple(
        await asyncio.gather(
            *(
                http_get(
                    f"http://{a}/",
                    a,
                    80,
                    host=a,
                    path="/",
                    connect_timeout=timeout,
                    read_timeout=timeout,
                    size_limit=16384,
                )
                for a in addresses[:2]
            )
        )
    )


async def _listeners_on(port: int, finder: Any) -> tuple[ListenerObservation, ...]:
    from wiresleuth.probes.local_listeners import owner_of

    loop = asyncio.get_running_loop()
    found, _error = await loop.run_in_executor(None, finder, (port,))
    result = []
    for address, listen_port, pid in found:
        owner = await loop.run_in_executor(None, owner_of, pid)
        result.append(ListenerObservation(address=address, port=listen_port, **owner))
    return tuple(result)


_LOCAL = ("loopback", "this_machine")
"""Address kinds of a PAC server on this computer: no path to measure."""


def _path_rtt_task(
    address: str, port: int, kind: str, given: WizardInput
) -> asyncio.Task[Any] | None:
    """The path's round trip to the PAC server, measured beside the fetch (not for a server
    on this computer)."""
    from wiresleuth.probes.path_rtt import measure_path_rtt

    if kind in _LOCAL or ipaddress.ip_address(address).is_loopback:
        return None
    return asyncio.create_task(
        measure_path_rtt(address, avoid_port=port, timeout=given.profile.budgets.icmp)
    )


def _fetch_task(
    url: str, address: str, given: WizardInput, progress: Progress
) -> asyncio.Task[HttpExchangeObservation]:
    """The PAC's fetch from ``address``, started (a wait of the wizard)."""
    budgets = given.profile.budgets
    host, port, path = _host_port(url)
    assert host is not None and port is not None
    return asyncio.create_task(
        waited(
            progress, f"fetching {url}", budgets.connect + budgets.tls_handshake,
            _fetch(url, address, port, host, path, given),
        )
    )  # fmt: skip


async def _fetch(
    url: str, address: str, port: int, host: str, path: str, given: WizardInput
) -> HttpExchangeObservation:
    from wiresleuth.probes.http_get import http_get
    from wiresleuth.probes.tls_contexts import os_trust_context

    budgets = given.profile.budgets
    return await http_get(
        url,
        address,
        port,
        host=host if port in (80, 443) else f"{host}:{port}",
        path=path,
        connect_timeout=budgets.connect,
        read_timeout=budgets.tls_handshake,
        size_limit=BROWSER_PAC_MAX_BYTES + 1,
        tls=os_trust_context() if urlsplit(url).scheme == "https" else None,
    )


def _report(fetch: HttpExchangeObservation, progress: Progress) -> None:
    target = f"{fetch.address}:{fetch.connect.port}"
    progress.socket_event(target, "connect", fetch.connect.started_at, "PAC fetch")
    if fetch.connect.connected_at is not None:
        progress.socket_event(target, "established", fetch.connect.connected_at, "PAC fetch")
    if fetch.first_byte_at is not None:
        progress.socket_event(target, "first-byte", fetch.first_byte_at, "PAC fetch")
    if fetch.outcome != "answered":
        progress.socket_event(
            target, fetch.outcome, fetch.ended_at, fetch.error or "", lane="PAC fetch"
        )
    progress.socket_event(target, "closed", fetch.ended_at, "PAC fetch", lane="PAC fetch")


async def _discover(given: WizardInput) -> tuple[WpadCandidateObservation, ...]:
    """Try each WPAD candidate in order until one serves a PAC (DNS, then GET)."""
    from wiresleuth.probes.dns_lookup import dns_query
    from wiresleuth.probes.http_get import http_get

    loop = asyncio.get_running_loop()
    domains = await loop.run_in_executor(None, _search_domains)
    budgets = given.profile.budgets
    found: list[WpadCandidateObservation] = []
    for url in wpad_candidates(domains):
        host, port, path = _host_port(url)
        assert host is not None and port is not None
        answer = await dns_query(host, timeout=budgets.connect)
        if answer.rcode != "NOERROR" or not answer.addresses:
            found.append(
                WpadCandidateObservation(url=url, host=host, dns=answer, outcome="no_such_name")
            )
            continue
        fetch = await http_get(
            url,
            answer.addresses[0],
            port,
            host=host,
            path=path,
            connect_timeout=budgets.connect,
            read_timeout=budgets.tls_handshake,
            size_limit=BROWSER_PAC_MAX_BYTES + 1,
        )
        cls = classify_fetch(fetch)
        outcome = {"served": "found", "http_error": "http_status"}.get(cls.kind, "unreachable")
        found.append(
            WpadCandidateObservation(url=url, host=host, dns=answer, fetch=fetch, outcome=outcome)
        )
        if outcome == "found":
            break
    return tuple(found)


def _search_domains() -> list[str]:
    """The DNS search domains, then this computer's own domain."""
    from wiresleuth.platform.host import current
    from wiresleuth.platform.unavailable import FactUnavailable

    domains: list[str] = []
    try:
        config, _problems = current().dns()
        domains += list(config.search)
    except FactUnavailable as exc:
        log.info("no DNS search domains: %s", exc)
    fqdn = socket.getfqdn()
    if "." in fqdn:
        domains.append(fqdn.split(".", 1)[1])
    return list(dict.fromkeys(domains))
