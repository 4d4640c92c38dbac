"""Fault primitives: each ``[[fault]]`` table of a scenario names one by its ``kind``."""

from __future__ import annotations

from wiresleuth.lab.faults.agent import Agent
from wiresleuth.lab.faults.base import Fault, LabControl
from wiresleuth.lab.faults.client_exchange import ClientExchange
from wiresleuth.lab.faults.client_lookups import ClientLookups
from wiresleuth.lab.faults.delay import Delay
from wiresleuth.lab.faults.dns_override import DnsOverride
from wiresleuth.lab.faults.dns_rewrite import DnsRewrite
from wiresleuth.lab.faults.dns_server import DnsServer
from wiresleuth.lab.faults.drop_dscp_length import DropDscpLength
from wiresleuth.lab.faults.drop_port import DropPort
from wiresleuth.lab.faults.flaky_policer import FlakyDropDscpLength
from wiresleuth.lab.faults.gateway_mac import GatewayMac
from wiresleuth.lab.faults.hold_payload import HoldPayload
from wiresleuth.lab.faults.http_file import HttpFile
from wiresleuth.lab.faults.listener import Listener
from wiresleuth.lab.faults.mss_clamp import MssClamp
from wiresleuth.lab.faults.mtu import Mtu
from wiresleuth.lab.faults.path_listener import PathListener
from wiresleuth.lab.faults.proxy import ProxySettings
from wiresleuth.lab.faults.redirect import Redirect
from wiresleuth.lab.faults.reject_port import RejectPort
from wiresleuth.lab.faults.remark_dscp import RemarkDscp
from wiresleuth.lab.faults.slow_reader import SlowReader

PRIMITIVES: dict[str, type[Fault]] = {
    cls.kind: cls
    for cls in (
        DropDscpLength,
        Mtu,
        Delay,
        Redirect,
        GatewayMac,
        DnsOverride,
        HoldPayload,
        Listener,
        HttpFile,
        DnsRewrite,
        ProxySettings,
        DropPort,
        PathListener,
        Agent,
        # ordinary faults for the passive diagnoses (issue 12)
        RejectPort,
        SlowReader,
        DnsServer,
        ClientExchange,
        ClientLookups,
        # the hop locator's middleboxes (issue 17)
        MssClamp,
        RemarkDscp,
        # faults that come and go, for watches (issue 16)
        FlakyDropDscpLength,
    )
}
"""kind -> primitive class."""

__all__ = ["PRIMITIVES", "Fault", "LabControl"]
