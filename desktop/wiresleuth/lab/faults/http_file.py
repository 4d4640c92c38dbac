"""A web server in ``internet`` serving one file at one path (PAC servers, rewrite targets)."""

from __future__ import annotations

import ipaddress
import sys
from dataclasses import dataclass

from wiresleuth.lab import addresses
from wiresleuth.lab.addresses import DOMAIN
from wiresleuth.lab.faults.base import Fault, LabControl, check_address, check_port, check_range
from wiresleuth.lab.params import ParamError


@dataclass(frozen=True, kw_only=True)
class HttpFile(Fault):
    """Serve ``body`` at ``path`` from ``address:port`` (404 elsewhere); optionally name it."""

    kind = "http_file"
    summary = "HTTP server in internet serving one file at one path (PAC), 404 elsewhere"

    address: str
    """Address inside 100.64.1.0/24 (added to the internet namespace)."""
    port: int = 80
    """TCP port."""
    name: str = ""
    """DNS name the lab DNS gives this address (empty: none)."""
    path: str = "/proxy.pac"
    """The one path served (empty: every path is 404)."""
    body: str = ""
    """What is served there (UTF-8; TOML multi-line strings work)."""
    status: int = 200
    """Status for ``path``."""
    content_type: str = "application/x-ns-proxy-autoconfig"
    """Content-Type for ``path``."""
    server: str = "WireSleuthLab-files/1.0"
    """The Server header of every answer."""

    def __post_init__(self) -> None:
        check_address("address", self.address)
        if ipaddress.ip_address(self.address) not in ipaddress.ip_network(addresses.SERVER_NET):
            raise ParamError("address", f"must be inside {addresses.SERVER_NET}")
        check_port("port", self.port)
        check_range("status", self.status, 100, 599)
        if self.name and not self.name.endswith(f".{DOMAIN}"):
            raise ParamError("name", f"must end with .{DOMAIN}; got {self.name!r}")
        if self.path and not self.path.startswith("/"):
            raise ParamError("path", f"must start with /; got {self.path!r}")

    def apply(self, lab: LabControl) -> None:
        lab.ensure_address("internet", self.address)
        label = f"http-file-{self.address}-{self.port}"
        body = lab.write_file(f"{label}.body", self.body.encode())
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.file_server",
            "--address", self.address, "--port", str(self.port), "--path", self.path,
            "--body-file", str(body), "--status", str(self.status),
            "--content-type", self.content_type, "--server", self.server,
        ]  # fmt: skip
        lab.start_process(label, "internet", argv)
        if self.name:
            lab.set_dns_record(self.name, self.address)

    def describe(self) -> str:
        where = f"{self.name} ({self.address})" if self.name else self.address
        return (
            f"http_file {where}:{self.port}{self.path or ' (404 only)'}: "
            f"{len(self.body.encode())} B, status {self.status}"
        )
