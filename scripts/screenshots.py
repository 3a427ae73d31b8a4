"""Regenerate phone-size screenshots of the key pages into docs/screenshots/ (``make screenshots``)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402
from tests.conftest import upgrade_database  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
}
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
PROJECTOR = {"viewport": {"width": 1280, "height": 720}, "locale": "zh-CN"}
DEMO_PASSWORD = "xinfeng-demo"
ONLINE_QUIZ = "移风易俗知识问答"
LIVE_QUIZ = "凤凰山社区迎国庆晚会·移风易俗快问快答"


def _quiz(title):
    """Opens the quiz called ``title`` from the quiz list."""

    def open_quiz(page):
        page.goto("/quizzes")
        page.get_by_role("link", name=title).click()
        return page.url

    return open_quiz


def _quiz_question(page):
    """A resident's first question of the online quiz, taken anonymously under a nickname."""
    _quiz(ONLINE_QUIZ)(page)
    page.get_by_label("昵称").fill("王阿姨")
    page.get_by_role("button", name="开始", exact=True).click()
    page.wait_for_url("**/attempts/*")
    return page.url


def _live_host(page):
    """The big screen of the gala's seeded live round, showing its first question."""
    _quiz(LIVE_QUIZ)(page)
    page.get_by_role("link", name="PIN").first.click()
    page.get_by_role("button", name="开始 / 下一步").click()
    page.wait_for_load_state("load")
    page.locator('[data-field="options"] li').first.wait_for()
    return None  # stay: reloading would only show the same question


def _my_community(page):
    """The home page after a visitor picked 凤凰山社区: its events, convention and teams first."""
    page.goto("/")
    picker = page.get_by_label("我的社区")
    picker.select_option(
        picker.locator("option", has_text="凤凰山社区").first.get_attribute("value")
    )
    page.get_by_role("button", name="看我的社区").click()
    page.wait_for_load_state("load")
    return "/"


def _certificate(page):
    """The demo volunteer's issued certificate, as their phone shows it."""
    page.goto("/my/certificates")
    page.get_by_role("link", name="查看并打印").first.click()
    page.wait_for_load_state("load")
    return None


# (file name, path or callable(page) returning a path (None: stay), who is logged in: demo phone or
# None[, browser context options instead of the phone's])
PAGES = [
    ("home", "/", None),
    ("home-community", _my_community, None),
    ("community", "/communities/{community:凤凰山社区}", None),
    ("team", "/teams/{team:精编通政志愿服务队}", None),
    ("register", "/register", None),
    ("team-roster", "/teams/{team:精编通政志愿服务队}/members", "13800000004"),
    ("event", "/events/{event:凤凰山社区迎新年联欢晚会}", None),
    ("signup", "/shifts/{shift:凤凰山社区迎新年联欢晚会/后台协助}/signup", "13800000014"),
    ("my-volunteering", "/my/volunteering", "13800000011"),
    ("checkin-screen", "/events/{event:仰口路社区冬季楼院大扫除}/checkin-screen", "13800000002"),
    ("subscribe", "/calendar", None),
    ("quiz", _quiz(ONLINE_QUIZ), None),
    ("quiz-question", _quiz_question, None),
    ("live-host", _live_host, "13800000001", PROJECTOR),
    ("event-new", "/events/new", "13800000002"),
    ("banquet-dishes", "/events/{event:凤凰山社区冬至百家宴}/dishes", "13800000011"),
    ("desk", "/desk", "13800000003"),
    (
        "stats",
        "/stats/communities/{community:凤凰山社区}?period=custom&from=2024-09-01&to=2024-09-30",
        "13800000003",
    ),
    ("certificate", _certificate, "13800000011"),
    ("certificate-a4", _certificate, "13800000011", DESKTOP),
    ("poster", "/events/{event:仰口路社区冬季楼院大扫除}/poster", "13800000002"),
]


def _resolve(app, path: str) -> str:
    """Fill ``{community:name}``-style placeholders with ids from the seeded database."""
    import re

    from planner.directory.models import Community, VolunteerTeam
    from planner.events.models import Event, Shift
    from planner.extensions import db

    models = {"community": Community, "team": VolunteerTeam}
    queries = {
        "event": lambda title: db.select(Event.id).where(Event.title == title),
        "shift": lambda key: (
            db.select(Shift.id)
            .join(Event)
            .where(  # {shift:event title/role}
                Event.title == key.split("/")[0], Shift.role == key.split("/")[1]
            )
        ),
    }

    def lookup(match):
        kind, key = match.group(1), match.group(2)
        if kind in queries:
            query = queries[kind](key)
        else:
            query = db.select(models[kind].id).where(models[kind].name == key)
        with app.app_context():
            return str(db.session.scalar(query.limit(1)))

    return re.sub(r"\{(\w+):([^}]+)\}", lookup, path)


def main(names: list[str]) -> None:
    """Every page, or only those ``names`` (``python scripts/screenshots.py desk stats``)."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/screens.db"
        upgrade_database(url)
        # A fixed public address keeps feed links and QR codes the same from run to run.
        server = LiveServer(url, PLANNER_PUBLIC_URL="https://xinfeng.example.cn").start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                for name, path, user, *options in PAGES:
                    if names and name not in names:
                        continue
                    context = browser.new_context(
                        base_url=server.url, **(options[0] if options else PHONE)
                    )
                    page = context.new_page()
                    if user:
                        page.goto("/login")
                        page.fill("#phone", user)
                        page.fill("#password", DEMO_PASSWORD)
                        page.click("#submit")
                    if callable(path):
                        path = path(page)
                    if path is not None:
                        page.goto(_resolve(server.app, path))
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                    context.close()
                    print(f"docs/screenshots/{name}.png")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
