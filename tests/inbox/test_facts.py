"""The index's facts, read from real lab bundles and from bundles edited to hold routes,
proxies and hostile text."""

from pathlib import Path
from typing import Any

from tests.gui.hostile_bundles import edited_bundle, write_hostile_bundle
from tests.inbox.samples import FORMAT_1, lab_bundle
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.inbox.facts import bundle_facts, clean, client_subnet


def test_a_lab_bundle_gives_headline_counts_and_facets() -> None:
    facts = bundle_facts(read_bundle(lab_bundle("C8")))
    assert (
        facts.headline is not None and facts.headline.finding_id == "tls.reset_after_client_hello"
    )
    assert (facts.problems, facts.warnings, facts.notes) == (1, 0, 3)
    assert facts.subnet == "198.18.1.0/24" and facts.gateway_vendor == "F5 Networks, Inc."
    assert set(facts.facets) == {
        ("site", "portal.lab.test:443"),
        ("subnet", "198.18.1.0/24"),
        ("gateway", "F5 Networks, Inc."),
        ("resolver", "100.64.0.53"),
        ("proxy", "direct"),
    }
    assert facts.route == "direct (system settings)" and facts.has_capture and not facts.cancelled
    assert (
        facts.run_started is not None
        and facts.run_started.isoformat() == "2026-12-05T08:57:25.070000"
    )


def _with_routes(tmp_path: Path, routes: list[dict[str, Any]]) -> Path:
    def edit(report: dict[str, Any]) -> None:
        report["observations"]["route"] = {"routes": routes, "system": "Linux"}

    return edited_bundle(FORMAT_1, tmp_path / "routed.wsbundle", edit)


def _route(target: str, *candidates: tuple[str, str | None]) -> dict[str, Any]:
    return {
        "target": target, "url": f"https://{target}/", "source": "pac", "origin": "PAC",
        "reason": "the PAC said so",
        "candidates": [{"kind": kind, "proxy": proxy} for kind, proxy in candidates],
    }  # fmt: skip


def test_the_route_and_proxies_come_from_the_route_check(tmp_path: Path) -> None:
    one = _with_routes(
        tmp_path, [_route("a.test:443", ("PROXY", "198.18.2.10:3128"), ("DIRECT", None))]
    )
    facts = bundle_facts(read_bundle(one))
    assert facts.route == "proxy 198.18.2.10:3128"
    assert [v for k, v in facts.facets if k == "proxy"] == ["198.18.2.10:3128", "direct"]
    mixed = _with_routes(
        tmp_path,
        [_route("a.test:443", ("PROXY", "p:8080")), _route("b.test:443", ("DIRECT", None))],
    )
    assert bundle_facts(read_bundle(mixed)).route == "mixed: proxy p:8080, direct"


def test_the_subnet_is_the_default_routes_interfaces() -> None:
    system = {
        "routes": [{"destination": "0.0.0.0/0", "interface": "wlan0"}],
        "interfaces": [
            {"name": "docker0", "addresses": [{"address": "172.17.0.1", "netmask": "255.255.0.0"}]},
            {"name": "wlan0", "addresses": ["fe80::1/64", "10.20.30.40/22"]},
        ],
    }
    assert client_subnet(system) == "10.20.28.0/22"
    assert client_subnet({"interfaces": [{"name": "lo", "addresses": ["127.0.0.1/8"]}]}) is None
    assert client_subnet({"interfaces": "not a list", "routes": 7}) is None


def test_hostile_text_is_one_escaped_line_cut_to_its_column() -> None:
    assert clean("a\nb\x00c\x1b[2J") == "a\\nb\\u0000c\\u001b[2J"
    assert clean("\u202eevil") == "\\u202eevil"
    assert clean("x" * 300, 10) == "x" * 9 + "…"
    assert clean(42) is None and clean("   ") is None


def test_a_hostile_bundle_gives_facts_without_raising(tmp_path: Path) -> None:
    facts = bundle_facts(read_bundle(write_hostile_bundle(tmp_path)))
    assert facts.headline is not None and facts.headline.title.startswith("<h1>WSX1")
    assert "\n" not in facts.headline.title and len(facts.headline.title) <= 500
    assert facts.computer is not None and facts.computer.startswith("<h1>WSX1")


def test_system_facts_of_every_wrong_type_give_none(tmp_path: Path) -> None:
    import json

    from tests.inbox.samples import rewritten

    system = {
        "computer": ["not", "an", "object"],
        "hostname": {"x": 1},
        "interfaces": [{"name": "eth0", "addresses": 5}, "eth1", {"addresses": [{"address": 7}]}],
        "routes": "default via 10.0.0.1",
        "gateway": [1, 2],
        "dns": {"servers": "8.8.8.8"},
        "proxy_configuration": {"mode": ["direct"]},
    }
    bundle = rewritten(
        FORMAT_1,
        tmp_path / "odd.wsbundle",
        "system.json",
        json.dumps(system).encode(),
        fix_manifest=True,
    )
    facts = bundle_facts(read_bundle(bundle))
    assert (facts.computer, facts.user, facts.subnet, facts.route) == (None, None, None, None)
    assert facts.gateway_vendor == "F5 Networks, Inc."  # from the finding, as a fallback
    assert {k for k, _ in facts.facets} == {"site", "gateway"}
