"""Map socket and OS errors to the short words observations carry."""

from __future__ import annotations

import errno


def describe_os_error(exc: BaseException) -> str:
    """``refused``, ``reset``, ``unreachable``, ``timeout`` or the error's own text."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectionResetError):
        return "reset"
    if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "unreachable"
    if isinstance(exc, PermissionError):
        return f"not permitted ({exc.strerror or exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
