"""An upload's check: the bundle reader's refusals are the sender's to hear (422, in the
sender's words); this server's own trouble (a disk that fills while the capture is
checked) is not blamed on the bundle."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.inbox.samples import lab_bundle, rewritten
from tests.small_disk import mounted_tmpfs
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
    with mounted_tmpfs(tmp_path / "snug", "size=72k,mode=0700") as mount_point:
        yield mount_point


def test_a_disk_that_fills_while_checking_is_the_servers_trouble(snug_disk: Path) -> None:
    upload = snug_disk / "abc.part"
    shutil.copyfile(lab_bundle("C1"), upload)
    with pytest.raises(InboxError, match=r"cannot check the capture of C1\.wsbundle"):
        check_upload(upload, "C1.wsbundle")
    assert sorted(p.name for p in snug_disk.iterdir()) == ["abc.part"]  # no scratch left
