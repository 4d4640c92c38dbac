import json

import pytest

from wiresleuth.model.jsonable import JsonableError, from_jsonable, to_jsonable
from wiresleuth.model.proxy_observations import Route
from wiresleuth.model.route import RouteObservations, TargetRoute

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
    assert from_jsonable(RouteObservations, written) == table


def test_what_is_shown_names_the_proxy_and_the_setting() -> None:
    assert ROUTE.shown == "proxy 198.18.2.10:3128 (from PAC from KDE settings (http://pac.lab.test/proxy.pac))"
    assert ROUTE.label == "PROXY 198.18.2.10:3128 -> DIRECT" and ROUTE.uses_proxy
    direct = TargetRoute(
        target="a:443", url="https://a/", candidates=(), source="default", origin="no proxy setting",
        reason="",
    )  # fmt: skip
    assert direct.shown == "direct (from no proxy setting)" and not direct.uses_proxy


def test_another_shape_is_an_error_that_says_where() -> None:
    with pytest.raises(JsonableError, match=r"RouteObservations.routes: expected a list"):
        from_jsonable(RouteObservations, {"routes": "nope"})
    with pytest.raises(JsonableError, match=r"RouteObservations.routes\[0\].target: missing"):
        from_jsonable(RouteObservations, {"routes": [{"no_target": 1}]})
