"""The ordinary faults any capture shows, whoever made the traffic: refusals and silence,
failing name servers, stalls, and which part of a slow exchange took the time."""

from __future__ import annotations

from wiresleuth.analysis.ordinary_faults import ordinary_faults
from wiresleuth.analysis.passive_model import WIZARD
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.diagnosis.recording import Recording


class WireInterpretation(Interpretation):
    """Rules that need no observations: the packets alone. They run last and leave alone
    the conversations other findings already explain."""

    name = WIZARD
    about = "the rules about packets alone"
    emits = frozenset(
        {
            "tcp.connection_refused", "tcp.no_answer", "dns.no_answer", "dns.server_failure",
            "tcp.unacknowledged", "tcp.zero_window", "latency.path", "latency.server",
            "latency.client", "capture.frames_missing",
        }
    )  # fmt: skip
    from_capture = emits

    def applies(self, recording: Recording) -> bool:
        return bool(recording.packets) or recording.conversations is not None

    def interpret(self, material: Material) -> Conclusions:
        wire = material.wire
        own = material.recording.own_traffic
        found = ordinary_faults(
            wire.conversations,
            explained=material.cited,
            # A run's probes provoke refusals and silence on purpose: theirs to judge.
            connection_attempts=not own,
            lossy=frozenset() if own else wire.losses[1],
            exchanges=wire.dns,
        )
        if not own:
            found += material.wire.unprovable[0]
        return Conclusions(findings=tuple(found))
