"""Article bodies are Markdown: rendered without raw HTML (markdown-it-py, `html` off)
and sanitised again with nh3, so nothing an editor pastes can run in a customer's
browser. `plain_text` is the same body for search, emails and the agent's composer."""

import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}
_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MARKERS = re.compile(r"(\*\*|__|`|^#{1,6}\s+|^>\s?)", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[*+-]\s+", re.MULTILINE)
# *emphasis* and _emphasis_ (single markers; ** and __ are gone by then).
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?!\s)([^*_\n]+?)(?<!\s)\1(?![\w*])")


def render(body: str) -> str:
    """Safe HTML for the article page. Headings start at h2: the title is the h1."""
    html = _markdown.render(body or "")
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def plain_text(body: str) -> str:
    """The body as a customer would read it in a text email: links as "text (url)"."""

    def link(match):
        label, url = match.group(1), match.group(2)
        return f"{label} ({url})" if label and label != url else url

    result = _LINK.sub(link, body or "")
    result = _BULLET.sub(r"\1- ", result)
    result = _MARKERS.sub("", result)
    return _EMPHASIS.sub(r"\2", result).strip()
