import pytest

from wiresleuth.platform import host, linux, macos, windows
from wiresleuth.platform.unavailable import FactUnavailable


def test_each_supported_os_has_its_adapter() -> None:
    assert host.current("linux") is linux
    assert host.current("win32") is windows
    assert host.current("darwin") is macos


def test_this_machine() -> None:
    assert host.current() is linux


def test_unsupported_os_is_refused() -> None:
    with pytest.raises(FactUnavailable, match="sunos5"):
        host.current("sunos5")
