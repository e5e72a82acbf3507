"""Multipart boundaries matched without compiling a regular expression for each one.

The stdlib's MIME parser (email.feedparser) compiles a pattern for every boundary it
meets: ``re.compile('(?P<sep>' + re.escape('--' + boundary) + ')(?P<end>--)?…$')``.
Every mail has boundaries of its own, so no compiled pattern is ever used again: some
0.1 ms a message, a tenth of its parse (issue #11), and each pushes an older pattern
out of the `re` module's cache.

`install` gives email.feedparser a `re` whose `compile` answers exactly that pattern
with a matcher that needs no compiling: the line starts with the separator, and one
fixed pattern reads the rest of it. It matches the same lines and gives the same
"end", "ws" and "linesep" groups, the ones the feedparser reads (tests compare the two).
Any other pattern, or the boundary pattern of a Python that writes it otherwise, goes
to `re` itself.
"""

import re
from email import feedparser

_HEAD = "(?P<sep>"
_TAIL = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
_REST = re.compile(_TAIL[1:])  # what follows the separator on a boundary line
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


class _Boundary:
    """The compiled boundary pattern's `match`, for a known separator."""

    def __init__(self, separator: str):
        self.separator = separator

    def match(self, line: str) -> re.Match | None:
        if not line.startswith(self.separator):
            return None
        return _REST.match(line, len(self.separator))


def compile_pattern(pattern, flags=0):
    """`re.compile`, but the feedparser's boundary pattern is a `_Boundary`."""
    if flags == 0 and isinstance(pattern, str):
        if pattern.startswith(_HEAD) and pattern.endswith(_TAIL):
            escaped = pattern[len(_HEAD) : -len(_TAIL)]
            separator = _ESCAPED.sub(r"\1", escaped)
            if re.escape(separator) == escaped:
                return _Boundary(separator)
    return re.compile(pattern, flags)


class _Re:
    """The `re` module as email.feedparser sees it."""

    compile = staticmethod(compile_pattern)

    def __getattr__(self, name):
        return getattr(re, name)


def install() -> None:
    """Make email.feedparser match boundaries this way (once per process)."""
    if not isinstance(feedparser.re, _Re):
        feedparser.re = _Re()  # type: ignore[assignment]
