"""This computer's proxy settings as the checks' set-up reads them: once for those that ask
at the same moment.

The route and PAC checks read them side by side as a run starts, each loading the readers
(0.025-0.035 s each, holding the interpreter); where the name lookups answer at once (a
local resolver) capture's start waited for both. A caller that asks while a reading is on
its way shares it; a later caller reads anew (the settings may change between runs).
"""

from __future__ import annotations

import concurrent.futures
import threading

from wiresleuth.model.proxy_config import ProxyConfiguration

Read = tuple[ProxyConfiguration | None, str | None]
"""The settings (None: unreadable) and why they could not be read."""

_lock = threading.Lock()
_reading: concurrent.futures.Future[Read] | None = None


def proxy_configuration() -> Read:
    """The settings, or None and the reader's error (a broken reader must not lose a run)."""
    global _reading
    with _lock:
        mine = _reading is None
        if _reading is None:
            _reading = concurrent.futures.Future()
        reading = _reading
    if not mine:
        return reading.result()
    try:
        result = _read()
    except BaseException as exc:  # handed to whoever shares the reading, then raised
        reading.set_exception(exc)
        raise
    else:
        reading.set_result(result)
        return result
    finally:
        with _lock:
            _reading = None


def _read() -> Read:
    from wiresleuth.platform.proxy_settings import read_proxy_configuration

    try:
        return read_proxy_configuration(), None
    except Exception as exc:  # the OS boundary: a broken reader must not lose the run
        return None, f"{type(exc).__name__}: {exc}"
