import pytest

from wiresleuth.errors import BadInput
from wiresleuth.model.target import Target


@pytest.mark.parametrize(
    ("text", "key", "scheme", "url"),
    [
        ("https://www.lab.test/", "www.lab.test:443", "https", "https://www.lab.test/"),
        (
            "https://www.lab.test:8443/x?y",
            "www.lab.test:8443",
            "https",
            "https://www.lab.test:8443/x",
        ),
        ("http://a.test", "a.test:80", "http", "http://a.test/"),
        ("a.test:993", "a.test:993", "https", "https://a.test:993/"),
        ("a.test:80", "a.test:80", "http", "http://a.test/"),
        ("[2001:db8::1]:443", "2001:db8::1:443", "https", "https://[2001:db8::1]/"),
    ],
)
def test_targets_parse(text: str, key: str, scheme: str, url: str) -> None:
    target = Target.parse(text)
    assert (target.key, target.scheme, target.url) == (key, scheme, url)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "host",
        "ftp://x/",
        "https://",
        "a.test:0",
        "a.test:99999",
        "https://u:p@a.test/",
        "https://a.test:x/",
    ],
)
def test_bad_targets_are_refused(text: str) -> None:
    with pytest.raises(BadInput):
        Target.parse(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"https://{'a' * 64}.lab.test/", "is 64 characters long; DNS allows at most 63"),
        (f"{'a' * 64}.lab.test:443", "DNS allows at most 63"),
        ("https://" + ("a" * 60 + ".") * 5 + "test/", "DNS allows at most 253"),
        ("a..lab.test:443", "empty part"),
        ("exa mple.lab.test:443", "not a valid part of a host name"),
        ("https://-lead.lab.test/", "not a valid part of a host name"),
        ("https://bad\x07bell.lab.test/", "not a valid part of a host name"),
        ("999.1.1.1:443", "looks like an IPv4 address"),
        ("https://[::1/", "Invalid IPv6 URL"),
        ("a.lab.test:²", "port must be a number"),
        ("a.lab.test:" + "4" * 5000, "port must be a number"),
        ("https://a.lab.test:" + "4" * 5000 + "/", "target"),
    ],
)
def test_hosts_that_cannot_be_looked_up_are_refused(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Target.parse(text)


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("https://bücher.lab.test/", "bücher.lab.test"),
        ("file_server.corp.lab.test:445", "file_server.corp.lab.test"),
        ("https://a.lab.test./", "a.lab.test."),
        ("[fe80::1%eth0]:443", "fe80::1%eth0"),
        (f"{'a' * 63}.lab.test:443", f"{'a' * 63}.lab.test"),
    ],
)
def test_unusual_but_valid_hosts_are_kept(text: str, host: str) -> None:
    assert Target.parse(text).host == host


def test_an_absurdly_long_target_is_not_quoted_whole() -> None:
    with pytest.raises(BadInput) as info:
        Target.parse("x" * 100_000)
    assert len(str(info.value)) < 300
