"""The figures that describe a path, read from a document, so two documents can be compared.

A good day and a bad day (C1's baseline trace settled that case) differ in a few numbers: the
path round trip, how long the handshake took, whether the server marks its packets, which
TTL its packets arrive with. These are read, not concluded: from the TLS wizard's observations
(typed: ``gui.measurements``) when the document has them readable, and from the connections
and packets in every case.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.gui.document import Document
from wiresleuth.gui.plot_coordinates import is_finite
from wiresleuth.gui.view_problems import ShapeError
from wiresleuth.model.observations import TlsObservation, TlsWizardObservations
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


def _num(value: float | None) -> float | None:
    return value if value is not None and is_finite(value) else None  # NaN or 1e999 is no figure


def _attempt_figures(group: str, attempt: TlsObservation) -> list[Figure]:
    purpose = attempt.purpose or "attempt"
    figures = [Figure(group=group, name=f"{purpose}: outcome", value=attempt.outcome)]
    began, done = _num(attempt.connect.started_at), _num(attempt.connect.connected_at)
    if began is not None and done is not None:
        figures.append(
            Figure(group=group, name=f"{purpose}: TCP connect", value=(done - began) * 1000, unit="ms")
        )
    hello = _num(attempt.client_hello_at)
    done = _num(attempt.handshake_done_at)
    reset = _num(attempt.reset_at)
    if hello is not None and done is not None:
        figures.append(
            Figure(
                group=group, name=f"{purpose}: TLS handshake", value=(done - hello) * 1000, unit="ms"
            )
        )
    if hello is not None and reset is not None:
        figures.append(
            Figure(
                group=group, name=f"{purpose}: reset after ClientHello", value=reset - hello, unit="s"
            )
        )
    return figures


def _observation_figures(tls: TlsWizardObservations | None) -> list[Figure]:
    if tls is None:
        return []
    figures: list[Figure] = []
    for target in tls.targets:
        group = target.target or "?"
        figures.append(Figure(group=group, name="address", value=str(target.address)))
        path = target.path_rtt
        if path is not None:
            samples = [s for s in path.samples if _num(s) is not None]
            if samples:
                figures.append(
                    Figure(
                        group=group,
                        name=f"path RTT ({path.method})",
                        value=min(samples) * 1000,
                        unit="ms",
                    )
                )
        for attempt in target.attempts:
            figures += _attempt_figures(group, attempt)
        for other in target.other_addresses:  # each other address of the name: its own group
            where = f"{group} ({other.address})"
            figures.append(Figure(group=where, name="address", value=other.address))
            for attempt in other.attempts:
                figures += _attempt_figures(where, attempt)
    gateway = tls.gateway
    if gateway is not None:
        for key, value in (
            ("address", gateway.address), ("mac", gateway.mac), ("vendor", gateway.vendor)
        ):  # fmt: skip
            if value:
                figures.append(Figure(group="run", name=f"gateway {key}", value=str(value)))
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
    unreadable: Figure | None = None
    try:
        tls = document.measurements.of("tls", TlsWizardObservations)
    except ShapeError as exc:  # the TLS check's figures are left out, and the row says why
        tls = None
        unreadable = Figure(group="run", name="TLS measurements", value=f"unreadable: {exc}")
    figures = _observation_figures(tls)
    if unreadable is not None:
        figures.append(unreadable)
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
