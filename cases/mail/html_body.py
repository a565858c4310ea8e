"""HTML parts: sanitised with nh3 for display, turned into text for the engine."""

import re
from html import unescape
from html.parser import HTMLParser

import nh3

from cases.mail.decoding import clean_text

HTML_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area"}  # remote images track the reader
HTML_TAG = re.compile(r"<[a-zA-Z]")
MAX_HTML_TAGS = 20_000


def strip_tags(html: str) -> str:
    """Text of HTML too complex to sanitise: tags dropped by pattern, in linear time."""
    html = re.sub(r"(?is)<(script|style|head|title)\b[^>]*>.*?</\1\s*>", " ", html)
    html = re.sub(r"(?i)<(br|/p|/div|/tr|/li|/h\d)\b[^>]*>", "\n", html)
    text = unescape(re.sub(r"<[^>]*>", " ", html))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return clean_text(re.sub(r"\n{3,}", "\n\n", "\n".join(lines))).strip()


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=HTML_TAGS,
        clean_content_tags={"script", "style", "title", "head", "template"},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class TextExtractor(HTMLParser):
    BLOCKS = {
        "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "section", "article", "header", "footer", "dd", "dt",
    }  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.quote = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.chunks.append("\n")
        if tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.chunks.append("- ")
        elif tag in ("td", "th"):
            self.chunks.append(" ")

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in self.BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        if self.quote:
            # Quoted history, marked the way plain text marks it, so trimming finds it.
            data = "\n".join("> " + line for line in data.split("\n"))
        self.chunks.append(data)


def html_to_text(html: str) -> str:
    if not html:
        return ""
    extractor = TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [line.strip() for line in "".join(extractor.chunks).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return clean_text(text).strip()
