from dataclasses import replace

from tests.gui.lab_samples import lab_bundle
from wiresleuth.gui.document import load_document
from wiresleuth.gui.lane_labels import LABEL_CHARS, full_label, lane_label
from wiresleuth.model.timeline import Connection


def test_long_names_are_cut_in_the_middle_so_round_1_and_round_2_stay_apart() -> None:
    document = load_document(lab_bundle("C7"))
    rounds = [c for c in document.connections if "request to news.lab.test" in c.label]
    assert len(rounds) == 4
    long = [replace(c, label=f"request to a-very-long-server-name.lab.test:443 {c.label[-25:]}") for c in rounds]
    short = [lane_label(c) for c in long]
    assert all(len(s) == LABEL_CHARS and "…" in s for s in short)
    assert len(set(short)) == len({c.label for c in long})  # their ends differ, so do their names
    assert full_label(rounds[0]) == f"{rounds[0].label}  ({rounds[0].id})"


def test_a_connection_without_a_label_is_named_by_its_id() -> None:
    bare = Connection(
        id="198.18.0.2:5->100.64.0.1:443", client="198.18.0.2", client_port=5,
        server="100.64.0.1", server_port=443, start=0.0, end=1.0, events=(),
    )  # fmt: skip
    assert lane_label(bare) == full_label(bare) == bare.id
