"""The names the checks' set-up will look up, known from the profile alone: the engine asks
them as the run starts (``probes.lookups_ahead``), beside the targets'."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from wiresleuth.analysis.proxy_routes import host_port
from wiresleuth.probes.lookups_ahead import Name
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.route_input import is_address, split_proxy


def set_up_names(profile: Profile) -> list[Name]:
    """The PAC's host (asked for IPv4 addresses, as the PAC check does), the proxy's, the
    endpoints' of the path proof and of those that must refuse (any family, as the route and
    proxy-path checks do): each once, addresses left out."""
    names: list[Name] = []
    if profile.pac_url and urlsplit(profile.pac_url).scheme in ("http", "https"):
        names.append((urlsplit(profile.pac_url).hostname or "", socket.AF_INET))
    proxy = host_port(profile.proxy) if profile.proxy else None
    hosts = [split_proxy(proxy)[0]] if proxy else []
    hosts += [e.host for e in (*profile.path_proof, *profile.must_refuse)]
    names += [(h, socket.AF_UNSPEC) for h in hosts]
    return [n for n in dict.fromkeys(names) if n[0] and not is_address(n[0])]
