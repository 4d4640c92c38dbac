"""Read bundles written by older versions: one small ``convert_N_M`` step per format change.

The format version lives in manifest.json and is independent of the program version. When a
member's layout changes, bump ``manifest.FORMAT_VERSION`` to M, add ``convert_N_M`` below that
rewrites the loaded contents of a version-N bundle into version M (and sets
``manifest["format_version"] = M``), register it in ``CONVERTERS``, and commit a sample bundle
of version M under tests/bundle/samples/. Older samples stay: a test reads each of them.

Only version 1 exists so far, so ``CONVERTERS`` is empty. A future step looks like::

    def convert_1_2(contents: BundleContents) -> BundleContents:
        for finding in contents["report"]["findings"]:
            finding["confidence"] = "high"       # a new required field, defaulted
        contents["manifest"]["format_version"] = 2
        return contents
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wiresleuth.bundle.manifest import FORMAT_VERSION
from wiresleuth.errors import BadBundle

BundleContents = dict[str, Any]
"""A bundle's loaded members: ``manifest``, ``report``, ``system`` (dicts) and ``log`` (str)."""

Converter = Callable[[BundleContents], BundleContents]
"""One upgrade step from format N to N+1 (or later)."""

CONVERTERS: Mapping[int, Converter] = {}
"""Format version -> the step that upgrades a bundle of that version."""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def format_version(manifest: Mapping[str, Any]) -> int:
    """The manifest's format version; BadBundle when it is not a positive integer."""
    version = manifest.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BadBundle(
            f"manifest.json is damaged: format_version {_short(version)} is not a positive integer"
        )
    return version


def check_version(manifest: Mapping[str, Any], current: int = FORMAT_VERSION) -> int:
    """The manifest's format version; BadBundle naming the program when it is newer."""
    version = format_version(manifest)
    if version > current:
        made_by = str(manifest.get("program_version", "?"))[:40]  # a hostile one may be huge
        raise BadBundle(
            f"This bundle was made by a newer WireSleuth {made_by} (bundle format {version}); "
            f"this WireSleuth reads formats up to {current}. Update WireSleuth to open it."
        )
    return version


def upgrade(
    contents: BundleContents,
    *,
    current: int = FORMAT_VERSION,
    converters: Mapping[int, Converter] = CONVERTERS,
) -> BundleContents:
    """``contents`` upgraded step by step to format ``current``.

    BadBundle when the bundle is newer than this program (it says which program made it),
    or when no step leads from its version to ``current``.
    """
    version = check_version(contents["manifest"], current)
    for _ in range(current - version):
        step = converters.get(version)
        if step is None:
            raise BadBundle(
                f"cannot read bundle format {version}: no upgrade step to format {current}"
            )
        contents = step(contents)
        new_version = format_version(contents["manifest"])
        if new_version <= version:
            raise BadBundle(f"upgrade step from format {version} did not advance the version")
        version = new_version
        if version >= current:
            break
    if version != current:
        raise BadBundle(f"upgrading the bundle ended at format {version}, not {current}")
    return contents
