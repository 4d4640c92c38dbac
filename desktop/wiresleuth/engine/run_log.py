"""Collects the run's log lines (log.txt) from the ``wiresleuth`` logger."""

from __future__ import annotations

import logging
import time


class RunLog(logging.Handler):
    """A handler that keeps formatted lines in memory for the bundle."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        millis = int(record.msecs)
        self.lines.append(
            f"{stamp}.{millis:03d}Z {record.levelname:<7} {record.name}: {record.getMessage()}"
        )

    def __enter__(self) -> RunLog:
        logger = logging.getLogger("wiresleuth")
        logger.addHandler(self)
        if logger.level == logging.NOTSET or logger.level > logging.DEBUG:
            self._old_level = logger.level
            logger.setLevel(logging.DEBUG)
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger("wiresleuth")
        logger.removeHandler(self)
        if hasattr(self, "_old_level"):
            logger.setLevel(self._old_level)
