"""Path RTT to an address by ICMP echo, or by TCP to another port when ICMP is filtered."""

from __future__ import annotations

from wiresleuth.model.observations import PathRttObservation
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.icmp_echo import icmp_echo_rtts
from wiresleuth.probes.tcp_rtt import tcp_rtts

SAMPLES = 3
"""Probes of one measurement (one wave: all may be in flight at once)."""


async def measure_path_rtt(
    address: str, *, avoid_port: int, timeout: float, count: int = SAMPLES
) -> PathRttObservation:
    """Try ICMP echo, then TCP ports 80 and 9 (never ``avoid_port``, the port under test).

    Each method sends its ``count`` probes as one wave (``probe_wave``): about one round trip
    plus ``(count - 1) * SPACING``, and ``timeout`` once when nothing answers.
    """
    problems: list[str] = []
    try:
        samples = await icmp_echo_rtts(address, count=count, timeout=timeout)
    except OSError as exc:
        problems.append(f"icmp: {describe_os_error(exc)}")
    else:
        if samples:
            return PathRttObservation(address=address, method="icmp", samples=samples)
        problems.append("icmp: no echo reply")
    for port in (80, 9):
        if port == avoid_port:
            continue
        try:
            samples = await tcp_rtts(address, port, count=count, timeout=timeout)
        except OSError as exc:
            problems.append(f"tcp:{port}: {describe_os_error(exc)}")
            continue
        if samples:
            return PathRttObservation(
                address=address, method=f"tcp:{port}", samples=samples, error="; ".join(problems)
            )
        problems.append(f"tcp:{port}: no answer")
    return PathRttObservation(address=address, method="none", error="; ".join(problems))
