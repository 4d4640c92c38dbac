"""What one DF ``ping`` printed, per operating system: the fallback when this program may
not open an ICMP socket itself (Windows without admin rights, a locked-down Linux).

Pure: text in, the probe's fate out. Only English output is understood (the runner sets
LC_ALL=C where it can); anything unrecognised is ``lost`` with the text kept as detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_LINUX_REPLY = re.compile(r"^\d+ bytes from .*icmp_seq=\d+ .*time=(?P<ms>[\d.]+) ms", re.M)
_LINUX_FRAG = re.compile(
    rf"^From (?P<src>{_IPV4})\S* .*icmp_seq=\d+ Frag needed and DF set \(mtu = (?P<mtu>\d+)\)",
    re.M,
)
_LINUX_LOCAL = re.compile(r"local error: message too long, mtu=(?P<mtu>\d+)", re.I)
_WIN_REPLY = re.compile(r"^Reply from (?P<src>\S+?): bytes=\d+ time[=<](?P<ms>\d+)ms", re.M)
_WIN_FRAG = re.compile(r"^Packet needs to be fragmented but DF set\.", re.M)
_MAC_REPLY = re.compile(r"^\d+ bytes from \S+?: icmp_seq=\d+ ttl=\d+ time=(?P<ms>[\d.]+) ms", re.M)
_MAC_FRAG = re.compile(
    rf"^\d+ bytes from (?:\S+ \()?(?P<src>{_IPV4})\)?: frag needed and DF set \(MTU (?P<mtu>\d+)\)",
    re.M,
)
_MAC_LOCAL = re.compile(r"^ping: sendto: Message too long", re.M)


@dataclass(frozen=True, kw_only=True)
class PingOutcome:
    """The fate of one DF ping, read from the command's output."""

    result: str
    """``reply``, ``frag_needed``, ``too_big_local`` or ``lost``."""
    rtt: float | None = None
    """Seconds, for a reply."""
    mtu: int | None = None
    """MTU named by frag-needed or the local refusal."""
    reported_by: str | None = None
    """The router that sent frag-needed (None when the output does not say)."""
    line: str = ""
    """The line the result was read from."""


def _line(text: str, match: re.Match[str]) -> str:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return text[start : end if end >= 0 else len(text)].strip()


def parse_ping(text: str, system: str) -> PingOutcome:
    """Read the outcome of ``ping`` with DF on ``system`` (``linux``, ``windows``, ``darwin``).

    Frag-needed wins over a reply (the first packet counts); the output of a run of one
    packet is expected, but longer runs parse too.
    """
    text = text.replace("\r\n", "\n")
    if system == "windows":
        if frag := _WIN_FRAG.search(text):
            # Windows prints the same words for the local refusal and a router's message
            return PingOutcome(result="frag_needed", line=_line(text, frag))
        if reply := _WIN_REPLY.search(text):
            return PingOutcome(
                result="reply",
                rtt=int(reply["ms"]) / 1000,
                reported_by=reply["src"],
                line=_line(text, reply),
            )
        return PingOutcome(result="lost")
    if system == "darwin":
        frag_re, reply_re, local_re = _MAC_FRAG, _MAC_REPLY, _MAC_LOCAL
    else:
        frag_re, reply_re, local_re = _LINUX_FRAG, _LINUX_REPLY, _LINUX_LOCAL
    if frag := frag_re.search(text):
        return PingOutcome(
            result="frag_needed",
            mtu=int(frag["mtu"]),
            reported_by=frag["src"],
            line=_line(text, frag),
        )
    if local := local_re.search(text):
        mtu = local.groupdict().get("mtu")
        return PingOutcome(
            result="too_big_local", mtu=int(mtu) if mtu else None, line=_line(text, local)
        )
    if reply := reply_re.search(text):
        return PingOutcome(result="reply", rtt=float(reply["ms"]) / 1000, line=_line(text, reply))
    return PingOutcome(result="lost")


def ping_argv(system: str, address: str, size: int, timeout: float) -> list[str]:
    """The DF ping command for one packet of ``size`` IP bytes (payload = size - 28)."""
    payload = str(max(0, size - 28))
    if system == "windows":
        return [
            "ping",
            "-n",
            "1",
            "-f",
            "-l",
            payload,
            "-w",
            str(max(1, round(timeout * 1000))),
            address,
        ]
    if system == "darwin":
        return [
            "ping",
            "-c",
            "1",
            "-D",
            "-s",
            payload,
            "-W",
            str(max(1, round(timeout * 1000))),
            address,
        ]
    return [
        "ping",
        "-c",
        "1",
        "-n",
        "-M",
        "do",
        "-s",
        payload,
        "-W",
        str(max(1, round(timeout))),
        address,
    ]
