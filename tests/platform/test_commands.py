import time
from pathlib import Path

import pytest

from wiresleuth.platform.commands import read_text, run_command
from wiresleuth.platform.unavailable import FactUnavailable


def test_output_of_a_real_command() -> None:
    assert run_command(["ip", "-o", "link", "show", "lo"]).startswith("1: lo:")


def test_missing_program() -> None:
    with pytest.raises(FactUnavailable, match="program not found"):
        run_command(["wiresleuth-no-such-program"])


def test_timeout_kills_and_reports() -> None:
    started = time.monotonic()
    with pytest.raises(FactUnavailable, match=r"no answer within 0\.3 s"):
        run_command(["sleep", "10"], timeout=0.3)
    assert time.monotonic() - started < 2.0


def test_failure_quotes_stderr() -> None:
    with pytest.raises(FactUnavailable, match="exit status") as caught:
        run_command(["ip", "link", "show", "wiresleuth-none0"])
    assert "wiresleuth-none0" in str(caught.value)


def test_commands_run_untranslated() -> None:
    assert run_command(["sh", "-c", "echo $LC_ALL"]).strip() == "C"


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(FactUnavailable, match="cannot read"):
        read_text(tmp_path / "absent")
