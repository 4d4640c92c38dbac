"""Every interpretation, in the order ``diagnose`` runs them.

The engine's own conclusions first, then each wizard's in the order wizards run, then the
rules that need no observations (they leave alone what the others already explain).

Importing this imports every interpretation's declaration only (its name, the finding IDs
it may conclude): each imports its wizard's model and rules when a recording holds that
wizard's observations, so a capture taken elsewhere is analysed without them (issue 15).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wiresleuth.diagnosis.interpretation import Interpretation
from wiresleuth.diagnosis.interpretations.engine import EngineInterpretation
from wiresleuth.diagnosis.interpretations.hold import HoldInterpretation
from wiresleuth.diagnosis.interpretations.hops import HopsInterpretation
from wiresleuth.diagnosis.interpretations.listeners import ListenersInterpretation
from wiresleuth.diagnosis.interpretations.mtu import MtuInterpretation
from wiresleuth.diagnosis.interpretations.pac import PacInterpretation
from wiresleuth.diagnosis.interpretations.proxy import ProxyInterpretation
from wiresleuth.diagnosis.interpretations.route import RouteInterpretation
from wiresleuth.diagnosis.interpretations.tls import TlsInterpretation
from wiresleuth.diagnosis.interpretations.wire import WireInterpretation

INTERPRETATIONS: Sequence[Interpretation] = (
    EngineInterpretation(),
    PacInterpretation(),
    RouteInterpretation(),
    TlsInterpretation(),
    ProxyInterpretation(),
    MtuInterpretation(),
    HoldInterpretation(),
    ListenersInterpretation(),
    HopsInterpretation(),  # adds to the TLS and PAC findings it was asked to locate
    WireInterpretation(),
)
"""The interpretations of this version, in order."""

CORE_EMITS = frozenset({"probe.failed"})
"""What ``diagnose`` itself concludes: checks that could not finish."""


def observation_types(
    interpretations: Sequence[Interpretation] = INTERPRETATIONS,
) -> Mapping[str, type[Any]]:
    """Observation key -> the type a bundle's JSON for it is read back as (importing every
    wizard's model: only a source that has observations asks)."""
    types = {i.name: i.observation_type() for i in interpretations}
    return {name: kind for name, kind in types.items() if kind is not None}
