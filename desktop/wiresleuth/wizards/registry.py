"""The wizards a full run uses, in the order they are listed to the user."""

from __future__ import annotations

from wiresleuth.wizards.base import Wizard
from wiresleuth.wizards.hop_locator import HopLocatorWizard
from wiresleuth.wizards.local_hold import LocalHoldWizard
from wiresleuth.wizards.local_listeners import LocalListenersWizard
from wiresleuth.wizards.mtu_path import MtuPathWizard
from wiresleuth.wizards.pac import PacWizard
from wiresleuth.wizards.proxy_path import ProxyPathWizard
from wiresleuth.wizards.route import RouteWizard
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


def all_wizards() -> list[Wizard]:
    """Fresh instances of every wizard."""
    return [
        PacWizard(),
        RouteWizard(),  # needs the PAC wizard's evaluation; every measuring wizard needs it
        TlsHandshakeWizard(),
        ProxyPathWizard(),
        MtuPathWizard(),  # also needs the TLS wizard's small-MSS retry
        LocalHoldWizard(),
        LocalListenersWizard(),
        HopLocatorWizard(),  # needs the PAC and TLS wizards' suspicions
    ]
