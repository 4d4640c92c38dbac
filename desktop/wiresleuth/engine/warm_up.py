"""Modules the end of a run needs, loaded in a thread while its probes wait on the network.

The analysis imports its interpretations and rules where it applies them (``analyze`` of a
capture file must not pay for the wizards' rules): a live run paid for them after its last
probe, 0.03 s of every run on the lab's machine. Loaded here instead, beside the probes.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import sys
import threading
from collections.abc import Iterator

_PACKAGES = ("wiresleuth.diagnosis.interpretations", "wiresleuth.analysis")
_lock = threading.Lock()
_holders = 0
_interval = 0.005


@contextlib.contextmanager
def fine_switching() -> Iterator[None]:
    """While a loader holds it, the event loop's thread waits at most 1 ms (not 5) for the
    interpreter each time a packet wakes it: the probes' timing is not put off by imports.
    Several loaders at once restore the interval once, when the last one ends."""
    global _holders, _interval
    with _lock:
        if _holders == 0:
            _interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_interval, 0.001))
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                sys.setswitchinterval(_interval)


def load_analysis() -> None:
    """Import the diagnosis and every interpretation and rule module (no numpy, no scapy)."""
    with fine_switching():
        importlib.import_module("wiresleuth.diagnosis.diagnose")
        for name in _PACKAGES:
            package = importlib.import_module(name)
            for found in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{name}.{found.name}")
