"""The MTU sweep of each target (size tried vs what came back), from the MTU wizard's
observations (typed: ``gui.measurements``) for the viewer's plot. A size no packet can have
is left out and named in ``problems``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.gui.view_problems import Problems
from wiresleuth.model.mtu_observations import MtuWizardObservations, PathMtuSweep

RESULTS = ("reply", "lost", "frag_needed", "too_big_local", "error")
"""What a DF echo of one size can get, in the plot's legend order."""
MAX_PACKET_SIZE = 65_575
"""The largest IP packet (an IPv6 payload of 65 535 bytes and its header); a larger size in
a bundle is damage, and is left out rather than drawn."""


@dataclass(frozen=True, kw_only=True)
class SweepPoint:
    """One probe of the sweep."""

    order: int
    """1-based: the order the probes were sent in (a binary search)."""
    size: int
    """IP packet size in bytes."""
    result: str
    """One of RESULTS (or another word from a newer wizard)."""
    detail: str
    """The error or the router's message, in words."""


@dataclass(frozen=True, kw_only=True)
class SweepView:
    """One target's sweep."""

    target: str
    """``host:port``."""
    address: str
    """The address swept."""
    method: str
    """``socket``, ``ping`` or ``none``."""
    points: tuple[SweepPoint, ...]
    """In the order sent."""
    path_mtu: int | None
    """Largest size that got a reply."""
    interface_mtu: int | None
    """The local interface's MTU (the sweep's upper bound)."""
    error: str | None
    """Why the sweep found nothing, if so."""


@dataclass(frozen=True, kw_only=True)
class MtuSweeps:
    """Every target's sweep, and what of the measurements could not be read."""

    sweeps: tuple[SweepView, ...]
    """In the wizard's order."""
    problems: tuple[str, ...] = ()
    """Values left out, in words (a size that is not a number, a target that is not an object)."""


def _size(shape: Problems, value: int | None, where: str) -> int | None:
    if value is None or 0 <= value <= MAX_PACKET_SIZE:
        return value
    shape.note(f"{where} is {value}, not a packet size (0 to {MAX_PACKET_SIZE})")
    return None


def _points(shape: Problems, sweep: PathMtuSweep, where: str) -> tuple[SweepPoint, ...]:
    points = []
    for order, probe in enumerate(sweep.probes, 1):
        size = _size(shape, probe.size, f"{where}.probes[{order - 1}].size")
        if size is None:
            continue
        points.append(
            SweepPoint(order=order, size=size, result=probe.result, detail=probe.detail or "")
        )
    return tuple(points)


def mtu_sweeps(mtu: MtuWizardObservations | None) -> MtuSweeps:
    """Every target's sweep, in the wizard's order (none without the wizard's observations)."""
    if mtu is None:
        return MtuSweeps(sweeps=())
    shape = Problems()
    found = []
    for index, target in enumerate(mtu.targets):
        sweep = target.sweep
        if sweep is None:
            continue
        where = f"mtu.targets[{index}].sweep"
        found.append(
            SweepView(
                target=target.target or "?",
                address=sweep.address,
                method=sweep.method,
                points=_points(shape, sweep, where),
                path_mtu=_size(shape, sweep.path_mtu, f"{where}.path_mtu"),
                interface_mtu=_size(shape, sweep.interface_mtu, f"{where}.interface_mtu"),
                error=sweep.error or None,
            )
        )
    return MtuSweeps(sweeps=tuple(found), problems=shape.problems)
