"""Modules the end of a run needs, loaded in a thread while its probes wait on the network.

The analysis imports its interpretations and rules where it applies them (``analyze`` of a
capture file must not pay for the wizards' rules): a live run paid for them after its last
probe, 0.03 s of every run on the lab's machine. Loaded here instead, beside the probes.
"""

from __future__ import annotations

import importlib
import pkgutil

_PACKAGES = ("wiresleuth.diagnosis.interpretations", "wiresleuth.analysis")


def load_analysis() -> None:
    """Import the diagnosis and every interpretation and rule module (no numpy, no scapy);
    run in the loading thread (``wizards.loading.load``, which switches finely)."""
    importlib.import_module("wiresleuth.diagnosis.diagnose")
    for name in _PACKAGES:
        package = importlib.import_module(name)
        for found in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{name}.{found.name}")


_CAPTURE_END = (
    "wiresleuth.engine.close_answers",
    "wiresleuth.capture.frame_batch",
    "wiresleuth.capture.pcapng_blocks",
    "wiresleuth.bundle.redact_capture",
)
"""What the end of a run with capture imports: the wait for the closes' answers, and writing
the capture (0.02 s of the end of every run, on the event loop)."""


def load_capture_end() -> None:
    """Import what stopping and writing a capture needs, then the analysis (in the loading
    thread)."""
    for name in _CAPTURE_END:
        importlib.import_module(name)
    load_analysis()
