"""Formatted text from other software, made into the plain text the bank stores and shows.

The bank holds plain text (pages print it escaped, line breaks kept), so HTML from a file is
sanitised by reducing it to its text: nh3 (the Rust html5ever sanitiser) first keeps only the tags
that shape text, dropping scripts and styles with their content, then the text is read off: entities
decoded, ``<br>`` and blocks as line breaks, a ``<pre>`` keeping its spacing exactly.
Markdown is rendered by markdown-it (CommonMark) and reduced the same way. The reverse,
:func:`text_to_html`, writes plain text as HTML that :func:`html_to_text` reads back unchanged.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

_BLOCKS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "section", "article", "header", "footer", "dl", "dt", "dd", "hr",
}  # fmt: skip
_DROPPED = {"script", "style", "title", "template", "iframe", "object"}
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pre = 0
        self.dropped = 0
        self.pre_opened = False
        self.flow = True  # the last part came from flowing text (not from inside a <pre>)

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED:
            self.dropped += 1
        elif tag == "pre":
            self._block()
            self.pre += 1
            self.pre_opened = True
        elif tag == "br":
            self._break("\n")
        elif tag in _BLOCKS:
            self._block()

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self._break("\n")
        elif tag in _BLOCKS:
            self._block()

    def handle_endtag(self, tag):
        if tag in _DROPPED:
            self.dropped = max(0, self.dropped - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self._block()
        elif tag in _BLOCKS:
            self._block()

    def handle_data(self, data):
        if self.dropped:
            return
        if self.pre:
            data = data.replace("\r\n", "\n")
            if self.pre_opened and data.startswith("\n"):
                data = data[1:]  # as browsers do, a line break just after <pre> is not shown
            self.pre_opened = False
            self.parts.append(data)
            self.flow = False
            return
        data = re.sub(r"[ \t\r\n]+", " ", data)
        if self.flow and (not self.parts or self.parts[-1] in ("\n", "\x00")):
            data = data.lstrip(" ")  # spaces after a line break are the HTML's layout
        if data:
            self.parts.append(data)
            self.flow = True

    def _break(self, mark: str):
        if self.flow and self.parts and self.parts[-1] not in ("\n", "\x00"):
            self.parts[-1] = self.parts[-1].rstrip(" ")
        self.parts.append(mark)
        self.flow = True

    def _block(self):
        self._break("\x00")  # a paragraph boundary: one line break, however many in a row

    def text(self) -> str:
        return re.sub(r"\x00+", "\n", "".join(self.parts)).strip("\n\x00 ")


_SHAPING = frozenset(_BLOCKS | {"br", "pre"})


def html_to_text(markup: str) -> str:
    """The text a browser would show for ``markup``, as plain text."""
    parser = _Text()
    # nh3 does the heavy lifting in Rust (a 5 MB file of tags: 1.3 s instead of 9 s in Python).
    parser.feed(nh3.clean(markup, tags=set(_SHAPING), attributes={}, clean_content_tags=_DROPPED))
    parser.close()
    return parser.text()


def markdown_to_text(source: str) -> str:
    return html_to_text(MarkdownIt("commonmark").render(source))


_MEDIA = re.compile(r"<(img|video|audio|iframe|object|embed)\b|@@PLUGINFILE@@", re.IGNORECASE)


def has_media(markup: str) -> bool:
    """Whether ``markup`` shows an image or other media, or links a file of the question: the
    text keeps none of them."""
    return bool(_MEDIA.search(markup))


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds a tag or an entity, which Moodle's own format would render."""
    return bool(_TAG.search(text))


def text_to_html(text: str) -> str:
    """Plain text as HTML that :func:`html_to_text` turns back into the same text: a ``<pre>``
    when spacing matters (indentation, runs of spaces, tabs), else line breaks as ``<br>``."""
    escaped = html.escape(text, quote=False)
    if re.search(r"(^|\n)[ \t]|  |\t", text):
        return f"<pre>{escaped}</pre>"
    return escaped.replace("\n", "<br>")
