import ast
import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installers import freeze
from tests.capture.corpora import packets
from wiresleuth.resources import PACKAGE_DATA_LIST, package_data


def test_version_comes_from_the_package() -> None:
    import wiresleuth

    assert freeze.version() == wiresleuth.__version__


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("2.3", (2, 3, 0, 0)),
        ("1.2.3rc1", (1, 2, 3, 0)),
        ("1.2.3.4.5", (1, 2, 3, 4)),
    ],
)
def test_numeric_version_for_windows(text: str, numbers: tuple[int, ...]) -> None:
    assert freeze.numeric_version(text) == numbers


def test_hidden_imports_cover_every_module_the_cli_imports_lazily() -> None:
    hidden = freeze.hidden_imports()
    assert {"wiresleuth", "wiresleuth.cli.run_cmd", "wiresleuth.wizards.registry"} <= set(hidden)
    assert "wiresleuth.__main__" not in hidden
    assert all(not name.endswith(".__init__") for name in hidden)
    # The helpdesk's inbox (a server with its own extra) is not part of the desktop app.
    assert "wiresleuth.cli.inbox_cmd" in hidden
    assert not [name for name in hidden if name.startswith("wiresleuth.inbox")]
    assert {"wiresleuth.inbox", "starlette", "sqlalchemy", "uvicorn"} <= set(freeze.EXCLUDES)


def test_datas_ship_every_package_data_file_the_icons_and_the_list(tmp_path: Path) -> None:
    pairs = freeze.datas(tmp_path)
    destinations = {(Path(source).name, dest) for source, dest in pairs}
    shipped = [p for p in package_data() if not p.startswith("inbox/")]
    for relative in shipped:
        path = Path("wiresleuth", relative)
        assert (path.name, path.parent.as_posix()) in destinations
    assert ("wiresleuth-512.png", "resources/icons") in destinations
    listed = (tmp_path / PACKAGE_DATA_LIST).read_text().splitlines()
    assert listed == shipped
    # The inbox's pages are package data of the wheel, not of the desktop app.
    assert "inbox/templates/bundles.html" in package_data()
    assert not [dest for _, dest in pairs if dest.startswith("wiresleuth/inbox")]
    assert all(Path(source).is_file() for source, _ in pairs)


GTK_TOC = [
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x/libqgtk3.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/libqxcb.so", "BINARY"),
    ("libgtk-3.so.0", "/lib/libgtk-3.so.0", "BINARY"),
    ("libgdk-3.so.0", "/lib/libgdk-3.so.0", "BINARY"),
    ("libglib-2.0.so.0", "/lib/libglib-2.0.so.0", "BINARY"),
    ("libpcap.so.0.8", "/lib/libpcap.so.0.8", "BINARY"),
    ("PySide6/Qt/lib/libQt6Core.so.6", "/x/libQt6Core.so.6", "BINARY"),
    ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
]
GTK_NEEDED = {
    "/x/libqgtk3.so": ["libgtk-3.so.0", "libgdk-3.so.0", "libglib-2.0.so.0", "libQt6Core.so.6"],
    "/lib/libgtk-3.so.0": ["libgdk-3.so.0", "libglib-2.0.so.0"],
    "/x/libqxcb.so": ["libQt6Core.so.6"],
    "/x/libQt6Core.so.6": ["libglib-2.0.so.0"],
}


def test_the_gtk_theme_goes_with_the_libraries_only_it_needed() -> None:
    removed = freeze.orphaned_by_exclusion(GTK_TOC, lambda source: GTK_NEEDED.get(source, []))
    # glib stays (Qt needs it); libpcap stays (loaded by ctypes: nothing ever needed it).
    assert removed == {
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "libgtk-3.so.0",
        "libgdk-3.so.0",
    }


def test_a_library_something_kept_still_needs_stays() -> None:
    needed = {**GTK_NEEDED, "/x/libqxcb.so": ["libQt6Core.so.6", "libgdk-3.so.0"]}
    removed = freeze.orphaned_by_exclusion(GTK_TOC, lambda source: needed.get(source, []))
    assert "libgdk-3.so.0" not in removed and "libgtk-3.so.0" in removed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads ELF files")
def test_trimming_reads_the_real_libraries_of_the_gtk_theme() -> None:
    # PySide6's real GTK theme plugin and the system's GTK it links to (when installed).
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt/plugins/platformthemes/libqgtk3.so"
    gtk = Path("/usr/lib/x86_64-linux-gnu/libgtk-3.so.0")
    if not plugin.is_file() or not gtk.is_file():
        pytest.skip("needs PySide6's libqgtk3.so and libgtk-3 (apt-get install libgtk-3-0)")
    toc = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", str(plugin), "BINARY"),
        ("libgtk-3.so.0", str(gtk), "BINARY"),
        ("libpcap.so.0.8", "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8", "BINARY"),
    ]
    assert freeze.trimmed_binaries(toc) == toc[2:]


def test_qt_translations_are_left_out() -> None:
    toc = [
        ("PySide6/Qt/translations/qtbase_de.qm", "/x/qtbase_de.qm", "DATA"),
        ("pyqtgraph/colors/maps/CET-C1.csv", "/x/CET-C1.csv", "DATA"),
    ]
    assert freeze.without_excluded_data(toc) == toc[1:]


def test_the_window_draws_a_capture_without_the_excluded_modules(tmp_path: Path) -> None:
    # What the frozen app lacks is made unimportable here; the window must still open a
    # capture and draw its timeline (pyqtgraph imports QtSvg and QtTest in try/except).
    pcap = packets("http_google.pcapng")
    shot = tmp_path / "window.png"
    blocked = ", ".join(repr(name) for name in freeze.EXCLUDES)
    code = (
        "import sys\n"
        f"for name in ({blocked},):\n    sys.modules[name] = None\n"
        "from wiresleuth.cli.main import main\n"
        f"code = main(['open', {str(pcap)!r}, '--screenshot', {str(shot)!r}])\n"
        "assert not any(sys.modules.get(n) for n in ('PySide6.QtSvg', 'PySide6.QtTest', 'yaml'))\n"
        "assert sys.modules.get('wiresleuth.gui.qt_timeline') and sys.modules.get('pyqtgraph')\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    # An exception in a Qt slot is printed, not raised: the window would still be saved.
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert shot.stat().st_size > 10_000


def test_windows_version_resource_is_a_versioninfo_expression() -> None:
    # PyInstaller's reader needs win32api: here the syntax and the numbers are checked;
    # the Windows runner of .github/workflows/installers.yml reads it for real.
    tree = ast.parse(freeze.windows_version_info("1.2.3"), mode="eval")
    call = tree.body
    assert isinstance(call, ast.Call) and ast.unparse(call.func) == "VSVersionInfo"
    fixed = next(k.value for k in call.keywords if k.arg == "ffi")
    assert isinstance(fixed, ast.Call)
    numbers = {k.arg: ast.literal_eval(k.value) for k in fixed.keywords if k.arg.endswith("vers")}
    assert numbers == {"filevers": (1, 2, 3, 0), "prodvers": (1, 2, 3, 0)}
    strings = {
        node.args[0].value: node.args[1].value
        for node in ast.walk(call)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "StringStruct"
    }
    assert strings["ProductVersion"] == "1.2.3" and strings["OriginalFilename"] == "wiresleuth.exe"


def test_info_plist_declares_the_bundle_type_and_version() -> None:
    plist = freeze.info_plist("1.2.3")
    plistlib.loads(plistlib.dumps(plist))  # serialisable as Info.plist
    assert plist["CFBundleShortVersionString"] == "1.2.3"
    declared = plist["UTExportedTypeDeclarations"][0]
    assert declared["UTTypeTagSpecification"]["public.filename-extension"] == ["wsbundle"]
    assert plist["CFBundleDocumentTypes"][0]["LSItemContentTypes"] == [declared["UTTypeIdentifier"]]


def test_spec_arguments() -> None:
    assert freeze.parse_spec_args([]).branding is None
    assert freeze.parse_spec_args(["--branding", "b"]).branding == Path("b")


def test_the_spec_is_valid_python() -> None:
    spec = Path(freeze.__file__).parent / "wiresleuth.spec"
    compile(spec.read_text(), str(spec), "exec")


def test_the_icon_pngs_exist_in_every_size() -> None:
    image_module = pytest.importorskip("PIL.Image")

    for size in (16, 32, 48, 64, 128, 256, 512):
        with image_module.open(freeze.icon_png(size)) as image:
            assert image.size == (size, size)


@pytest.mark.skipif(
    shutil.which("gcc") is None or shutil.which("strip") is None,
    reason="needs gcc and binutils (scripts/setup installs gcc)",
)
def test_debug_info_is_stripped_from_libraries_only(tmp_path: Path) -> None:
    import ctypes

    source = tmp_path / "answer.c"
    source.write_text("int answer(void) { return 42; }\n")
    internal = tmp_path / "app" / "_internal"
    internal.mkdir(parents=True)
    library = internal / "libanswer.so"
    subprocess.run(["gcc", "-g", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    program = tmp_path / "app" / "wiresleuth"
    subprocess.run(
        ["gcc", "-g", "-o", str(program), "-x", "c", "-"],
        input=b"int main(void){return 0;}\n",
        check=True,
    )
    with program.open("ab") as handle:  # PyInstaller appends its archive to the executable
        handle.write(b"ARCHIVE" * 100)
    program_before = program.read_bytes()
    size_before = library.stat().st_size
    files, saved = freeze.strip_debug_info(tmp_path / "app")
    assert files == 1 and saved == size_before - library.stat().st_size > 0
    sections = subprocess.run(
        ["readelf", "-SW", str(library)], capture_output=True, text=True
    ).stdout
    assert ".debug_" not in sections and ".symtab" in sections  # --strip-debug only
    assert ctypes.CDLL(str(library)).answer() == 42
    assert program.read_bytes() == program_before
    assert freeze.strip_debug_info(tmp_path / "app") == (0, 0)  # nothing left to strip
