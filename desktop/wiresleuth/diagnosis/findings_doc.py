"""docs/findings.md: the catalogue, with the interpretation that concludes each finding.

``python -m wiresleuth.diagnosis.findings_doc > docs/findings.md``; a test keeps them equal.
The catalogue (``model.catalogue``) says what each ID means; the registry says which one
interpretation concludes it and from which sources, so the page cannot drift from the code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from wiresleuth.diagnosis.interpretation import Interpretation
from wiresleuth.diagnosis.registry import CORE_EMITS, INTERPRETATIONS
from wiresleuth.model.catalogue import markdown as catalogue_markdown

COMMAND = "python -m wiresleuth.diagnosis.findings_doc > docs/findings.md"
"""How the page is made."""


def concluded_by(interpretations: Sequence[Interpretation] = INTERPRETATIONS) -> dict[str, str]:
    """Finding ID -> which interpretation concludes it, and from which sources, in words."""
    found: dict[str, str] = {}
    for interpretation in interpretations:
        module = type(interpretation).__module__.removeprefix("wiresleuth.").replace(".", "/")
        where = f"{interpretation.about} (`{module}.py`)"
        for finding_id in interpretation.emits:
            sources = (
                "a run, its bundle, and a capture taken elsewhere"
                if finding_id in interpretation.from_capture
                else "a run and its bundle"
            )
            found[finding_id] = f"{where}, from {sources}"
    for finding_id in CORE_EMITS:
        found[finding_id] = (
            "`diagnose` itself (`diagnosis/diagnose.py`): a check, or its interpretation, "
            "that could not finish"
        )
    return found


def markdown() -> str:
    """The whole page."""
    return catalogue_markdown(concluded_by(), command=COMMAND)


if __name__ == "__main__":
    sys.stdout.write(markdown())
