"""Whether a DNS name is made up: a name nobody registered, for which NXDOMAIN is due.

Browsers probe for NXDOMAIN rewriting with random names (Chromium: three single labels of 7
to 15 letters), other software with random registered domains
(``3439ur09dhiolh32ljha.net``), malware with generated ones. What they share is not a shape
but randomness where people choose names: in a single-label name, or in the label that is
registered (the one left of the public suffix). Content delivery networks put random labels
*below* a registered domain (``d1a2b3.cloudfront.net``), which exist: those are not judged.
Names under ``.invalid`` never exist, whatever they look like.

Randomness is judged by two properties people's names rarely have and random strings
usually do: letters and digits that alternate several times, and long runs of consonants
(or almost no vowels). ``made_up`` says why a name looks made up; ``unlikely`` is the looser
test used when many such names got the same answer (see ``passive_dns``).
"""

from __future__ import annotations

import itertools
import re

_VOWELS = frozenset("aeiouy")
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go", "gv"})
"""Second-level labels under a two-letter country code that people register below
(``example.co.uk``): the registered label is then the third from the right."""
_LOCAL_SINGLE = frozenset({"localhost", "wpad", "isatap", "local"})
_LABEL = re.compile(r"^[a-z0-9]+$")
_NEVER = frozenset({"invalid"})
"""Top-level domains for which every resolver must answer NXDOMAIN (RFC 6761 6.4)."""


def registered_label(name: str) -> str:
    """The label people register: ``3439ur.net`` -> ``3439ur``, ``a.b.co.uk`` -> ``b``; the
    name itself when it is a single label."""
    labels = name.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _switches(label: str) -> int:
    """How often the label changes between letters and digits."""
    return sum(1 for a, b in itertools.pairwise(label) if a.isdigit() != b.isdigit())


def _consonant_run(label: str) -> int:
    run = best = 0
    for char in label:
        run = run + 1 if char.isalpha() and char not in _VOWELS else 0
        best = max(best, run)
    return best


def _random_label(label: str, *, strict: bool) -> str | None:
    """Why a label looks random (None: it does not). The strict test lets through words of
    people's languages ("angstrom", five consonants in a row; "web2print"); the loose one
    only serves when many names got the same answer."""
    if not _LABEL.match(label):
        return None  # hyphens, underscores, IDNs: people's names
    switches, run = _switches(label), _consonant_run(label)
    letters = [c for c in label if c.isalpha()]
    vowels = sum(1 for c in letters if c in _VOWELS)
    if len(label) >= (10 if strict else 8) and switches >= (4 if strict else 3):
        return f"letters and digits alternate {switches} times"
    if len(letters) >= 7 and run >= (7 if strict else 5):
        return f"{run} consonants in a row"
    if len(letters) >= 8 and vowels <= (0 if strict else len(letters) // 5):
        return f"{vowels} vowels in {len(letters)} letters"
    return None


def made_up(name: str) -> str | None:
    """Why ``name`` is certainly made up, in words; None when it may well exist."""
    labels = name.lower().rstrip(".").split(".")
    if labels[-1] in _NEVER:
        return f"a name under .{labels[-1]}, which never exists (RFC 6761)"
    label = registered_label(name)
    why = _random_label(label, strict=True)
    if why is None:
        return None
    if len(labels) == 1:
        return f"a random single-label name ({why})"
    return f"a random registered name '{label}' ({why})"


def unlikely(name: str) -> bool:
    """Whether ``name`` is unlikely to exist: a single label other than the usual local
    ones, or a registered label that looks random by the looser test."""
    labels = name.lower().rstrip(".").split(".")
    if len(labels) == 1:
        return labels[0] not in _LOCAL_SINGLE and bool(labels[0])
    return _random_label(registered_label(name), strict=False) is not None
