"""Posters (海报): the printable A4 page of a published event, its share image and the Open
Graph card of the event page."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from planner.events import posters
from planner.events.kinds import KINDS
from planner.events.models import EventKind, EventStatus
from planner.extensions import db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def announced(make_event, make_department):
    department = make_department("市委编办")
    return make_event(
        title="凤凰山社区迎新年联欢晚会",
        kind=EventKind.GALA,
        hosts=(department,),
        shifts=(("后台协助", 4),),
        description="新风满城：社区居民自编自演小戏小剧。\n\n欢迎邻里一起来看。" + "长" * 300,
    )


def _decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_a_published_event_has_a_printable_poster(client, announced):
    page = client.get(f"/events/{announced.id}/poster").get_data(as_text=True)
    for words in ("凤凰山社区迎新年联欢晚会", "kind-gala", "市委编办", "社区广场", "扫码报名"):
        assert words in page, words
    assert "新风满城：社区居民自编自演小戏小剧。 欢迎邻里一起来看。" in page
    assert "长" * 200 not in page  # a short description, not the whole text
    assert 'class="qr-code"' in page and "/static/css/poster.css" in page
    assert f"http://localhost/events/{announced.id}" in page


def test_an_event_nobody_signs_up_for_invites_a_scan_for_details(client, make_event):
    event = make_event(kind=EventKind.LECTURE)
    page = client.get(f"/events/{event.id}/poster").get_data(as_text=True)
    assert "扫码查看详情" in page and "扫码报名" not in page


@pytest.mark.parametrize(
    "status", [EventStatus.DRAFT, EventStatus.CANCELLED, EventStatus.COMPLETED]
)
def test_only_published_events_have_posters(client, make_event, status):
    event = make_event(status=status)
    assert client.get(f"/events/{event.id}/poster").status_code == 404
    assert client.get(f"/events/{event.id}/share.png").status_code == 404
    assert client.get("/events/999999/poster").status_code == 404


def test_the_share_image_is_a_chat_card_whose_code_opens_the_event(client, announced):
    posters.SHARE_CARDS.clear()
    response = client.get(f"/events/{announced.id}/share.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == posters.SHARE_SIZE
    assert _decode(response.data) == [f"http://localhost/events/{announced.id}"]
    again = client.get(
        f"/events/{announced.id}/share.png", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data
    # Drawn once: another client gets the stored card.
    assert len(posters.SHARE_CARDS) == 1
    assert client.get(f"/events/{announced.id}/share.png").data == response.data
    posters.SHARE_CARDS.clear()


def test_an_edit_draws_the_share_image_again(client, announced):
    before = client.get(f"/events/{announced.id}/share.png")
    announced.title = "凤凰山社区元宵晚会"
    announced.updated_at = announced.updated_at.replace(year=announced.updated_at.year + 1)
    db.session.commit()
    after = client.get(f"/events/{announced.id}/share.png")
    assert after.headers["ETag"] != before.headers["ETag"] and after.data != before.data
    posters.SHARE_CARDS.clear()


def test_the_share_image_is_drawn_in_the_kind_colour_with_the_cjk_font(app, announced):
    if not posters.has_cjk_font():
        # make test installs fonts-noto-cjk as root, with Chromium; CI requires both.
        if os.environ.get("PLANNER_REQUIRE_BROWSER") == "1":
            pytest.fail("no CJK font (fonts-noto-cjk) and PLANNER_REQUIRE_BROWSER=1")
        pytest.skip("NOTICE: no CJK font (fonts-noto-cjk): the share image's text is not checked")
    with app.test_request_context("/"):
        png = posters.share_png(announced, "https://xinfeng.example.cn/events/1")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.getpixel((5, 5)) == Image.new(
        "RGB", (1, 1), KINDS[EventKind.GALA].colour
    ).getpixel((0, 0))


def test_without_a_cjk_font_the_share_image_still_carries_the_code(app, announced, monkeypatch):
    monkeypatch.setattr(posters, "_font_file", lambda weight, configured: None)
    with app.test_request_context("/"):
        assert not posters.has_cjk_font()
        png = posters.share_png(announced, "https://xinfeng.example.cn/events/7")
    assert _decode(png) == ["https://xinfeng.example.cn/events/7"]


def test_the_event_page_carries_an_open_graph_card(client, announced, make_event):
    page = client.get(f"/events/{announced.id}").get_data(as_text=True)
    meta = dict(re.findall(r'<meta property="(og:[\w:]+)" content="([^"]*)"', page))
    assert meta["og:title"] == "凤凰山社区迎新年联欢晚会"
    assert "社区广场" in meta["og:description"] and "新风满城" in meta["og:description"]
    assert meta["og:image"] == f"http://localhost/events/{announced.id}/share.png"
    assert meta["og:url"] == f"http://localhost/events/{announced.id}"
    cancelled = make_event(status=EventStatus.CANCELLED)
    assert "og:image" not in client.get(f"/events/{cancelled.id}").get_data(as_text=True)


def test_organisers_find_the_poster_on_the_manage_page(client, auth, organiser, make_event):
    user, department = organiser
    event = make_event(hosts=(department,))
    auth.login(user)
    page = client.get(f"/events/{event.id}/manage").get_data(as_text=True)
    assert f'href="/events/{event.id}/poster"' in page
    event.status = EventStatus.DRAFT
    db.session.commit()
    page = client.get(f"/events/{event.id}/manage").get_data(as_text=True)
    assert f'href="/events/{event.id}/poster"' not in page


def test_each_kind_has_the_same_colour_on_pages_and_in_the_share_image():
    css = (ROOT / "static/css/app.css").read_text()
    for kind, style in KINDS.items():
        rule = re.search(rf"\.kind-{kind.value} \{{ --kind-colour: (#[0-9a-f]{{6}}); \}}", css)
        assert rule and rule.group(1) == style.colour, kind
