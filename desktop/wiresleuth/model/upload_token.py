"""What an upload token of the helpdesk's inbox looks like, known to every floor that must
recognise one: the inbox that makes them, the profile that holds one, the redaction that
keeps them out of bundles, the sender that must never show one.

The ``wsu_`` prefix marks the token whatever surrounds it (a pasted log line, a URL path, a
capture), as GitHub's ``ghp_`` marks theirs; 43 URL-safe base64 characters (256 bits) follow.
"""

from __future__ import annotations

import re

UPLOAD_TOKEN_PREFIX = "wsu_"
"""Marks an upload token of the inbox."""
UPLOAD_TOKEN_SHAPE = UPLOAD_TOKEN_PREFIX + r"[A-Za-z0-9_-]{20,}"
"""A regular expression for one (at least 20 characters after the prefix: shorter ones are
no token the inbox made, and a word such as ``wsu_x`` stays readable)."""
BEARER_TOKEN = re.compile(r"[A-Za-z0-9._~+/-]{1,512}=*")
"""What an ``Authorization: Bearer`` value may hold (RFC 6750 ``b64token``), at most 512."""
