"""Pure parser of ``scutil --proxy``: the proxy dictionary macOS applications receive.

The output is SystemConfiguration's own dump format::

    <dictionary> {
      ExceptionsList : <array> {
        0 : *.local
      }
      HTTPEnable : 1
      ProxyAutoConfigEnable : 1
      ProxyAutoConfigURLString : http://wpad.example/wpad.dat
    }

Keys are SCSchemaDefinitions' ``kSCPropNetProxies*`` names. Only the top level counts: a
``__SCOPED__`` sub-dictionary repeats per-interface copies.
"""

from __future__ import annotations

from typing import Any

from wiresleuth.model.proxy_config import ProxySource
from wiresleuth.platform.unavailable import FactUnavailable

_OPENERS = {"<dictionary> {": dict, "<array> {": list}


def parse_scutil_dictionary(text: str) -> dict[str, Any]:
    """The nested dictionary of scutil's dump (arrays become lists, leaves stay strings)."""
    root: dict[str, Any] | None = None
    stack: list[dict[str, Any] | list[Any]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped == "}":
            if stack:
                stack.pop()
            continue
        if root is None:
            if stripped == "<dictionary> {":
                root = {}
                stack.append(root)
            continue
        if not stack:
            break
        key, sep, value = stripped.partition(" : ")
        if not sep:
            continue
        value = value.strip()
        container = stack[-1]
        item: Any = value
        opener = _OPENERS.get(value)
        if opener is not None:
            item = opener()
        if isinstance(container, dict):
            container[key.strip()] = item
        else:
            container.append(item)
        if opener is not None:
            stack.append(item)
    if root is None:
        raise FactUnavailable("scutil --proxy: no <dictionary> in the output")
    return root


def _on(values: dict[str, Any], key: str) -> bool:
    return str(values.get(key, "0")).strip() == "1"


def parse_scutil_proxy(text: str) -> ProxySource:
    """The global proxy settings from ``scutil --proxy`` output."""
    values = parse_scutil_dictionary(text)
    proxies: dict[str, str] = {}
    for prefix, scheme in (("HTTP", "http"), ("HTTPS", "https"), ("SOCKS", "socks")):
        host = values.get(f"{prefix}Proxy")
        if _on(values, f"{prefix}Enable") and isinstance(host, str) and host:
            port = values.get(f"{prefix}Port")
            proxies[scheme] = f"{host}:{port}" if isinstance(port, str) and port else host
    pac = values.get("ProxyAutoConfigURLString")
    exceptions = values.get("ExceptionsList")
    raw = {k: v for k, v in values.items() if isinstance(v, str)}
    if isinstance(exceptions, list):
        raw["ExceptionsList"] = ", ".join(str(e) for e in exceptions)
    return ProxySource(
        name="macos",
        origin="scutil --proxy",
        auto_detect=_on(values, "ProxyAutoDiscoveryEnable"),
        pac_url=pac
        if _on(values, "ProxyAutoConfigEnable") and isinstance(pac, str) and pac
        else None,
        proxies=proxies,
        bypass=tuple(str(e) for e in exceptions) if isinstance(exceptions, list) else (),
        raw=raw,
    )
