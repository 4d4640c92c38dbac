"""The helpdesk's facts of a run or a bundle: computer, user, time, OS, route, profile."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.bundle.sample_runs import uncaptured_run
from wiresleuth.gui.document import document_from_bundle, document_from_result
from wiresleuth.gui.helpdesk_facts import file_sha256, helpdesk_facts, run_facts_line

C1 = Path(__file__).parent / "samples" / "lab-C1.wsbundle"


def test_a_lab_bundle() -> None:
    document = document_from_bundle(C1)
    facts = helpdesk_facts(document)
    assert facts.computer and facts.user  # system.json of the lab's client names them
    assert facts.bundle_name == "lab-C1.wsbundle" and facts.bundle_sha256 is None
    assert facts.targets == ("chat.lab.test:443",)
    assert facts.routes == ("chat.lab.test:443: direct (from no proxy setting)",)
    assert facts.os_text.startswith("Linux ")
    assert facts.checks and facts.program.startswith("WireSleuth ")
    assert facts.causes[0].finding.id == "path.qos_policing"
    line = run_facts_line(document)
    assert line == f" — {facts.who}, {facts.when}" and "UTC" in line


def test_a_run_not_saved_yet() -> None:
    run = uncaptured_run()
    facts = helpdesk_facts(document_from_result(run))
    assert facts.bundle_name is None and facts.cancelled
    assert facts.targets == run.targets
    assert facts.duration == run.finished_at - run.started_at
    assert facts.helpdesk  # the sample profile names one
    saved = helpdesk_facts(document_from_result(run), bundle=Path("/x/y.wsbundle"), sha256="ab")
    assert (saved.bundle_name, saved.bundle_sha256) == ("y.wsbundle", "ab")


def test_the_hash_is_the_files() -> None:
    assert file_sha256(C1) == hashlib.sha256(C1.read_bytes()).hexdigest()
