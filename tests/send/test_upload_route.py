"""The upload goes the way this computer's applications go: the same route computation as the
route wizard (profile, OS settings, a PAC run in the sandbox), for the upload address."""

from __future__ import annotations

from tests.platform.proxy_samples_util import proxy_sample
from tests.probes.pac_servers import ScriptedTcp, http_reply
from wiresleuth.platform.proxy_choice import choose
from wiresleuth.platform.proxy_linux_parsers import gnome_source
from wiresleuth.profile.model import Profile
from wiresleuth.send.upload_route import upload_route

URL = "https://helpdesk.example.net/upload"
NOTHING = choose("Linux", [], desktop="other")


def test_the_os_settings_decide_when_the_profile_names_no_proxy() -> None:
    gnome = choose("Linux", [gnome_source(proxy_sample("linux_vm_gsettings_manual.txt"))],
                   desktop="gnome")  # fmt: skip
    route = upload_route(URL, Profile(), configuration=gnome)
    assert route.shown == "proxy proxy.corp.example:3128 (from GNOME settings)"


def test_the_profile_proxy_overrides_the_os() -> None:
    route = upload_route(URL, Profile(proxy="198.18.2.10:3128"), configuration=NOTHING)
    assert route.label == "PROXY 198.18.2.10:3128" and route.source == "profile"


def test_a_pac_decides_for_the_upload_address() -> None:
    script = (
        b"function FindProxyForURL(url, host) {"
        b" return host == 'helpdesk.example.net' ? 'PROXY 198.18.2.10:3128; DIRECT' : 'DIRECT'; }"
    )
    reply = http_reply("200 OK", script, ctype="application/x-ns-proxy-autoconfig")
    with ScriptedTcp(reply) as server:
        pac = f"http://127.0.0.1:{server.port}/proxy.pac"
        route = upload_route(URL, Profile(pac_url=pac), configuration=NOTHING)
    assert route.label == "PROXY 198.18.2.10:3128 -> DIRECT"
    assert route.source == "pac" and pac in route.origin


def test_a_pac_that_cannot_be_fetched_leaves_the_upload_direct_and_says_why(
    refused_port: int,
) -> None:
    pac = f"http://127.0.0.1:{refused_port}/proxy.pac"
    route = upload_route(URL, Profile(pac_url=pac), configuration=NOTHING)
    assert route.label == "DIRECT" and "could not be fetched" in route.reason


def test_no_setting_anywhere_is_direct() -> None:
    route = upload_route(URL, Profile(), configuration=NOTHING)
    assert route.label == "DIRECT" and route.source == "default"
