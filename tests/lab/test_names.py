"""Lab names: one prefix names every host-visible thing a lab creates."""

from pathlib import Path

import pytest

from wiresleuth.errors import LabError
from wiresleuth.lab.names import PREFIX_ENV, LabNames


def test_default_names_have_no_prefix() -> None:
    names = LabNames()
    assert names.namespaces == ("client", "router", "proxy", "internet")
    assert names.state_dir == Path("/run/wiresleuth-lab")
    assert names.etc_dir("client") == Path("/etc/netns/client")


def test_the_second_router_is_named_but_not_part_of_every_lab() -> None:
    names = LabNames(prefix="ann-")
    assert names.ns("wan") == "ann-wan"
    assert "ann-wan" not in names.namespaces
    assert names.all_namespaces == (*names.namespaces, "ann-wan")
    with pytest.raises(LabError, match="known: client, router, proxy, internet, wan"):
        names.ns("dmz")


def test_prefix_names_namespaces_state_and_etc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PREFIX_ENV, "ann-")
    names = LabNames.from_env()
    assert names.ns("router") == "ann-router"
    assert names.state_dir == Path("/run/wiresleuth-lab-ann-")
    assert names.etc_dir("client") == Path("/etc/netns/ann-client")


@pytest.mark.parametrize("prefix", ["../x", "A", "has space", "x" * 17, "-lead"])
def test_bad_prefix_is_refused_with_the_variable_named(prefix: str) -> None:
    with pytest.raises(LabError, match=PREFIX_ENV):
        LabNames(prefix=prefix)


def test_unknown_role_is_refused() -> None:
    with pytest.raises(LabError, match="unknown namespace role 'laptop'"):
        LabNames().ns("laptop")
