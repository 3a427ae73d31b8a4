"""A volunteer's certificate: the same A4 document on a phone, scaled to the screen, and one A4
page when printed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

DEMO_PASSWORD = "xinfeng-demo"
VOLUNTEER = "13800000011"  # 张晓明 holds the demo's issued certificate
A4_POINTS = (595.28, 841.89)


def _open_certificate(page) -> None:
    page.goto("/login")
    page.fill("#phone", VOLUNTEER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#submit")
    page.goto("/my/certificates")
    page.get_by_role("link", name="查看并打印").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("志愿服务证明")


def _pages(pdf: bytes) -> list[bytes]:
    """The page objects of a PDF (Chromium writes them uncompressed: /Type /Page, not /Pages)."""
    return re.findall(rb"/Type\s*/Page(?![a-z])[^>]*", pdf)


def test_the_certificate_fits_a_390_px_phone_as_the_same_document(phone):
    _open_certificate(phone)
    width, inner = phone.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"sideways scroll: {width} px in {inner}"
    sheet = phone.locator(".certificate").bounding_box()
    # The A4 proportions, scaled: not a reflowed page.
    assert abs(sheet["height"] / sheet["width"] - 297 / 210) < 0.02
    assert sheet["x"] >= 0 and sheet["x"] + sheet["width"] <= inner
    # The verify address wraps inside the sheet instead of pushing the issuer off the page.
    url = phone.locator(".certificate-url").bounding_box()
    assert url["x"] + url["width"] <= sheet["x"] + sheet["width"]
    # The hours heading stays on one line.
    heading = phone.locator("th.col-hours")
    line = float(heading.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
    assert heading.bounding_box()["height"] < 2 * line + 1


def test_the_certificate_prints_as_one_a4_page(desktop):
    _open_certificate(desktop)
    pdf = desktop.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages = _pages(pdf)
    assert len(pages) == 1, f"{len(pages)} pages"
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box and abs(float(box.group(1)) - A4_POINTS[0]) < 1
    assert abs(float(box.group(2)) - A4_POINTS[1]) < 1
