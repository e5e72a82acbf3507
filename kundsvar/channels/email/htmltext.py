"""HTML mail as plain text for the quote stripper, and HTML that is safe to show to agents."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

_BLOCK = set("div section article header footer tr hr address dl dt dd".split())
_PARAGRAPH = set("p h1 h2 h3 h4 h5 h6 table ul ol pre".split())
# Not <head>: mail HTML often never closes it, and it holds no text apart from these anyway.
_SKIP = {"script", "style", "title", "template", "noscript"}


class _TextBuilder(HTMLParser):
    """Collects text per <blockquote> level; a level is '> '-prefixed when it closes, so
    Gmail/Apple/Outlook-web quotes look like plain-text quotes to quotes.split_reply."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities are decoded for us
        self.levels: list[list[str]] = [[]]
        self.skip = self.pre = 0
        self.lists: list[int] = []  # next number per open <ol>, -1 per <ul>
        self.links: list[tuple[str, int]] = []  # (href, where its text starts)

    def _emit(self, text: str) -> None:
        self.levels[-1].append(text)

    def _break(self, tag: str, outer_lists: int) -> None:
        if tag in _PARAGRAPH and not (tag in ("ul", "ol") and outer_lists):
            self._emit("\n\n")
        elif tag in _BLOCK:  # (a list inside a list item needs no break: <li> makes one)
            self._emit("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self.levels.append([])
        elif tag == "br":
            self._emit("\n")
        elif tag == "li":
            number = self.lists[-1] if self.lists else -1
            marker = f"{number}. " if number >= 0 else "- "
            if number >= 0:
                self.lists[-1] += 1
            self._emit("\n" + "\xa0\xa0" * max(len(self.lists) - 1, 0) + marker)
        elif tag in ("td", "th"):
            self._emit("\t")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.levels[-1])))
        else:
            self._break(tag, len(self.lists))
        if tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.lists.append(1 if tag == "ol" else -1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP or tag in ("blockquote", "a"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag == "blockquote" and len(self.levels) > 1:
            inner = _tidy("".join(self.levels.pop()))
            self._emit("\n" + "\n".join(f"> {line}".rstrip() for line in inner.split("\n")) + "\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.levels[-1][start:]).strip()
            # Keep where a link goes (tracking pages, order links) unless its text says it.
            if href.startswith(("http://", "https://")) and href not in shown and shown:
                self._emit(f" <{href}>")
        else:
            self._break(tag, len(self.lists) - 1)
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            # Spaces in <pre> become no-break spaces so _tidy keeps the indentation.
            self._emit(data.replace(" ", "\xa0") if self.pre else re.sub(r"\s+", " ", data))


def _tidy(text: str) -> str:
    lines = [
        line.rstrip() if line.startswith(">") else line.strip(" \t") for line in text.split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines).replace("\xa0", " ")).strip("\n")


def html_to_text(html: str) -> str:
    """Plain text from HTML mail: paragraphs, line breaks and list items kept, scripts and styles
    dropped, entities decoded, <blockquote> content as '> ' lines for the quote stripper."""
    builder = _TextBuilder()
    builder.feed(html or "")
    builder.close()
    while len(builder.levels) > 1:  # an unclosed <blockquote> still quotes
        builder.handle_endtag("blockquote")
    return _tidy("".join(builder.levels[0]))


_SAFE_TAGS = set(
    "a abbr b blockquote br caption cite code col colgroup dd del div dl dt em font h1 h2 h3 h4"
    " h5 h6 hr i img ins kbd li ol p pre q s small span strike strong sub sup table tbody td"
    " tfoot th thead tr u ul".split()
)
_SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "blockquote": {"cite"},
}
_IMAGE_SRC = re.compile(r"^(?:https://|cid:|data:image/(?:png|gif|jpe?g|webp);)", re.IGNORECASE)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images: https (no mixed content), cid: (inline parts of the same mail) and raster data:
    # URIs only – data:image/svg+xml can carry script. Remote https images are kept so mail
    # looks as sent; holding back tracking pixels until the agent asks is the viewer's job.
    if tag == "img" and attribute == "src":
        return value if _IMAGE_SRC.match(value.strip()) else None
    return value


def sanitize_html(html: str) -> str:
    """HTML safe to show to agents: formatting, tables, links and images kept; scripts, styles,
    event handlers, forms, iframes and javascript: URLs removed; links get
    rel="noopener noreferrer nofollow"."""
    return nh3.clean(
        html or "",
        tags=_SAFE_TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "title"},
        attributes=_SAFE_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
