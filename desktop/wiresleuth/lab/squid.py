"""The lab's explicit proxy: Squid 5.7 in ``proxy`` on port 3128, no auth in the base lab.

Checked facts of Squid 5.7: ``cache_dir none`` is fatal (leave it out, ``cache deny all``);
``shutdown_lifetime 0`` or SIGTERM takes 30 s; it needs ``visible_hostname`` and a log
directory owned by the ``proxy`` user; it accepts connections about 0.1 s after start.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Sequence
from pathlib import Path

from wiresleuth.errors import LabError
from wiresleuth.lab.addresses import DNS_SERVER, PROXY, PROXY_PORT
from wiresleuth.lab.names import LabNames
from wiresleuth.lab.netns_socket import tcp_accepting
from wiresleuth.lab.processes import ProcessTable
from wiresleuth.lab.waiting import wait_until

PROCESS = "squid"
START_TIMEOUT = 10.0
SQUID_USER = "proxy"


def squid_conf(directory: Path, *, connect_ports: Sequence[int] = (443,)) -> str:
    """The squid.conf text of the lab proxy."""
    ports = " ".join(str(p) for p in connect_ports)
    return f"""# wiresleuth lab proxy
http_port {PROXY}:{PROXY_PORT}
visible_hostname proxy.lab.test
acl labnet src 198.18.0.0/15 100.64.0.0/10
acl SSL_ports port {ports}
acl CONNECT method CONNECT
http_access deny CONNECT !SSL_ports
http_access allow labnet
http_access deny all
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


def start_squid(
    names: LabNames, table: ProcessTable, *, connect_ports: Sequence[int] = (443,)
) -> None:
    """Write the config, start Squid in ``proxy`` and wait until it accepts connections."""
    directory = names.state_dir / "squid"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        user = pwd.getpwnam(SQUID_USER)
    except KeyError as exc:
        raise LabError(f"user {SQUID_USER!r} missing: install the Debian squid package") from exc
    os.chown(directory, user.pw_uid, user.pw_gid)
    conf = directory / "squid.conf"
    conf.write_text(squid_conf(directory, connect_ports=connect_ports))
    os.chmod(conf, 0o644)
    proxy_ns = names.ns("proxy")
    table.spawn(PROCESS, proxy_ns, ["squid", "-N", "-f", str(conf)])

    def accepting() -> bool:
        table.ensure_running(PROCESS)
        return tcp_accepting(proxy_ns, PROXY, PROXY_PORT)

    wait_until(accepting, what="Squid", timeout=START_TIMEOUT, interval=0.1)
