"""The lab types a password at a real getpass prompt through a pseudo-terminal."""

import base64
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.lab.prefixes import lab_prefix
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.lab.names import PREFIX_ENV
from wiresleuth.lab.report_reader import read_findings
from wiresleuth.lab.scenario import load_scenario
from wiresleuth.lab.typed_input import Typist, terminal_argv

PROGRAM = (
    "import getpass, sys; "
    "typed = getpass.getpass('Proxy password for alice: '); "
    "print('got', typed == 'lab-typed', file=sys.stderr)"
)


def test_getpass_reads_the_typed_password_from_its_terminal() -> None:
    typist = Typist("lab-typed")
    proc = subprocess.Popen(
        terminal_argv([sys.executable, "-c", PROGRAM]),
        stdin=typist.slave,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    typist.start()
    try:
        _, err = proc.communicate(timeout=20)
    finally:
        typist.close()
    assert typist.typed.is_set()
    assert "got True" in err and "Warning" not in err, err


@pytest.mark.lab
def test_c2_password_typed_at_the_prompt_is_in_no_bundle_member(tmp_path: Path) -> None:
    """C2: the lab types the proxy password, Basic carries it to Squid (login accepted), and
    no member of the bundle, capture.pcapng included, holds it in any form it was sent."""
    scenario = load_scenario("C2")
    user, password = scenario.client.proxy_user, scenario.client.proxy_password
    assert user and password
    out = tmp_path / "c2.wsbundle"
    done = subprocess.run(
        [sys.executable, "-m", "wiresleuth", "lab", "run", "C2", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=scenario.client.budgets.run + 90,
        env={**os.environ, PREFIX_ENV: lab_prefix("typed-input")},
        check=False,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    forms = [password.encode(), base64.b64encode(f"{user}:{password}".encode())]
    with zipfile.ZipFile(out) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert "capture.pcapng" in members
    for name, data in members.items():
        for form in forms:
            assert form not in data, f"{form!r} in {name}"
    capture = read_bundle(out).capture
    if "missed" not in (capture.reason or ""):
        # the header was captured (the search above is not vacuous) and masked in place
        assert b"Proxy-Authorization: Basic ****" in members["capture.pcapng"]
    login = [f for f in read_findings(out) if f["id"] == "proxy.auth_required"]
    assert login and login[0]["values"]["login"] == "accepted"
