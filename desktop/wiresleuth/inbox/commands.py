"""What each ``wiresleuth inbox`` command does (the arguments are in ``cli/inbox_cmd.py``).

Every error of ours ends as one line on stderr and exit 2; output that holds text from a
bundle or a database goes through the console helpers.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from wiresleuth.cli import console, exit_codes
from wiresleuth.errors import BadInput, WireSleuthError
from wiresleuth.inbox import accounts, tokens
from wiresleuth.inbox.certificate import default_names, own_certificate
from wiresleuth.inbox.database import Database
from wiresleuth.inbox.settings import DB_ENV, InboxSettings, MiB, database_url, default_data_dir
from wiresleuth.inbox.store import BundleStore
from wiresleuth.inbox.tables import EngineerRow, TokenRow

Handler = Callable[[argparse.Namespace], int]


def _settings(args: argparse.Namespace) -> InboxSettings:
    data = Path(args.data) if getattr(args, "data", None) else default_data_dir()
    settings = InboxSettings(
        data_dir=data.absolute(),
        db_url=database_url(getattr(args, "db", None) or os.environ.get(DB_ENV), data),
    )
    changes: dict[str, Any] = {}
    if getattr(args, "retention_days", None) is not None:
        if args.retention_days < 0:
            raise BadInput("--retention-days must be 0 (keep) or more")
        changes["retention_days"] = args.retention_days
    if getattr(args, "max_bundle_mb", None) is not None:
        if not 1 <= args.max_bundle_mb <= 4096:
            raise BadInput("--max-bundle-mb must be between 1 and 4096")
        changes["max_bundle_bytes"] = args.max_bundle_mb * MiB
    if getattr(args, "upload_slots", None) is not None:
        if not 1 <= args.upload_slots <= 64:
            raise BadInput("--upload-slots must be between 1 and 64")
        changes["upload_slots"] = args.upload_slots
    return replace(settings, **changes).prepared()


def _one_line_errors(function: Handler) -> Handler:
    @wraps(function)
    def run(args: argparse.Namespace) -> int:
        try:
            return function(args)
        except WireSleuthError as exc:
            console.error(str(exc), command="wiresleuth inbox")
            return exit_codes.COULD_NOT_RUN

    return run


def _database(args: argparse.Namespace) -> tuple[InboxSettings, Database]:
    settings = _settings(args)
    return settings, Database(settings.db_url)


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    inbox = logging.getLogger("wiresleuth.inbox")
    inbox.setLevel(logging.INFO)
    inbox.addHandler(handler)
    inbox.propagate = False


@_one_line_errors
def serve(args: argparse.Namespace) -> int:
    """Run the inbox until Ctrl-C or SIGTERM."""
    from wiresleuth.inbox.server import ServeOptions, parse_listen, prepare
    from wiresleuth.inbox.server import serve as run

    host, port = parse_listen(args.listen)
    options = ServeOptions(
        host=host, port=port, cert=args.cert, key=args.key, names=tuple(args.name)
    )
    prepared = prepare(_settings(args), options)
    with prepared.store.db.session() as session:
        engineers = session.scalar(select(func.count()).select_from(EngineerRow)) or 0
        live = (
            session.scalar(
                select(func.count()).select_from(TokenRow).where(TokenRow.revoked_at.is_(None))
            )
            or 0
        )
    for line in prepared.lines:
        console.show(line)
    if not engineers:
        console.show("  no engineer can sign in yet: `wiresleuth inbox engineer add NAME`")
    if not live:
        console.show("  no upload token yet: `wiresleuth inbox token create LABEL`")
    console.show("Ctrl-C stops it.", end="\n")
    sys.stdout.flush()
    _log_to_stderr()
    by = run(prepared)
    logging.getLogger("wiresleuth.inbox").info("inbox stopped%s", f" ({by})" if by else "")
    return exit_codes.NO_PROBLEM


@_one_line_errors
def token_create(args: argparse.Namespace) -> int:
    db = _database(args)[1]
    made = tokens.create_token(db, args.label)
    base = (args.url or "https://INBOX-HOST:8443").rstrip("/")
    console.show(f"Token {made.id} for {made.label}: {made.secret}")
    console.show(f"Upload address (the profile's upload_url): {base}/upload/{made.secret}")
    console.show(
        "It is shown only now; the inbox keeps only its hash. It allows uploading, nothing else."
    )
    return exit_codes.NO_PROBLEM


@_one_line_errors
def token_list(args: argparse.Namespace) -> int:
    db = _database(args)[1]
    rows = tokens.list_tokens(db)
    if not rows:
        console.show("No upload token yet: `wiresleuth inbox token create LABEL`.")
    for row in rows:
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "live"
        used = f"last used {row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never used"
        console.show(f"{row.id}\t{row.label}\t{state}\t{row.uploads} uploads, {used}")
    return exit_codes.NO_PROBLEM


@_one_line_errors
def token_revoke(args: argparse.Namespace) -> int:
    db = _database(args)[1]
    row = tokens.revoke_token(db, args.id)
    console.show(f"Token {row.id} ({row.label}) is revoked: uploads with it are refused.")
    return exit_codes.NO_PROBLEM


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise BadInput("the two passwords differ")
    return first


@_one_line_errors
def engineer_add(args: argparse.Namespace) -> int:
    db = _database(args)[1]
    accounts.add_engineer(db, args.name, _password(args))
    console.show(f"{args.name} may now sign in.")
    return exit_codes.NO_PROBLEM


@_one_line_errors
def engineer_password(args: argparse.Namespace) -> int:
    db = _database(args)[1]
    accounts.set_password(db, args.name, _password(args))
    console.show(f"{args.name}'s password is changed (their sessions are ended).")
    return exit_codes.NO_PROBLEM


@_one_line_errors
def engineer_remove(args: argparse.Namespace) -> int:
    db = _database(args)[1]
    accounts.remove_engineer(db, args.name)
    console.show(f"{args.name} is removed.")
    return exit_codes.NO_PROBLEM


@_one_line_errors
def engineer_list(args: argparse.Namespace) -> int:
    db = _database(args)[1]
    for row in accounts.list_engineers(db):
        console.show(f"{row.name}\tsince {row.created_at:%Y-%m-%d}")
    return exit_codes.NO_PROBLEM


@_one_line_errors
def delete(args: argparse.Namespace) -> int:
    settings, db = _database(args)
    store = BundleStore(settings, db)
    missing = [i for i in args.ids if not store.delete(i)]
    for bundle_id in args.ids:
        if bundle_id not in missing:
            console.show(f"Deleted {bundle_id}.")
    if missing:
        raise BadInput(f"no such bundle: {', '.join(missing)}")
    return exit_codes.NO_PROBLEM


@_one_line_errors
def purge(args: argparse.Namespace) -> int:
    if args.older_than < 1:
        raise BadInput("--older-than must be 1 day or more")
    settings, db = _database(args)
    count = BundleStore(settings, db).purge(args.older_than)
    console.show(
        f"Deleted {count} bundle{'s' if count != 1 else ''} received more than {args.older_than} days ago."
    )
    return exit_codes.NO_PROBLEM


@_one_line_errors
def certificate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    made = own_certificate(settings.tls_dir, list(args.name) or default_names())
    console.show(f"{made.cert}{' (made now)' if made.created else ''}")
    console.show(f"for: {', '.join(made.names)}")
    console.show(f"SHA-256 fingerprint: {made.fingerprint}")
    return exit_codes.NO_PROBLEM
