"""A PAC script in a QuickJS interpreter that reaches nothing but the PAC functions.

dukpy's ``JSInterpreter`` is a small Node: it gives every script ``process.env`` (a copy of
the environment), ``require()`` and ES ``import()`` (which read any file through its module
loader), ``console`` (Python logging), and a ``call_python(name, ...)`` that calls any
function exported to it, its module loader included. pypac's ``PACFile`` uses that
interpreter as it is, so a PAC read tokens from the environment and files from the disk.

``RestrictedInterpreter`` keeps QuickJS and dukpy's value passing, and nothing else: the
host runtime (process, console, require) is never set up, the module loader refuses every
name, and ``call_python`` reaches only the table given at construction (the PAC functions,
``wiresleuth.probes.pac_functions``). ``call_python`` itself stays visible to scripts:
dukpy defines it again before every evaluation; it is harmless with that table.

``PacScript`` is the small part of pypac's ``PACFile`` we need (load, check, call
``FindProxyForURL`` or ``FindProxyForURLEx``), built on that interpreter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import dukpy

JSRuntimeError = dukpy.JSRuntimeError
"""Raised for JavaScript errors (syntax, exceptions, out of memory)."""

MODULES_REFUSED = "modules are not available to a PAC script"


class _NoModules:
    """Stands in for dukpy's module loader (``require`` and ``import()`` end here)."""

    def load(self, module_name: str) -> tuple[None, None, None]:
        raise PermissionError(MODULES_REFUSED)

    def lookup(self, module_name: str) -> tuple[None, None]:
        raise PermissionError(MODULES_REFUSED)


class RestrictedInterpreter(dukpy.JSInterpreter):  # type: ignore[misc]
    """QuickJS with no process, console, require or module loader; only ``functions``.

    Each name of ``functions`` becomes a global JavaScript function calling it; arguments
    and results cross as JSON (copies), as in dukpy.
    """

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        self._allowed = dict(functions)
        super().__init__()  # calls the three _init_* below, which set up nothing
        self._no_modules = _NoModules()
        for name, function in self._allowed.items():
            super().export_function(name, function)
        self.evaljs(_wrappers(sorted(self._allowed)))

    # dukpy's host runtime, never set up -------------------------------------------------

    def _init_process(self) -> None:
        """No ``process`` (dukpy copies the whole environment into ``process.env``)."""

    def _init_console(self) -> None:
        """No ``console`` (it calls Python's logging through exported functions)."""

    def _init_require(self) -> None:
        """No ``require`` (it reads files through the module loader)."""

    @property
    def loader(self) -> _NoModules:
        """What QuickJS's native ``import()`` asks for modules: a loader that refuses."""
        return getattr(self, "_no_modules", _NoModules())

    def _normalize_module(self, base_name: str, module_name: str) -> str:
        raise PermissionError(MODULES_REFUSED)

    def export_function(self, name: str, func: Callable[..., Any]) -> None:
        raise PermissionError("the functions of a restricted interpreter are fixed")

    def run(self, path: object, **kwargs: Any) -> Any:
        raise PermissionError("a restricted interpreter runs no files")

    def _evaljs_module(self, code: object, module_name: str = "<dukpy>", **kwargs: Any) -> Any:
        raise PermissionError(MODULES_REFUSED)

    # the only door from JavaScript to Python -------------------------------------------

    def _check_exported_function_exists(self, func: bytes) -> bool:
        return func.decode("utf-8", errors="replace") in self._allowed

    def _call_python(self, func: bytes, json_args: bytes) -> bytes | None:
        name = func.decode("utf-8", errors="replace")
        function = self._allowed.get(name)
        if function is None:
            raise PermissionError(f"{name!r} is not a PAC function")
        result = function(*json.loads(json_args.decode("utf-8")))
        return None if result is None else json.dumps(result).encode("utf-8")


def _wrappers(names: list[str]) -> str:
    """Globals that forward to ``call_python`` (pypac's ``_inject_function_into_js``, at once)."""
    return (
        "(function (names) { names.forEach(function (name) {"
        " globalThis[name] = function () {"
        " var args = Array.prototype.slice.call(arguments); args.unshift(name);"
        " return call_python.apply(null, args); }; }); })(" + json.dumps(names) + "); void 0;"
    )


class PacScript:
    """A loaded PAC: ``FindProxyForURL`` (or Microsoft's ``FindProxyForURLEx``) to call."""

    def __init__(self, source: str, functions: Mapping[str, Callable[..., Any]]) -> None:
        """Evaluate ``source`` and make one test call, as pypac does, so that a script that
        cannot decide (undefined functions, no entry point) fails here.

        Raises JSRuntimeError with QuickJS's message.
        """
        self._js = RestrictedInterpreter(functions)
        self._js.evaljs(source)
        defined = self._js.evaljs(
            "[typeof FindProxyForURL === 'function', typeof FindProxyForURLEx === 'function']"
        )
        if defined[0]:
            self._entry = "FindProxyForURL"
        elif defined[1]:
            self._entry = "FindProxyForURLEx"
        else:
            raise JSRuntimeError(
                "the script defines no function FindProxyForURL (nor FindProxyForURLEx)"
            )
        self.find_proxy_for_url("/", "0.0.0.0")

    def find_proxy_for_url(self, url: str, host: str) -> Any:
        """What the entry point returns for (url, host), as a JSON value (normally a string)."""
        return self._js.evaljs(f"{self._entry}(dukpy['url'], dukpy['host'])", url=url, host=host)
