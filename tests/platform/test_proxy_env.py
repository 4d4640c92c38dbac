import os

import pytest

from wiresleuth.platform.proxy_env import proxy_environment, redact_credentials


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("http://alice:s3cret@proxy.lab.test:3128", "http://***@proxy.lab.test:3128"),
        ("http://alice@proxy.lab.test:3128/", "http://***@proxy.lab.test:3128/"),
        ("alice:s3cret@proxy.lab.test:8080", "***@proxy.lab.test:8080"),
        ("http://alice:p@ss@proxy.lab.test:3128", "http://***@proxy.lab.test:3128"),
        ("socks5h://u:p@127.0.0.1:1080", "socks5h://***@127.0.0.1:1080"),
        ("http://proxy.lab.test:3128", "http://proxy.lab.test:3128"),
    ],
)
def test_credentials_are_removed(value: str, shown: str) -> None:
    assert redact_credentials(value) == shown


@pytest.fixture
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
            monkeypatch.delenv(name)
    return monkeypatch


def test_environment_proxies_any_case_without_secrets(clean_proxy_env: pytest.MonkeyPatch) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", "http://alice:s3cret@proxy.lab.test:3128")
    clean_proxy_env.setenv("https_proxy", "http://bob:hunter2@proxy.lab.test:3129")
    clean_proxy_env.setenv("All_Proxy", "socks5://proxy.lab.test:1080")
    clean_proxy_env.setenv("NO_PROXY", "localhost,.lab.test,198.18.0.0/15")
    found = proxy_environment()
    assert found == {
        "all": "socks5://proxy.lab.test:1080",
        "http": "http://***@proxy.lab.test:3128",
        "https": "http://***@proxy.lab.test:3129",
        "no": "localhost,.lab.test,198.18.0.0/15",
    }
    assert "s3cret" not in repr(found) and "hunter2" not in repr(found)


def test_lower_case_wins_like_everywhere_else(clean_proxy_env: pytest.MonkeyPatch) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", "http://upper.lab.test:1")
    clean_proxy_env.setenv("http_proxy", "http://lower.lab.test:2")
    assert proxy_environment()["http"] == "http://lower.lab.test:2"


def test_no_proxy_variables_means_empty(clean_proxy_env: pytest.MonkeyPatch) -> None:
    assert proxy_environment() == {}
