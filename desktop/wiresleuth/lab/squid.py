"""The lab's explicit proxy: Squid 5.7 in ``proxy`` on port 3128, no auth in the base lab.

Checked facts of Squid 5.7: ``cache_dir none`` is fatal (leave it out, ``cache deny all``);
``shutdown_lifetime 0`` or SIGTERM takes 30 s; it needs ``visible_hostname`` and a log
directory owned by the ``proxy`` user; it accepts connections about 0.1 s after start.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wiresleuth.errors import LabError
from wiresleuth.lab.addresses import DNS_SERVER, PROXY, PROXY_PORT
from wiresleuth.lab.commands import run
from wiresleuth.lab.names import LabNames
from wiresleuth.lab.netns_socket import tcp_accepting
from wiresleuth.lab.processes import ProcessTable
from wiresleuth.lab.waiting import wait_until

PROCESS = "squid"
START_TIMEOUT = 10.0
SQUID_USER = "proxy"


AUTH_HELPERS = {
    "basic": "/usr/lib/squid/basic_ncsa_auth",
    "ntlm": "/usr/lib/squid/ntlm_fake_auth",
}
"""Squid helpers per scheme; ``ntlm_fake_auth`` accepts any NTLM credentials (a lab stand-in)."""


@dataclass(frozen=True, kw_only=True)
class SquidOptions:
    """Scenario settings of the lab proxy (the ``proxy`` fault primitive sets them)."""

    auth: tuple[str, ...] = ()
    """Schemes required, in the order Squid offers them: ``ntlm``, ``basic``."""
    users: tuple[tuple[str, str], ...] = ()
    """Basic users as (name, ``$apr1$`` hash from ``openssl passwd -apr1``)."""
    connect_ports: tuple[int, ...] = (443,)
    """Ports CONNECT may reach (Squid's SSL_ports)."""
    exempt: tuple[tuple[str, int], ...] = ()
    """(host, port) pairs CONNECT reaches without authentication, whatever SSL_ports says."""
    inspect: bool = False
    """SSL inspection: ssl-bump every CONNECT, re-signing with the lab's inspection CA
    (needs Debian's squid-openssl, built with OpenSSL and security_file_certgen)."""
    inspection_ca: bytes = b""
    """PEM certificate and key of the CA that re-signs (the lab fills it in)."""
    upstream_ca: bytes = b""
    """PEM roots the proxy trusts for the real servers (the lab's public root)."""


def _access_rules(options: SquidOptions, directory: Path) -> str:
    ports = " ".join(str(p) for p in options.connect_ports)
    lines: list[str] = []
    for scheme in options.auth:
        helper = AUTH_HELPERS[scheme]
        argument = f" {directory}/passwd" if scheme == "basic" else ""
        lines += [
            f"auth_param {scheme} program {helper}{argument}",
            f"auth_param {scheme} children 2",
        ]
        if scheme == "basic":
            lines.append("auth_param basic realm wiresleuth lab proxy")
    lines += [
        "acl labnet src 198.18.0.0/15 100.64.0.0/10",
        f"acl SSL_ports port {ports}",
        "acl CONNECT method CONNECT",
    ]
    for number, (host, port) in enumerate(options.exempt, 1):
        lines += [
            f"acl exempt{number}_host dstdomain {host}",
            f"acl exempt{number}_port port {port}",
            f"http_access allow CONNECT exempt{number}_host exempt{number}_port labnet",
        ]
    lines.append("http_access deny CONNECT !SSL_ports")
    if options.auth:
        lines += ["acl authenticated proxy_auth REQUIRED", "http_access deny !authenticated"]
    lines += ["http_access allow labnet", "http_access deny all"]
    return "\n".join(lines)


def squid_conf(
    directory: Path,
    *,
    connect_ports: Sequence[int] = (443,),
    options: SquidOptions | None = None,
) -> str:
    """The squid.conf text of the lab proxy."""
    options = options or SquidOptions(connect_ports=tuple(connect_ports))
    return f"""# wiresleuth lab proxy
http_port {PROXY}:{PROXY_PORT}{_bump_port(directory) if options.inspect else ""}
visible_hostname proxy.lab.test
{_access_rules(options, directory)}{_bump_rules(directory) if options.inspect else ""}
cache deny all
dns_nameservers {DNS_SERVER}
shutdown_lifetime 0 seconds
cache_effective_user {SQUID_USER}
pid_filename {directory}/squid.pid
access_log stdio:{directory}/access.log
cache_log {directory}/cache.log
cache_store_log none
coredump_dir {directory}
logfile_rotate 0
pinger_enable off
"""


CERTGEN = "/usr/lib/squid/security_file_certgen"
"""squid-openssl's helper that mints the re-signed certificates."""


def _bump_port(directory: Path) -> str:
    return (
        f" ssl-bump tls-cert={directory}/inspection-ca.pem generate-host-certificates=on "
        "dynamic_cert_mem_cache_size=4MB"
    )


def _bump_rules(directory: Path) -> str:
    return f"""
sslcrtd_program {CERTGEN} -s {directory}/ssl_db -M 4MB
sslcrtd_children 2
acl step1 at_step SslBump1
ssl_bump peek step1
ssl_bump bump all
tls_outgoing_options cafile={directory}/upstream-ca.pem"""


def _prepare_inspection(directory: Path, options: SquidOptions, user: pwd.struct_passwd) -> None:
    """The re-signing CA, the upstream roots and the certificate database Squid needs."""
    if not Path(CERTGEN).exists():
        raise LabError(
            f"{CERTGEN} missing: SSL inspection needs Debian's squid-openssl "
            "(scripts/apt-packages.txt)"
        )
    ca = directory / "inspection-ca.pem"
    ca.write_bytes(options.inspection_ca)
    os.chmod(ca, 0o600)
    os.chown(ca, user.pw_uid, user.pw_gid)
    upstream = directory / "upstream-ca.pem"
    upstream.write_bytes(options.upstream_ca)
    os.chmod(upstream, 0o644)
    db = directory / "ssl_db"
    if not db.exists():
        run([CERTGEN, "-c", "-s", str(db), "-M", "4MB"])
    for root, dirs, files in os.walk(db):
        for name in (*dirs, *files):
            os.chown(Path(root) / name, user.pw_uid, user.pw_gid)
    os.chown(db, user.pw_uid, user.pw_gid)


def apr1_hash(password: str) -> str:
    """The ``$apr1$`` hash basic_ncsa_auth reads (``openssl passwd -apr1``)."""
    return run(["openssl", "passwd", "-apr1", password]).stdout.strip()


def start_squid(
    names: LabNames,
    table: ProcessTable,
    *,
    connect_ports: Sequence[int] = (443,),
    options: SquidOptions | None = None,
) -> None:
    """Write the config, start Squid in ``proxy`` and wait until it accepts connections."""
    directory = names.state_dir / "squid"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        user = pwd.getpwnam(SQUID_USER)
    except KeyError as exc:
        raise LabError(f"user {SQUID_USER!r} missing: install the Debian squid package") from exc
    os.chown(directory, user.pw_uid, user.pw_gid)
    if options is not None and options.users:
        passwd = directory / "passwd"
        passwd.write_text("".join(f"{user}:{digest}\n" for user, digest in options.users))
        os.chmod(passwd, 0o644)
    if options is not None and options.inspect:
        _prepare_inspection(directory, options, user)
    conf = directory / "squid.conf"
    conf.write_text(squid_conf(directory, connect_ports=connect_ports, options=options))
    os.chmod(conf, 0o644)
    proxy_ns = names.ns("proxy")
    table.spawn(PROCESS, proxy_ns, ["squid", "-N", "-f", str(conf)])

    def accepting() -> bool:
        table.ensure_running(PROCESS)
        return tcp_accepting(proxy_ns, PROXY, PROXY_PORT)

    wait_until(accepting, what="Squid", timeout=START_TIMEOUT, interval=0.1)


def restart_squid(names: LabNames, table: ProcessTable, options: SquidOptions) -> None:
    """Stop the running Squid and start it again with ``options`` (a scenario's proxy)."""
    if table.running(PROCESS):
        table.stop(PROCESS)
    start_squid(names, table, options=options)
