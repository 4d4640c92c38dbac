"""The progress line shows what a step says, with anything a server sent escaped."""

from __future__ import annotations

import io

from wiresleuth.cli.terminal_progress import TerminalProgress
from wiresleuth.model.events import ProgressEvent


def test_a_hostile_step_message_is_escaped() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    message = "proxy said \x1b]52;c;aGk=\x07 and \x9b2J"
    progress.on_event(ProgressEvent(kind="step", time=0.0, message=message, done=1, total=2))
    assert stream.getvalue() == (
        "[############............] 1/2 proxy said \\u001b]52;c;aGk=\\u0007 and \\u009b2J\n"
    )
