"""How ``run`` and ``watch`` end: the bundle saved, a plain error, or a quit that tells the truth."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wiresleuth.cli.interrupts import InterruptGate
from wiresleuth.cli.saving import file_identity, save_or_quit
from wiresleuth.errors import BundleError


def test_a_written_bundle_is_returned_and_scratch_discarded(tmp_path: Path) -> None:
    out = tmp_path / "x.wsbundle"
    gate = InterruptGate()
    armed: list[bool] = []
    discarded: list[bool] = []

    def write() -> Path:
        armed.append(gate.raise_on_quit)  # a second Ctrl-C may interrupt the writer
        out.write_bytes(b"bundle")
        return out

    assert save_or_quit(write, out, gate, discard=lambda: discarded.append(True)) == out
    assert armed == [True] and gate.raise_on_quit is False and discarded == [True]


def test_a_bundle_that_cannot_be_written_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gate = InterruptGate()
    discarded: list[bool] = []

    def write() -> Path:
        raise BundleError("disk full while writing bundle x.wsbundle")

    written = save_or_quit(
        write, tmp_path / "x.wsbundle", gate, discard=lambda: discarded.append(True)
    )
    assert written is None and gate.raise_on_quit is False and discarded == [True]
    assert capsys.readouterr().err == "wiresleuth: disk full while writing bundle x.wsbundle\n"


def test_the_identity_of_a_file_changes_when_it_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "f"
    assert file_identity(path) is None
    path.write_bytes(b"one")
    first = file_identity(path)
    assert first is not None and file_identity(path) == first
    (tmp_path / "g").write_bytes(b"two!")
    (tmp_path / "g").replace(path)
    assert file_identity(path) not in (None, first)


@pytest.mark.parametrize(
    ("saved_first", "said"),
    [
        (False, "wiresleuth: quit at once: nothing was saved\n"),
        (True, "wiresleuth: quit at once; the bundle had already been saved: {out}\n"),
    ],
    ids=["before-saving", "after-saving"],
)
def test_a_second_ctrl_c_while_writing_quits_saying_whether_it_was_saved(
    tmp_path: Path, saved_first: bool, said: str
) -> None:
    out = tmp_path / "x.wsbundle"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from wiresleuth.cli.interrupts import InterruptGate
        from wiresleuth.cli.saving import save_or_quit
        from wiresleuth.engine import scratch

        out = Path({str(out)!r})
        folder = scratch.new_folder(base=Path({str(tmp_path)!r}))
        gate = InterruptGate()

        def write():
            if {saved_first!r}:
                out.write_bytes(b"bundle")
            gate.press()
            gate.press()  # the second press, within the window: QuitNow in the writer
            raise AssertionError("not interrupted")

        save_or_quit(write, out, gate, discard=lambda: print("discarded"))
        print("returned")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == said.format(out=out)
    assert done.stdout == ""  # ended at once: neither discard nor the caller ran
    assert [p.name for p in tmp_path.iterdir()] == (["x.wsbundle"] if saved_first else [])


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        ("QuitNow", "wiresleuth: quit at once: nothing was saved\n"),
        ("StillRunning", "wiresleuth: the work did not stop; nothing was saved\n"),
    ],
)
def test_a_quit_or_stuck_work_ends_the_process_at_once(raised: str, said: str) -> None:
    script = textwrap.dedent(
        f"""
        from wiresleuth.cli.interrupts import QuitNow, StillRunning
        from wiresleuth.cli.saving import quitting_at_once

        with quitting_at_once("the work did not stop; nothing was saved",
                              first=lambda: print("progress closed")):
            raise {raised}
        print("went on")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stderr, done.stdout) == (2, said, "progress closed\n")


def test_work_that_ends_or_fails_otherwise_goes_on_as_it_is() -> None:
    from wiresleuth.cli.saving import quitting_at_once

    with quitting_at_once("stuck"):
        finished = True
    assert finished
    with pytest.raises(ValueError, match="the work's own"), quitting_at_once("stuck"):
        raise ValueError("the work's own error")
