"""DF ping output per OS, on recorded real output (samples/SOURCES.md says where from)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiresleuth.analysis.ping_output import parse_ping, ping_argv

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_linux_reply_frag_needed_local_and_lost() -> None:
    reply = parse_ping(sample("linux_vm_ping_M_do_reply.txt"), "linux")
    assert (reply.result, reply.rtt) == ("reply", pytest.approx(0.103))
    frag = parse_ping(sample("linuxtips_ping_M_do_frag_needed.txt"), "linux")
    assert (frag.result, frag.mtu, frag.reported_by) == ("frag_needed", 1454, "192.168.1.1")
    assert parse_ping(sample("linuxtips_ping_M_do_reply.txt"), "linux").rtt == pytest.approx(0.0516)
    assert parse_ping(sample("linux_vm_ping_M_do_lost.txt"), "linux").result == "lost"


def test_linux_router_message_then_the_kernels_own_refusal() -> None:
    text = sample("linux_vm_ping_M_do_frag_then_local.txt")
    first, second = text.split("\n\nPING ")[0:2]
    got = parse_ping(first, "linux")
    assert (got.result, got.mtu, got.reported_by) == ("frag_needed", 1280, "198.18.1.1")
    local = parse_ping("PING " + second, "linux")
    assert (local.result, local.mtu) == ("too_big_local", 1280)
    assert "message too long" in local.line


def test_windows_outputs_with_both_line_endings() -> None:
    for text in (sample("wireshark_ask47529_windows_ping_f_frag.txt"),):
        for variant in (text, text.replace("\n", "\r\n")):
            assert parse_ping(variant, "windows").result == "frag_needed"
    reply = parse_ping(sample("fortinet_windows_ping_f_reply.txt"), "windows")
    assert (reply.result, reply.rtt, reply.reported_by) == ("reply", 0.064, "104.26.10.240")
    assert (
        parse_ping(sample("fortinet_windows_ping_f_timeout_excerpt.txt"), "windows").result
        == "lost"
    )


def test_macos_reply_frag_needed_and_local_refusal() -> None:
    reply = parse_ping(sample("ja_pmtu_note_macos_ping_D_reply.txt"), "darwin")
    assert (reply.result, reply.rtt) == ("reply", pytest.approx(0.008735))
    frag = parse_ping(sample("ja_pmtu_note_macos_ping_D_frag_needed.txt"), "darwin")
    assert (frag.result, frag.mtu, frag.reported_by) == ("frag_needed", 1460, "60.101.238.212")
    local = parse_ping(sample("ja_pmtu_note_macos_ping_D_local_too_long.txt"), "darwin")
    assert local.result == "too_big_local"


def test_argv_per_os_sets_df_and_the_payload_size() -> None:
    assert ping_argv("linux", "100.64.1.50", 1280, 1.0)[2:9] == [
        "1", "-n", "-M", "do", "-s", "1252", "-W",
    ]  # fmt: skip
    assert ping_argv("windows", "100.64.1.50", 1500, 0.5)[3:6] == ["-f", "-l", "1472"]
    assert ping_argv("darwin", "100.64.1.50", 576, 1.0)[3:6] == ["-D", "-s", "548"]
