"""The iCalendar writer: TEXT escaping and 75-octet folding, checked with independent parsers."""

from __future__ import annotations

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from planner.calendar import ics
from planner.events.models import EventKind, HostRole, ProgrammeItem
from planner.extensions import db
from tests.fixtures_calendar import parse_feed, vevents

pytestmark = pytest.mark.usefixtures("fresh_feed_cache")

TRICKY = [
    "逗号, 分号; 反斜杠 \\ 和结尾的反斜杠\\",
    "第一行\n第二行\r\n第三行\r第四行",
    "表情 🎉🧧🏮 与 emoji at a fold: " + "🎉" * 30,
    "\\n is not a newline, nor is \\, a comma",
    ("移风易俗树新风" * 20) + "\\;" + ("文明" * 20),
]


def _parsed_by_all(body: bytes) -> tuple:
    """The first event as read by icalendar, ical and vobject (each must accept the feed)."""
    text = body.decode("utf-8")
    first = vevents(parse_feed(body))[0]
    strict = IcsCalendarStream.calendar_from_ics(text).events[0]
    loose = vobject.readOne(text).vevent
    return first, strict, loose


def _lines_are_folded(body: bytes) -> None:
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # no character cut in two


@pytest.mark.parametrize("text", TRICKY)
def test_descriptions_with_separators_line_breaks_and_emoji_survive_three_parsers(
    client, make_event, text
):
    event = make_event(description=text)
    body = client.get(f"/events/{event.id}.ics").data
    _lines_are_folded(body)
    first, strict, loose = _parsed_by_all(body)
    expected = text.strip().replace("\r\n", "\n").replace("\r", "\n")
    for description in (str(first["DESCRIPTION"]), strict.description, loose.description.value):
        assert "\n\n" + expected + "\n\n" in description


def test_a_long_chinese_title_with_emoji_and_commas_folds_and_reads_back(client, make_event):
    title = ("春节联欢🏮，欢度佳节, 喜迎新春; " * 6)[:120]
    event = make_event(title, kind=EventKind.GALA)
    body = client.get(f"/events/{event.id}.ics").data
    _lines_are_folded(body)
    assert any(line.startswith(b" ") for line in body.split(b"\r\n"))
    first, strict, loose = _parsed_by_all(body)
    assert str(first["SUMMARY"]) == strict.summary == loose.summary.value == title


def test_names_with_separators_in_location_hosts_programme_and_categories(
    client, make_event, make_community, make_department, make_team, make_calendar_campaign
):
    community = make_community("东, 西; 社区\\")
    department = make_department("部门, 甲")
    team = make_team("队; 乙", department_id=department.id)
    campaign = make_calendar_campaign("主题, 活动; 一")
    event = make_event(
        "节目展演",
        kind=EventKind.SHOW,
        community=community,
        hosts=(department, team),
        campaign=campaign,
        address="路, 12号",
    )
    event.hosts[1].role = HostRole.COHOST
    event.programme.append(ProgrammeItem(position=1, title="歌, 舞", performer_team=team))
    event.programme.append(ProgrammeItem(position=2, title="小品", performer_text="剧社; 丙"))
    db.session.commit()
    body = client.get(f"/events/{event.id}.ics?lang=en").data
    _lines_are_folded(body)
    first, strict, loose = _parsed_by_all(body)
    location = f"社区广场, 路, 12号, 东, 西; 社区\\, {community.street.name}, 市南区"
    assert str(first["LOCATION"]) == strict.location == loose.location.value == location
    assert [str(c) for c in first["CATEGORIES"].cats] == ["Opera and drama show", campaign.name]
    assert loose.categories.value == ["Opera and drama show", campaign.name]
    description = strict.description
    assert "Hosts: 部门, 甲, 队; 乙 (co-host)" in description
    assert "1. 歌, 舞 — 队; 乙\n2. 小品 — 剧社; 丙" in description
    assert description == loose.description.value == str(first["DESCRIPTION"])


def test_fold_never_cuts_a_character_or_an_escape():
    for text in ("a" * 200, "汉" * 100, "🎉" * 60, "a" + "🎉" * 60, ("x" * 72 + "\\,") * 3):
        line = "DESCRIPTION:" + text
        folded = ics.fold(line)
        assert folded.endswith("\r\n")
        pieces = folded[:-2].split("\r\n ")
        assert "".join(pieces) == line
        for piece in pieces:
            assert len(piece.encode()) <= 74
            assert not (piece.endswith("\\") and len(piece) > 1), piece
    assert ics.fold("SHORT:x") == "SHORT:x\r\n"


def test_escape_text_follows_rfc_5545():
    assert ics.escape_text("a\\b;c,d\ne\r\nf\rg") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"
    assert ics.escape_text("\\N") == "\\\\N"  # a literal backslash-N, not a line break
