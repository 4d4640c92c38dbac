"""The two trust views a TLS probe compares: this computer's store and the public Web PKI."""

from __future__ import annotations

import os
import ssl
import sys

import certifi
import truststore

PUBLIC_BUNDLE_ENV = "WIRESLEUTH_PUBLIC_CA_BUNDLE"
"""Overrides the public CA bundle (certifi's Mozilla bundle); the lab uses it for its own PKI."""


def public_bundle_path() -> str:
    """Path of the public CA bundle in force."""
    return os.environ.get(PUBLIC_BUNDLE_ENV) or certifi.where()


def os_trust_context() -> ssl.SSLContext:
    """Verifies like the browsers on this computer do (Windows/macOS APIs, Linux OpenSSL store).

    On Linux truststore uses OpenSSL's default store too, but loads it again at every
    handshake it wraps (measured: 0.1-0.2 s each on a busy machine, with the event loop
    stopped meanwhile); a standard context loads that store once. truststore stays where
    OpenSSL has no default store (it then looks in the usual places) and on Windows/macOS.
    """
    defaults = ssl.get_default_verify_paths()
    if sys.platform.startswith("linux") and (defaults.cafile or defaults.capath):
        ctx = ssl.create_default_context()
    else:
        ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def public_trust_context() -> ssl.SSLContext:
    """Verifies against the public bundle only: a chain that passes the OS store but fails
    here was issued by a CA someone added to this computer (SSL inspection)."""
    ctx = ssl.create_default_context(cafile=public_bundle_path())
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def inspect_context() -> ssl.SSLContext:
    """No verification: used only to read the certificate that failed verification (so no
    CA store is loaded: that costs a tenth of a second and would not be used)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx
