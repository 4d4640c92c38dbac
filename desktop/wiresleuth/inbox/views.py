"""The queries behind the pages: the filtered list of bundles and the grouped view.

Both take the same ``Filters``, so a group's link is the list (or a narrower grouping)
with one more filter. Finding and facet filters are ``EXISTS`` sub-queries on indexed
columns; counts are of distinct bundles. ``bench_inbox.py`` times them on 10,000 bundles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, case, distinct, func, or_, select
from sqlalchemy.orm import aliased

from wiresleuth.inbox.database import Database
from wiresleuth.inbox.facts import FACET_KINDS
from wiresleuth.inbox.store import utc_now
from wiresleuth.inbox.tables import BundleRow, FacetRow, FindingRow
from wiresleuth.model.catalogue import CATALOGUE

PAGE_SIZE = 50
GROUP_SIZE = 15
"""Values shown per kind of group (the rest are counted as 'N more')."""
SINCE = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
"""The time windows the pages offer (and ``all``)."""
SEVERITY_RANK = {"problem": 2, "warning": 1, "info": 0}
SINCE_WORDS = {"24h": "24 hours", "7d": "7 days", "30d": "30 days"}
FACET_HEADINGS = {
    "site": "By site",
    "subnet": "By subnet",
    "gateway": "By gateway vendor",
    "resolver": "By DNS resolver",
    "proxy": "By proxy",
}
FACET_TITLES = {
    "site": "Site",
    "subnet": "Subnet",
    "gateway": "Gateway vendor",
    "resolver": "DNS resolver",
    "proxy": "Proxy",
}


@dataclass(frozen=True, kw_only=True)
class Filters:
    """What the engineer narrowed the bundles to (each empty value: no filter)."""

    since: str = "all"
    finding: str = ""
    facets: Mapping[str, str] = field(default_factory=dict)
    """kind -> value, kinds from ``FACET_KINDS``."""
    computer: str = ""
    user: str = ""
    ticket: str = ""
    text: str = ""
    """Words looked for in computer, user, ticket, headline and file name."""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """From a page's query string (unknown keys and values ignored)."""

        def value(key: str, limit: int = 255) -> str:
            return (query.get(key) or "").strip()[:limit]

        since = value("since")
        return cls(
            since=since if since in SINCE else "all",
            finding=value("finding", 128),
            facets={kind: v for kind in FACET_KINDS if (v := value(kind))},
            computer=value("computer"),
            user=value("user"),
            ticket=value("ticket", 64),
            text=value("q", 100),
        )

    def as_query(self, **changes: str) -> str:
        """The query string of these filters with ``changes`` (an empty value removes)."""
        pairs: dict[str, str] = {
            "since": "" if self.since == "all" else self.since,
            "finding": self.finding,
            **self.facets,
            "computer": self.computer,
            "user": self.user,
            "ticket": self.ticket,
            "q": self.text,
        }
        pairs.update(changes)
        return urlencode({k: v for k, v in pairs.items() if v})

    def with_facet(self, kind: str, value: str) -> Filters:
        """These filters narrowed to one more facet value."""
        return replace(self, facets={**self.facets, kind: value})

    @property
    def active(self) -> list[tuple[str, str, str]]:
        """(key, label, value) of each filter in force, for the page to show and remove."""
        found = []
        if self.since != "all":
            found.append(("since", "Received in the last", SINCE_WORDS[self.since]))
        if self.finding:
            found.append(("finding", "Finding", self.finding))
        found += [(k, FACET_TITLES[k], v) for k, v in self.facets.items()]
        for key, label, text in (
            ("computer", "Computer", self.computer),
            ("user", "User", self.user),
            ("ticket", "Ticket", self.ticket),
            ("q", "Text", self.text),
        ):
            if text:
                found.append((key, label, text))
        return found


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def conditions(filters: Filters, now: datetime | None = None) -> list[ColumnElement[bool]]:
    """WHERE conditions on ``bundles`` for these filters."""
    found: list[ColumnElement[bool]] = []
    if filters.since in SINCE:
        found.append(BundleRow.received_at >= (now or utc_now()) - SINCE[filters.since])
    # ``bundles.id IN (sub-query)``: the sub-query runs once on its own index (an EXISTS
    # correlated with each bundle was several times slower on SQLite).
    if filters.finding:
        finding = aliased(FindingRow)
        found.append(
            BundleRow.id.in_(select(finding.bundle_id).where(finding.finding_id == filters.finding))
        )
    for kind, value in filters.facets.items():
        facet = aliased(FacetRow)
        found.append(
            BundleRow.id.in_(
                select(facet.bundle_id).where(facet.kind == kind, facet.value == value)
            )
        )
    if filters.computer:
        found.append(BundleRow.computer == filters.computer)
    if filters.user:
        found.append(BundleRow.user_name == filters.user)
    if filters.ticket:
        found.append(BundleRow.ticket == filters.ticket)
    if filters.text:
        pattern = _like(filters.text)
        found.append(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (
                        BundleRow.computer,
                        BundleRow.user_name,
                        BundleRow.ticket,
                        BundleRow.headline_title,
                        BundleRow.file_name,
                        BundleRow.id,
                    )
                )
            )
        )
    return found


@dataclass(frozen=True, kw_only=True)
class ListPage:
    """One page of the list."""

    rows: list[BundleRow]
    total: int
    page: int
    pages: int


def list_page(db: Database, filters: Filters, page: int = 1) -> ListPage:
    """Bundles matching ``filters``, newest first, ``PAGE_SIZE`` a page."""
    where = conditions(filters)
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(BundleRow).where(*where)) or 0
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, page), pages)
        rows = list(
            session.scalars(
                select(BundleRow)
                .where(*where)
                .order_by(BundleRow.received_at.desc(), BundleRow.id.desc())
                .limit(PAGE_SIZE)
                .offset((page - 1) * PAGE_SIZE)
            )
        )
    return ListPage(rows=rows, total=total, page=page, pages=pages)


@dataclass(frozen=True, kw_only=True)
class Group:
    """Bundles sharing one value: a finding ID or a facet."""

    value: str
    count: int
    """Bundles (distinct)."""
    severity: str = ""
    """For a finding: the most severe it was anywhere."""
    title: str = ""
    """For a finding: a title it had (they vary by site)."""


@dataclass(frozen=True, kw_only=True)
class Grouping:
    """The grouped view."""

    total: int
    """Bundles matching the filters."""
    findings: list[Group]
    """Every finding ID, most bundles first."""
    facets: dict[str, list[Group]]
    """kind -> the most frequent values, most bundles first."""
    more: dict[str, int]
    """kind -> how many values are not shown."""


def grouping(db: Database, filters: Filters) -> Grouping:
    """Counts of bundles per finding and per facet value, under ``filters``.

    Two queries whatever the filters: findings by ID, then every facet kind at once, each
    on an index that covers it. The time window is tested on the rows' own copy of
    ``received_at``; other filters restrict them with ``bundle_id IN (the matching
    bundles)``, so both databases reach them through the ``bundle_id`` indexes instead of
    testing every row against its bundle (a join SQLite planned the slow way round: 300 ms
    for a day's bundles among 10,000).
    """
    where = conditions(filters)
    rank = func.max(
        case(
            (FindingRow.severity == "problem", 2),
            (FindingRow.severity == "warning", 1),
            else_=0,
        )
    )
    count = func.count(distinct(FindingRow.bundle_id))  # a finding is once per site it concerns
    names = {v: k for k, v in SEVERITY_RANK.items()}
    by_finding = select(FindingRow.finding_id, count, rank)
    by_value = select(FacetRow.kind, FacetRow.value, func.count())  # one row per bundle
    if filters.since in SINCE:
        cutoff = utc_now() - SINCE[filters.since]
        by_finding = by_finding.where(FindingRow.received_at >= cutoff)
        by_value = by_value.where(FacetRow.received_at >= cutoff)
    others = conditions(replace(filters, since="all"))
    if others:
        matching = select(BundleRow.id).where(*others)
        by_finding = by_finding.where(FindingRow.bundle_id.in_(matching))
        by_value = by_value.where(FacetRow.bundle_id.in_(matching))
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(BundleRow).where(*where)) or 0
        counts = list(session.execute(by_finding.group_by(FindingRow.finding_id)))
        unknown = [fid for fid, _n, _r in counts if fid not in CATALOGUE]
        titles: dict[str, str] = {}
        if unknown:  # IDs the catalogue does not name (a newer program's): a title they had
            titles = {
                fid: title
                for fid, title in session.execute(
                    select(FindingRow.finding_id, func.min(FindingRow.title))
                    .where(FindingRow.finding_id.in_(unknown[:200]))
                    .group_by(FindingRow.finding_id)
                )
            }
        values: dict[str, list[Group]] = {kind: [] for kind in FACET_KINDS}
        for kind, value, n in session.execute(by_value.group_by(FacetRow.kind, FacetRow.value)):
            if kind in values:
                values[kind].append(Group(value=value, count=n))
    findings = [
        Group(
            value=fid,
            count=n,
            severity=names.get(r, "info"),
            title=CATALOGUE[fid].title if fid in CATALOGUE else titles.get(fid, ""),
        )
        for fid, n, r in counts
    ]
    findings.sort(key=lambda g: (-g.count, g.value))
    facets: dict[str, list[Group]] = {}
    more: dict[str, int] = {}
    for kind, groups in values.items():
        groups.sort(key=lambda g: (-g.count, g.value))
        facets[kind] = groups[:GROUP_SIZE]
        if len(groups) > GROUP_SIZE:
            more[kind] = len(groups) - GROUP_SIZE
    return Grouping(total=total, findings=findings, facets=facets, more=more)


def refusal_count(db: Database, days: int = 7) -> int:
    """Uploads refused in the last ``days`` days."""
    from wiresleuth.inbox.tables import RefusalRow

    with db.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(RefusalRow)
                .where(RefusalRow.received_at >= utc_now() - timedelta(days=days))
            )
            or 0
        )
