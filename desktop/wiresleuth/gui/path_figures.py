"""The figures that describe a path, read from a document, so two documents can be compared.

A good day and a bad day (C1's baseline trace settled that case) differ in a few numbers: the
path round trip, how long the handshake took, whether the server marks its packets, which
TTL its packets arrive with. These are read, not concluded: from the TLS wizard's observations
when the document has them, and from the connections and packets in every case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.gui.document import Document
from wiresleuth.gui.plot_coordinates import is_finite
from wiresleuth.model.timeline import Connection


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One named figure of one target (or of the run)."""

    group: str
    """What it is about: ``host:port``, ``address:port`` for a capture, or ``run``."""
    name: str
    """What it is ("path RTT", "default: TLS handshake")."""
    value: float | str
    """A number in ``unit``, or a text."""
    unit: str = ""
    """``ms``, ``s`` or empty for texts and counts."""

    @property
    def key(self) -> tuple[str, str]:
        """Group and name: what lines two documents' figures up."""
        return (self.group, self.name)

    @property
    def text(self) -> str:
        """The value as shown."""
        if isinstance(self.value, str):
            return self.value
        if self.unit == "ms":
            return f"{self.value:.1f} ms"
        if self.unit == "s":
            return f"{self.value:.2f} s"
        return f"{self.value:g}"


def _num(value: Any) -> float | None:
    return float(value) if is_finite(value) else None  # NaN or 1e999 is no figure


def _attempt_figures(group: str, attempt: Mapping[str, Any]) -> list[Figure]:
    purpose = str(attempt.get("purpose", "attempt"))
    figures = [Figure(group=group, name=f"{purpose}: outcome", value=str(attempt.get("outcome")))]
    connect = attempt.get("connect")
    if isinstance(connect, Mapping):
        began, done = _num(connect.get("started_at")), _num(connect.get("connected_at"))
        if began is not None and done is not None:
            figures.append(
                Figure(
                    group=group,
                    name=f"{purpose}: TCP connect",
                    value=(done - began) * 1000,
                    unit="ms",
                )
            )
    hello = _num(attempt.get("client_hello_at"))
    done = _num(attempt.get("handshake_done_at"))
    reset = _num(attempt.get("reset_at"))
    if hello is not None and done is not None:
        figures.append(
            Figure(
                group=group,
                name=f"{purpose}: TLS handshake",
                value=(done - hello) * 1000,
                unit="ms",
            )
        )
    if hello is not None and reset is not None:
        figures.append(
            Figure(
                group=group,
                name=f"{purpose}: reset after ClientHello",
                value=reset - hello,
                unit="s",
            )
        )
    return figures


def _observation_figures(observations: Mapping[str, Any]) -> list[Figure]:
    tls = observations.get("tls")
    if not isinstance(tls, Mapping):
        return []
    figures: list[Figure] = []
    targets = tls.get("targets")
    for target in targets if isinstance(targets, list) else []:
        if not isinstance(target, Mapping):
            continue
        group = str(target.get("target", "?"))
        figures.append(Figure(group=group, name="address", value=str(target.get("address"))))
        path = target.get("path_rtt")
        if isinstance(path, Mapping):
            samples = [s for s in path.get("samples") or [] if _num(s) is not None]
            if samples:
                figures.append(
                    Figure(
                        group=group,
                        name=f"path RTT ({path.get('method')})",
                        value=min(samples) * 1000,
                        unit="ms",
                    )
                )
        attempts = target.get("attempts")
        for attempt in attempts if isinstance(attempts, list) else []:
            if isinstance(attempt, Mapping):
                figures += _attempt_figures(group, attempt)
    gateway = tls.get("gateway")
    if isinstance(gateway, Mapping):
        for key in ("address", "mac", "vendor"):
            if gateway.get(key):
                figures.append(Figure(group="run", name=f"gateway {key}", value=str(gateway[key])))
    return figures


def _connection_figures(document: Document, connection: Connection) -> list[Figure]:
    group = f"{connection.server}:{connection.server_port}"
    figures: list[Figure] = []
    times = {e.kind: e.time for e in reversed(connection.events) if e.packet is not None}
    if "syn" in times and "syn-ack" in times:
        rtt = (times["syn-ack"] - times["syn"]) * 1000
        figures.append(Figure(group=group, name="handshake RTT (capture)", value=rtt, unit="ms"))
    inbound = [
        document.packet_index[n]
        for n in connection.packets
        if n in document.packet_index and document.packet_index[n].src == connection.server
    ]
    if inbound:
        dscps = sorted({p.dscp for p in inbound})
        ttls = sorted({p.ttl for p in inbound})
        marks = ", ".join(f"{dscp_name(d)} ({d})" for d in dscps)
        figures.append(Figure(group=group, name="DSCP from server", value=marks))
        figures.append(Figure(group=group, name="TTL from server", value=", ".join(map(str, ttls))))
        figures.append(
            Figure(
                group=group, name="largest packet from server", value=max(p.length for p in inbound)
            )
        )
    return figures


def path_figures(document: Document) -> tuple[Figure, ...]:
    """Every figure of the document; per capture endpoint, the first connection speaks for it."""
    figures = _observation_figures(document.observations)
    seen: set[str] = set()
    for connection in sorted(document.connections, key=lambda c: c.start):
        group = f"{connection.server}:{connection.server_port}"
        if group in seen:
            continue
        found = _connection_figures(document, connection)
        if found:
            seen.add(group)
            figures += found
    figures.append(
        Figure(
            group="run",
            name="packets captured",
            value=float(len(document.packets)) if document.capture.available else "no capture",
        )
    )
    return tuple(figures)
