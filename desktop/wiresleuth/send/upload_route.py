"""The route an upload to the helpdesk takes: the one this computer's applications take.

Not a second route computation: the upload address is one more target for
``analysis.route_decision.route_for``, fed from the same sources as the route wizard (the
profile, this computer's proxy settings, and a PAC evaluated in the same sandbox). Only
automatic proxy detection (WPAD) is not run for an upload: the route then says browsers go
direct, as it says whenever a detection found no script.
"""

from __future__ import annotations

import asyncio
import logging

from wiresleuth.analysis.route_decision import route_for
from wiresleuth.model.proxy_config import ProxyConfiguration
from wiresleuth.model.route import TargetRoute
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Profile

log = logging.getLogger(__name__)

PAC_TIMEOUT = 10.0
"""Seconds to fetch and evaluate a PAC for the upload address."""


def _configuration() -> ProxyConfiguration | None:
    from wiresleuth.platform.proxy_settings import read_proxy_configuration

    try:
        return read_proxy_configuration()
    except Exception:  # the OS boundary: the upload then follows the profile, else direct
        log.exception("this computer's proxy settings could not be read for the upload")
        return None


def _pac_url(profile: Profile, configuration: ProxyConfiguration | None) -> tuple[str, str] | None:
    """(PAC URL, origin) as the PAC wizard finds it: the profile's, else the OS's in force."""
    if profile.pac_url:
        return profile.pac_url, "profile"
    winning = configuration.winning if configuration is not None else None
    if winning is not None and winning.pac_url:
        return winning.pac_url, f"system:{winning.name}"
    return None


async def _pac_answer(pac_url: str, target: Target) -> str | None:
    from wiresleuth.probes.pac_decider import SandboxPacDecider

    decider = SandboxPacDecider(connect_timeout=PAC_TIMEOUT / 2, read_timeout=PAC_TIMEOUT)
    try:
        return await asyncio.wait_for(decider.find_proxy(pac_url, target), PAC_TIMEOUT * 2)
    except TimeoutError:
        return None


def upload_route(
    url: str, profile: Profile, *, configuration: ProxyConfiguration | None = None
) -> TargetRoute:
    """The route to ``url`` (an https:// address). Blocking (it may fetch and run a PAC):
    call it from a worker thread, never from one with an event loop running."""
    target = Target.parse(url)
    if configuration is None:
        configuration = _configuration()
    found = _pac_url(profile, configuration)
    pac = None
    if found is not None:
        pac_url, origin = found
        answer = asyncio.run(_pac_answer(pac_url, target))
        pac = {
            "url": pac_url,
            "origin": origin,
            "via_wpad": False,
            "outcome": "ok" if answer else None,
            "decisions": {target.url: answer} if answer else {},
            "problem": None if answer else "it could not be fetched or gave no answer",
        }
    return route_for(
        target,
        profile_proxy=profile.proxy,
        profile_pac_url=profile.pac_url,
        configuration=configuration,
        pac=pac,
    )
