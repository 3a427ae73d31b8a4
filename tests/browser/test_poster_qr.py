"""An organiser prints an event's poster: its QR code, as Chromium draws it, opens the event."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "xinfeng-demo"
ORGANISER = "13800000002"
EVENT = "仰口路社区冬季楼院大扫除"


def test_the_poster_on_the_manage_page_prints_a_code_that_opens_the_event(desktop, live_server):
    page = desktop
    page.goto("/login")
    page.fill("#phone", ORGANISER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#submit")
    page.goto("/events")
    page.get_by_role("link", name=EVENT).first.click()
    event_url = page.url
    event_id = re.search(r"/events/(\d+)", event_url).group(1)
    page.goto(f"/events/{event_id}/manage")
    page.get_by_role("link", name="海报").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    expect(page.get_by_text("扫码报名")).to_be_visible()

    qr = page.locator(".poster svg.qr-code")
    poster = page.locator(".poster").bounding_box()
    assert qr.bounding_box()["width"] >= poster["width"] / 4  # large enough across a room
    image = Image.open(io.BytesIO(qr.screenshot())).convert("L")
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text == f"{live_server.url}/events/{event_id}"
    assert page.request.get(code.text).ok

    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf)) == 1
