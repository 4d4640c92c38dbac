"""Every third-party import is a declared dependency, and scripts/setup installs the test suite's.

"Passes on a fresh clone" means a virtualenv made from the declared extras only: an import
satisfied by something a developer installed by hand (or that arrives only as another
package's dependency) passes here and fails there. So every ``import`` in desktop/, tests/,
installers/ and benchmarks/, at the top of a file or inside a function, is read from the
syntax tree, mapped to the distribution that provides it (``packages_distributions()`` of the
installed metadata), and must be declared in pyproject.toml for its folder:

- desktop/ -> the runtime dependencies (desktop/wiresleuth/lab/ also the ``lab`` extra,
  desktop/wiresleuth/inbox/ also the ``inbox`` extra: the helpdesk's server);
- tests/ -> runtime, ``test`` or ``lab`` (tests/installers/ also ``installer``: it tests the
  installer tools; tests/inbox/ also ``inbox``);
- installers/ -> runtime or ``installer``;
- benchmarks/ -> runtime, ``test`` or a ``benchmarks`` extra (bench_inbox.py also ``inbox``).

An import that is not declared passes only behind ``pytest.importorskip(..., reason=...)``
(the reason names the command that enables it) or a ``try``/``except ImportError``.
Imports by string (``importlib.import_module``) are not seen.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("desktop", "tests", "installers", "benchmarks")
FIRST_PARTY = frozenset({"wiresleuth", "installers", "tests", "benchmarks"})
RUNTIME = "runtime"
"""The name used here for ``[project] dependencies``."""


@dataclass(frozen=True)
class ImportSite:
    """One import of a top-level module in one file."""

    path: Path
    line: int
    module: str
    """Top-level module name (``PIL`` for ``from PIL import Image``)."""
    guard: str
    """"" when unguarded; "importorskip" with a reason; "try" inside ``except ImportError``;
    "importorskip-without-reason" when the skip would not say how to enable it."""


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = []
    if handler.type is None:
        return True
    for node in ast.walk(handler.type):
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
    return bool({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"} & set(names))


def _guarded_lines(tree: ast.AST) -> set[int]:
    """Lines inside a ``try`` body whose handlers catch ImportError."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            for statement in node.body:
                for inner in ast.walk(statement):
                    if hasattr(inner, "lineno"):
                        lines.add(inner.lineno)
    return lines


def _importorskip(node: ast.Call) -> tuple[str, bool] | None:
    """(module, has a reason) of a ``pytest.importorskip("x", reason=...)`` call."""
    func = node.func
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id
        if isinstance(func, ast.Name)
        else ""
    )
    if name != "importorskip" or not node.args:
        return None
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    reason = next((k.value for k in node.keywords if k.arg == "reason"), None)
    if isinstance(reason, ast.Constant):
        return first.value, bool(reason.value)
    return first.value, isinstance(reason, ast.JoinedStr)


def import_sites(path: Path, source: str | None = None) -> Iterator[ImportSite]:
    """Every absolute import in one file, lazy ones included."""
    text = path.read_text("utf-8") if source is None else source
    tree = ast.parse(text, str(path))
    guarded = _guarded_lines(tree)
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Call) and (skip := _importorskip(node)) is not None:
            guard = "importorskip" if skip[1] else "importorskip-without-reason"
            yield ImportSite(path, node.lineno, skip[0].split(".")[0], guard)
            continue
        for module in modules:
            guard = "try" if node.lineno in guarded else ""
            yield ImportSite(path, node.lineno, module.split(".")[0], guard)


def allowed_groups(path: Path) -> tuple[str, ...]:
    """The dependency groups an import in this file may come from."""
    parts = path.relative_to(ROOT).parts
    if parts[0] == "desktop":
        if parts[1:3] == ("wiresleuth", "lab"):
            return (RUNTIME, "lab")
        return (RUNTIME, "inbox") if parts[1:3] == ("wiresleuth", "inbox") else (RUNTIME,)
    if parts[0] == "tests":
        extra = {"installers": ("installer",), "inbox": ("inbox",)}.get(parts[1], ())
        return (RUNTIME, "test", "lab", *extra)
    if parts[0] == "installers":
        return (RUNTIME, "installer")
    if parts[0] == "benchmarks":
        extra = ("inbox",) if parts[1] == "bench_inbox.py" else ()
        return (RUNTIME, "test", "benchmarks", *extra)
    raise ValueError(f"{path}: not in {FOLDERS}")


def declared(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, set[str]]:
    """Group -> canonical names of the distributions it requires."""
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    groups = {RUNTIME: project.get("dependencies", [])}
    groups.update(project.get("optional-dependencies", {}))
    return {
        group: {canonicalize_name(Requirement(line).name) for line in lines}
        for group, lines in groups.items()
    }


def setup_extras(script: Path = ROOT / "scripts" / "setup") -> set[str]:
    """The extras scripts/setup installs (its ``extras=a,b`` line)."""
    found = re.search(r"^extras=([\w,-]+)\s*$", script.read_text("utf-8"), re.MULTILINE)
    assert found, f"{script} has no extras=... line"
    return set(found.group(1).split(","))


def _providers(module: str, index: dict[str, list[str]]) -> set[str]:
    return {canonicalize_name(name) for name in index.get(module, [])}


def problems(
    sites: list[ImportSite], groups: dict[str, set[str]], index: dict[str, list[str]]
) -> list[str]:
    """What is wrong with these imports, one line each (empty when all is well)."""
    found = []
    for site in sites:
        if site.module in FIRST_PARTY or site.module in sys.stdlib_module_names:
            continue
        if (site.path.parent / f"{site.module}.py").is_file():
            continue  # a sibling script (a benchmark reusing another's helpers)
        where = f"{site.path.relative_to(ROOT)}:{site.line}: {site.module}"
        allowed = allowed_groups(site.path)
        providers = _providers(site.module, index)
        ok = set().union(*(groups.get(g, set()) for g in allowed))
        if providers & ok:
            continue
        if site.guard in ("importorskip", "try"):
            continue
        if site.guard == "importorskip-without-reason":
            found.append(
                f"{where}: importorskip without a reason naming the command that enables it"
            )
        elif not providers:
            found.append(f"{where}: no installed distribution provides it and it is not declared")
        else:
            found.append(
                f"{where}: provided by {', '.join(sorted(providers))}, declared in none of "
                f"{', '.join(allowed)} (pyproject.toml)"
            )
    return found


def all_sites() -> list[ImportSite]:
    return [
        site
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        for site in import_sites(path)
    ]


def test_every_import_is_declared_for_its_folder() -> None:
    found = problems(all_sites(), declared(), packages_distributions())
    assert not found, "undeclared imports:\n" + "\n".join(found)


def missing_from_setup(
    sites: list[ImportSite],
    groups: dict[str, set[str]],
    extras: set[str],
    index: dict[str, list[str]],
) -> set[str]:
    """Unguarded imports in tests/ and installers/ that a setup installing ``extras`` leaves out."""
    installed = set().union(groups[RUNTIME], *(groups[e] for e in extras))
    missing = set()
    for site in sites:
        top = site.path.relative_to(ROOT).parts[0]
        if site.guard or top not in ("tests", "installers") or site.module in FIRST_PARTY:
            continue
        providers = _providers(site.module, index)
        if providers and not providers & installed:
            missing.add(f"{site.path.relative_to(ROOT)}:{site.line}: {site.module}")
    return missing


def test_setup_installs_every_unguarded_import_of_the_test_suite() -> None:
    groups = declared()
    extras = setup_extras()
    assert extras <= set(groups), f"scripts/setup installs unknown extras: {extras - set(groups)}"
    missing = missing_from_setup(all_sites(), groups, extras, packages_distributions())
    assert not missing, "scripts/setup does not install:\n" + "\n".join(sorted(missing))


def test_a_setup_without_the_installer_extra_misses_the_icon_test() -> None:
    missing = missing_from_setup(all_sites(), declared(), {"test"}, packages_distributions())
    assert any(
        m.startswith("tests/installers/test_render_icons.py:") and m.endswith(": PIL")
        for m in missing
    )


def _check(folder: str, source: str, groups: dict[str, set[str]]) -> list[str]:
    path = ROOT / folder / "example.py"
    return problems(list(import_sites(path, source)), groups, packages_distributions())


def test_an_undeclared_lazy_import_is_found() -> None:
    source = "def f():\n    import requests\n"
    found = _check("desktop", source, {RUNTIME: set()})
    assert len(found) == 1 and "example.py:2: requests: provided by requests" in found[0]
    assert not _check("desktop", source, {RUNTIME: {"requests"}})


def test_an_extra_counts_only_in_its_folders() -> None:
    groups = {RUNTIME: set(), "installer": {"pytest"}, "test": set()}
    assert _check("tests", "import pytest\n", groups)
    assert not _check("installers", "import pytest\n", groups)


def test_guards_need_a_reason_or_an_import_error_handler() -> None:
    empty: dict[str, set[str]] = {RUNTIME: set(), "test": set()}
    bare = "import pytest\nx = pytest.importorskip('nosuchmodule_xyz')\n"
    with_reason = (
        "import pytest\nx = pytest.importorskip('nosuchmodule_xyz', reason='pip install x')\n"
    )
    handled = "try:\n    import nosuchmodule_xyz\nexcept ImportError:\n    x = None\n"
    unhandled = "import nosuchmodule_xyz\n"
    groups = {**empty, "test": {"pytest"}}
    assert any("without a reason" in p for p in _check("tests", bare, groups))
    assert not _check("tests", with_reason, groups)
    assert not _check("tests", handled, empty)
    assert "no installed distribution" in _check("tests", unhandled, empty)[0]


def test_setup_extras_are_read_from_the_script(tmp_path: Path) -> None:
    script = tmp_path / "setup"
    script.write_text("#!/bin/sh\nextras=test,installer\n")
    assert setup_extras(script) == {"test", "installer"}


def test_the_inbox_extra_counts_only_for_the_inbox() -> None:
    groups = {RUNTIME: set(), "test": set(), "lab": set(), "inbox": {"starlette"}}
    assert _check("desktop", "import starlette\n", groups)
    assert _check("tests", "import starlette\n", groups)
    path = ROOT / "desktop" / "wiresleuth" / "inbox" / "example.py"
    assert not problems(
        list(import_sites(path, "import starlette\n")), groups, packages_distributions()
    )
    path = ROOT / "tests" / "inbox" / "example.py"
    assert not problems(
        list(import_sites(path, "import starlette\n")), groups, packages_distributions()
    )
