"""The wizards a full run uses, in the order they are listed to the user."""

from __future__ import annotations

from wiresleuth.wizards.base import Wizard
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


def all_wizards() -> list[Wizard]:
    """Fresh instances of every wizard."""
    return [TlsHandshakeWizard()]
