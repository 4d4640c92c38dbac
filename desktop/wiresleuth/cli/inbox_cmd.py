"""``wiresleuth inbox …``: the helpdesk's inbox server and its upkeep (tokens, engineers,
deletion). Only the arguments live here: the work is in ``wiresleuth.inbox.commands``,
imported when a command runs, because its libraries come with the ``inbox`` extra, which
the desktop app does not have. Without them, one line says what to install.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from wiresleuth.cli import console, exit_codes

EXTRA_MISSING = "install the inbox extra: pip install 'wiresleuth[inbox]'"
INBOX_MODULES = frozenset(
    {"starlette", "uvicorn", "jinja2", "multipart", "python_multipart", "sqlalchemy", "alembic",
     "psycopg", "psycopg_binary", "argon2", "_argon2_cffi_bindings", "mako", "anyio", "h11"}
)  # fmt: skip
"""Top-level modules of the inbox's libraries and theirs: missing, they mean the extra is."""


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``inbox`` and its sub-commands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        type=Path,
        help="the inbox's data folder (default: ~/.local/share/wiresleuth-inbox)",
    )
    common.add_argument(
        "--db",
        help="index database URL: sqlite:///FILE (default: inbox.sqlite3 in --data) or "
        "postgresql://USER:PASSWORD@HOST/DB; also WIRESLEUTH_INBOX_DB",
    )
    parser = commands.add_parser(
        "inbox",
        help="the helpdesk's inbox: receive bundles, see them across users (server)",
        description="Receives bundles from WireSleuth (Send to helpdesk, wiresleuth send) "
        "over HTTPS and shows them to engineers. Needs the inbox extra: "
        "pip install 'wiresleuth[inbox]'. See docs/inbox.md.",
    )
    parser.set_defaults(handler=_usage(parser))
    sub = parser.add_subparsers(dest="inbox_command", metavar="COMMAND")

    serve = sub.add_parser("serve", parents=[common], help="run the inbox (HTTPS)")
    serve.add_argument(
        "--listen", default="0.0.0.0:8443", help="ADDRESS:PORT (default 0.0.0.0:8443)"
    )
    serve.add_argument(
        "--cert", type=Path, help="certificate (PEM) to present instead of the inbox's own"
    )
    serve.add_argument("--key", type=Path, help="its private key (PEM)")
    serve.add_argument(
        "--name", action="append", default=[],
        help="a name the inbox's own certificate is made for (repeat; default: this host's names)",
    )  # fmt: skip
    serve.add_argument(
        "--retention-days",
        type=int,
        default=None,
        help="delete bundles older than this (default 90; 0: never)",
    )
    serve.add_argument(
        "--max-bundle-mb",
        type=int,
        default=None,
        help="largest upload accepted, MiB (default 1024)",
    )
    serve.add_argument(
        "--upload-slots", type=int, default=None, help="uploads received at once (default 4)"
    )
    serve.set_defaults(handler=_run("serve"))

    token = sub.add_parser("token", help="upload tokens: create, list, revoke")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION")
    create = token_sub.add_parser(
        "create", parents=[common], help="make a token; prints it and the upload address once"
    )
    create.add_argument("label", help="who it is for (e.g. 'ACME branch offices')")
    create.add_argument(
        "--url", help="the inbox's address as users reach it, e.g. https://inbox.example:8443"
    )
    create.set_defaults(handler=_run("token_create"))
    token_sub.add_parser(
        "list", parents=[common], help="list tokens (never their secrets)"
    ).set_defaults(handler=_run("token_list"))
    revoke = token_sub.add_parser(
        "revoke", parents=[common], help="refuse uploads with a token from now on"
    )
    revoke.add_argument("id", type=int, help="the token's id (from `token list`)")
    revoke.set_defaults(handler=_run("token_revoke"))
    token.set_defaults(handler=_usage(token))

    engineer = sub.add_parser(
        "engineer", help="who may sign in to the pages: add, password, remove, list"
    )
    engineer_sub = engineer.add_subparsers(dest="engineer_command", metavar="ACTION")
    for action, text in (("add", "add an engineer"), ("password", "set an engineer's password")):
        one = engineer_sub.add_parser(action, parents=[common], help=text)
        one.add_argument("name")
        one.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input (scripts)",
        )
        one.set_defaults(handler=_run(f"engineer_{action}"))
    remove = engineer_sub.add_parser("remove", parents=[common], help="remove an engineer")
    remove.add_argument("name")
    remove.set_defaults(handler=_run("engineer_remove"))
    engineer_sub.add_parser("list", parents=[common], help="list engineers").set_defaults(
        handler=_run("engineer_list")
    )
    engineer.set_defaults(handler=_usage(engineer))

    delete = sub.add_parser("delete", parents=[common], help="delete bundles (file and rows) by id")
    delete.add_argument("ids", nargs="+", metavar="ID")
    delete.set_defaults(handler=_run("delete"))
    purge = sub.add_parser(
        "purge", parents=[common], help="delete bundles received more than DAYS ago"
    )
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    purge.set_defaults(handler=_run("purge"))
    cert = sub.add_parser(
        "certificate",
        parents=[common],
        help="print the certificate's file and fingerprint (made if missing)",
    )
    cert.add_argument(
        "--name", action="append", default=[], help="a name for a certificate made now (repeat)"
    )
    cert.set_defaults(handler=_run("certificate"))


def _usage(parser: argparse.ArgumentParser) -> object:
    def handler(args: argparse.Namespace) -> int:
        parser.print_usage()
        console.error(f"which one? `{parser.prog} --help` lists the commands", command=parser.prog)
        return exit_codes.COULD_NOT_RUN

    return handler


def missing_extra(exc: ModuleNotFoundError) -> bool:
    """Whether an import failed for want of the inbox's libraries (or of the inbox itself:
    the desktop app is built without it)."""
    name = exc.name or ""
    return name.split(".")[0] in INBOX_MODULES or name.startswith("wiresleuth.inbox")


def _run(name: str) -> object:
    def handler(args: argparse.Namespace) -> int:
        try:
            from wiresleuth.inbox import commands
        except ModuleNotFoundError as exc:
            if not missing_extra(exc):
                raise
            console.error(EXTRA_MISSING, command="wiresleuth inbox")
            return exit_codes.COULD_NOT_RUN
        try:
            return int(getattr(commands, name)(args))
        except ModuleNotFoundError as exc:  # psycopg, imported when a postgresql URL is used
            if not missing_extra(exc):
                raise
            console.error(EXTRA_MISSING, command="wiresleuth inbox")
            return exit_codes.COULD_NOT_RUN

    return handler
