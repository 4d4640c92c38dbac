from pathlib import Path

import pytest

from installers import render_icons


def test_the_windows_icon_holds_every_size_up_to_256(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    ico = render_icons.write_ico(tmp_path / "icons" / "wiresleuth.ico")
    with image_module.open(ico) as image:
        assert image.format == "ICO"
        assert {(s, s) for s in (16, 32, 48, 64, 128, 256)} <= set(image.info["sizes"])


def test_the_committed_pngs_are_the_svgs_current_rendering(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("PySide6.QtSvg")
    from PIL import Image, ImageChops

    committed = {size: render_icons.png_path(size).read_bytes() for size in render_icons.SIZES}
    monkeypatch.setattr(render_icons, "ICON_DIR", tmp_path)
    (tmp_path / "wiresleuth.svg").write_bytes(
        (render_icons.ROOT_ICONS / "wiresleuth.svg").read_bytes()
    )
    render_icons.render(tmp_path / "wiresleuth.svg")
    for size, data in committed.items():
        fresh = Image.open(tmp_path / f"wiresleuth-{size}.png").convert("RGBA")
        old = Image.open(__import__("io").BytesIO(data)).convert("RGBA")
        difference = ImageChops.difference(fresh, old).getbbox()
        assert difference is None, (
            f"resources/icons/wiresleuth-{size}.png is stale: run python -m installers.render_icons"
        )
