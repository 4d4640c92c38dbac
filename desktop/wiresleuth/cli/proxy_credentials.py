"""``wiresleuth run --proxy-user USER``: proxy credentials typed now, for this run only.

The password is read with getpass (no echo), handed to the proxy-path wizard in memory and
never written anywhere: not in the profile, the log, the bundle or its capture (the bundle's
redaction masks Proxy-Authorization as a second line of defence).
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from typing import TYPE_CHECKING

from wiresleuth.errors import BadInput

if TYPE_CHECKING:  # the CLI starts without loading probes and wizards
    from wiresleuth.probes.proxy_auth import ProxyCredentials
    from wiresleuth.wizards.base import Wizard

Prompt = Callable[[str], str]


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--proxy-user`` to the ``run`` command."""
    parser.add_argument(
        "--proxy-user",
        metavar="USER",
        help="log in to the proxy as USER (DOMAIN\\USER for NTLM); the password is asked now, "
        "used for this run only and never saved",
    )


def ask(args: argparse.Namespace, prompt: Prompt = getpass.getpass) -> ProxyCredentials | None:
    """The credentials typed for this run, or None without ``--proxy-user``."""
    from wiresleuth.probes.proxy_auth import ProxyCredentials

    user = getattr(args, "proxy_user", None)
    if not user:
        return None
    try:
        password = prompt(f"Proxy password for {user}: ")
    except EOFError as exc:
        raise BadInput("--proxy-user: no password was typed") from exc
    return ProxyCredentials(user=user, password=password)


def give(wizards: list[Wizard], credentials: ProxyCredentials | None) -> list[Wizard]:
    """The wizards, with the credentials handed to every wizard that goes through the proxy
    (proxy path, and the TLS handshake through the route's tunnel), as the window does."""
    for wizard in wizards:
        if hasattr(wizard, "credentials"):
            wizard.credentials = credentials
    return wizards
