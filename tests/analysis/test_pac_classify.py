import pytest

from tests.analysis.pac_obs import exchange
from tests.probes.pac_servers import http_reply
from wiresleuth.analysis.pac_classify import address_kind, classify_fetch, parse_pac_result


@pytest.mark.parametrize(
    ("obs", "kind"),
    [
        (exchange("refused", rtt=None), "refused"),
        (exchange("connect_timeout", rtt=None), "timeout"),
        (exchange("no_data"), "hangs"),
        (exchange("partial", data=b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nabc"), "hangs"),
        (exchange("answered", data=http_reply("404 Not Found")), "http_error"),
        (exchange("partial", data=http_reply("503 Service Unavailable")), "http_error"),
        (exchange("answered", data=http_reply("200 OK", b"x")), "served"),
        (exchange("closed"), "no_http"),
        (exchange("answered", data=b"SSH-2.0-OpenSSH\r\n"), "no_http"),
        (exchange("too_large", data=b"HTTP/1.1 200 OK\r\n\r\n"), "too_large"),
    ],
)
def test_fetch_classes(obs, kind) -> None:  # type: ignore[no-untyped-def]
    assert classify_fetch(obs).kind == kind


def test_slow_and_the_server_header() -> None:
    cls = classify_fetch(exchange("answered", data=http_reply("200 OK", server="nginx"), took=2.5))
    assert cls.slow and cls.server == "nginx" and cls.status == 200 and cls.connected


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.1.1", "link_local"),
        ("198.18.0.2", "this_machine"),
        ("10.1.1.1", "private"),
        ("100.64.1.80", "public"),
        ("nonsense", "invalid"),
    ],
)
def test_address_kinds(address: str, kind: str) -> None:
    assert address_kind(address, ("198.18.0.2",)) == kind


def test_pac_results() -> None:
    assert parse_pac_result("PROXY p:8080; DIRECT") == (("PROXY p:8080", "DIRECT"), ())
    assert parse_pac_result("socks5  s:1080 ;;") == (("SOCKS5 s:1080",), ())
    assert parse_pac_result("PRXY p:1; DIRECT") == (("DIRECT",), ("PRXY p:1",))
