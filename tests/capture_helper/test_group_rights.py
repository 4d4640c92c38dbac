"""The install model, for real: a helper copy that is root:<group> 0750 with cap_net_raw=ep.

An unprivileged user (nobody) in the group captures; outside it the program is told plainly
why not; the loader injects nothing into the privileged helper (LD_PRELOAD, LD_LIBRARY_PATH),
while the same injection into an unprivileged copy does run (so the check can fail). Needs
root, setpriv, setcap and groupadd; only a loopback address (127.x.y.z) is pinged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.capture_helper.build import REPO, compile_library
from tests.capture_helper.running import FILTER, Helper, echo_types, ping
from wiresleuth.capture.helper_path import HELPER_ENV

NOBODY = 65534
TOOLS = ("setpriv", "setcap", "groupadd", "groupdel", "nm")
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or any(shutil.which(tool) is None for tool in TOOLS),
    reason=f"needs root and {', '.join(TOOLS)} (scripts/setup installs them)",
)


@dataclass(frozen=True)
class Install:
    """A helper installed as the package installs it, in a folder every user can traverse."""

    folder: Path
    granted: Path
    """root:group 0750, cap_net_raw=ep."""
    plain: Path
    """root:group 0750, no capability (the opt-out, or a rebuilt helper in a checkout)."""
    group: str
    gid: int


@pytest.fixture(scope="module")
def install(capture_helper: Path) -> Iterator[Install]:
    group = f"wst{uuid.uuid4().hex[:8]}"
    subprocess.run(["groupadd", group], check=True, timeout=30)
    folder = Path(tempfile.mkdtemp(dir="/var/tmp", prefix="wiresleuth-rights-"))
    try:
        folder.chmod(0o1777)  # the injected libraries leave their markers here
        gid = int(subprocess.run(
            ["getent", "group", group], capture_output=True, text=True, check=True
        ).stdout.split(":")[2])  # fmt: skip
        copies = {}
        for name in ("granted", "plain"):
            copy = folder / name / "wiresleuth-capture"
            copy.parent.mkdir()
            copy.parent.chmod(0o755)
            shutil.copy(capture_helper, copy)
            os.chown(copy, 0, gid)
            copy.chmod(0o750)
            copies[name] = copy
        subprocess.run(["setcap", "cap_net_raw=ep", str(copies["granted"])], check=True)
        yield Install(folder, copies["granted"], copies["plain"], group, gid)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["groupdel", group], check=False, timeout=30)


def as_nobody(groups: list[int], *, via_env: bool = True) -> list[str]:
    """Run the rest as nobody. setpriv keeps its capabilities until its own execve, whose
    permission check they pass: ``env`` in between makes the helper's exec nobody's own.
    (A Python run this way execs the helper itself, as nobody: no ``env`` needed.)"""
    who = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}"]
    who += [f"--groups={','.join(map(str, groups))}"] if groups else ["--clear-groups"]
    return [*who, "/usr/bin/env"] if via_env else who


def test_a_group_member_captures_with_cap_net_raw_alone(install: Install) -> None:
    run = Helper([*as_nobody([install.gid]), str(install.granted), "-i", "any", "-t", "60", "-f", FILTER])
    try:
        started = run.line()
        assert started.startswith("started interface=any"), started
        ping(2)
        assert run.proc.stdin is not None
        run.proc.stdin.close()
        code, frames, lines = run.finish()
    finally:
        run.close()
    assert code == 0, lines
    assert echo_types(frames) == [8, 0, 8, 0]


def test_outside_the_group_the_helper_cannot_even_be_started(install: Install) -> None:
    done = subprocess.run(
        [*as_nobody([]), str(install.granted), "-i", "any", "-t", "5", "-f", FILTER],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "Permission denied" in done.stderr, done.stderr


CHILD = """
import sys
from wiresleuth.capture.session import CaptureSession
from wiresleuth.errors import CaptureUnavailable
try:
    CaptureSession("icmp and host 127.0.0.1").start(timeout=5.0)
except CaptureUnavailable as exc:
    print(type(exc).__name__, exc, sep=": ")
    sys.exit(0)
print("capture started")
sys.exit(1)
"""


@pytest.fixture(scope="module")
def public_package(install: Install) -> Path:
    """A copy of the wiresleuth package user nobody can read (the checkout may be closed)."""
    target = install.folder / "src"
    shutil.copytree(REPO / "desktop" / "wiresleuth", target / "wiresleuth")
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.mark.parametrize(
    ("which", "member", "said"),
    [
        ("granted", False, "NotAllowed: you may not start the capture helper"),
        ("plain", True, "PermissionDenied: the capture helper"),
    ],
    ids=["not-in-group", "no-capability"],
)
def test_the_program_says_plainly_why_it_cannot_capture(
    install: Install, public_package: Path, which: str, member: bool, said: str
) -> None:
    helper = install.granted if which == "granted" else install.plain
    env = {"PYTHONPATH": str(public_package), "PATH": os.environ.get("PATH", ""),
           "HOME": str(install.folder), HELPER_ENV: str(helper)}  # fmt: skip
    done = subprocess.run(
        [*as_nobody([install.gid] if member else [], via_env=False), sys.executable, "-c", CHILD],
        capture_output=True, text=True, timeout=60, env=env, cwd="/", check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(said), done.stdout
    if member:
        assert "holds no capture right here (no permission to capture on any" in done.stdout
    else:
        assert f"members of the '{install.group}' group may" in done.stdout


MARKER_LIBRARY = """
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void injected(void) {
    int fd = open("%s", O_WRONLY | O_CREAT, 0666);
    if (fd >= 0) close(fd);
}
"""


def fake_libpcap(helper: Path, marker: Path, folder: Path) -> Path:
    """A libpcap.so.0.8 with every symbol the helper needs (stubs) and a marker constructor."""
    names = subprocess.run(
        ["nm", "-D", "--undefined-only", str(helper)], capture_output=True, text=True, check=True
    ).stdout.split()
    stubs = "".join(f"int {n}(void) {{ return -1; }}\n" for n in names if n.startswith("pcap_"))
    folder.mkdir(exist_ok=True)
    library = compile_library(MARKER_LIBRARY % marker + stubs, folder / "libpcap.so.0.8", soname="libpcap.so.0.8")
    folder.chmod(0o755)
    library.chmod(0o755)
    return folder


@pytest.mark.parametrize("variable", ["LD_PRELOAD", "LD_LIBRARY_PATH"])
def test_the_loader_injects_nothing_into_the_privileged_helper(
    install: Install, variable: str
) -> None:
    def run(helper: Path) -> tuple[bool, str]:
        marker = install.folder / f"marker-{variable}-{helper.parent.name}"
        if variable == "LD_PRELOAD":
            value = compile_library(MARKER_LIBRARY % marker, install.folder / f"inject-{helper.parent.name}.so")
            value.chmod(0o755)
        else:
            value = fake_libpcap(helper, marker, install.folder / f"lib-{helper.parent.name}")
        done = subprocess.run(
            [*as_nobody([install.gid]), f"{variable}={value}", str(helper),
             "-i", "any", "-t", "1", "-f", FILTER],
            capture_output=True, timeout=30, stdin=subprocess.PIPE, check=False,
        )  # fmt: skip
        return marker.exists(), done.stderr.decode(errors="replace")

    injected, said = run(install.plain)  # no capability: the loader honours the variable
    assert injected, f"the {variable} library did not run in an unprivileged helper: {said}"
    injected, said = run(install.granted)
    assert not injected, f"{variable} ran code inside the privileged helper"
    assert "started interface=any" in said and "stopped reason=" in said, said
