"""The path-MTU search as a pure state machine: it says which size to try next and learns
from each answer; the runtime that sends the packets lives in ``probes``.

Binary search needs log2(high - low) probes (10 for 576..1500) where a linear walk needs
one per size; a router's frag-needed jumps straight to the size it names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_IPV4_MTU = 576
"""Every IPv4 path must carry datagrams of this size (RFC 791)."""


@dataclass
class BinarySearch:
    """Largest size in [low, high] that passes, assuming every size up to it passes."""

    low: int
    """Smallest size to consider (assumed to pass until shown otherwise)."""
    high: int
    """Largest size to consider (the interface MTU)."""
    passed: int | None = None
    """Largest size seen passing."""
    failed: int | None = None
    """Smallest size seen failing."""
    tried: list[int] = field(default_factory=list)
    """Sizes in the order tried."""
    hint: int | None = None
    """The MTU a router's frag-needed named, tried next."""
    confirm: int | None = None
    """One byte above a hint that passed, tried to prove the hint exact."""

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.high:
            raise ValueError(f"bad search range {self.low}..{self.high}")

    def next_size(self) -> int | None:
        """The next size to probe, or None when the answer is known."""
        if not self.tried:
            return self.high  # a healthy path answers the first probe: one step
        for wanted in (self.hint, self.confirm):
            if wanted is not None and wanted not in self.tried:
                return wanted
        if self.passed is None:
            return self.low if self.low not in self.tried else None  # anything at all?
        top = self.failed if self.failed is not None else self.high + 1
        if top - self.passed <= 1:
            return None
        return (self.passed + top) // 2

    def record(self, size: int, passed: bool, *, mtu_hint: int | None = None) -> None:
        """Learn from one probe; ``mtu_hint`` is the MTU a frag-needed named."""
        self.tried.append(size)
        if passed:
            self.passed = size if self.passed is None else max(self.passed, size)
            top = self.failed if self.failed is not None else self.high + 1
            if size == self.hint and size + 1 < top:
                self.confirm = size + 1  # one probe proves the router's figure exact
            return
        self.failed = size if self.failed is None else min(self.failed, size)
        if mtu_hint is not None and self.low <= mtu_hint < size and self.hint is None:
            self.hint = mtu_hint  # the router named its limit: try exactly that next

    @property
    def result(self) -> int | None:
        """Largest size known to pass (None when nothing passed)."""
        return self.passed


WAVE = 8
"""Most DF probes sent at once: a burst no network policy mistakes for a flood or a scan."""


@dataclass
class WaveSearch:
    """Largest size in [low, high] that passes, probing up to ``width`` sizes at once.

    Each wave splits the open range into ``width + 1`` parts, so a black hole costs one
    probe wait per wave (about three for 576..1500) instead of one per lost size. A lost
    size counts once it was lost twice: the next wave sends it again beside the new sizes,
    and a last wave of a few sizes sends each twice. A router's frag-needed is taken at its
    word for every larger size; the size it names and the one above are tried next.
    """

    low: int
    """Smallest size to consider."""
    high: int
    """Largest size to consider (the interface MTU)."""
    width: int = WAVE
    """Probes per wave."""
    passed: int | None = None
    """Largest size seen passing."""
    failures: dict[int, int] = field(default_factory=dict)
    """Size -> times lost (a frag-needed or a local refusal counts as proof at once)."""
    hint: int | None = None
    """The MTU a router's frag-needed named."""
    tried: list[int] = field(default_factory=list)
    """Sizes in the order sent."""
    waves: int = 0
    """Waves planned so far."""

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.high:
            raise ValueError(f"bad search range {self.low}..{self.high}")
        if self.width < 2:
            raise ValueError(f"a wave needs at least 2 probes, not {self.width}")

    @property
    def failed(self) -> int | None:
        """Smallest size seen failing above the largest that passed."""
        above = [s for s in self.failures if self.passed is None or s > self.passed]
        return min(above) if above else None

    def _proven(self, size: int) -> bool:
        return self.failures.get(size, 0) >= 2

    def next_wave(self) -> list[int]:
        """The sizes to send together next (empty when the answer is known)."""
        if self.waves == 0:
            return self._planned(_spread(self.low, self.high, self.width))
        failed = self.failed
        if self.passed is None:
            # nothing passed: is even the smallest size lost? (ICMP blocked, no route)
            return [] if self._proven(self.low) else self._planned([self.low])
        top = failed if failed is not None else self.high + 1
        candidates = list(range(self.passed + 1, top))
        retry = [failed] if failed is not None and not self._proven(failed) else []
        named = () if self.hint is None else (self.hint, self.hint + 1)
        hinted = [s for s in named if self.passed < s < top and s not in self.tried]
        if not candidates or hinted:
            return self._planned([*retry, *hinted])  # a router named its limit: prove it
        if len(candidates) * 2 + len(retry) <= self.width:
            return self._planned([*retry, *candidates, *candidates])  # each twice: last wave
        return self._planned([*retry, *_inner(self.passed, top, self.width - len(retry))])

    def _planned(self, sizes: list[int]) -> list[int]:
        if sizes:
            self.waves += 1
        return sizes

    def record(
        self, size: int, passed: bool, *, proof: bool = False, mtu_hint: int | None = None
    ) -> None:
        """Learn from one probe: ``proof`` when a loss is certain (frag-needed, a local
        refusal); ``mtu_hint`` is the MTU a frag-needed named."""
        self.tried.append(size)
        if passed:
            self.passed = size if self.passed is None else max(self.passed, size)
            for lost in [s for s in self.failures if s <= size]:
                del self.failures[lost]  # a loss below a size that passed was bad luck
            return
        self.failures[size] = 2 if proof else self.failures.get(size, 0) + 1
        if mtu_hint is not None and self.low <= mtu_hint < size and self.hint is None:
            self.hint = mtu_hint

    @property
    def result(self) -> int | None:
        """Largest size known to pass (None when nothing passed)."""
        return self.passed


def _spread(low: int, high: int, count: int) -> list[int]:
    """``count`` sizes from ``low`` to ``high`` inclusive, evenly apart (highest first)."""
    if high - low + 1 <= count:
        return list(range(high, low - 1, -1))
    step = (high - low) / (count - 1)
    return sorted({round(low + k * step) for k in range(count)}, reverse=True)


def _inner(passed: int, failed: int, count: int) -> list[int]:
    """``count`` sizes strictly between ``passed`` and ``failed``, evenly apart."""
    step = (failed - passed) / (count + 1)
    return sorted({round(passed + k * step) for k in range(1, count + 1)} - {passed, failed})


@dataclass
class LinearSearch:
    """The naive walk down from ``high`` one size at a time: the benchmark's yardstick."""

    low: int
    """Smallest size."""
    high: int
    """Largest size."""
    step: int = 1
    """Bytes between two probes."""
    passed: int | None = None
    """Largest size seen passing."""
    tried: list[int] = field(default_factory=list)
    """Sizes in the order tried."""

    def next_size(self) -> int | None:
        """The next size, or None when done."""
        if self.passed is not None:
            return None
        size = self.high - self.step * len(self.tried)
        return size if size >= self.low else None

    def record(self, size: int, passed: bool, *, mtu_hint: int | None = None) -> None:
        """Learn from one probe (hints are ignored: that is what makes it naive)."""
        del mtu_hint
        self.tried.append(size)
        if passed:
            self.passed = size

    @property
    def result(self) -> int | None:
        """Largest size known to pass."""
        return self.passed
