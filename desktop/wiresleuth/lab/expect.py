"""What a scenario expects of the report, and the check of a report against it (pure).

Format in a scenario file (every key optional)::

    [expect]
    top = ["path.large_packet_loss", "path.dscp_marked"]  # first len(top) findings, as a set
    includes = ["net.gateway_vendor"]                     # present somewhere
    excludes = ["tls.certificate_invalid"]                # absent
    max_severity = "info"      # bound for every finding NOT named in top/includes
    exit_code = 1
    values = [
      {id = "path.dscp_marked", key = "dscp", equals = 46},
      {id = "tls.reset_after_client_hello", key = "seconds", approx = 3.1, tolerance = 0.5},
      {id = "net.gateway_vendor", key = "vendor", contains = "F5"},
    ]
    watch = [    # a watch's bundle (client watch_every/watch_for): grouped failures
      {target = "chat.lab.test:443", address = "100.64.1.20", signatures = ["tls.no_server_hello"]},
    ]

A value check passes when at least one finding with that id satisfies it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wiresleuth.lab.params import ParamError
from wiresleuth.model.finding import Severity

SEVERITIES = tuple(s.value for s in Severity)


@dataclass(frozen=True, kw_only=True)
class ValueCheck:
    """One check of ``values[key]`` of a finding."""

    id: str
    """Finding id."""
    key: str
    """Key in the finding's ``values``."""
    equals: bool | int | float | str | None = None
    """The value must equal this."""
    approx: float | None = None
    """The value must be within ``tolerance`` of this."""
    tolerance: float = 0.0
    """Allowed distance for ``approx``."""
    contains: str | None = None
    """The value, as text, must contain this (case-sensitive)."""

    def __post_init__(self) -> None:
        given = [x is not None for x in (self.equals, self.approx, self.contains)]
        if sum(given) != 1:
            raise ParamError("equals", "give exactly one of equals, approx, contains")
        if self.tolerance < 0:
            raise ParamError("tolerance", "must not be negative")

    def holds(self, value: Any) -> bool:
        """Whether a finding's value passes this check."""
        if self.equals is not None:
            return bool(value == self.equals)
        if self.approx is not None:
            return (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and abs(value - self.approx) <= self.tolerance
            )
        return self.contains is not None and self.contains in str(value)

    def describe(self) -> str:
        """The check in words."""
        if self.equals is not None:
            return f"{self.id}.values.{self.key} == {self.equals!r}"
        if self.approx is not None:
            return f"{self.id}.values.{self.key} ≈ {self.approx} ± {self.tolerance}"
        return f"{self.id}.values.{self.key} contains {self.contains!r}"


@dataclass(frozen=True, kw_only=True)
class WatchGroupCheck:
    """A watch's grouped failure that must be there (``wiresleuth watch`` scenarios)."""

    target: str
    """``host:port`` the group is about."""
    address: str
    """The address it failed on."""
    signatures: tuple[str, ...]
    """Any of these finding IDs (or ``outcome:...``) is the group's signature."""
    worked: bool = True
    """The same target and address must also have worked in some attempt (a fault that
    comes and goes), and the group must say when (its nearest working attempt)."""

    def __post_init__(self) -> None:
        if not self.signatures:
            raise ParamError("signatures", "give at least one finding ID")


@dataclass(frozen=True, kw_only=True)
class Expectations:
    """What one run of a scenario must produce."""

    top: tuple[str, ...] = ()
    """The first len(top) findings of the report, compared as a set."""
    includes: tuple[str, ...] = ()
    """Finding ids that must appear anywhere."""
    excludes: tuple[str, ...] = ()
    """Finding ids that must not appear."""
    max_severity: str | None = None
    """Highest severity allowed for any finding not named in ``top`` or ``includes``."""
    exit_code: int | None = None
    """Required exit code of the program (0, 1); by default any but 2."""
    values: tuple[ValueCheck, ...] = ()
    """Checks of finding values."""
    watch: tuple[WatchGroupCheck, ...] = ()
    """For a watch: grouped failures its bundle must hold."""

    def __post_init__(self) -> None:
        if self.max_severity is not None and self.max_severity not in SEVERITIES:
            raise ParamError("max_severity", f"must be one of {', '.join(SEVERITIES)}")
        if self.exit_code is not None and self.exit_code not in (0, 1):
            raise ParamError("exit_code", "must be 0 or 1")
        clash = set(self.excludes) & (set(self.top) | set(self.includes))
        if clash:
            raise ParamError("excludes", f"also expected: {', '.join(sorted(clash))}")


def _weight(severity: Any) -> int:
    try:
        return Severity(str(severity)).weight
    except ValueError:
        return Severity.PROBLEM.weight + 1  # unknown severities never pass a bound


def check(expect: Expectations, findings: Sequence[Mapping[str, Any]], exit_code: int) -> list[str]:
    """Every way the report breaks the expectations, in words (empty: all hold)."""
    failures: list[str] = []
    ids = [str(f.get("id")) for f in findings]
    if exit_code == 2:
        failures.append("the program exited 2 (could not run)")
    elif expect.exit_code is not None and exit_code != expect.exit_code:
        failures.append(f"exit code {exit_code}, expected {expect.exit_code}")
    if expect.top:
        head = ids[: len(expect.top)]
        if set(head) != set(expect.top):
            failures.append(f"top findings {head}, expected {sorted(expect.top)} (in any order)")
    for wanted in expect.includes:
        if wanted not in ids:
            failures.append(f"missing finding {wanted}")
    for unwanted in expect.excludes:
        if unwanted in ids:
            failures.append(f"unexpected finding {unwanted}")
    if expect.max_severity is not None:
        bound = Severity(expect.max_severity).weight
        named = set(expect.top) | set(expect.includes)
        for finding in findings:
            if str(finding.get("id")) in named:
                continue
            if _weight(finding.get("severity")) > bound:
                failures.append(
                    f"finding {finding.get('id')} is {finding.get('severity')}, "
                    f"above {expect.max_severity}"
                )
    for value_check in expect.values:
        seen = [
            f.get("values", {}).get(value_check.key, "<absent>")
            for f in findings
            if f.get("id") == value_check.id and isinstance(f.get("values"), Mapping)
        ]
        if not any(value_check.holds(v) for v in seen):
            got = ", ".join(repr(v) for v in seen) if seen else f"no {value_check.id} finding"
            failures.append(f"{value_check.describe()}: got {got}")
    return failures
