"""Moodle XML (question/format/xml), read and written so that a bank survives the trip.

What Moodle XML has no field for is kept in Moodle's own ways: the English text beside the Chinese
in Moodle's multi-language spans (``<span lang="zh_cn" class="multilang">…</span><span lang="en"
class="multilang">…</span>``, which Moodle's multilang filter shows by the reader's language), the
difficulty as a tag ``difficulty:easy|medium|hard``, and a category's English name as its info.
Files are parsed by defusedxml, which refuses DTDs, entities and external references (no XXE).
"""

from __future__ import annotations

import re
import xml.sax
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import defusedxml.sax
from defusedxml import DefusedXmlException
from flask_babel import lazy_gettext as _l

from planner.exceptions import DomainError
from planner.quizzes import bank, gift, intake
from planner.quizzes.bank import OptionDraft, QuestionDraft
from planner.quizzes.models import Difficulty, QuestionType
from planner.quizzes.richtext import (
    has_media,
    html_to_text,
    looks_like_html,
    markdown_to_text,
    text_to_html,
)

ZH, EN = "zh_cn", "en"
DIFFICULTY_TAG = "difficulty:"
_MULTILANG = re.compile(
    r"<span\b(?=[^>]*\bclass=\"multilang\")[^>]*\blang=\"([^\"]+)\"[^>]*>(.*?)</span>", re.S
)
UNSUPPORTED = {
    "matching": _l("A matching question is not supported: skipped."),
    "numerical": _l("A numerical question is not supported: skipped."),
    "essay": _l("An essay question is not supported: skipped."),
    "description": _l("A description (text without answers) is not a question: skipped."),
}


def _skip_other(qtype: str):
    return _l("A question of Moodle's type “%(type)s” is not supported: skipped.", type=qtype)


def _dropped_language(language: str):
    return _l("The text in the language “%(language)s” is not kept.", language=language)


CATEGORY_INFO = _l("The category's description is not kept.")


class NotMoodleXml(intake.UnreadableFile):
    message = _l("This is not a Moodle XML question file (<quiz> … </quiz>).")


# ---------------------------------------------------------------- a small tree with line numbers


@dataclass
class Node:
    tag: str
    attrs: dict
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def value(self, path: str, default: str = "") -> str:
        node = self
        for tag in path.split("/"):
            node = node.find(tag) if node else None
        return node.text if node is not None else default


# A Moodle question has some 30 elements, nested 5 deep: a file far beyond is refused as it is read.
MAX_ELEMENTS = 50 * intake.MAX_ROWS
MAX_DEPTH = 20


class _Builder(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.stack: list[Node] = []
        self.root: Node | None = None
        self.count = 0

    def startElement(self, name, attrs):
        self.count += 1
        if self.count > MAX_ELEMENTS or len(self.stack) > MAX_DEPTH:
            raise intake.UnreadableFile(intake.TOO_MANY)
        node = Node(name, dict(attrs), self._locator.getLineNumber() if self._locator else 0)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name):
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].text += content


def _tree(data: bytes) -> Node:
    builder = _Builder()
    try:
        defusedxml.sax.parseString(data, builder, forbid_dtd=True)
    except (xml.sax.SAXException, DefusedXmlException, ValueError) as exc:
        raise NotMoodleXml() from exc
    if builder.root is None or builder.root.tag != "quiz":
        raise NotMoodleXml()
    intake.readable("".join(_all_text(builder.root)))
    return builder.root


def _all_text(root: Node):
    """Every text and attribute value of the tree (without recursion: nesting may be deep)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node.text
        yield from node.attrs.values()
        stack.extend(node.children)


# ---------------------------------------------------------------- reading


def _plain(markup: str, fmt: str) -> str:
    if fmt in ("html", "moodle_auto_format"):
        return html_to_text(markup) if fmt == "html" or looks_like_html(markup) else markup
    if fmt == "markdown":
        return markdown_to_text(markup)
    return markup  # plain_text


def _languages(node: Node | None, line: int, parsed: intake.Parsed) -> tuple[str, str]:
    """(Chinese text, English text) of a Moodle text element."""
    if node is None:
        return "", ""
    markup, fmt = node.value("text"), node.attrs.get("format", "moodle_auto_format")
    if has_media(markup):
        parsed.skip(line, gift.MEDIA_DROPPED)
    spans = _MULTILANG.findall(markup)
    if not spans:
        return _plain(markup, fmt).strip(), ""
    texts: dict[str, str] = {}
    for language, content in spans:
        key = ZH if language.lower().startswith("zh") else language.lower()
        texts.setdefault(key, html_to_text(content))
    chinese = texts.pop(ZH, None)
    if chinese is None:
        chinese = texts.pop(next(iter(texts)))
    english = texts.pop(EN, "")
    for language in texts:
        parsed.skip(line, _dropped_language(language))
    return chinese.strip(), english.strip()


def read(data: bytes, default_category: str = "", parsed: intake.Parsed | None = None):
    """Every question of a Moodle XML file."""
    parsed = parsed or intake.Parsed()
    parsed.encoding = "UTF-8"
    category, category_en = default_category, ""
    for node in _tree(data).all("question"):
        qtype = node.attrs.get("type", "")
        if qtype == "category":
            category = gift.category_name(node.value("category/text")) or default_category
            category_en = _category_english(node, parsed)
            continue
        if qtype not in {"multichoice", "truefalse", "shortanswer"}:
            parsed.skip(node.line, UNSUPPORTED.get(qtype) or _skip_other(qtype))
            continue
        try:
            draft = _question(node, qtype, category, node.line, parsed)
        except intake.UnreadableFile:
            raise  # the whole file is refused, not this question
        except DomainError as exc:
            parsed.add(node.line, exc)
        else:
            if draft is not None:
                draft.category_en = category_en
                parsed.add(node.line, draft)
    return parsed


def _category_english(node: Node, parsed: intake.Parsed) -> str:
    """A category's English name: the ``en`` multilang span of its info, as written here; any
    other info is Moodle's description of the category, which the bank has no place for."""
    info = node.value("info/text")
    english = [content for language, content in _MULTILANG.findall(info) if language == EN]
    if english:
        return html_to_text(english[0]).strip()
    if html_to_text(info).strip():
        parsed.skip(node.line, CATEGORY_INFO)
    return ""


def _fraction(node: Node) -> float:
    try:
        return float(node.attrs.get("fraction", "0"))
    except ValueError as exc:
        raise bank.BadWeights() from exc


def _question(node: Node, qtype: str, category: str, line: int, parsed) -> QuestionDraft | None:
    if not category:
        raise gift.NoCategory()
    if len(category) > intake.CATEGORY_MAX:
        raise gift.LongCategory()
    text, text_en = _languages(node.find("questiontext"), line, parsed)
    explanation, explanation_en = _languages(node.find("generalfeedback"), line, parsed)
    draft = QuestionDraft(
        type=QuestionType.SINGLE,
        text=text,
        category=category,
        text_en=text_en,
        explanation=explanation,
        explanation_en=explanation_en,
        difficulty=_difficulty(node),
    )
    answers = node.all("answer")
    if qtype == "truefalse":
        draft.type = QuestionType.TRUE_FALSE
        by_text = {a.value("text").strip().lower(): a for a in answers}
        true, false = by_text.get("true"), by_text.get("false")
        if true is None or false is None:
            raise bank.WrongOptionCount()
        draft.options = bank.true_false_options(_fraction(true) > _fraction(false))
        for option, answer in zip(draft.options, (true, false), strict=True):
            option.feedback = _languages(answer.find("feedback"), line, parsed)[0]
    elif qtype == "shortanswer":
        draft.type = QuestionType.FILL_IN
        for answer in answers:
            _short_answer(draft, answer, line, parsed)
        if node.value("usecase").strip() == "1":
            parsed.skip(line, CASE_IGNORED)
        if not draft.accepted:
            parsed.skip(line, gift.SKIP_NO_FULL_ANSWER)
            return None
    else:
        single = node.value("single", "true").strip().lower() in ("true", "1")
        draft.type = QuestionType.SINGLE if single else QuestionType.MULTIPLE
        for answer in answers:
            option_text, option_en = _languages(answer, line, parsed)
            feedback = _languages(answer.find("feedback"), line, parsed)[0]
            draft.options.append(OptionDraft(option_text, text_en=option_en, feedback=feedback))
        if draft.options:
            bank.set_weights(draft, [_fraction(a) for a in answers])
    bank.validate(draft)
    return draft


CASE_IGNORED = _l("Moodle compares this question's answers case by case; here case is ignored.")


def _short_answer(draft: QuestionDraft, answer: Node, line: int, parsed) -> None:
    text = _languages(answer, line, parsed)[0]
    weight = _fraction(answer)
    if weight <= 0:
        parsed.skip(line, gift._dropped_zero(text))
    elif "*" in text:
        parsed.skip(line, gift._dropped_wildcard(text))
    elif weight < 100:
        parsed.skip(line, gift._dropped_partial(text, f"{weight:g}"))
    else:
        if _languages(answer.find("feedback"), line, parsed)[0]:
            parsed.skip(line, gift._dropped_feedback(text))
        draft.accepted.append(text)


def _difficulty(node: Node):
    tags = node.find("tags")
    for tag in tags.all("tag") if tags else []:
        value = tag.value("text").strip().lower()
        if value.startswith(DIFFICULTY_TAG):
            try:
                return Difficulty(value[len(DIFFICULTY_TAG) :])
            except ValueError:
                return None
    return None


# ---------------------------------------------------------------- writing


def _html(chinese: str, english: str = "") -> str:
    if not english:
        return text_to_html(chinese)
    return (
        f'<span lang="{ZH}" class="multilang">{text_to_html(chinese)}</span>'
        f'<span lang="{EN}" class="multilang">{text_to_html(english)}</span>'
    )


def _text_element(parent, tag: str, chinese: str, english: str = "", **attrs):
    element = ET.SubElement(parent, tag, {"format": "html", **attrs})
    ET.SubElement(element, "text").text = _html(chinese, english)
    return element


def _plain_element(parent, tag: str, value: str):
    ET.SubElement(parent, tag).text = value


def _number(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def write(questions) -> bytes:
    """The questions as a Moodle XML file, a category element before each category's questions."""
    quiz = ET.Element("quiz")
    category = None
    for question in questions:
        if question.category.name != category:
            category = question.category.name
            element = ET.SubElement(quiz, "question", {"type": "category"})
            ET.SubElement(ET.SubElement(element, "category"), "text").text = gift.category_path(
                category
            )
            info = ET.SubElement(element, "info", {"format": "html"})
            english = question.category.name_en
            ET.SubElement(info, "text").text = (
                f'<span lang="{EN}" class="multilang">{text_to_html(english)}</span>'
                if english
                else ""
            )
        _write_question(quiz, question)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True)


_MOODLE_TYPES = {
    QuestionType.SINGLE: "multichoice",
    QuestionType.MULTIPLE: "multichoice",
    QuestionType.TRUE_FALSE: "truefalse",
    QuestionType.FILL_IN: "shortanswer",
}


def _write_question(quiz, question) -> None:
    element = ET.SubElement(quiz, "question", {"type": _MOODLE_TYPES[question.type]})
    name = ET.SubElement(element, "name")
    ET.SubElement(name, "text").text = f"{question.id} {question.text[:40]}"
    _text_element(element, "questiontext", question.text, question.text_en)
    _text_element(element, "generalfeedback", question.explanation, question.explanation_en)
    _plain_element(element, "defaultgrade", "1")
    _plain_element(element, "penalty", "0")
    _plain_element(element, "hidden", "0")
    _plain_element(element, "idnumber", str(question.id or ""))
    if question.type is QuestionType.FILL_IN:
        _plain_element(element, "usecase", "0")
        for accepted in question.answers:
            answer = ET.SubElement(element, "answer", {"fraction": "100", "format": "plain_text"})
            ET.SubElement(answer, "text").text = accepted
            _text_element(answer, "feedback", "")
    elif question.type is QuestionType.TRUE_FALSE:
        for option, word in zip(question.options, ("true", "false"), strict=False):
            answer = ET.SubElement(
                element, "answer", {"fraction": "100" if option.is_correct else "0",
                                    "format": "moodle_auto_format"}
            )  # fmt: skip
            ET.SubElement(answer, "text").text = word
            _text_element(answer, "feedback", option.feedback)
    else:
        single = question.type is QuestionType.SINGLE
        _plain_element(element, "single", "true" if single else "false")
        _plain_element(element, "shuffleanswers", "true")
        _plain_element(element, "answernumbering", "ABCD")
        weights = bank.weights_of(question.type, question.options)
        for option, weight in zip(question.options, weights, strict=True):
            answer = _text_element(
                element, "answer", option.text, option.text_en, fraction=_number(weight)
            )
            _text_element(answer, "feedback", option.feedback)
    tags = ET.SubElement(element, "tags")
    tag = ET.SubElement(tags, "tag")
    ET.SubElement(tag, "text").text = DIFFICULTY_TAG + question.difficulty.value
