"""Write the profile TOML the program under test runs with in the client namespace."""

from __future__ import annotations

import json
import os
from pathlib import Path

from wiresleuth.lab.scenario import ClientSpec

HELPDESK_NAME = "Lab helpdesk"
HELPDESK_CONTACT = "lab@example.invalid"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def profile_text(client: ClientSpec) -> str:
    """The profile as TOML text (strings quoted as JSON, which TOML basic strings accept)."""
    targets = ", ".join(json.dumps(t) for t in client.targets)
    b = client.budgets
    extra = ""
    if client.proxy is not None:
        extra += f"proxy = {json.dumps(client.proxy)}\n"
    if client.path_proof:
        extra += f"path_proof = [{', '.join(json.dumps(p) for p in client.path_proof)}]\n"
    if client.pac_url is not None:
        extra += f"pac_url = {json.dumps(client.pac_url)}\n"
    if client.must_refuse:
        extra += f"must_refuse = [{', '.join(json.dumps(t) for t in client.must_refuse)}]\n"
    hold = f"tunnel_hold = {_number(b.tunnel_hold)}\n" if b.tunnel_hold is not None else ""
    return (
        "# written by the wiresleuth lab\n"
        f"targets = [{targets}]\n"
        f"{extra}\n"
        "[helpdesk]\n"
        f"name = {json.dumps(HELPDESK_NAME)}\n"
        f"contact = {json.dumps(HELPDESK_CONTACT)}\n\n"
        "[budgets]  # seconds\n"
        f"run = {_number(b.run)}\n"
        f"connect = {_number(b.connect)}\n"
        f"tls_handshake = {_number(b.tls_handshake)}\n"
        f"{hold}"
    )


def write_profile(path: Path, client: ClientSpec) -> Path:
    """Write the profile (world-readable: the client may run as nobody) and return its path."""
    path.write_text(profile_text(client), encoding="utf-8")
    os.chmod(path, 0o644)
    return path
