"""The lab's DNS server: dnsmasq in ``internet``, no upstream, names from a hosts file.

Records can change while it runs (DNS-override faults): the hosts file is rewritten and
dnsmasq re-reads it on SIGHUP; the change is confirmed by asking the server from ``client``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Mapping

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from wiresleuth.lab.addresses import DNS_SERVER, DOMAIN
from wiresleuth.lab.names import LabNames
from wiresleuth.lab.netns_socket import netns_socket
from wiresleuth.lab.processes import ProcessTable
from wiresleuth.lab.waiting import wait_until

SELF_NAME = f"dns.{DOMAIN}"
"""Always served (the server's own address): the readiness probe asks for it."""
PROCESS = "dns"
START_TIMEOUT = 5.0


class LabDns:
    """A running dnsmasq and the records it serves."""

    def __init__(self, names: LabNames, table: ProcessTable) -> None:
        self._names = names
        self._table = table
        self._hosts = names.state_dir / "dns-hosts"
        self._records: dict[str, tuple[str, ...]] = {}

    def _write(self) -> None:
        # one line per address: dnsmasq answers a name with every address it has for it
        lines = [
            f"{address} {name}"
            for name, addresses in sorted(self._records.items())
            for address in addresses
        ]
        self._hosts.write_text("\n".join(lines) + "\n")
        os.chmod(self._hosts, 0o644)  # dnsmasq re-reads it after dropping privileges

    def start(self, records: Mapping[str, tuple[str, ...]]) -> None:
        """Start dnsmasq serving ``records`` (a name with several addresses gets an A record
        for each) and wait until it answers from ``client``."""
        self._records = {SELF_NAME: (DNS_SERVER,), **records}
        self._write()
        argv = [
            "dnsmasq",
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            f"--addn-hosts={self._hosts}",
            f"--local=/{DOMAIN}/",
            f"--listen-address={DNS_SERVER}",
            "--bind-interfaces",
            "--pid-file=",
            "--log-facility=-",
            "--log-queries",
            "--local-ttl=60",
        ]
        self._table.spawn(PROCESS, self._names.ns("internet"), argv)
        wait_until(
            lambda: self._ensure_and_resolve(SELF_NAME) == DNS_SERVER,
            what="lab DNS server (dnsmasq)",
            timeout=START_TIMEOUT,
            interval=0.1,
        )

    def _ensure_and_resolve(self, name: str) -> str | None:
        self._table.ensure_running(PROCESS)
        return self.resolve(name)

    def set_record(self, name: str, address: str) -> None:
        """Serve ``name`` -> ``address`` (only) from now on (confirmed before returning)."""
        self._records[name] = (address,)
        self._write()
        proc = self._table.get(PROCESS)
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGHUP)
        wait_until(
            lambda: self.resolve(name) == address,
            what=f"DNS record {name} -> {address}",
            timeout=START_TIMEOUT,
            interval=0.1,
        )

    def resolve(self, name: str, *, timeout: float = 1.0) -> str | None:
        """The first A record the lab DNS gives ``name``, asked from ``client`` (None: none)."""
        query = dns.message.make_query(name, dns.rdatatype.A)
        sock = netns_socket(self._names.ns("client"), kind=socket.SOCK_DGRAM)
        sock.setblocking(False)  # dnspython requires a non-blocking socket of its own
        try:
            answer = dns.query.udp(query, DNS_SERVER, timeout=timeout, sock=sock)
        except (dns.exception.DNSException, OSError):
            return None
        finally:
            sock.close()
        if answer.rcode() != dns.rcode.NOERROR:
            return None
        for rrset in answer.answer:
            for item in rrset:
                if item.rdtype == dns.rdatatype.A:
                    return str(item.address)
        return None
