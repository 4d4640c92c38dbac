"""A name server that fails: SERVFAIL, REFUSED, silence, or an address for every name."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.faults.base import Fault, LabControl, check_address, check_choice
from wiresleuth.lab.params import ParamError

MODES = ("servfail", "refused", "silent", "answer_all")


@dataclass(frozen=True, kw_only=True)
class DnsServer(Fault):
    """A DNS server in ``internet`` at ``address``:53 that answers every query by ``mode``.

    It is not the client's resolver (the lab's dnsmasq stays that): the client asks it by
    address (``client_lookups``), as a program configured with a broken resolver does."""

    kind = "dns_server"
    summary = "a name server answering SERVFAIL, REFUSED, nothing, or one address for every name"

    address: str
    """A new address in 100.64.1.0/24."""
    mode: str
    """servfail, refused, silent (never answers) or answer_all (every A query gets ``answer``)."""
    answer: str = ""
    """The address answer_all gives every name."""

    def __post_init__(self) -> None:
        check_address("address", self.address)
        check_choice("mode", self.mode, MODES)
        if self.mode == "answer_all":
            if not self.answer:
                raise ParamError("answer", "answer_all needs the address to answer with")
            check_address("answer", self.answer)

    def apply(self, lab: LabControl) -> None:
        lab.ensure_address("internet", self.address)
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.fault_dns",
            "--address", self.address, "--mode", self.mode.replace("_", "-"),
        ]  # fmt: skip
        if self.answer:
            argv += ["--answer", self.answer]
        lab.start_process(f"dns-server-{self.address}", "internet", argv)

    def describe(self) -> str:
        what = f"answers every name with {self.answer}" if self.answer else f"answers {self.mode}"
        return f"name server {self.address} {what}"
