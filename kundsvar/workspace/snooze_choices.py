"""The case page's snooze menu: the times agents pick most, in the shop's time zone, so
snoozing is one choice instead of typing a date (issue 16: inline controls)."""

from datetime import datetime, time, timedelta

from django.utils.translation import gettext as _

MORNING = time(8, 0)


def snooze_choices(now: datetime, tz) -> list[tuple[str, str]]:
    """(ISO time with its offset, label) pairs, soonest first."""
    local = now.astimezone(tz)

    def at_morning(days: int) -> datetime:
        day = (local + timedelta(days=days)).date()
        return datetime.combine(day, MORNING, tzinfo=tz)

    monday = at_morning(7 - local.weekday())  # the coming Monday, a week ahead on a Monday
    choices = [
        (local + timedelta(hours=1), _("In an hour")),
        (local + timedelta(hours=3), _("In three hours")),
        (at_morning(1), _("Tomorrow at 08:00")),
        (monday, _("Monday at 08:00")),
        (at_morning(7), _("In a week")),
    ]
    return [(when.replace(second=0, microsecond=0).isoformat(), label) for when, label in choices]
