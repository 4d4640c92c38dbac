"""Route wizard: which way each target really goes, computed once for every measuring wizard.

It runs after the PAC wizard (whose sandboxed evaluation decides for PAC users, whichever
source named the PAC) and reads the same OS configuration that wizard read. The TLS, proxy,
MTU and hold wizards need it: they test this route first and direct only as a comparison.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import platform
import time

from wiresleuth.analysis.proxy_routes import routes_from_pac
from wiresleuth.analysis.route_decision import pac_summary, route_for
from wiresleuth.model.pac_observations import PacWizardObservations
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.proxy_config import ProxyConfiguration
from wiresleuth.model.route import RouteObservations
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.base import Progress, Wizard, WizardInput
from wiresleuth.wizards.loading import When, load
from wiresleuth.wizards.proxy_settings_read import proxy_configuration
from wiresleuth.wizards.route_input import Lookups, known_proxies, split_proxy

log = logging.getLogger(__name__)


def _pac_may_decide(profile: Profile, static: ProxyConfiguration | None) -> bool:
    """Whether a PAC may decide a route: the profile's, or one a proxy setting names or
    finds (WPAD); settings that could not be read may name one too."""
    if profile.pac_url or static is None:
        return True
    return any(s.pac_url or s.auto_detect for s in static.sources)


class RouteWizard(Wizard):
    """Which route does each site take: which proxy or direct, decided by which setting?"""

    id = "route"
    observation_type = RouteObservations
    needs = ("pac",)
    needs_early = ("pac",)  # its configuration, fetch and script: not its path round trip
    title = "The route each site takes"
    description = (
        "Works out, from the same settings your applications use (helpdesk profile, system "
        "policy, system proxy settings, PAC file, environment), whether each site goes through "
        "a proxy or directly, so that every check tests that route."
    )

    def __init__(self) -> None:
        self._static: ProxyConfiguration | None = None
        self._proxies: dict[str, str | None] | None = None
        self._parser: concurrent.futures.Future[object] | None = None

    def prepare(self, profile: Profile) -> None:
        with Lookups() as lookups:
            # the profile's proxy leaves before this computer's settings are read (0.03 s)
            lookups.ask(split_proxy(p)[0] for p in known_proxies(profile, None))
            self._static, _ = proxy_configuration()
            proxies = known_proxies(profile, self._static)
            lookups.ask(split_proxy(p)[0] for p in proxies)
            found = lookups.answers()
        self._proxies = {p: found[split_proxy(p)[0]] for p in proxies}
        if _pac_may_decide(profile, self._static):
            # The PAC's answer is read with pypac's parser (with requests, 0.04-0.09 s to
            # load): loaded in the background now, not on the event loop once the PAC's answer
            # is in and every check of the route waits for this wizard; nor here, where
            # capture (which waits for every wizard's set-up) would wait for it.
            self._parser = load(lambda: routes_from_pac("DIRECT"), When.ANSWERS)

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        if self._proxies is None:
            self.prepare(given.profile)
        assert self._proxies is not None
        flows: list[FlowSpec] = []
        for proxy, address in self._proxies.items():
            port = split_proxy(proxy)[1]
            if address is not None:
                flows += [
                    FlowSpec(address=address, proto="tcp", port=port),
                    FlowSpec(address=address, proto="icmp"),
                ]
        return flows

    def steps(self, given: WizardInput) -> int:
        return 1

    async def run(self, given: WizardInput, progress: Progress) -> RouteObservations:
        from wiresleuth.probes.resolve import resolve

        notes: list[str] = []
        pac_obs = given.earlier_observations("pac", PacWizardObservations)
        configuration: ProxyConfiguration | None = (
            pac_obs.configuration if pac_obs is not None else None
        )
        if configuration is None:
            error = pac_obs.configuration_error if pac_obs is not None else None
            if pac_obs is None:
                loop = asyncio.get_running_loop()
                configuration, error = await loop.run_in_executor(None, proxy_configuration)
                notes.append("the PAC wizard did not run: a PAC, if any, was not evaluated")
            if error:
                notes.append(f"this computer's proxy settings could not be read: {error}")
        answered = pac_obs is not None and pac_obs.evaluation is not None
        if answered and self._parser is not None and not self._parser.done():
            # only when the script gave answers to read; waited, not awaited: a failure to
            # load shows where the parser is used
            await asyncio.wait({asyncio.wrap_future(self._parser)})
        pac = pac_summary(pac_obs)
        routes = tuple(
            route_for(
                target,
                profile_proxy=given.profile.proxy,
                profile_pac_url=given.profile.pac_url,
                configuration=configuration,
                pac=pac,
            )
            for target in given.targets
        )
        proxies = list(
            dict.fromkeys(c.proxy for r in routes for c in r.candidates if c.proxy is not None)
        )
        found = await asyncio.gather(
            *(resolve(split_proxy(p)[0], timeout=given.profile.budgets.connect) for p in proxies)
        )
        addresses = {p: f.addresses[0] for p, f in zip(proxies, found, strict=True) if f.addresses}
        errors = {
            p: f.error or "no address"
            for p, f in zip(proxies, found, strict=True)
            if not f.addresses
        }
        for route in routes:
            log.info("route %s: %s (%s)", route.target, route.label, route.origin)
            progress.socket_event(
                route.target, f"route: {route.shown}", time.time(), route.reason, lane="route"
            )
        progress.step(
            "; ".join(f"{r.target}: {r.shown}" for r in routes[:3])
            + (f" and {len(routes) - 3} more" if len(routes) > 3 else "")
            if routes
            else "no target"
        )
        return RouteObservations(
            routes=routes,
            system=platform.system(),
            settings_source=configuration.winner if configuration is not None else None,
            pac_url=pac["url"] if pac else None,
            pac_origin=pac["origin"] if pac else None,
            pac_outcome=pac["outcome"] if pac else None,
            proxy_addresses=addresses,
            proxy_errors=errors,
            notes=tuple(notes),
        )
