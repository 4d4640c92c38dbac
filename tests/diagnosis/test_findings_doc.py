"""docs/findings.md is generated from the catalogue and the interpretations' registry."""

from __future__ import annotations

from pathlib import Path

from wiresleuth.diagnosis.findings_doc import COMMAND, concluded_by, markdown
from wiresleuth.model.catalogue import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]


def test_docs_findings_is_generated_from_the_code() -> None:
    assert (ROOT / "docs" / "findings.md").read_text(encoding="utf-8") == markdown(), (
        f"regenerate: {COMMAND}"
    )


def test_every_finding_says_what_concludes_it_and_from_which_sources() -> None:
    said = concluded_by()
    assert set(said) == set(CATALOGUE)
    assert said["path.tcp_intercepted"].startswith("the TLS check (`diagnosis/interpretations/tls.py`)")
    assert said["path.tcp_intercepted"].endswith("and a capture taken elsewhere")
    assert said["tls.certificate_invalid"].endswith("from a run and its bundle")
