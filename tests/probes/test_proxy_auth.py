"""Answering a 407: Basic by hand, NTLM through pyspnego, and the password never printed."""

import base64

from wiresleuth.probes.proxy_auth import ProxyCredentials, choose_authenticator

CREDS = ProxyCredentials(user="alice", password="pl@nted-Secret")


def test_the_password_is_not_in_the_repr() -> None:
    assert "pl@nted" not in repr(CREDS) and "alice" in repr(CREDS)


def test_basic_when_only_basic_is_offered() -> None:
    auth, note = choose_authenticator(("Basic",), CREDS, "proxy")
    assert auth is not None and note is None and auth.scheme == "Basic"
    value = auth.first()
    assert value == "Basic " + base64.b64encode(b"alice:pl@nted-Secret").decode()
    assert auth.next("whatever") is None


def test_ntlm_is_preferred_and_its_first_token_is_a_negotiate_message() -> None:
    auth, _ = choose_authenticator(("Negotiate", "NTLM", "Basic"), CREDS, "proxy")
    assert auth is not None and auth.scheme == "NTLM"
    scheme, _, token = auth.first().partition(" ")
    raw = base64.b64decode(token)
    assert scheme == "NTLM" and raw.startswith(b"NTLMSSP\x00\x01\x00\x00\x00")
    assert b"pl@nted" not in raw


def test_nothing_usable_says_why() -> None:
    auth, note = choose_authenticator(("Digest",), CREDS, "proxy")
    assert auth is None and note is not None and "Digest" in note
    auth, note = choose_authenticator((), CREDS, "proxy")
    assert auth is None and note == "the proxy offered no scheme"
