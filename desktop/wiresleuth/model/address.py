"""One spelling per IP address, so that quoted, decoded and typed addresses compare equal."""

from __future__ import annotations

import functools
import ipaddress


@functools.lru_cache(maxsize=4096)
def normalise(address: str) -> str:
    """The address as ``ipaddress`` writes it (``::ffff:1.2.3.4``, lower-case hex, no
    leading zeros); anything that is not an address is returned as it is."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address
