import json
from pathlib import Path

import pytest

pytest.importorskip("tomlkit")
pytest.importorskip("PIL")

from installers import branding
from wiresleuth.profile import parse_profile
from wiresleuth.profile.load import DEFAULT_TARGETS

ROOT = Path(__file__).resolve().parents[2]
LOGO = ROOT / "resources" / "icons" / "wiresleuth-64.png"
PROFILE = """\
# ACME's profile: the intranet first
targets = ["https://intranet.acme.test/"]  # the portal

[helpdesk]
name = "Old name"
"""


def test_name_and_contact_replace_the_profiles_and_comments_stay() -> None:
    text = branding.brand_profile(PROFILE, name="ACME IT", contact="+1 555 0100", source="p.toml")
    assert "# ACME's profile: the intranet first" in text and "# the portal" in text
    helpdesk = parse_profile(text).helpdesk
    assert (helpdesk.name, helpdesk.contact) == ("ACME IT", "+1 555 0100")


def test_without_a_profile_the_default_targets_are_baked() -> None:
    text = branding.brand_profile(None, name="Desk", contact=None, source="none")
    profile = parse_profile(text)
    assert [t.url for t in profile.targets] == list(DEFAULT_TARGETS)
    assert profile.helpdesk.name == "Desk"


def test_an_invalid_profile_fails_the_build_with_its_line() -> None:
    with pytest.raises(branding.BrandingError, match=r"acme.toml, line 2: budgets.run"):
        branding.brand_profile("[budgets]\nrun = -1\n", name=None, contact=None, source="acme.toml")


def test_stage_writes_profile_logo_and_metadata(tmp_path: Path) -> None:
    profile = tmp_path / "acme.toml"
    profile.write_text(PROFILE)
    out = tmp_path / "branding"
    staged = branding.stage(out, profile=profile, name="ACME IT", contact="it@acme.test", logo=LOGO)
    assert staged.name == "ACME IT" and staged.has_logo
    assert (out / "profile.toml").read_text().startswith("# ACME's profile")
    assert (out / "helpdesk-logo.png").read_bytes() == LOGO.read_bytes()
    assert json.loads((out / "branding.json").read_text())["contact"] == "it@acme.test"
    assert branding.shipped_files(out) == [out / "profile.toml", out / "helpdesk-logo.png"]
    assert branding.read_branding(out) == staged
    branding.stage(out, name="Other")  # restaging drops the old logo
    assert branding.shipped_files(out) == [out / "profile.toml"]


def test_logos_are_checked(tmp_path: Path) -> None:
    from PIL import Image

    text_file = tmp_path / "logo.png"
    text_file.write_text("not a picture")
    with pytest.raises(branding.BrandingError, match="must be a PNG"):
        branding.check_logo(text_file)
    wide = tmp_path / "wide.png"
    Image.new("RGB", (2000, 10)).save(wide)
    with pytest.raises(branding.BrandingError, match="2000x10"):
        branding.check_logo(wide)
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(LOGO.read_bytes()[:40])
    with pytest.raises(branding.BrandingError, match="not a readable PNG"):
        branding.check_logo(truncated)
    branding.check_logo(LOGO)


def test_a_folder_not_made_by_stage_is_refused(tmp_path: Path) -> None:
    with pytest.raises(branding.BrandingError, match="not a branding folder"):
        branding.shipped_files(tmp_path)
    assert branding.read_branding(None) is None


def test_command_line(tmp_path: Path, capsys) -> None:
    assert branding.main(["--out", str(tmp_path / "b"), "--name", "Desk"]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("targets = 3\n")
    assert branding.main(["--out", str(tmp_path / "c"), "--profile", str(bad)]) == 2
    assert "bad.toml, line 1: targets" in capsys.readouterr().err
