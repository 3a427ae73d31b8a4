"""Posters (海报) of published events: the printable A4 page's text and the share image that chat
apps show for a pasted link (a PNG drawn here with Pillow and the system's CJK font)."""

from __future__ import annotations

import functools
import io
import os
import subprocess

import segno
from flask import current_app
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont

from planner.cache import Store
from planner.events import queries
from planner.events.kinds import KINDS
from planner.events.models import Event, EventStatus

# Open Graph's recommended card: 1.91:1, sharp on a phone.
SHARE_SIZE = (1200, 630)
DESCRIPTION_CHARACTERS = 140
# Drawn cards, under the event's version and language: a link shared in a busy group chat is
# fetched by many clients at once. About 60 kB each.
SHARE_CARDS = Store("xinfeng:share:", local_entries=64)
SHARE_CARD_SECONDS = 3600
# Where Debian's fonts-noto-cjk puts them; fc-match finds them elsewhere.
CJK_FONTS = {
    "regular": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    ),
    "bold": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    ),
}


def poster_event(event_id: int) -> Event | None:
    """The event, when it has a poster: only published events are announced."""
    event = queries.load_event(event_id)
    return event if event is not None and event.status is EventStatus.PUBLISHED else None


def short_description(text: str | None, limit: int = DESCRIPTION_CHARACTERS) -> str:
    """The description on one paragraph, cut at ``limit`` characters with an ellipsis."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def hosts_line(event: Event) -> str:
    return "、".join(host.organisation.name for host in event.hosts)


def when_line(event: Event) -> str:
    """Its date and times as the pages write them (local time)."""
    start, end = event.starts_at, event.ends_at
    span = f"{format_time(start, 'short')}–{format_time(end, 'short')}"
    if format_date(start, "medium") != format_date(end, "medium"):
        span = f"{format_time(start, 'short')}–{format_date(end, 'medium')} {format_time(end, 'short')}"
    return f"{format_date(start, 'full')} {span}"


def place_line(event: Event) -> str:
    parts = []
    if event.community:
        parts.append(event.community.name)
    if event.venue:
        parts.append(event.venue)
    return " · ".join(parts)


def takes_sign_ups(event: Event) -> bool:
    """Whether the QR's caption invites people to sign up (volunteer shifts or audience seats)."""
    return bool(event.shifts or event.seats_capacity)


# ---------------------------------------------------------------- the share image


@functools.lru_cache(maxsize=4)
def _font_file(weight: str, configured: str | None) -> str | None:
    """The CJK font file: configured, else a known path, else what fontconfig matches."""
    for path in (configured, *CJK_FONTS[weight]) if configured else CJK_FONTS[weight]:
        if os.path.isfile(path):
            return path
    style = "Bold" if weight == "bold" else "Regular"
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", f"Noto Sans CJK SC:style={style}"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    # fc-match always answers something: only a CJK face will do.
    return found if "cjk" in found.lower() and os.path.isfile(found) else None


@functools.lru_cache(maxsize=32)
def _font(path: str | None, size: int):
    """A font at ``size`` px; in a collection, its Simplified Chinese face."""
    if path is None:
        return ImageFont.load_default(size)
    for index in range(10):
        try:
            font = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        if " SC" in font.getname()[0]:
            return font
    return ImageFont.truetype(path, size)


def has_cjk_font() -> bool:
    return _font_file("regular", current_app.config.get("PLANNER_CJK_FONT")) is not None


def _fonts(size: int, bold: bool = False):
    configured = current_app.config.get("PLANNER_CJK_FONT")
    path = _font_file("bold" if bold else "regular", configured) or _font_file(
        "regular", configured
    )
    return _font(path, size)


def _wrap(draw, text: str, font, width: int, lines: int) -> list[str]:
    """Break ``text`` into at most ``lines`` lines of ``width`` px, character by character (CJK
    has no spaces), the last one ending in an ellipsis when cut."""
    rows, row = [], ""
    for character in text:
        if draw.textlength(row + character, font=font) <= width:
            row += character
            continue
        rows.append(row)
        row = character.lstrip()
        if len(rows) == lines:
            break
    else:
        rows.append(row)
        return rows
    last = rows[-1]
    while last and draw.textlength(last + "…", font=font) > width:
        last = last[:-1]
    rows[-1] = last + "…"
    return rows


def _qr_image(url: str, size: int) -> Image.Image:
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=10, border=2)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB").resize((size, size), Image.NEAREST)


def share_card(event: Event, event_url: str, key: str) -> bytes:
    """The share card of ``event`` from the store under ``key`` (its version), else drawn."""
    png = SHARE_CARDS.get(key)
    if png is None:
        png = share_png(event, event_url)
        SHARE_CARDS.put(key, png, SHARE_CARD_SECONDS)
    return png


def share_png(event: Event, event_url: str) -> bytes:
    """The share card: kind colour and label, title, time, place and hosts, and the QR code of
    the event page with "scan to sign up". Without a CJK font only the figures and the QR code
    are drawn (no boxes for characters the font lacks)."""
    width, height = SHARE_SIZE
    colour = KINDS[event.kind].colour
    image = Image.new("RGB", SHARE_SIZE, "#fffaf5")
    draw = ImageDraw.Draw(image)
    cjk = has_cjk_font()

    def text(xy, words, size, bold=False, fill="#222222"):
        if cjk or words.isascii():
            draw.text(xy, words, font=_fonts(size, bold), fill=fill)

    draw.rectangle((0, 0, width, 96), fill=colour)
    text((48, 20), str(KINDS[event.kind].label), 40, bold=True, fill="#ffffff")
    brand = _("Xinfeng")
    if cjk:
        brand_width = draw.textlength(brand, font=_fonts(32, True))
        text((width - 48 - brand_width, 26), brand, 32, bold=True, fill="#ffffff")
    draw.rectangle((0, height - 16, width, height), fill=colour)

    left, column = 48, 700
    y = 128
    title_font = _fonts(60, True)
    for row in _wrap(draw, event.title, title_font, column, 3) if cjk else []:
        text((left, y), row, 60, bold=True)
        y += 78
    y += 18
    for label, value in (
        (_("When"), when_line(event)),
        (_("Where"), place_line(event)),
        (_("Hosts"), hosts_line(event)),
    ):
        if not value:
            continue
        line_font = _fonts(30)
        (row,) = _wrap(draw, f"{label}  {value}", line_font, column, 1) if cjk else [value]
        text((left, y), row, 30, fill="#444444")
        y += 48

    qr_size = 340
    qr_left, qr_top = width - 48 - qr_size, 132
    draw.rectangle(
        (qr_left - 12, qr_top - 12, qr_left + qr_size + 12, qr_top + qr_size + 12),
        fill="#ffffff",
        outline=colour,
        width=4,
    )
    image.paste(_qr_image(event_url, qr_size), (qr_left, qr_top))
    caption = _("Scan to sign up") if takes_sign_ups(event) else _("Scan for details")
    if cjk:
        caption_font = _fonts(40, True)
        caption_width = draw.textlength(caption, font=caption_font)
        text(
            (qr_left + (qr_size - caption_width) / 2, qr_top + qr_size + 24),
            caption,
            40,
            bold=True,
            fill=colour,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
