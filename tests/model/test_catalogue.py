import re
from pathlib import Path

from wiresleuth.model.catalogue import CATALOGUE, markdown, sort_findings
from wiresleuth.model.finding import Finding, Severity

ROOT = Path(__file__).resolve().parents[2]
ISSUE_2_IDS = {
    "tls.no_server_hello",
    "tls.reset_after_client_hello",
    "tls.fatal_alert",
    "tls.plaintext_injected",
    "tls.certificate_intercepted",
    "tls.certificate_invalid",
    "path.tcp_intercepted",
    "path.large_packet_loss",
    "path.dscp_marked",
    "net.gateway_vendor",
    "capture.unavailable",
}


def test_the_catalogue_as_markdown_has_every_id_and_what_concludes_it_when_told() -> None:
    page = markdown({"tls.fatal_alert": "the TLS check"})
    assert all(f"## `{finding_id}` (" in page for finding_id in CATALOGUE)
    assert page.count("- Concluded by: ") == 1 and "- Concluded by: the TLS check" in page


def test_public_ids_exist() -> None:
    assert set(CATALOGUE) >= ISSUE_2_IDS


def test_every_id_emitted_in_the_source_is_catalogued() -> None:
    # The core emits findings; the window only shows them (its "pac.address"-like strings are
    # paths into report.json, named in messages about a damaged bundle).
    package = ROOT / "desktop" / "wiresleuth"
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in package.rglob("*.py")
        if p.relative_to(package).parts[0] != "gui"
    )
    emitted = set(
        re.findall(
            r'"((?:tls|path|net|capture|probe|dns|pac|proxy|mtu|local|pathproof)'
            r'\.[a-z_]+)"',
            source,
        )
    )
    not_ids = {"capture.pcapng"}  # a file name, not a finding
    assert emitted - set(CATALOGUE) - not_ids == set()


def _f(fid: str, severity: Severity) -> Finding:
    return Finding(
        id=fid, severity=severity, title="t", user_text="u", engineer_text="e", wizard="w"
    )


def test_order_is_severity_then_cause_before_symptom() -> None:
    found = sort_findings(
        [
            _f("net.gateway_vendor", Severity.INFO),
            _f("path.dscp_marked", Severity.PROBLEM),
            _f("capture.unavailable", Severity.WARNING),
            _f("path.large_packet_loss", Severity.PROBLEM),
        ]
    )
    assert [f.id for f in found] == [
        "path.large_packet_loss",
        "path.dscp_marked",
        "capture.unavailable",
        "net.gateway_vendor",
    ]
