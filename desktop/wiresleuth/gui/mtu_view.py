"""The MTU sweep of each target (size tried vs what came back), read from the MTU wizard's
observations for the viewer's plot. JSON form in, read through ``json_shape``: a value of
another shape is left out and named in ``problems``; a part of another shape is a ShapeError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wiresleuth.gui.json_shape import Shape, required_list, section

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


def _points(shape: Shape, probes: list[Any], where: str) -> tuple[SweepPoint, ...]:
    points = []
    for order, probe in enumerate(probes, 1):
        at = f"{where}[{order - 1}]"
        fields = shape.mapping(probe, at)
        if fields is None:
            continue
        size = shape.whole(fields.get("size"), f"{at}.size", 0, MAX_PACKET_SIZE)
        if size is None:
            continue
        points.append(
            SweepPoint(
                order=order,
                size=size,
                result=shape.text(fields.get("result"), f"{at}.result"),
                detail=shape.text(fields.get("detail"), f"{at}.detail"),
            )
        )
    return tuple(points)


def mtu_sweeps(observations: Mapping[str, Any]) -> MtuSweeps:
    """Every target's sweep, in the wizard's order; ShapeError when the part is unreadable."""
    mtu = section(observations, "mtu")
    if mtu is None:
        return MtuSweeps(sweeps=())
    shape = Shape()
    found = []
    for index, item in enumerate(required_list(mtu.get("targets"), "mtu.targets")):
        where = f"mtu.targets[{index}]"
        target = shape.mapping(item, where)
        sweep = shape.mapping(target.get("sweep"), f"{where}.sweep") if target else None
        if target is None or sweep is None:
            continue
        where += ".sweep"
        error = shape.text(sweep.get("error"), f"{where}.error")
        found.append(
            SweepView(
                target=shape.text(target.get("target"), f"mtu.targets[{index}].target") or "?",
                address=shape.text(sweep.get("address"), f"{where}.address"),
                method=shape.text(sweep.get("method"), f"{where}.method"),
                points=_points(
                    shape, shape.items(sweep.get("probes"), f"{where}.probes"), f"{where}.probes"
                ),
                path_mtu=shape.whole(
                    sweep.get("path_mtu"), f"{where}.path_mtu", 0, MAX_PACKET_SIZE
                ),
                interface_mtu=shape.whole(
                    sweep.get("interface_mtu"), f"{where}.interface_mtu", 0, MAX_PACKET_SIZE
                ),
                error=error or None,
            )
        )
    return MtuSweeps(sweeps=tuple(found), problems=shape.problems)
