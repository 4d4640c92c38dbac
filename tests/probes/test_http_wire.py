"""The proxy client's HTTP, as scripted exchanges: bytes in, answers out, no sockets."""

import pytest

from wiresleuth.probes.http_wire import (
    NotHttp,
    ResponseParser,
    auth_schemes,
    body_length,
    challenge_token,
    connect_request,
    keeps_alive,
    proxy_get_request,
    proxy_headers,
)

SQUID_407 = (
    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
    b"Server: squid/5.7\r\n"
    b"X-Squid-Error: ERR_CACHE_ACCESS_DENIED 0\r\n"
    b"Proxy-Authenticate: Negotiate\r\n"
    b"Proxy-Authenticate: NTLM\r\n"
    b'Proxy-Authenticate: Basic realm="lab proxy"\r\n'
    b"Content-Length: 12\r\n"
    b"Via: 1.1 proxy.lab.test (squid/5.7)\r\n"
    b"Connection: keep-alive\r\n"
    b"\r\n"
    b"denied page!"
)


def test_a_407_fed_in_pieces_gives_its_head_and_leaves_the_body() -> None:
    parser = ResponseParser()
    pieces = [SQUID_407[:7], SQUID_407[7:60], SQUID_407[60:]]
    results = [parser.feed(p, 1.5) for p in pieces]
    assert results[:2] == [None, None]
    answer = results[2]
    assert answer is not None and answer.status == 407 and answer.at == 1.5
    assert answer.reason == "Proxy Authentication Required"
    assert auth_schemes(answer) == ("Negotiate", "NTLM", "Basic")
    assert parser.rest == b"denied page!"
    assert body_length(answer, method="CONNECT") == 12
    assert keeps_alive(answer)
    assert proxy_headers(answer) == {
        "X-Squid-Error": "ERR_CACHE_ACCESS_DENIED 0",
        "Via": "1.1 proxy.lab.test (squid/5.7)",
    }


def test_ntlm_challenge_token_and_comma_separated_schemes() -> None:
    parser = ResponseParser()
    answer = parser.feed(
        b"HTTP/1.1 407 x\r\nProxy-Authenticate: NTLM TlRMTVNTUAACAAAA\r\n"
        b'Proxy-Authenticate: Digest realm="r", nonce="n", Basic realm="b"\r\n'
        b"Proxy-Connection: close\r\n\r\n"
    )
    assert answer is not None
    assert challenge_token(answer, "ntlm") == "TlRMTVNTUAACAAAA"
    assert challenge_token(answer, "Basic") is None
    assert auth_schemes(answer) == ("NTLM", "Digest", "Basic")
    assert not keeps_alive(answer)


def test_connect_200_has_no_body_and_tunnel_bytes_stay_in_rest() -> None:
    parser = ResponseParser()
    answer = parser.feed(b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03")
    assert answer is not None and answer.status == 200
    assert body_length(answer, method="CONNECT") == 0
    assert parser.rest == b"\x16\x03\x03"


def test_head_and_chunked_lengths() -> None:
    answer = ResponseParser().feed(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n")
    assert answer is not None
    assert body_length(answer, method="HEAD") == 0
    chunked = ResponseParser().feed(b"HTTP/1.1 403 No\r\nTransfer-Encoding: chunked\r\n\r\n")
    assert chunked is not None and body_length(chunked, method="GET") is None


@pytest.mark.parametrize("data", [b"\x16\x03\x01\x02\x00", b"SSH-2.0-OpenSSH\r\n\r\n"])
def test_not_http_is_refused(data: bytes) -> None:
    with pytest.raises(NotHttp):
        ResponseParser().feed(data)


def test_requests_carry_the_authorization_only_when_given() -> None:
    plain = connect_request("tax.lab.test:2429")
    assert plain.startswith(b"CONNECT tax.lab.test:2429 HTTP/1.1\r\nHost: tax.lab.test:2429\r\n")
    assert b"Proxy-Authorization" not in plain and plain.endswith(b"\r\n\r\n")
    authed = proxy_get_request("http://www.lab.test/", "www.lab.test", auth="Basic YTpi")
    assert authed.startswith(b"GET http://www.lab.test/ HTTP/1.1\r\n")
    assert b"\r\nProxy-Authorization: Basic YTpi\r\n" in authed
