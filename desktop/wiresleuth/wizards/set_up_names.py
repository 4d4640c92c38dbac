"""The names the checks' set-up will look up, known from the profile alone: the engine asks
them as the run starts (``probes.lookups_ahead``), beside the targets'."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from wiresleuth.analysis.proxy_routes import host_port
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.route_input import split_proxy


def set_up_names(profile: Profile) -> list[str]:
    """The PAC's host, the proxy's, the endpoints' of the path proof and of those that must
    refuse: each name once, addresses left out."""
    names: list[str] = []
    if profile.pac_url and urlsplit(profile.pac_url).scheme in ("http", "https"):
        names.append(urlsplit(profile.pac_url).hostname or "")
    proxy = host_port(profile.proxy) if profile.proxy else None
    if proxy:
        names.append(split_proxy(proxy)[0])
    names += [e.host for e in (*profile.path_proof, *profile.must_refuse)]
    return [n for n in dict.fromkeys(names) if n and not _is_address(n)]


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
