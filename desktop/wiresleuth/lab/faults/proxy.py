"""The lab proxy's scenario settings: authentication, tunnel lifetime, CONNECT ports, exemptions.

Restarts the lab's Squid with these settings (cases C2 and C5); a lifetime starts the tunnel
reaper beside it (Squid's own ``client_lifetime`` is reset by traffic on a tunnel, so it
cannot cut a busy one). Users are ``name:password``
pairs written into the scenario (lab passwords, nothing real); Squid gets their ``$apr1$``
hashes. ``ntlm`` uses Squid's ``ntlm_fake_auth``, which accepts any NTLM credentials.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.addresses import PROXY_PORT
from wiresleuth.lab.faults.base import Fault, LabControl, check_choice, check_port, check_range
from wiresleuth.lab.params import ParamError
from wiresleuth.lab.squid import AUTH_HELPERS, PROCESS, SquidOptions, apr1_hash


def _host_port(key: str, value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ParamError(key, f'expected "host:port", got {value!r}')
    check_port(key, int(port))
    return host, int(port)


@dataclass(frozen=True, kw_only=True)
class ProxySettings(Fault):
    """Restart the lab proxy with authentication, a lifetime, CONNECT ports and exemptions."""

    kind = "proxy"
    summary = "lab Squid with auth (basic/ntlm), tunnel lifetime, CONNECT ports, auth exemptions, SSL inspection"

    auth: tuple[str, ...] = ()
    """Schemes required, in the order offered: ``ntlm``, ``basic``."""
    users: tuple[str, ...] = ()
    """Basic users as ``name:password``."""
    connect_ports: tuple[int, ...] = (443,)
    """Ports CONNECT may reach."""
    lifetime: float = 0.0
    """Seconds after set-up at which the proxy closes each tunnel, busy or not (0: never)."""
    exempt: tuple[str, ...] = ()
    """``host:port`` CONNECT targets allowed without authentication (whatever the ports)."""
    inspect: bool = False
    """SSL inspection: the proxy bumps every CONNECT and re-signs with the lab's inspection
    CA (in the client's OS trust store, not in its public bundle), as corporate proxies do."""

    def __post_init__(self) -> None:
        for n, scheme in enumerate(self.auth):
            check_choice(f"auth[{n}]", scheme, tuple(AUTH_HELPERS))
        for n, user in enumerate(self.users):
            name, sep, password = user.partition(":")
            if not sep or not name or not password:
                raise ParamError(f"users[{n}]", f'expected "name:password", got {user!r}')
        if self.users and "basic" not in self.auth:
            raise ParamError("users", 'users need auth = ["basic"]')
        for n, port in enumerate(self.connect_ports):
            check_port(f"connect_ports[{n}]", port)
        if self.lifetime:
            check_range("lifetime", self.lifetime, 1, 3600)
        for n, item in enumerate(self.exempt):
            _host_port(f"exempt[{n}]", item)

    def options(self) -> SquidOptions:
        """The Squid settings (hashing the passwords)."""
        users = tuple(
            (name, apr1_hash(password))
            for name, _, password in (u.partition(":") for u in self.users)
        )
        return SquidOptions(
            auth=self.auth,
            users=users,
            connect_ports=self.connect_ports,
            exempt=tuple(_host_port("exempt", e) for e in self.exempt),
            inspect=self.inspect,
        )

    def apply(self, lab: LabControl) -> None:
        lab.restart_proxy(self.options())
        if self.lifetime:
            argv = [
                sys.executable, "-m", "wiresleuth.lab.servers.tunnel_reaper",
                "--lifetime", str(self.lifetime), "--proxy-port", str(PROXY_PORT),
            ]  # fmt: skip
            lab.start_process(f"{PROCESS}-tunnel-reaper", "proxy", argv)

    def describe(self) -> str:
        parts = [f"auth {'+'.join(self.auth)}" if self.auth else "no auth"]
        parts.append(f"CONNECT ports {','.join(map(str, self.connect_ports))}")
        if self.lifetime:
            parts.append(f"connections closed after {self.lifetime:g} s")
        if self.exempt:
            parts.append(f"exempt from auth: {', '.join(self.exempt)}")
        if self.inspect:
            parts.append("SSL inspection (ssl-bump, lab inspection CA)")
        return "proxy: " + "; ".join(parts)
