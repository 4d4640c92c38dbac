"""The route wizard on real parsed settings: recorded GNOME output and a PAC evaluation."""

import asyncio

from tests.platform.proxy_samples_util import proxy_sample
from tests.wizards.recorded_progress import Steps
from wiresleuth.model.pac_observations import (
    PacDecisionObservation,
    PacEvaluationObservation,
    PacWizardObservations,
)
from wiresleuth.model.route import RouteObservations
from wiresleuth.model.target import Target
from wiresleuth.platform.proxy_choice import choose
from wiresleuth.platform.proxy_linux_parsers import gnome_source, kde_source
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards.base import WizardInput
from wiresleuth.wizards.route import RouteWizard
from wiresleuth.wizards.route_input import hop_for


def _given(earlier: object, proxy: str | None = None) -> WizardInput:
    prof = Profile(
        targets=(Target.parse("https://www.lab.test/"), Target.parse("http://intranet.corp.example/")),
        proxy=proxy,
        budgets=Budgets(run=20, connect=1.0, tls_handshake=2.0, icmp=0.3),
    )
    return WizardInput(profile=prof, targets=prof.targets, resolved={}, earlier={"pac": earlier})


def _run(given: WizardInput) -> RouteObservations:
    steps = Steps()
    found = asyncio.run(RouteWizard().run(given, steps))
    assert len(steps.steps) == RouteWizard().steps(given)
    return found


def test_the_desktop_settings_decide_when_no_profile_names_a_proxy() -> None:
    text = proxy_sample("linux_vm_gsettings_manual.txt").replace(
        "'proxy.corp.example'", "'198.18.2.10'"
    )
    config = choose("Linux", [gnome_source(text)], desktop="gnome")
    found = _run(_given(PacWizardObservations(configuration=config)))
    secure, intranet = found.routes
    assert secure.label == "PROXY 198.18.2.10:3128" and secure.origin == "GNOME settings"
    assert intranet.label == "DIRECT"  # ignore-hosts holds *.corp.example
    assert found.proxy_addresses == {"198.18.2.10:3128": "198.18.2.10"}
    assert found.settings_source == "gnome"
    given = _given(None)
    given = WizardInput(
        profile=given.profile, targets=given.targets, resolved={}, earlier={"route": found}
    )
    hop = hop_for(given, given.targets[0])
    assert hop.via_proxy and hop.proxy_address == "198.18.2.10"
    assert not hop_for(given, given.targets[1]).via_proxy


def test_the_pac_wizard_evaluation_decides_for_a_pac_from_the_os() -> None:
    config = choose("Linux", [kde_source(proxy_sample("linux_vm_kioslaverc_pac"), {})], desktop="kde")
    evaluation = PacEvaluationObservation(
        outcome="ok", elapsed=0.1, time_limit=3.0, memory_limit_mb=256, script_bytes=100,
        my_ip="198.18.1.10",
        decisions=(
            PacDecisionObservation(url="https://www.lab.test/", host="www.lab.test",
                                   result="PROXY 198.18.2.10:3128; DIRECT"),
            PacDecisionObservation(url="http://intranet.corp.example/",
                                   host="intranet.corp.example", result="DIRECT"),
        ),
    )  # fmt: skip
    pac = PacWizardObservations(
        configuration=config, pac_url="http://pac.corp.example/proxy.pac",
        pac_source="system:kde", evaluation=evaluation,
    )  # fmt: skip
    found = _run(_given(pac))
    assert [r.label for r in found.routes] == ["PROXY 198.18.2.10:3128 -> DIRECT", "DIRECT"]
    assert found.routes[0].origin == "PAC from KDE settings (http://pac.corp.example/proxy.pac)"
    assert found.pac_outcome == "ok"
    # the helpdesk profile's proxy overrides the OS PAC
    assert _run(_given(pac, proxy="198.18.2.11:8080")).routes[1].label == "PROXY 198.18.2.11:8080"
