"""Files and rows kept together (SQLite and PostgreSQL)."""

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.inbox.samples import FORMAT_1, lab_bundle, sha256_of
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.inbox.database import Database
from wiresleuth.inbox.facts import BundleFacts, FindingFact, bundle_facts
from wiresleuth.inbox.settings import InboxSettings, database_url
from wiresleuth.inbox.store import Arrival, BundleStore, utc_now
from wiresleuth.inbox.tables import FacetRow, FindingRow, RefusalRow


@pytest.fixture
def store(tmp_path: Path, index_url: str) -> Iterator[BundleStore]:
    data = tmp_path / "data"
    settings = InboxSettings(data_dir=data, db_url=database_url(index_url, data)).prepared()
    db = Database(settings.db_url)
    yield BundleStore(settings, db)
    db.close()


def arrival(store: BundleStore, source: Path, ticket: str | None = None) -> Arrival:
    path = store.settings.incoming_dir / f"{source.stem}.part"
    shutil.copyfile(source, path)
    return Arrival(
        path=path, sha256=sha256_of(source), size=source.stat().st_size, file_name=source.name,
        ticket=ticket, sender="198.18.0.2", token_id=None,
    )  # fmt: skip


def keep(store: BundleStore, source: Path, ticket: str | None = None) -> str:
    return store.add(arrival(store, source, ticket), bundle_facts(read_bundle(source))).id


def _rows(store: BundleStore, table: type) -> int:
    with store.db.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_a_kept_bundle_has_its_file_and_rows(store: BundleStore) -> None:
    bundle_id = keep(store, lab_bundle("C1"), ticket="INC-1")
    row = store.find(bundle_id)
    assert row is not None and row.ticket == "INC-1" and row.sender == "198.18.0.2"
    assert store.path_of(row).read_bytes() == lab_bundle("C1").read_bytes()
    assert (
        store.path_of(row).relative_to(store.settings.bundles_dir).parts[2]
        == f"{bundle_id}.wsbundle"
    )
    assert len(store.findings_of(bundle_id)) == 5 and len(store.facets_of(bundle_id)) == 4
    assert not list(store.settings.incoming_dir.iterdir())


def test_the_same_file_is_kept_once_and_a_late_ticket_is_added(store: BundleStore) -> None:
    first = store.add(arrival(store, FORMAT_1), bundle_facts(read_bundle(FORMAT_1)))
    again = store.add(arrival(store, FORMAT_1, "INC-9"), bundle_facts(read_bundle(FORMAT_1)))
    assert again.duplicate and (again.id, again.sha256) == (first.id, first.sha256)
    row = store.find(first.id)
    assert row is not None and row.ticket == "INC-9"
    assert len(list(store.settings.bundles_dir.rglob("*.wsbundle"))) == 1
    assert not list(store.settings.incoming_dir.iterdir())


def test_deleting_removes_file_and_every_row(store: BundleStore) -> None:
    bundle_id = keep(store, lab_bundle("C8"))
    other = keep(store, lab_bundle("C6"))
    row = store.find(bundle_id)
    assert row is not None
    assert store.delete(bundle_id) and not store.delete(bundle_id)
    assert store.find(bundle_id) is None and not store.path_of(row).exists()
    with store.db.session() as session:
        left = set(session.scalars(select(FindingRow.bundle_id))) | set(
            session.scalars(select(FacetRow.bundle_id))
        )
    assert left == {other}


def test_retention_deletes_what_is_older_than_its_days(store: BundleStore) -> None:
    old = keep(store, lab_bundle("C7"))
    store.refused(arrival(store, FORMAT_1), "not a bundle")
    assert store.purge(30, now=utc_now() + timedelta(days=29)) == 0
    assert store.purge(0, now=utc_now() + timedelta(days=400)) == 0  # 0: keep for ever
    assert store.purge(30, now=utc_now() + timedelta(days=31)) == 1
    assert store.find(old) is None and not list(store.settings.bundles_dir.rglob("*.wsbundle"))
    assert _rows(store, RefusalRow) == 0


def test_text_with_nul_and_long_values_is_stored_on_both_databases(store: BundleStore) -> None:
    facts = bundle_facts(read_bundle(FORMAT_1))
    odd = FindingFact(finding_id="x.y", severity="problem", target="a\\u0000b", title="t" * 500)
    facts = BundleFacts(**{**facts.__dict__, "findings": (odd,), "computer": "pc\\u0000"})
    bundle_id = store.add(arrival(store, FORMAT_1), facts).id
    assert store.findings_of(bundle_id)[0].target == "a\\u0000b"
