import ssl
from pathlib import Path

import pytest
import trustme

from wiresleuth.errors import BadInput
from wiresleuth.inbox.certificate import given_certificate, own_certificate


def test_the_own_certificate_is_made_once_and_kept(tmp_path: Path) -> None:
    made = own_certificate(tmp_path / "tls", ["inbox.corp.example", "198.18.0.10"])
    assert made.created and made.names == ("inbox.corp.example", "198.18.0.10")
    assert made.key.stat().st_mode & 0o777 == 0o600
    assert len(made.fingerprint.split(":")) == 32
    again = own_certificate(tmp_path / "tls", ["other.example"])  # never silently replaced
    assert not again.created and again.fingerprint == made.fingerprint
    # a client that trusts exactly this certificate (a pinned, deployed one) verifies the
    # inbox by its name, and by no other
    assert _handshake(made.cert, made.key, "inbox.corp.example") is None
    assert "match" in str(_handshake(made.cert, made.key, "elsewhere.example"))


def _handshake(cert: Path, key: Path, name: str) -> Exception | None:
    """A TLS handshake in memory: a client trusting ``cert`` alone, the server presenting it."""
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    client_side = ssl.create_default_context(cafile=str(cert))
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_side.wrap_bio(c_in, c_out, server_hostname=name)
    server = server_side.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(10):
        for side in (client, server):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError as exc:
                return exc
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if client.version() and server.version():
            try:
                client.do_handshake()
                return None
            except ssl.SSLWantReadError:
                continue
            except ssl.SSLError as exc:
                return exc
    return RuntimeError("no handshake in 10 rounds")


def test_a_given_certificate_must_match_its_key(tmp_path: Path) -> None:
    ca = trustme.CA()
    one, two = ca.issue_cert("a.example"), ca.issue_cert("b.example")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    one.cert_chain_pems[0].write_to_path(str(cert))
    one.private_key_pem.write_to_path(str(key))
    assert given_certificate(cert, key).names == ("a.example",)
    two.private_key_pem.write_to_path(str(key))
    with pytest.raises(BadInput, match="cannot use the certificate"):
        given_certificate(cert, key)
    with pytest.raises(BadInput, match="cannot use the certificate"):
        given_certificate(tmp_path / "missing.pem", key)
