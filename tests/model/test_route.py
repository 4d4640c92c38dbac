import json

from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.proxy_observations import Route
from wiresleuth.model.route import RouteObservations, TargetRoute, load_routes

ROUTE = TargetRoute(
    target="www.lab.test:443",
    url="https://www.lab.test/",
    candidates=(Route(kind="PROXY", proxy="198.18.2.10:3128"), Route(kind="DIRECT")),
    source="pac",
    origin="PAC from KDE settings (http://pac.lab.test/proxy.pac)",
    reason="The KDE settings name a PAC; it answered PROXY 198.18.2.10:3128; DIRECT",
    detail="PROXY 198.18.2.10:3128; DIRECT",
)


def test_a_route_table_reads_back_typed_from_report_json() -> None:
    table = RouteObservations(
        routes=(ROUTE,), system="Linux", settings_source="kde",
        proxy_addresses={"198.18.2.10:3128": "198.18.2.10"},
    )  # fmt: skip
    written = json.loads(json.dumps(to_jsonable(table)))
    assert load_routes(written) == table


def test_what_is_shown_names_the_proxy_and_the_setting() -> None:
    assert ROUTE.shown == "proxy 198.18.2.10:3128 (from PAC from KDE settings (http://pac.lab.test/proxy.pac))"
    assert ROUTE.label == "PROXY 198.18.2.10:3128 -> DIRECT" and ROUTE.uses_proxy
    direct = TargetRoute(
        target="a:443", url="https://a/", candidates=(), source="default", origin="no proxy setting",
        reason="",
    )  # fmt: skip
    assert direct.shown == "direct (from no proxy setting)" and not direct.uses_proxy


def test_an_older_or_foreign_shape_is_none_not_a_crash() -> None:
    assert load_routes(None) is None
    assert load_routes({"routes": "nope"}) is None
    assert load_routes({"routes": [{"no_target": 1}]}) is None
