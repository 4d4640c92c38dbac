"""Secrets never survive ``redact``: URLs, Authorization headers, secret-named keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiresleuth.bundle.redact import (
    _NEEDS,
    MASK,
    is_secret_key,
    redact,
    redact_bytes,
    redact_text,
)
from wiresleuth.model.jsonable import to_jsonable

PASSWORD = "hunter2-Pr0xy"
BASIC = "YWxpY2U6aHVudGVyMi1QcjB4eQ=="  # alice:hunter2-Pr0xy


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://user:pass@proxy:3128", "http://***@proxy:3128"),
        (
            f"HTTPS_PROXY=http://alice:{PASSWORD}@proxy.lab.test:3128/",
            "HTTPS_PROXY=http://***@proxy.lab.test:3128/",
        ),
        ("socks5://alice@proxy:1080", "socks5://***@proxy:1080"),
        ("http://al:p@ss@proxy:3128/x", "http://***@proxy:3128/x"),
        (
            "http://proxy.lab.test:3128 mailed to admin@corp",
            "http://proxy.lab.test:3128 mailed to admin@corp",
        ),
    ],
)
def test_url_credentials_are_masked(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_authorization_headers_in_captured_http_keep_only_the_scheme() -> None:
    request = (
        "CONNECT legacy.lab.test:443 HTTP/1.1\r\nHost: legacy.lab.test:443\r\n"
        f"Proxy-Authorization: Basic {BASIC}\r\nauthorization: Bearer abc.def\r\n\r\n"
    )
    redacted = redact_text(request)
    assert BASIC not in redacted and "abc.def" not in redacted
    assert "Proxy-Authorization: Basic ***\r\n" in redacted
    assert "authorization: Bearer ***\r\n" in redacted
    assert redacted.startswith("CONNECT legacy.lab.test:443 HTTP/1.1\r\nHost: legacy.lab.test:443")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"{{'Proxy-Authorization': 'Basic {BASIC}', 'Host': 'x'}}", BASIC),
        (f'{{"Authorization": "Basic {BASIC}", "a": 1}}', BASIC),
        (
            'Authorization: Digest username="alice", response="6629fae49393a05397450978507c4ef1"',
            "6629fae49393a05397450978507c4ef1",
        ),
        ("Authorization: NTLM TlRMTVNTUAADAAAAGAAYAEAAAAA=", "TlRMTVNTUAADAAAAGAAYAEAAAAA="),
    ],
)
def test_authorization_values_in_any_quoting_are_masked(text: str, secret: str) -> None:
    assert secret not in redact_text(text)


@pytest.mark.parametrize(
    "text",
    [
        f"password={PASSWORD}&user=alice",
        f"proxy_password: {PASSWORD}",
        f'"db_passwd": "{PASSWORD}"',
        f"client_secret='{PASSWORD}'",
        f"API-KEY={PASSWORD}",
        f"apikey: {PASSWORD}",
        f"access_token={PASSWORD}",
        f"credentials={PASSWORD}",
    ],
)
def test_secret_named_values_in_text_are_masked(text: str) -> None:
    redacted = redact_text(text)
    assert PASSWORD not in redacted
    assert MASK in redacted


def test_plain_prose_is_left_alone() -> None:
    text = (
        "The proxy requires authentication (schemes: Basic, NTLM). 3 tokens left; "
        "Proxy-Authenticate: Negotiate"
    )
    assert redact_text(text) == text


def test_redact_walks_mappings_lists_and_tuples_and_keeps_flags() -> None:
    profile = {
        "proxy": {"url": f"http://alice:{PASSWORD}@proxy:3128", "password": PASSWORD},
        "proxy_password_set": True,
        "token": None,
        "headers": [{"Authorization": f"Basic {BASIC}"}, ("keep", f"password={PASSWORD}")],
        "retries": 3,
        "apiKey": 12345,
    }
    redacted = redact(profile)
    assert redacted == {
        "proxy": {"url": "http://***@proxy:3128", "password": MASK},
        "proxy_password_set": True,
        "token": None,
        "headers": [{"Authorization": MASK}, ("keep", "password=***")],
        "retries": 3,
        "apiKey": MASK,
    }
    assert profile["proxy"]["password"] == PASSWORD, "redact must not change its input"


def test_bytes_are_masked_in_place_with_the_same_length() -> None:
    data = (
        b"\x0a\x0d\x0d\x0a\x00\x01GET / HTTP/1.1\r\nProxy-Authorization: Basic "
        + BASIC.encode()
        + b"\r\nReferer: http://alice:pw@h/\r\n\x00\xff"
    )
    masked = redact_bytes(data)
    assert len(masked) == len(data)
    assert BASIC.encode() not in masked and b"alice:pw" not in masked
    assert b"Proxy-Authorization: Basic *****" in masked
    assert masked.startswith(b"\x0a\x0d\x0d\x0a\x00\x01GET / HTTP/1.1\r\n")
    assert masked.endswith(b"\r\n\x00\xff")


def test_bytes_made_json_by_the_model_are_masked_in_text_and_hex() -> None:
    raw = f"CONNECT x:443 HTTP/1.1\r\nProxy-Authorization: Basic {BASIC}\r\n\r\n".encode()
    redacted = redact(to_jsonable({"request": raw}))
    assert BASIC not in redacted["request"]["text"]
    assert BASIC.encode().hex() not in redacted["request"]["hex"]
    assert (
        bytes.fromhex(redacted["request"]["hex"]).decode("latin-1") == redacted["request"]["text"]
    )


def test_redaction_is_idempotent() -> None:
    text = f"http://a:{PASSWORD}@p:1 Proxy-Authorization: Basic {BASIC} password={PASSWORD}"
    once = redact_text(text)
    assert redact_text(once) == once


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("Proxy-Authorization", True),
        ("client_secret", True),
        ("api_key", True),
        ("credentials", True),
        ("private-key", True),
        ("host", False),
        ("helpdesk", False),
        ("dscp", False),
        (3, False),
    ],
)
def test_is_secret_key(key: object, secret: bool) -> None:
    assert is_secret_key(key) is secret


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"PROXY alice:{PASSWORD}@proxy.lab.test:3128; DIRECT",
            "PROXY ***@proxy.lab.test:3128; DIRECT",
        ),
        (
            f"HTTPS_PROXY=alice:{PASSWORD}@proxy.lab.test:3128",
            "HTTPS_PROXY=***@proxy.lab.test:3128",
        ),
        (f"alice:{PASSWORD}@[2001:db8::1]:3128", "***@[2001:db8::1]:3128"),
        (f"DB_PASS={PASSWORD}", "DB_PASS=***"),
        ("ghp_0123456789abcdefghijABCDEFGHIJ012345.exfil.lab.test", "***.exfil.lab.test"),
        ("GITLAB glpat-abcdefghij0123456789 AKIAIOSFODNN7EXAMPLE", "GITLAB *** ***"),
    ],
)
def test_credentials_without_a_scheme_and_known_tokens_are_masked(text: str, expected: str) -> None:
    """What a hostile PAC's answer or lookups, or a scheme-less *_proxy value, may carry."""
    assert redact_text(text) == expected
    masked = redact_bytes(text.encode())
    assert len(masked) == len(text.encode()) and PASSWORD.encode() not in masked
    assert b"ghp_0123" not in masked and b"AKIAIOSF" not in masked


@pytest.mark.parametrize(
    "text",
    [
        "PROXY proxy.corp.example:8080; PROXY 10.0.0.1:3128; HTTPS p.corp.example:443; DIRECT",
        "SOCKS5 [2001:db8::1]:1080; SOCKS socks.corp.example:1080",
        "contact mailto:helpdesk@corp.example or sip:helpdesk@corp.example, admin@corp",
        "git@github.com:org/repo.git; Via: 1.1 proxy.corp.example:3128 (squid/5.7)",
        "bypass=*.corp.example passive=true xAKIAIOSFODNN7EXAMPLE",
    ],
)
def test_legitimate_proxy_names_and_addresses_are_left_alone(text: str) -> None:
    assert redact_text(text) == text
    assert redact_bytes(text.encode()) == text.encode()


def test_a_long_run_of_colons_without_an_at_sign_is_read_in_linear_time() -> None:
    """Every colon used to scan to the end of the run: 200 KB of such bytes took 26 s, so a
    capture of them (a fuzz case, issue 20) held `analyze --out` for hours."""
    run = b"ab:" * 200_000  # 600 KB: minutes before, a fraction of a second now
    assert redact_bytes(run) == run
    secret = b"x" * 100 + b" alice:" + PASSWORD.encode() + b"@proxy.lab.test "
    masked = redact_bytes(run + secret + run)
    assert PASSWORD.encode() not in masked and len(masked) == 2 * len(run) + len(secret)


_RESOLVER_SAMPLES = Path(__file__).parents[1] / "platform" / "samples"


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name
        for p in _RESOLVER_SAMPLES.iterdir()
        if any(k in p.name for k in ("resolv", "scutil_dns", "ipconfig"))
    ),
)
def test_recorded_resolver_outputs_are_left_alone(name: str) -> None:
    """Real ``resolvectl status``, resolv.conf, ``scutil --dns`` and ``ipconfig /all`` output
    (tests/platform/samples/SOURCES.md) carries addresses, not secrets."""
    text = (_RESOLVER_SAMPLES / name).read_text(encoding="utf-8")
    assert redact_text(text) == text
    assert redact_bytes(text.encode()) == text.encode()


@pytest.mark.parametrize(
    "text",
    [
        # unbound.conf(5) forward-addr: addr@port#tls-name (IPv4 was kept, IPv6 was masked)
        "forward-addr: 1.1.1.1@853#cloudflare-dns.com\n"
        "forward-addr: 2606:4700:4700::1111@853#cloudflare-dns.com\n"
        "forward-addr: 2620:fe::fe@853#dns.quad9.net",
        # kdig(1) answers name the server as addr@port; a link-local one carries its zone
        ";; From 100.64.0.53@53(UDP) in 0.2 ms",
        ";; From fe80::1%eth0@53(UDP) in 0.3 ms",
        # the same address@port forms glued to a label by a colon or in a list
        "Server:100.64.0.53@53 DNS:fd64::fffe@53",
        "servers=fd00::53@53,100.64.0.53@853#dns.lab.test",
        # a URL-looking upstream whose "user" is an address before a port
        "upstream tls://100.64.0.53@853",
        # systemd-resolved and dig/nslookup use # and : for the port; never masked
        "DNS=100.64.0.53:853#dns.lab.test [fd00::53]:853#dns.lab.test fe80::1%eth0#dns",
        ";; SERVER: 100.64.0.53#53(100.64.0.53) (UDP)",
    ],
)
def test_resolver_address_at_port_notation_is_not_a_secret(text: str) -> None:
    """``@`` followed by a port, or an IP address before the ``@``, is resolver notation:
    there is no user and no password in it (over-masking hid the servers from engineers)."""
    assert redact_text(text) == text
    assert redact_bytes(text.encode()) == text.encode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"alice:{PASSWORD}@10.0.0.1:3128", "***@10.0.0.1:3128"),
        (f"alice:{PASSWORD}@53.lab.test", "***@53.lab.test"),
        (f"alice:{PASSWORD}@[::1]:3128", "***@[::1]:3128"),
        (f"http://alice:{PASSWORD}@10.0.0.1", "http://***@10.0.0.1"),
        ("alice:10.0.0.1@proxy.lab.test:3128", "***@proxy.lab.test:3128"),
        # a host written as one decimal number (127.0.0.1), or digits then a port or a path
        (f"http://alice:{PASSWORD}@2130706433:3128", "http://***@2130706433:3128"),
        (f"alice:{PASSWORD}@2130706433", "***@2130706433"),
        (f"alice:{PASSWORD}@53:3128", "***@53:3128"),
        (f"http://alice:{PASSWORD}@8080/", "http://***@8080/"),
    ],
)
def test_credentials_before_an_address_host_are_still_masked(text: str, expected: str) -> None:
    """The port rule reads digits alone after ``@``: a numeric host (``@10.0.0.1``,
    ``@53.lab.test``) still ends credentials."""
    assert redact_text(text) == expected
    assert PASSWORD.encode() not in redact_bytes(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        f"authorızation: Basic {BASIC}",  # dotless i
        f"credentİals={PASSWORD}",  # dotted capital I
        f"paſsword={PASSWORD}",  # long s
        f"api_\u212aey={PASSWORD}",  # Kelvin sign
        f"PROXY-AUTHORIZATION: Basic {BASIC}",
    ],
)
def test_every_spelling_the_patterns_match_is_searched(text: str) -> None:
    """A text is searched with a pattern only when it holds the pattern's word (lower case):
    that must hold for every character re.IGNORECASE takes for an ASCII letter."""
    redacted = redact_text(text)
    assert PASSWORD not in redacted and BASIC not in redacted


def test_the_skip_words_cover_every_character_ignorecase_matches() -> None:
    import re
    import sys

    from wiresleuth.bundle.redact import _DOTTED_I

    letters = set("".join(w for needs in _NEEDS for w in needs)) & set("abcdefghijklmnopqrstuvwxyz")
    for letter in sorted(letters):
        same = re.compile(letter, re.IGNORECASE)
        found = [chr(c) for c in range(sys.maxunicode + 1) if same.fullmatch(chr(c))]
        assert all(c.translate(_DOTTED_I).casefold() == letter for c in found), letter


def test_binary_bytes_before_an_at_sign_are_not_a_password() -> None:
    """A TLS record whose random bytes happen to hold ``ab:<binary>@A`` (a lab bundle: the
    masked server bytes read back as plain text injected into TLS) keeps its bytes; a
    printable credential in the same bytes is still masked."""
    record = bytes(range(256)) + b"\x16\x03\x03\x93\xa1ab:\xf0\x9c\x12\x88\xee@A\x02\x99" * 8
    assert redact_bytes(record) == record
    text = record + b"\r\nProxy: alice:s3cret@proxy.example:3128\r\n"
    masked = redact_bytes(text)
    assert masked[: len(record)] == record and b"s3cret" not in masked
