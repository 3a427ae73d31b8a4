"""An organiser brings Moodle's questions in on a phone: what the bank cannot hold is listed by
line first, and nothing is imported until they confirm."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.checks import check_page
from tests.browser.test_journey_organiser import ORGANISER, log_in

EXAMPLES = Path(__file__).parent.parent / "data" / "gift" / "moodle_docs_examples.gift"


def test_an_organiser_confirms_what_a_moodle_file_leaves_out_before_it_is_imported(phone):
    page = phone
    log_in(page, ORGANISER)
    page.goto("/quizzes/bank/import")
    check_page(page)
    page.get_by_label("文件").set_input_files(str(EXAMPLES))
    page.get_by_label("未注明分类的题目归入").fill("Moodle 示例")
    page.get_by_role("button", name="导入").click()
    expect(page.locator(".import-skipped")).to_contain_text("第 15 行")
    expect(page.locator(".import-skipped")).to_contain_text("UTF-8")
    check_page(page)
    page.get_by_role("button", name="导入其余题目，不导入以上部分").click()
    expect(page.get_by_text("已导入 23 道题目（文件按 UTF-8 编码读取）。")).to_be_visible()
