"""Inno Setup's compiler is Windows-only: the script's structure is checked here instead."""

import re
from pathlib import Path

ISS = Path(__file__).resolve().parents[3] / "installers" / "windows" / "wiresleuth.iss"


def sections() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            found[current] = []
        elif current:
            found[current].append(line)
    return found


def setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in sections()["Setup"])


def test_it_installs_per_user_without_admin_by_default() -> None:
    values = setup()
    assert values["PrivilegesRequired"] == "lowest"
    assert values["DefaultDirName"] == "{autopf}\\WireSleuth"
    assert values["ChangesAssociations"] == "yes"
    assert values["AppVersion"] == "{#AppVersion}"
    assert values["AppId"].startswith("{{")


def test_wsbundle_opens_in_wiresleuth_and_is_removed_on_uninstall() -> None:
    registry = sections()["Registry"]
    assert all(line.startswith("Root: HKA;") for line in registry)
    assert any(
        r'Subkey: "Software\Classes\.wsbundle\OpenWithProgids"' in r and "uninsdeletevalue" in r
        for r in registry
    )
    command = next(r for r in registry if r"WireSleuth.Bundle\shell\open\command" in r)
    assert '"""{app}\\wiresleuth.exe"" open ""%1"""' in command
    assert any('WireSleuth.Bundle"' in r and "uninsdeletekey" in r for r in registry)


def test_start_menu_entry_and_whole_app_folder() -> None:
    assert any(
        line.startswith('Name: "{autoprograms}\\WireSleuth"') for line in sections()["Icons"]
    )
    files = sections()["Files"]
    assert files == [
        'Source: "{#SourceDir}\\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs'
    ]


def test_npcap_is_detected_explained_and_never_bundled() -> None:
    text = ISS.read_text()
    assert "npcap" not in "".join(sections()["Files"]).lower()
    code = "\n".join(sections()["Code"])
    assert "{sys}\\Npcap\\wpcap.dll" in code and "https://npcap.com" in text
    words = re.findall(r"\b(begin|end)\b", code.lower())
    assert words.count("begin") == words.count("end") > 0  # no case/try blocks in this script


def test_every_preprocessor_variable_used_is_defined_or_required() -> None:
    text = ISS.read_text()
    used = set(re.findall(r"\{#(\w+)\}", text))
    defined = set(re.findall(r"#define (\w+)", text)) | set(re.findall(r"#ifndef (\w+)", text))
    assert used <= defined
    assert "#error" in text  # building without a version is refused


def test_the_licences_must_be_in_the_folder_it_packages() -> None:
    text = ISS.read_text()
    assert '#define NoticesFile AddBackslash(SourceDir) + "THIRD-PARTY-NOTICES.txt"' in text
    guard = text.index("#if !FileExists(NoticesFile)")
    assert text.index("#error", guard) < text.index("#endif", guard) < text.index("[Setup]")
