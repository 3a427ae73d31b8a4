"""A phone's view: the QR code on a community page, as Chromium draws it, scans to a working feed."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp

from tests.fixtures_calendar import by_uid, parse_feed

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_feed_cache")]

# Draws a PNG into a canvas and hands back its grey levels (the red channel; the code is black).
GREY_LEVELS = """async (png) => {
  const img = new Image();
  img.src = "data:image/png;base64," + png;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = img.width; canvas.height = img.height;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, img.width, img.height).data;
  const grey = new Array(img.width * img.height);
  for (let i = 0; i < grey.length; i++) grey[i] = data[i * 4];
  return {width: img.width, height: img.height, grey: grey};
}"""


@pytest.fixture
def blank_phone(browser):
    """A 375 px phone page with no server behind it: the test client's HTML is set into it."""
    context = browser.new_context(viewport={"width": 375, "height": 812})
    yield context.new_page()
    context.close()


def test_scanning_the_qr_code_on_a_community_page_subscribes_to_its_feed(
    blank_phone, client, make_event, make_community
):
    community = make_community("仰口路社区")
    event = make_event("洁净家园环境卫生清理", community=community)
    html = client.get(f"/communities/{community.id}").data.decode()
    blank_phone.set_content(html)
    qr = blank_phone.locator("svg.qr-code")
    assert qr.bounding_box()["width"] >= 120  # big enough to scan from a screen
    png = base64.b64encode(qr.screenshot()).decode()
    pixels = blank_phone.evaluate(GREY_LEVELS, png)
    image = memoryview(bytes(pixels["grey"])).cast("B", (pixels["height"], pixels["width"]))
    (code,) = zxingcpp.read_barcodes(image)
    assert code.text == f"http://localhost/calendar/communities/{community.id}.ics?lang=zh"

    link = urlsplit(code.text)
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 200
    assert set(by_uid(parse_feed(response.data))) == {event.uuid}


def test_the_copy_button_appears_with_javascript_and_reports_the_copy(
    blank_phone, client, make_community
):
    community = make_community()
    html = client.get(f"/communities/{community.id}").data.decode()
    blank_phone.set_content(html)
    button = blank_phone.locator("button[data-copy]")
    assert button.is_hidden()  # without the script: a read-only field to select by hand
    blank_phone.add_script_tag(path=str(Path(__file__).parents[2] / "static/js/calendar.js"))
    assert button.is_visible()
    button.click()
    status = blank_phone.locator("#subscribe-status")
    status.wait_for()
    blank_phone.wait_for_function("document.getElementById('subscribe-status').textContent !== ''")
    assert status.text_content() in {"链接已复制。", "请选中链接后复制。"}
