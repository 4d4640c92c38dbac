"""Sockets in namespaces: a namespace that does not exist is a LabError, not a crash."""

import pytest

from wiresleuth.errors import LabError
from wiresleuth.lab.netns_socket import netns_socket


def test_missing_namespace() -> None:
    with pytest.raises(LabError, match="cannot open a socket in namespace 'no-such-ns-here'"):
        netns_socket("no-such-ns-here")
