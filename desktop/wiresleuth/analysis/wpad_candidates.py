"""The WPAD URLs a browser tries, from the DNS search domains (pure; pypac's devolution).

Internet Explorer/WinHTTP devolve the primary DNS suffix: for ``pc.sub.corp.example.com``
they try ``wpad.sub.corp.example.com``, then ``wpad.corp.example.com``, stopping at the
organisation's registrable domain (pypac checks it against the Public Suffix List, so
``wpad.com`` is never tried). Chrome asks for ``wpad`` and lets the search list complete
it, which is the first URL of each walk.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_CANDIDATES = 8
"""WPAD URLs tried at most."""


def wpad_candidates(domains: Sequence[str]) -> list[str]:
    """``http://wpad.<domain>/wpad.dat`` URLs for each search domain, walked up, no repeats."""
    from pypac.wpad import proxy_urls_from_dns

    urls: dict[str, None] = {}
    for domain in domains:
        domain = domain.strip().strip(".").lower()
        if not domain:
            continue
        for url in proxy_urls_from_dns(f"host.{domain}"):
            host = str(url).split("/")[2]
            if host.count(".") >= 2:  # never wpad.<tld>: anyone can register that name
                urls.setdefault(str(url), None)
    return list(urls)[:MAX_CANDIDATES]
