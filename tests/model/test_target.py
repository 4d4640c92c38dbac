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
