"""Render the application icon's PNG sizes from its SVG (run after editing the SVG).

The PNGs are committed so that building an installer needs no SVG renderer; the program's
.ico (Windows) and .icns (macOS) are made from the largest PNG by PyInstaller (through
Pillow), the Windows setup's own .ico by ``--ico``.
Usage: ``python -m installers.render_icons`` (PNGs), ``… --ico build/icons/wiresleuth.ico``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT_ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
"""Where the SVG and the committed PNGs live."""
ICON_DIR = ROOT_ICONS
SIZES = (16, 32, 48, 64, 128, 256, 512)
"""Sizes a desktop asks for: the hicolor theme's, Windows' and macOS' largest."""


def png_path(size: int) -> Path:
    """Where the PNG of one size lives."""
    return ICON_DIR / f"wiresleuth-{size}.png"


def render(svg: Path = ROOT_ICONS / "wiresleuth.svg") -> list[Path]:
    """Write one PNG per size; returns their paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        if not image.save(str(png_path(size))):
            raise SystemExit(f"cannot write {png_path(size)}")
        written.append(png_path(size))
    app.processEvents()
    return written


def write_ico(path: Path) -> Path:
    """A Windows .ico holding 16 to 256 pixel images, from the committed 256 PNG (Pillow)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(png_path(256)) as image:
        image.save(path, format="ICO", sizes=[(s, s) for s in SIZES if s <= 256])
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m installers.render_icons")
    parser.add_argument("--ico", type=Path, help="write a Windows .ico here instead of the PNGs")
    args = parser.parse_args(argv)
    for path in [write_ico(args.ico)] if args.ico else render():
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
