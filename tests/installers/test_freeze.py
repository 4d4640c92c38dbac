import ast
import plistlib
from pathlib import Path

import pytest

from installers import freeze
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


def test_datas_ship_every_package_data_file_the_icons_and_the_list(tmp_path: Path) -> None:
    pairs = freeze.datas(tmp_path)
    destinations = {(Path(source).name, dest) for source, dest in pairs}
    for relative in package_data():
        path = Path("wiresleuth", relative)
        assert (path.name, path.parent.as_posix()) in destinations
    assert ("wiresleuth-512.png", "resources/icons") in destinations
    listed = (tmp_path / PACKAGE_DATA_LIST).read_text().splitlines()
    assert listed == package_data()
    assert all(Path(source).is_file() for source, _ in pairs)


def test_the_gtk_theme_is_left_out_and_the_rest_kept() -> None:
    toc = [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x/libqgtk3.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/libqxcb.so", "BINARY"),
    ]
    assert freeze.without_excluded_binaries(toc) == toc[1:]


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
