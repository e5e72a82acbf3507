"""Markdown-light for agents' answers: **bold**, *italic*, lists and links, nothing else.

The HTML part of the mail is rendered from it and then cleaned by nh3 (an allow-list:
whatever the agent types that is not one of these is shown as text, never as markup);
the plain-text part keeps the agent's words readable without the asterisks."""

import re

import nh3
from markdown_it import MarkdownIt

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
_md = MarkdownIt("zero", {"breaks": True, "html": False, "linkify": False}).enable(
    ["emphasis", "list", "link", "newline"]
)
_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^)\s]+)\)")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")


def to_html(text: str) -> str:
    """Safe HTML for the mail: markdown-it without raw HTML, then nh3's allow-list."""
    return nh3.clean(
        _md.render(text),
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def to_text(text: str) -> str:
    """The plain-text part: links as "words (address)", emphasis without its stars;
    list markers ("- ", "1. ") read well as they are."""
    text = _LINK.sub(lambda m: m[1] if m[1] == m[2] else f"{m[1]} ({m[2]})", text)
    text = _STRONG.sub(r"\1", text)
    return _EM.sub(r"\1", text)


def clean(html: str) -> str:
    """Stored answer HTML cleaned once more as it goes in a mail (marked safe after)."""
    from django.utils.safestring import mark_safe

    return mark_safe(  # noqa: S308 — nh3's allow-list output
        nh3.clean(
            html,
            tags=TAGS,
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )
