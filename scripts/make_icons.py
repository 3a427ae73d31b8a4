"""Draw the app's icons (the 新 brand mark) into static/icons/; run once, commit the PNGs.

``python scripts/make_icons.py`` — needs Pillow and the Noto Sans CJK font (fonts-noto-cjk)."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "icons"
RED = "#b3261e"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SC_FACE = 2  # the collection's Simplified Chinese face


def mark(size: int, *, maskable: bool = False) -> Image.Image:
    """新 in white on the red of the header: a round badge, or a full square for maskable icons
    (launchers cut their own shape from it, keeping the middle 80 %)."""
    scale = 4  # drawn large, then shrunk: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=RED)
        glyph = int(big * 0.5)
    else:
        draw.ellipse((0, 0, big - 1, big - 1), fill=RED)
        glyph = int(big * 0.62)
    font = ImageFont.truetype(FONT, glyph, index=SC_FACE)
    draw.text((big / 2, big / 2), "新", font=font, fill="#ffffff", anchor="mm")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (32, 192, 512):
        mark(size).save(OUT / f"icon-{size}.png", optimize=True)
    mark(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    # iOS draws no transparency: the full square, rounded by the system.
    mark(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    mark(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(ROOT), file=sys.stdout)


if __name__ == "__main__":
    main()
