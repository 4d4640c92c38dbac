"""build_filter: the text, that libpcap compiles it, and which real frames it lets through."""

from __future__ import annotations

import ctypes

import pytest

from wiresleuth.capture.bpf import NOTHING, build_filter
from wiresleuth.capture.libpcap import check_filter, load
from wiresleuth.errors import BadInput, CaptureUnavailable
from wiresleuth.model.plan import FlowSpec

SERVER = "198.19.0.10"
SERVER6 = "2001:db8::10"
ME, ME6, ROUTER, ROUTER6 = "198.18.0.2", "2001:db8::2", "198.18.0.1", "2001:db8::1"
LINKTYPES = [1, 113, 276, 12, 0]  # Ethernet, SLL ("any"), SLL2, raw IP, BSD loopback


def tcp(address: str, port: int | None) -> FlowSpec:
    return FlowSpec(address=address, proto="tcp", port=port)


def matches(expression: str, frame: bytes, linktype: int = 1) -> bool:
    """Run the compiled filter on one frame with libpcap's own interpreter."""
    lib = load()
    handle = lib.pcap_open_dead(linktype, 65535)
    program = lib.bpf_program()
    assert lib.pcap_compile(handle, ctypes.byref(program), expression.encode(), 1, -1) == 0
    run = lib._lib.pcap_offline_filter
    run.restype = ctypes.c_int
    run.argtypes = [
        ctypes.POINTER(lib.bpf_program),
        ctypes.POINTER(lib.pcap_pkthdr),
        ctypes.c_char_p,
    ]
    header = lib.pcap_pkthdr()
    header.caplen = header.len = len(frame)
    try:
        return bool(run(ctypes.byref(program), ctypes.byref(header), frame))
    finally:
        lib.pcap_freecode(ctypes.byref(program))
        lib.pcap_close(handle)


def test_one_tcp_flow() -> None:
    text = build_filter([tcp(SERVER, 443)])
    assert text.startswith(f"(host {SERVER} and tcp port 443) or (icmp and ")


def test_flows_are_grouped_per_host_and_deduplicated() -> None:
    flows = [tcp(SERVER, 443), tcp(SERVER, 443), tcp(SERVER, 80), tcp("198.19.0.20", 443)]
    text = build_filter(flows)
    assert text.count(f"host {SERVER} ") == 1
    assert f"(host {SERVER} and (tcp port 443 or tcp port 80))" in text
    assert "(host 198.19.0.20 and tcp port 443)" in text
    assert build_filter([tcp(SERVER, 443)] * 5) == build_filter([tcp(SERVER, 443)])


def test_icmp_udp_and_any_port() -> None:
    text = build_filter(
        [
            FlowSpec(address=SERVER, proto="icmp"),
            FlowSpec(address=SERVER6, proto="icmp"),
            FlowSpec(address=SERVER, proto="udp", port=53),
            tcp("198.19.0.30", None),
        ]
    )
    assert f"(host {SERVER} and (icmp or udp port 53))" in text
    assert f"(host {SERVER6} and icmp6)" in text
    assert "(host 198.19.0.30 and tcp)" in text


def test_no_flows_matches_nothing() -> None:
    assert build_filter([]) == NOTHING
    frame = ether_frame(SERVER, ME, 443, 50000)
    assert not matches(NOTHING, frame)
    assert matches("", frame)  # what an empty filter would have done


@pytest.mark.parametrize(
    "spec",
    [
        FlowSpec(address="www.example.test", proto="tcp", port=443),
        FlowSpec(address=SERVER, proto="sctp", port=443),
        FlowSpec(address=SERVER, proto="tcp", port=0),
        FlowSpec(address=SERVER, proto="udp", port=70000),
    ],
)
def test_bad_flow_specs(spec: FlowSpec) -> None:
    with pytest.raises(BadInput):
        build_filter([spec])


MIXED = [
    tcp(SERVER, 443),
    tcp(SERVER, 80),
    FlowSpec(address=SERVER, proto="icmp"),
    tcp(SERVER6, 443),
    FlowSpec(address=SERVER6, proto="icmp"),
    FlowSpec(address="100.64.0.53", proto="udp", port=53),
]


@pytest.mark.parametrize("linktype", LINKTYPES)
@pytest.mark.parametrize(
    "flows", [MIXED, MIXED[:1], MIXED[3:4], []], ids=["mixed", "v4", "v6", "none"]
)
def test_filters_compile_with_libpcap(flows: list[FlowSpec], linktype: int) -> None:
    check_filter(build_filter(flows), linktype)
    if linktype:  # scapy's helper treats link type 0 as "not given"
        from scapy.arch.common import compile_filter

        compile_filter(build_filter(flows), linktype=linktype)


def test_invalid_filter_is_reported() -> None:
    with pytest.raises(CaptureUnavailable, match="capture filter is not valid"):
        check_filter("tcp port", 1)


def ether_frame(src: str, dst: str, sport: int, dport: int) -> bytes:
    from scapy.layers.inet import IP, TCP
    from scapy.layers.l2 import Ether

    return bytes(
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src=src, dst=dst)
        / TCP(sport=sport, dport=dport)
    )


def test_filter_selects_our_flows_and_errors_about_them() -> None:
    from scapy.layers.inet import ICMP, IP, TCP, UDP, IPerror, TCPerror
    from scapy.layers.inet6 import ICMPv6PacketTooBig, IPerror6, IPv6
    from scapy.layers.l2 import Ether

    text = build_filter(MIXED)
    ours = ether_frame(ME, SERVER, 50000, 443)
    answer = ether_frame(SERVER, ME, 443, 50000)
    other_port = ether_frame(ME, SERVER, 50000, 8443)
    other_host = ether_frame(ME, "198.19.0.99", 50000, 443)
    quoted = IPerror(src=ME, dst=SERVER) / TCPerror(sport=50000, dport=443)
    frag_needed = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src=ROUTER, dst=ME)
        / ICMP(type=3, code=4, nexthopmtu=1400)
        / quoted
    )
    bystander = IPerror(src=ME, dst="198.19.0.99") / TCPerror(sport=50000, dport=443)
    other_error = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src=ROUTER, dst=ME)
        / ICMP(type=3, code=4)
        / bystander
    )
    echo_router = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src=ROUTER, dst=ME)
        / ICMP(type=0)
    )
    too_big = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IPv6(src=ROUTER6, dst=ME6)
        / ICMPv6PacketTooBig(mtu=1280)
        / IPerror6(src=ME6, dst=SERVER6)
        / TCP(sport=50000, dport=443)
    )
    too_big_other = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IPv6(src=ROUTER6, dst=ME6)
        / ICMPv6PacketTooBig(mtu=1280)
        / IPerror6(src=ME6, dst="2001:db8::99")
        / TCP(sport=50000, dport=443)
    )
    dns = (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src=ME, dst="100.64.0.53")
        / UDP(sport=5000, dport=53)
    )
    assert matches(text, ours) and matches(text, answer)
    assert matches(text, bytes(frag_needed))
    assert matches(text, bytes(too_big))
    assert matches(text, bytes(dns))
    assert not matches(text, other_port)
    assert not matches(text, other_host)
    assert not matches(text, bytes(other_error))
    assert not matches(text, bytes(echo_router))
    assert not matches(text, bytes(too_big_other))
