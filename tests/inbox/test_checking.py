"""An upload's check: the bundle reader's refusals are the sender's to hear (422, in the
sender's words); this server's own trouble (a disk that fills while the capture is
checked) is not blamed on the bundle."""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.inbox.samples import lab_bundle, rewritten
from wiresleuth.inbox.checking import check_upload
from wiresleuth.inbox.errors import InboxError, UploadRefused


def test_a_damaged_bundle_is_refused_in_the_senders_words(tmp_path: Path) -> None:
    upload = rewritten(
        lab_bundle("C1"), tmp_path / "x1.part", "log.txt", b"edited", fix_manifest=False
    )
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload, "wiresleuth-pc7.wsbundle")
    assert refused.value.status == 422
    assert refused.value.reason == (
        "not a valid WireSleuth bundle: bundle wiresleuth-pc7.wsbundle is damaged: log.txt: checksum mismatch"
    )


@pytest.fixture
def snug_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 72 KiB file system: room for the C1 bundle (66 KB), not for its capture too."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point = tmp_path / "snug"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=72k,mode=0700", "wiresleuth-test", str(mount_point)],
        capture_output=True, text=True, timeout=20, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(
            ["umount", "-l", str(mount_point)], capture_output=True, timeout=20, check=False
        )


def test_a_disk_that_fills_while_checking_is_the_servers_trouble(snug_disk: Path) -> None:
    upload = snug_disk / "abc.part"
    shutil.copyfile(lab_bundle("C1"), upload)
    with pytest.raises(InboxError, match=r"cannot check the capture of C1\.wsbundle"):
        check_upload(upload, "C1.wsbundle")
    assert sorted(p.name for p in snug_disk.iterdir()) == ["abc.part"]  # no scratch left
