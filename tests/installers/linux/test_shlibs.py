import shutil
import sys
from pathlib import Path

import pytest

from installers.linux import shlibs

READELF = """\
Dynamic section at offset 0x3b98 contains 54 entries:
 0x0000000000000001 (NEEDED)             Shared library: [libQt6Gui.so.6]
 0x0000000000000001 (NEEDED)             Shared library: [libGL.so.1]
 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]
Version needs section '.gnu.version_r' contains 2 entries:
  0x0010:   Name: GLIBC_2.34  Flags: none  Version: 5
  0x0020:   Name: GLIBC_2.4  Flags: none  Version: 3
  0x0030:   Name: GLIBC_2.3.4  Flags: none  Version: 2
"""
LDCONFIG = """\
632 libs found in cache `/etc/ld.so.cache'
\tlibc.so.6 (libc6,x86-64, OS ABI: Linux 3.2.0) => /lib/x86_64-linux-gnu/libc.so.6
\tlibc.so.6 (libc6) => /lib/i386-linux-gnu/libc.so.6
\tlibGL.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libGL.so.1
"""


def test_readelf_output_gives_needed_and_the_highest_glibc() -> None:
    info = shlibs.parse_readelf(READELF)
    assert info.needed == ("libQt6Gui.so.6", "libGL.so.1", "libc.so.6")
    assert info.glibc == (2, 34)


def test_ldconfig_output_is_read_for_one_architecture() -> None:
    amd64 = shlibs.parse_ldconfig(LDCONFIG, shlibs.ldconfig_arch_tag("amd64"))
    assert amd64 == {
        "libc.so.6": Path("/lib/x86_64-linux-gnu/libc.so.6"),
        "libGL.so.1": Path("/lib/x86_64-linux-gnu/libGL.so.1"),
    }
    assert shlibs.parse_ldconfig(LDCONFIG, "")["libc.so.6"] == Path("/lib/i386-linux-gnu/libc.so.6")


def test_dpkg_search_output_gives_the_package() -> None:
    assert (
        shlibs.parse_dpkg_search("libgl1:amd64: /usr/lib/x86_64-linux-gnu/libGL.so.1\n") == "libgl1"
    )
    assert shlibs.parse_dpkg_search("diversion by x from: /a\nlibc6:amd64: /a\n") == "libc6"
    assert shlibs.parse_dpkg_search("") is None


def test_depends_counts_only_libraries_the_app_does_not_ship(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "_internal" / "PySide6").mkdir(parents=True)
    for name in ("wiresleuth", "_internal/PySide6/libQt6Gui.so.6", "_internal/libmissing-host.so"):
        (app / name).write_bytes(shlibs.ELF_MAGIC + b"rest")
    (app / "_internal" / "notes.txt").write_text("not an ELF file")
    infos = {
        "wiresleuth": shlibs.ElfInfo(needed=("libc.so.6",), glibc=(2, 17)),
        "libQt6Gui.so.6": shlibs.ElfInfo(needed=("libGL.so.1", "libc.so.6"), glibc=(2, 34)),
        "libmissing-host.so": shlibs.ElfInfo(needed=("libnowhere.so.9",), glibc=()),
    }
    owners = {
        "/lib/x86_64-linux-gnu/libc.so.6": "libc6",
        "/lib/x86_64-linux-gnu/libGL.so.1": "libgl1",
    }
    entries, unresolved = shlibs.depends(
        app,
        "amd64",
        reader=lambda path: infos[path.name],
        owner=lambda path: owners.get(str(path)),
        ldconfig_text=LDCONFIG,
    )
    assert entries == ["libc6 (>= 2.34)", "libgl1"]
    assert unresolved == ["libnowhere.so.9"]


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs readelf (binutils)")
def test_a_real_library_is_read() -> None:
    import _ssl

    info = shlibs.read_elf(Path(_ssl.__file__))
    assert "libc.so.6" in info.needed or info.glibc
    assert shlibs.elf_files(Path(_ssl.__file__).parent)
    assert Path(sys.executable).exists()
