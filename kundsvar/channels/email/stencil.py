"""Templates of mail sent often (the acknowledgement), rendered once and filled in.

An acknowledgement differs from the last one only in a few values (the case number,
the customer's name and question, the promise, the links); its wording, the shop's
name and phone and the opening hours are the same message after message. So its
templates are rendered once with a marker in place of each of those values (a stencil)
and every message gets the stencil with its own values put in, escaped where the
template escapes them: the same text as rendering the templates, for a fraction of the
cost.

What a stencil depends on is all in its key: the templates, the active language, the
`fixed` values themselves (plain strings and flags, never a model instance, so an
edited shop gives a new key) and the shape of the per-message values (which are
empty, how many items a list has). So it is kept for the life of the process, like
Django's cached template loader, and nothing needs to forget it; with DEBUG (templates
reloaded as they are edited) the templates are rendered in full every time.

The templates may use a per-message value as it is, escaped or not (`|safe`), and test
it for truth ({% if %}, {% for %}); a filter that changes it (`|upper`, `|linebreaksbr`)
needs the value made so in Python first. A stencil is checked against a full render
the first time it is made, and one that differs is never used (logged).
"""

import itertools
import logging
import re
import secrets

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

log = logging.getLogger(__name__)
MAX_STENCILS = 1000  # shops × languages × shapes; past it, all are made again
# Unguessable, so no shop name or wording can contain a marker. The "&" shows whether
# the template escaped the value ("&amp;") or not.
_NONCE = secrets.token_hex(6)
_MARKER = re.compile(rf"\x02{_NONCE}:(\d+)(&amp;|&)\x03")
_FULL = object()  # a stencil that did not match a full render: render these in full
_stencils: dict = {}


def render(names: list[str], fixed: dict, values: dict) -> list[str]:
    """Each template of `names` rendered with `fixed` and `values` (in the active
    language). `fixed`: values shared by many messages (strings, numbers, flags, in
    dicts). `values`: this message's own, strings and numbers, in dicts and lists;
    anything else there and the templates are rendered in full."""
    if settings.DEBUG:
        return _full(names, fixed, values)
    try:
        key = (tuple(names), translation.get_language(), _frozen(fixed), _shape(values))
    except TypeError:  # a value of another kind (an ack section's own): render in full
        return _full(names, fixed, values)
    stencils = _stencils.get(key)
    if stencils is None:
        stencils = _make(names, fixed, values)
        if len(_stencils) >= MAX_STENCILS:
            _stencils.clear()
        _stencils[key] = stencils
    if stencils is _FULL:
        return _full(names, fixed, values)
    leaves = _leaves(values)
    return [_fill(stencil, leaves) for stencil in stencils]


def forget() -> None:
    """Drop every stencil (tests that change templates or translations)."""
    _stencils.clear()


def _full(names: list[str], fixed: dict, values: dict) -> list[str]:
    context = {**fixed, **values}
    return [render_to_string(name, context) for name in names]


def _make(names: list[str], fixed: dict, values: dict):
    counter = itertools.count()
    markers = _marked(values, counter)
    stencils = [render_to_string(name, {**fixed, **markers}) for name in names]
    leaves = _leaves(values)
    if [_fill(stencil, leaves) for stencil in stencils] != _full(names, fixed, values):
        log.warning("the templates %s change a value: rendered in full", ", ".join(names))
        return _FULL
    return stencils


def _marked(value, counter):
    """`value` with a numbered marker for each string and number, in the order of
    `_leaves`; a safe string's marker is safe too (the template leaves it unescaped)."""
    if isinstance(value, dict):
        return {k: _marked(v, counter) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_marked(v, counter) for v in value]
    if isinstance(value, str | int) and not isinstance(value, bool):
        if not value:  # empty stays empty: the template may test it
            return value
        marker = f"\x02{_NONCE}:{next(counter)}&\x03"
        return mark_safe(marker) if isinstance(value, SafeString) else marker  # noqa: S308
    raise TypeError(f"not a stencil value: {type(value).__name__}")


def _leaves(value) -> list:
    """The non-empty strings and numbers of `value`, in the order `_marked` numbers them."""
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value] if value else []


def _frozen(value):
    """`value` (the fixed values: strings, flags, dicts of them) as a key."""
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, SafeString):  # rendered unescaped: not the same as a str
        return ("safe", str(value))
    if isinstance(value, str | int | float | None):
        return value
    raise TypeError(f"not a fixed stencil value: {type(value).__name__}")


def _shape(value):
    """What the templates may test of `value`: which strings are empty, how long lists are."""
    if isinstance(value, dict):
        return tuple((k, _shape(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_shape(v) for v in value)
    if isinstance(value, SafeString):
        return ("safe", bool(value))
    if isinstance(value, str | int) and not isinstance(value, bool):
        return bool(value)
    raise TypeError(f"not a stencil value: {type(value).__name__}")


def _fill(stencil: str, leaves: list) -> str:
    def value(match: re.Match) -> str:
        leaf = leaves[int(match.group(1))]
        return str(conditional_escape(leaf) if match.group(2) == "&amp;" else leaf)

    return _MARKER.sub(value, stencil)
