"""Bundles on disk and their rows in the index, kept together: added, found, deleted.

A bundle's file is moved into ``bundles/YYYY/MM/ID.wsbundle`` before its rows are
committed, and removed again when the commit fails, so the index never names a file that
is not there. Deleting removes the rows first (one transaction), then the file; a file
whose removal failed is named in the log and removed by the next ``purge``.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wiresleuth.inbox.database import Database
from wiresleuth.inbox.errors import InboxError
from wiresleuth.inbox.facts import BundleFacts
from wiresleuth.inbox.settings import InboxSettings
from wiresleuth.inbox.tables import NAME, BundleRow, FacetRow, FindingRow, RefusalRow, TokenRow

log = logging.getLogger(__name__)

_ID_LETTERS = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32: no i, l, o, u
ID_LENGTH = 10
"""50 bits: unguessable enough for a name read out on the phone, short enough to read."""


def utc_now() -> datetime:
    """Now, naive UTC (as the index keeps times), to the second."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def new_id() -> str:
    """A receipt id."""
    return "".join(secrets.choice(_ID_LETTERS) for _ in range(ID_LENGTH))


@dataclass(frozen=True, kw_only=True)
class Receipt:
    """What the sender is told: the bundle's id, the file's SHA-256, when it was received."""

    id: str
    sha256: str
    received_at: datetime
    duplicate: bool = False
    """The same file had been received before: this is its first receipt."""

    def as_json(self) -> dict[str, object]:
        """The receipt as the upload answers it (docs/inbox.md)."""
        return {
            "id": self.id,
            "sha256": self.sha256,
            "received_at": self.received_at.isoformat() + "Z",
            "duplicate": self.duplicate,
        }

    def line(self) -> str:
        """One line for the sender's window (it shows the answer's first line)."""
        again = " (sent before; kept once)" if self.duplicate else ""
        return (
            f"Received as {self.id}{again}, SHA-256 {self.sha256}, "
            f"at {self.received_at.isoformat()}Z"
        )


@dataclass(frozen=True, kw_only=True)
class Arrival:
    """An upload that passed every check, waiting in ``incoming/``."""

    path: Path
    sha256: str
    size: int
    file_name: str
    ticket: str | None
    sender: str
    token_id: int | None


class BundleStore:
    """The bundles folder and the index, changed together."""

    def __init__(self, settings: InboxSettings, db: Database) -> None:
        self.settings = settings
        self.db = db

    def path_of(self, row: BundleRow) -> Path:
        """The file of an indexed bundle."""
        return self.settings.bundles_dir / row.stored_as

    def find(self, bundle_id: str) -> BundleRow | None:
        """The row of a bundle, if it is in the index."""
        with self.db.session() as session:
            return session.get(BundleRow, bundle_id)

    def findings_of(self, bundle_id: str) -> list[FindingRow]:
        """A bundle's findings, in the report's order."""
        with self.db.session() as session:
            return list(
                session.scalars(
                    select(FindingRow)
                    .where(FindingRow.bundle_id == bundle_id)
                    .order_by(FindingRow.position)
                )
            )

    def facets_of(self, bundle_id: str) -> list[FacetRow]:
        """A bundle's facets."""
        with self.db.session() as session:
            return list(
                session.scalars(
                    select(FacetRow).where(FacetRow.bundle_id == bundle_id).order_by(FacetRow.id)
                )
            )

    def _existing(self, session: Session, sha256: str) -> BundleRow | None:
        return session.scalars(select(BundleRow).where(BundleRow.sha256 == sha256)).first()

    def add(self, arrival: Arrival, facts: BundleFacts) -> Receipt:
        """Keep a checked bundle: its file moved into place, its rows committed. The same
        file received before gives that bundle's receipt (marked duplicate) and keeps one
        copy; a ticket number the first upload lacked is added."""
        with self.db.session() as session, session.begin():
            existing = self._existing(session, arrival.sha256)
            if existing is not None:
                if arrival.ticket and not existing.ticket:
                    existing.ticket = arrival.ticket
                arrival.path.unlink(missing_ok=True)
                return Receipt(
                    id=existing.id,
                    sha256=existing.sha256,
                    received_at=existing.received_at,
                    duplicate=True,
                )
        received = utc_now()
        for _ in range(5):  # an id already taken (1 in 2**50 a time): draw again
            bundle_id = new_id()
            stored_as = f"{received:%Y}/{received:%m}/{bundle_id}.wsbundle"
            target = self.settings.bundles_dir / stored_as
            try:
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.replace(arrival.path, target)
            except OSError as exc:
                raise InboxError(
                    f"cannot keep the bundle in {target.parent}: {exc.strerror or exc}"
                ) from exc
            try:
                with self.db.session() as session, session.begin():
                    session.add(_bundle_row(bundle_id, stored_as, received, arrival, facts))
                    session.flush()
                    session.add_all(_finding_rows(bundle_id, received, facts))
                    session.add_all(
                        FacetRow(bundle_id=bundle_id, kind=kind, value=value, received_at=received)
                        for kind, value in facts.facets
                    )
            except IntegrityError:
                os.replace(target, arrival.path)
                with self.db.session() as session:
                    again = self._existing(session, arrival.sha256)
                if again is not None:  # the same file arrived twice at once
                    arrival.path.unlink(missing_ok=True)
                    return Receipt(
                        id=again.id,
                        sha256=again.sha256,
                        received_at=again.received_at,
                        duplicate=True,
                    )
                continue
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            return Receipt(id=bundle_id, sha256=arrival.sha256, received_at=received)
        raise InboxError("no free bundle id after 5 tries")

    def refused(self, arrival: Arrival, reason: str) -> None:
        """Note an upload that was refused (its file is not kept)."""
        with self.db.session() as session, session.begin():
            session.add(
                RefusalRow(
                    received_at=utc_now(),
                    sender=arrival.sender[:64],
                    token_id=arrival.token_id,
                    file_name=arrival.file_name[:NAME],
                    size=arrival.size,
                    ticket=arrival.ticket,
                    reason=reason[:1000],
                )
            )

    def delete(self, bundle_id: str) -> bool:
        """Remove a bundle's rows and its file; False when there was no such bundle."""
        with self.db.session() as session, session.begin():
            row = session.get(BundleRow, bundle_id)
            if row is None:
                return False
            path = self.path_of(row)
            session.execute(delete(FindingRow).where(FindingRow.bundle_id == bundle_id))
            session.execute(delete(FacetRow).where(FacetRow.bundle_id == bundle_id))
            session.delete(row)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("bundle %s: rows deleted, but its file %s stays: %s", bundle_id, path, exc)
        log.info("bundle %s deleted", bundle_id)
        return True

    def purge(self, older_than_days: int, now: datetime | None = None) -> int:
        """Delete every bundle received more than ``older_than_days`` ago (and refusals as
        old); the number of bundles deleted. 0 days: nothing is deleted."""
        if older_than_days <= 0:
            return 0
        cutoff = (now or utc_now()) - timedelta(days=older_than_days)
        with self.db.session() as session:
            old = list(session.scalars(select(BundleRow.id).where(BundleRow.received_at < cutoff)))
        deleted = sum(1 for bundle_id in old if self.delete(bundle_id))
        with self.db.session() as session, session.begin():
            session.execute(delete(RefusalRow).where(RefusalRow.received_at < cutoff))
        if deleted:
            log.info("retention: %d bundles older than %d days deleted", deleted, older_than_days)
        return deleted

    def touch_token(self, token_id: int | None) -> None:
        """Count an accepted upload on its token."""
        if token_id is None:
            return
        with self.db.session() as session, session.begin():
            session.execute(
                update(TokenRow)
                .where(TokenRow.id == token_id)
                .values(uploads=TokenRow.uploads + 1, last_used_at=utc_now())
            )


def _bundle_row(
    bundle_id: str, stored_as: str, received: datetime, arrival: Arrival, facts: BundleFacts
) -> BundleRow:
    headline = facts.headline
    return BundleRow(
        id=bundle_id,
        sha256=arrival.sha256,
        received_at=received,
        size=arrival.size,
        file_name=arrival.file_name[:NAME],
        stored_as=stored_as,
        ticket=arrival.ticket,
        token_id=arrival.token_id,
        sender=arrival.sender[:64],
        program_version=facts.program_version,
        run_started=facts.run_started,
        computer=facts.computer,
        user_name=facts.user,
        os=facts.os,
        headline_id=headline.finding_id if headline else None,
        headline_title=headline.title if headline else None,
        headline_severity=headline.severity if headline else None,
        problems=facts.problems,
        warnings=facts.warnings,
        notes=facts.notes,
        route=facts.route,
        subnet=facts.subnet,
        gateway_vendor=facts.gateway_vendor,
        has_capture=facts.has_capture,
        cancelled=facts.cancelled,
    )


def _finding_rows(bundle_id: str, received: datetime, facts: BundleFacts) -> list[FindingRow]:
    return [
        FindingRow(
            bundle_id=bundle_id,
            received_at=received,
            position=index,
            finding_id=finding.finding_id,
            severity=finding.severity,
            target=finding.target,
            title=finding.title,
        )
        for index, finding in enumerate(facts.findings)
    ]
