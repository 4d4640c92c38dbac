"""Which routes a client tries: PAC decision, then the profile's proxy, then *_proxy."""

from wiresleuth.analysis.proxy_routes import host_port, plan_routes, proxies_of, routes_from_pac
from wiresleuth.model.proxy_observations import Route
from wiresleuth.model.target import Target

HTTPS = Target.parse("https://meet.example.com/")
HTTP = Target.parse("http://intranet.corp.example/")
ENV = {
    "https": "http://***@proxy.example.com:3128",
    "http": "proxy.example.com:8080",
    "no": "localhost,.corp.example",
}


def test_pac_result_in_order_with_failover_to_direct() -> None:
    plan = plan_routes(
        HTTPS, pac_result="PROXY a.example:3128; PROXY b.example:8080;DIRECT",
        profile_proxy="ignored.example:1", environment=ENV,
    )  # fmt: skip
    assert plan.source == "pac"
    assert [r.label for r in plan.routes] == [
        "PROXY a.example:3128",
        "PROXY b.example:8080",
        "DIRECT",
    ]


def test_socks_and_junk_in_a_pac_result() -> None:
    routes = routes_from_pac("SOCKS5 s.example:1080; NONSENSE; DIRECT")
    assert routes == (Route(kind="SOCKS", proxy="s.example:1080"), Route(kind="DIRECT"))
    assert routes_from_pac("") == (Route(kind="DIRECT"),)


def test_the_profile_proxy_beats_the_environment_and_has_no_direct_fallback() -> None:
    plan = plan_routes(HTTPS, pac_result=None, profile_proxy="198.18.2.10:3128", environment=ENV)
    assert plan.source == "profile" and [r.label for r in plan.routes] == ["PROXY 198.18.2.10:3128"]


def test_environment_per_scheme_without_credentials() -> None:
    plan = plan_routes(HTTPS, pac_result=None, profile_proxy=None, environment=ENV)
    assert plan.source == "environment"
    assert plan.routes == (Route(kind="PROXY", proxy="proxy.example.com:3128"),)
    assert "***@" in plan.detail
    other = plan_routes(
        Target.parse("http://www.example.com/"), pac_result=None, profile_proxy=None,
        environment=ENV,
    )  # fmt: skip
    assert other.routes == (Route(kind="PROXY", proxy="proxy.example.com:8080"),)


def test_no_proxy_bypasses_and_nothing_means_direct() -> None:
    bypassed = plan_routes(HTTP, pac_result=None, profile_proxy=None, environment=ENV)
    assert bypassed.source == "no_proxy" and bypassed.routes == (Route(kind="DIRECT"),)
    plain = plan_routes(HTTPS, pac_result=None, profile_proxy=None, environment={})
    assert plain.source == "none" and plain.routes == (Route(kind="DIRECT"),)


def test_host_port_forms_and_the_list_of_proxies() -> None:
    assert host_port("http://user:pw@p.example:3128/") == "p.example:3128"
    assert host_port("p.example") == "p.example:8080"
    assert host_port("http://[2001:db8::1]:3128") == "[2001:db8::1]:3128"
    assert host_port("http://:99999") is None
    plans = [
        plan_routes(HTTPS, pac_result="PROXY a:1; PROXY b:2", profile_proxy=None, environment={})
    ]
    assert proxies_of(plans, "b:2", None, "c:3") == ("a:1", "b:2", "c:3")
