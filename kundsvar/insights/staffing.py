"""The staffing plan for next week (rules S5, T1): how many people each hour needs,
against the agents actually on shift.

* volume: `insights.forecast` per hour and channel;
* handle times: measured, from the answer rate the promise forecast uses
  (`sla.forecast.rate`: answers per agent-hour → seconds per answer);
* chat and phone: Erlang C for the shop's target (answered within N seconds for X %);
* email and the other written channels: workload (volume × handle time) at 85 %
  occupancy, with rule T1's floor — 400 written questions a month need at least one
  dedicated person — during opening hours.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kundsvar.sla import forecast as promise_forecast
from kundsvar.staffing import schedule
from kundsvar.staffing.services import settings_for

from . import forecast
from .staffing_erlang import agents_needed

OCCUPANCY = 0.85  # the share of a shift an agent can spend answering written questions
PER_DEDICATED_PERSON = 400  # rule T1: written questions a month
LIVE = {"chat", "phone"}
EVERY_CHANNEL = frozenset(
    {"email", "form", "api", "chat", "phone", "sms", "messenger", "instagram", "whatsapp"}
)


@dataclass
class Hour:
    start: datetime
    volume: dict[str, float]
    need: float
    scheduled: float

    @property
    def people(self) -> int:
        return math.ceil(self.need - 1e-9)

    @property
    def gap(self) -> float:
        return max(0.0, self.people - self.scheduled)


@dataclass
class Plan:
    week: list[date]
    hours: list[Hour]
    handle_seconds: dict[str, float]
    written_per_month: float
    dedicated_floor: int
    targets: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def gap_hours(self) -> int:
        return sum(1 for h in self.hours if h.gap >= 0.5)

    def days(self) -> list[dict]:
        rows = []
        for day in self.week:
            hours = [h for h in self.hours if h.start.date() == day]
            rows.append(
                {
                    "day": day,
                    "volume": round(sum(sum(h.volume.values()) for h in hours)),
                    "peak_need": max((math.ceil(h.need) for h in hours), default=0),
                    "need_hours": round(sum(h.need for h in hours), 1),
                    "scheduled_hours": round(sum(h.scheduled for h in hours), 1),
                    "gaps": [h for h in hours if h.gap >= 0.5],
                }
            )
        return rows


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _group(channel: str) -> str:
    return channel if channel in LIVE else "written"


def plan(shop, now: datetime | None = None) -> Plan:
    now = now or timezone.now()
    today = timezone.localdate(now, shop.tz)
    first = next_monday(today)
    week = [first + timedelta(days=n) for n in range(7)]
    settings = settings_for(shop)
    own = forecast.Factors(
        float(settings.black_friday_factor),
        float(settings.christmas_factor),
        float(settings.mellandagsrea_factor),
    )
    counts = forecast.hourly_counts(shop, *forecast.history_window(shop, today))
    predicted = forecast.forecast(counts, week, own, made_on=today)
    handle = {
        "written": 3600 / promise_forecast.rate(shop, promise_forecast.WRITTEN, now),
        "chat": 3600 / promise_forecast.rate(shop, frozenset({"chat"}), now),
        "phone": 3600 / promise_forecast.rate(shop, frozenset({"phone"}), now),
    }
    targets = {
        "chat": (settings.chat_answer_seconds, settings.chat_share),
        "phone": (settings.phone_answer_seconds, settings.phone_share),
    }
    written_week = sum(n for (_, _, c), n in predicted.items() if _group(c) == "written")
    per_month = written_week * 52 / 12
    floor = int(per_month // PER_DEDICATED_PERSON)
    open_hours = {(h.weekday, hour) for h in shop.opening_hours.all() for hour in _hours(h)}
    start = datetime.combine(first, time(0), tzinfo=shop.tz)
    on_shift = schedule.segments(shop, start, start + timedelta(days=7), channels=EVERY_CHANNEL)
    hours = []
    for day in week:
        for hour in range(24):
            volume: dict[str, float] = {}
            for (d, h, channel), n in predicted.items():
                if d == day and h == hour:
                    group = _group(channel)
                    volume[group] = volume.get(group, 0) + n
            need = volume.get("written", 0) * handle["written"] / 3600 / OCCUPANCY
            if (day.weekday(), hour) in open_hours:
                need = max(need, floor)
            for group in LIVE:
                seconds, share = targets[group]
                need += agents_needed(volume.get(group, 0), handle[group], seconds, share / 100)
            at = datetime.combine(day, time(hour), tzinfo=shop.tz)
            hours.append(Hour(at, volume, need, _on_shift(on_shift, at)))
    return Plan(week, hours, handle, per_month, floor, targets)


def _hours(opening) -> range:
    closes = opening.closes.hour + (1 if opening.closes.minute else 0)
    return range(opening.opens.hour, closes)


def _on_shift(segments, at: datetime) -> float:
    """Agents on shift during the hour from `at`, averaged over the hour."""
    end = at + timedelta(hours=1)
    total = 0.0
    for s, e, n in segments:
        overlap = (min(e, end) - max(s, at)).total_seconds()
        if overlap > 0:
            total += n * overlap / 3600
    return total


def chart(plan_: Plan, *, width: int = 840, height: int = 220) -> dict:
    """Geometry of the SVG chart: a grey bar per hour for the need, a blue step line for
    the agents on shift, and the gap (need above the agents on shift) in red."""
    top = max([h.people for h in plan_.hours] + [math.ceil(h.scheduled) for h in plan_.hours] + [1])
    left, bottom = 30, 20
    inner_w, inner_h = width - left - 10, height - bottom - 10
    step = inner_w / len(plan_.hours)

    def y(value: float) -> float:
        return round(10 + inner_h - value / top * inner_h, 1)

    bars, gaps, line = [], [], []
    for i, hour in enumerate(plan_.hours):
        x = round(left + i * step, 1)
        need = math.ceil(hour.need - 1e-9)
        bars.append({"x": x, "y": y(need), "h": round(y(0) - y(need), 1), "w": round(step, 1)})
        if need > hour.scheduled + 1e-9:
            gaps.append(
                {
                    "x": x,
                    "y": y(need),
                    "h": round(y(hour.scheduled) - y(need), 1),
                    "w": round(step, 1),
                }
            )
        line.append(f"{x},{y(hour.scheduled)} {round(x + step, 1)},{y(hour.scheduled)}")
    ticks = [{"y": y(v), "label": v} for v in range(0, top + 1, max(1, top // 4))]
    days = [{"x": round(left + i * 24 * step, 1), "day": day} for i, day in enumerate(plan_.week)]
    return {
        "width": width,
        "height": height,
        "left": left,
        "base": y(0),
        "bars": bars,
        "gaps": gaps,
        "line": " ".join(line),
        "ticks": ticks,
        "days": days,
    }
