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
