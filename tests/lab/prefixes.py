"""The one place the tests name their labs: the run's prefix, then the test's own part.

Every lab a test builds (or asks ``wiresleuth lab`` to build) is named
``$WIRESLEUTH_LAB_PREFIX`` + its part below, so two runs of the tests side by side (each with
its own prefix) never tear down each other's namespaces, and the labs of one run never meet
an engineer's lab (no prefix) or each other (a part each). Without the variable the parts
alone keep the tests apart from an engineer's lab, as before.
"""

from __future__ import annotations

import os

from wiresleuth.lab.names import PREFIX_ENV, LabNames

PARTS: dict[str, str] = {
    "primitives": "wst-",  # tests/lab/conftest.py: the shared lab of every primitive
    "topology": "wsu-",  # tests/lab/test_topology.py
    "two-routers": "wsw-",  # tests/lab/test_topology.py, routers = 2
    "lab-cli": "wsc-",  # tests/lab/test_cli.py
    "scenarios": "wse-",  # tests/lab/test_scenarios.py
    "passive-faults": "wsp-",  # tests/lab/test_passive_faults.py, passive_recording.py
    "pac-faults": "wsa-",  # tests/lab/faults/test_pac_faults.py
    "proxy-faults": "w4t-",  # tests/lab/faults/test_proxy.py
    "typed-input": "w4s-",  # tests/lab/test_typed_input.py
    "hop-locator": "wsh-",  # tests/probes/test_hop_locator.py
    "path-rtt": "wsq-",  # tests/probes/test_path_rtt.py
    "lab-window": "wsg-",  # tests/gui/test_lab_window.py
    "results-page": "wsr-",  # tests/gui/test_qt_results_page.py
    "bad-arguments": "wsb-",  # tests/cli/test_main.py (refused before a lab is built)
    "watch-scenario": "wsf-",  # tests/lab/test_watch_scenario.py
    "resolver-netns": "wsn-",  # tests/probes/test_resolve.py (a namespace of its own)
    "links-netns": "wsk-",  # tests/platform/test_linux_links.py (a namespace of its own)
}
"""Each test lab's part of the name; no two alike."""


def lab_prefix(lab: str) -> str:
    """The namespace prefix of the test lab ``lab`` (a key of PARTS) in this run."""
    if lab not in PARTS:
        raise LookupError(f"no test lab {lab!r}: name it in tests/lab/prefixes.py PARTS")
    return os.environ.get(PREFIX_ENV, "") + PARTS[lab]


def lab_names(lab: str) -> LabNames:
    """The names of the test lab ``lab`` in this run (a prefix too long fails clearly)."""
    return LabNames(prefix=lab_prefix(lab))
