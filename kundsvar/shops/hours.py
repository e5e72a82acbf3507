"""Opening hours in words, in the customer's language: "mån–tors 08.00–17.00, fre 08.00–16.00"."""

from babel.dates import get_day_names

from kundsvar.core.language import babel_locale, promise_language


def _clock(t, language: str) -> str:
    return t.strftime("%H:%M" if language == "en" else "%H.%M")


def hours_summary(opening_hours, language: str) -> str:
    """Consecutive weekdays with the same hours are joined (Mon–Fri)."""
    language = promise_language(language)
    names = get_day_names("abbreviated", locale=babel_locale(language))
    by_day: dict[int, str] = {}
    for row in opening_hours:
        period = f"{_clock(row.opens, language)}–{_clock(row.closes, language)}"
        earlier = by_day.get(row.weekday)
        by_day[row.weekday] = f"{earlier}, {period}" if earlier else period
    groups: list[tuple[int, int, str]] = []
    for day in sorted(by_day):
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == by_day[day]:
            groups[-1] = (groups[-1][0], day, by_day[day])
        else:
            groups.append((day, day, by_day[day]))
    parts = []
    for first, last, period in groups:
        days = (
            names[first].rstrip(".")
            if first == last
            else (f"{names[first].rstrip('.')}–{names[last].rstrip('.')}")
        )
        parts.append(f"{days} {period}")
    return ", ".join(parts)
