"""What a lane (a connection) is called: in full in lists and tooltips, cut on the lane axis.

The labels of the local-hold check differ only at their end ("... (round 1)" and
"... (round 2)"): a name too long for the axis is cut in the middle, never at the end.
"""

from __future__ import annotations

from wiresleuth.model.timeline import Connection

LABEL_CHARS = 60
"""Characters of a lane's short name at most."""


def full_label(connection: Connection) -> str:
    """A lane's whole name: its label and, when it has one, the connection it is."""
    if connection.label and connection.label != connection.id:
        return f"{connection.label}  ({connection.id})"
    return connection.label or connection.id


def lane_label(connection: Connection) -> str:
    """A lane's short name: its label, else its id, cut in the middle to fit."""
    text = connection.label or connection.id
    if len(text) <= LABEL_CHARS:
        return text
    half = (LABEL_CHARS - 1) // 2
    return text[:half] + "…" + text[-(LABEL_CHARS - 1 - half) :]
