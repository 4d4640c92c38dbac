"""Change the path delay between the lab's edge and the internet (the base delay line)."""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.faults.base import Fault, LabControl, check_range


@dataclass(frozen=True, kw_only=True)
class Delay(Fault):
    """Delay every packet crossing the router's internet link by ``one_way_ms`` each way."""

    kind = "delay"
    summary = "set the one-way delay of the router's internet link (base lab: 50 ms)"

    one_way_ms: float
    """Milliseconds added in each direction (0-2000); the RTT grows by twice this."""

    def __post_init__(self) -> None:
        check_range("one_way_ms", self.one_way_ms, 0, 2000)

    def apply(self, lab: LabControl) -> None:
        lab.set_path_delay(self.one_way_ms)

    def describe(self) -> str:
        return f"path delay {self.one_way_ms:g} ms each way"
