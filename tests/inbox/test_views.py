"""The list's and the grouped view's queries, on both databases, with rows made directly."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from wiresleuth.inbox import views
from wiresleuth.inbox.database import Database
from wiresleuth.inbox.settings import database_url
from wiresleuth.inbox.store import utc_now
from wiresleuth.inbox.tables import BundleRow, FacetRow, FindingRow


@pytest.fixture
def db(tmp_path: Path, index_url: str) -> Iterator[Database]:
    database = Database(database_url(index_url, tmp_path))
    yield database
    database.close()


def add(
    db: Database, bundle_id: str, *, age_days: float, computer: str, findings: list[str], site: str
) -> None:
    received = utc_now() - timedelta(days=age_days)
    with db.session() as session, session.begin():
        session.add(
            BundleRow(
                id=bundle_id, sha256=bundle_id.ljust(64, "0"), received_at=received,
                size=1, file_name=f"{bundle_id}.wsbundle", stored_as="x", ticket=None, token_id=None,
                sender="198.18.0.2", program_version="0.1", run_started=None, computer=computer,
                user_name="u_1%", os=None, headline_id=findings[0] if findings else None,
                headline_title="t", headline_severity="problem", problems=len(findings), warnings=0,
                notes=0, route="direct", subnet="198.18.0.0/24", gateway_vendor=None, has_capture=False,
                cancelled=False,
            )
        )  # fmt: skip
        session.flush()
        for n, finding in enumerate(findings):
            severity = "info" if finding.startswith("note.") else "problem"
            session.add(
                FindingRow(
                    bundle_id=bundle_id,
                    position=n,
                    finding_id=finding,
                    severity=severity,
                    target=site,
                    title=f"{finding} at {site}",
                    received_at=received,
                )
            )
        session.add(FacetRow(bundle_id=bundle_id, kind="site", value=site, received_at=received))


def test_filters_combine_and_count(db: Database) -> None:
    add(db, "a", age_days=0.1, computer="pc-1", findings=["tls.reset", "note.mtu"], site="lb:443")
    add(db, "b", age_days=2, computer="pc-2", findings=["tls.reset"], site="shop:443")
    add(db, "c", age_days=40, computer="pc-3", findings=["dns.rewrite"], site="lb:443")
    ids = lambda filters: [r.id for r in views.list_page(db, filters).rows]  # noqa: E731
    assert ids(views.Filters()) == ["a", "b", "c"]  # newest first
    assert ids(views.Filters(since="7d")) == ["a", "b"]
    assert ids(views.Filters(finding="tls.reset")) == ["a", "b"]
    assert ids(views.Filters(finding="tls.reset", facets={"site": "lb:443"})) == ["a"]
    assert ids(views.Filters(computer="pc-3")) == ["c"]
    assert ids(views.Filters(text="PC-2")) == ["b"]
    assert ids(views.Filters(text="u_1%")) == ["a", "b", "c"]  # % and _ are letters here
    assert ids(views.Filters(text="u_10")) == []


def test_the_grouped_view_counts_distinct_bundles(db: Database) -> None:
    add(db, "a", age_days=0.1, computer="pc-1", findings=["tls.reset", "note.mtu"], site="lb:443")
    add(db, "b", age_days=2, computer="pc-2", findings=["tls.reset"], site="lb:443")
    add(db, "c", age_days=40, computer="pc-3", findings=["dns.rewrite"], site="shop:443")
    grouping = views.grouping(db, views.Filters())
    assert grouping.total == 3
    assert [(g.value, g.count, g.severity) for g in grouping.findings] == [
        ("tls.reset", 2, "problem"), ("dns.rewrite", 1, "problem"), ("note.mtu", 1, "info"),
    ]  # fmt: skip
    assert [(g.value, g.count) for g in grouping.facets["site"]] == [("lb:443", 2), ("shop:443", 1)]
    narrowed = views.grouping(db, views.Filters(facets={"site": "lb:443"}, since="30d"))
    assert narrowed.total == 2 and [g.value for g in narrowed.findings] == ["tls.reset", "note.mtu"]
    by_finding = views.grouping(db, views.Filters(finding="dns.rewrite"))
    assert [(g.value, g.count) for g in by_finding.facets["site"]] == [("shop:443", 1)]


def test_many_values_show_the_most_frequent_and_count_the_rest(db: Database) -> None:
    for n in range(views.GROUP_SIZE + 5):
        add(
            db,
            f"b{n:02d}",
            age_days=0,
            computer="pc",
            findings=["x.y"],
            site=f"site-{n % (views.GROUP_SIZE + 3)}",
        )
    grouping = views.grouping(db, views.Filters())
    assert len(grouping.facets["site"]) == views.GROUP_SIZE and grouping.more["site"] == 3
    assert grouping.facets["site"][0].count == 2


def test_filters_read_from_and_written_to_the_query_string() -> None:
    filters = views.Filters.from_query(
        {"since": "7d", "site": "lb:443", "q": " pc ", "bogus": "x", "finding": "a" * 500}
    )
    assert filters.since == "7d" and filters.facets == {"site": "lb:443"} and filters.text == "pc"
    assert len(filters.finding) == 128
    assert views.Filters.from_query({"since": "1y"}).since == "all"
    assert views.Filters(facets={"site": "a&b"}).as_query(page="2") == "site=a%26b&page=2"
    assert views.Filters(since="24h", ticket="T1").as_query(ticket="") == "since=24h"
