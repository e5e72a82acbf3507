"""What each report page shows: its charts and tables, built from `reports.Report`.

A page is a list of `Table`s (the CSV export writes the same rows) and charts drawn
from them. Every number that counts cases carries the link to those cases."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from . import charts
from .reports import Report, Waits, age_labels, channel_label, percent
from .rollups import HIST_EDGES


class Backlog(NamedTuple):
    day: date
    at: datetime
    owed: int
    ages: list
    oldest_seconds: int


@dataclass(frozen=True)
class Cell:
    value: object
    href: str = ""

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass
class Table:
    name: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)

    def add(self, *cells) -> None:
        self.rows.append([c if isinstance(c, Cell) else Cell(c) for c in cells])


@dataclass
class Page:
    title: str
    charts: list = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def _day(d) -> str:
    return _day_in(d, get_language())


@lru_cache(maxsize=2048)
def _day_in(d, language: str) -> str:
    return date_format(d, "j M")


def _bucket_labels() -> list[str]:
    def h(seconds):
        return f"{seconds // 60} min" if seconds < 3600 else f"{seconds / 3600:g} h"

    return [f"≤ {h(e)}" for e in HIST_EDGES] + [f"> {h(HIST_EDGES[-1])}"]


def _delta(now, before) -> str:
    if now is None or before is None:
        return ""
    diff = now - before
    return f"{diff:+g}"


# -- Översikt ------------------------------------------------------------------------------


def dashboard(report: Report) -> tuple[Page, list[dict]]:
    cards = figures(report)
    page = Page(_("Overview"))
    volume(report, page, heatmap=False)
    kept_by_week(report, page)
    backlog_page(report, page)
    return page, cards


def figures(report: Report) -> list[dict]:
    """The overview's cards (and the weekly mail's figures): each with its value, the
    previous period's and the link to its cases."""
    opened, follow_ups = report.arrivals()
    p_opened, p_follow_ups = report.arrivals(previous=True)
    first, _follow, allw = report.waits_split()
    p_first, _p_follow, p_all = report.waits_split(previous=True)
    good, bad = report.csat()
    p_good, p_bad = report.csat(previous=True)
    backlog = report.backlog()
    last = Backlog(*backlog[-1]) if backlog else None
    cards = [
        {
            "label": _("New questions"),
            "value": opened,
            "previous": p_opened,
            "href": report.cases_url("opened"),
        },
        {
            "label": _("Follow-ups"),
            "value": follow_ups,
            "previous": p_follow_ups,
            "href": report.cases_url("follow_up"),
        },
        {
            "label": _("Answers"),
            "value": allw.answers,
            "previous": p_all.answers,
            "href": report.cases_url("replied"),
        },
        {
            "label": _("Promise kept"),
            "value": allw.kept_percent,
            "unit": " %",
            "n": allw.promised,
            "previous": p_all.kept_percent,
            "href": report.cases_url("replied", kept="no"),
            "link_text": _("%(n)s broken") % {"n": allw.broken},
        },
        {
            "label": _("First answer, median"),
            "value": first.median_hours,
            "unit": " h",
            "previous": p_first.median_hours,
            "extra": _("%(h)s business hours") % {"h": first.median_business_hours},
            "href": reverse("insights:responses", args=[report.shop.slug]),
        },
        {
            "label": _("First answer, 90 %"),
            "value": first.p90_hours,
            "unit": " h",
            "previous": p_first.p90_hours,
            "extra": _("%(h)s business hours") % {"h": first.p90_business_hours},
            "href": reverse("insights:responses", args=[report.shop.slug]),
        },
        {
            "label": _("Satisfaction (CSAT)"),
            "value": percent(good, good + bad),
            "unit": " %",
            "n": good + bad,
            "previous": percent(p_good, p_good + p_bad),
            "href": report.cases_url("rated", score="bad"),
            "link_text": _("%(n)s bad") % {"n": bad},
        },
        {
            "label": _("Owed an answer now"),
            "value": last.owed if last else 0,
            "extra": (
                _("oldest %(h)s h") % {"h": round(last.oldest_seconds / 3600, 1)}
                if last and last.owed
                else ""
            ),
            "href": report.cases_url(owed_at=last.at.isoformat()) if last else "",
        },
    ]
    for card in cards:
        card["delta"] = _delta(card.get("value"), card.get("previous"))
    return cards


# -- answer times ----------------------------------------------------------------------------


def responses(report: Report) -> Page:
    page = Page(_("Answer times"))
    labels = _bucket_labels()
    first, follow, _all = report.waits_split()
    for follow_up, name, title, waits in (
        (False, "first", _("First answer"), first),
        (True, "follow_up", _("Answer to a follow-up"), follow),
    ):
        page.charts.append(
            charts.columns(
                f"dist-{name}",
                _("%(what)s: how long customers waited (calendar hours), %(n)s answers")
                % {"what": title, "n": waits.answers},
                labels,
                waits.calendar_hist,
            )
        )
        table = Table(
            f"{name}_summary",
            title,
            [_("Figure"), _("Calendar hours"), _("Business hours")],
        )
        table.add(_("Median"), waits.median_hours, waits.median_business_hours)
        table.add(_("90 % answered within"), waits.p90_hours, waits.p90_business_hours)
        mean = round(waits.calendar_seconds / waits.answers / 3600, 1) if waits.answers else None
        mean_b = round(waits.business_seconds / waits.answers / 3600, 1) if waits.answers else None
        table.add(_("Mean"), mean, mean_b)
        reply = "follow_up" if follow_up else "first"
        table.add(
            _("Answers (promise kept)"),
            Cell(waits.answers, report.cases_url("replied", reply=reply)),
            Cell(
                f"{waits.kept} / {waits.promised}",
                report.cases_url("replied", reply=reply, kept="yes"),
            ),
        )
        page.tables.append(table)
        dist = Table(
            f"{name}_distribution",
            _("%(what)s: distribution") % {"what": title},
            [_("Waited"), _("Answers, calendar"), _("Answers, business hours")],
        )
        for i, label in enumerate(labels):
            dist.add(label, waits.calendar_hist[i], waits.business_hist[i])
        page.tables.append(dist)
    page.notes.append(
        _(
            "Waits are measured from the moment the case was owed an answer (rule S4): "
            "its first unanswered message. Business hours use the shop's opening hours and "
            "holidays. Median and 90 %% are read from buckets (%(n)s of them)."
        )
        % {"n": len(labels)}
    )
    return page


# -- promise kept ------------------------------------------------------------------------------


def _kept_table(report, prev, name, caption, head, rows, link) -> Table:
    table = Table(
        name,
        caption,
        [head, _("Answers"), _("With a promise"), _("Kept"), _("Kept %"), _("Previous period")],
    )
    for key, label, waits in rows:
        before = prev.get(key)
        table.add(
            label,
            Cell(waits.answers, link(key, "")),
            waits.promised,
            Cell(waits.kept, link(key, "yes")),
            Cell(waits.kept_percent, link(key, "no")),
            before.kept_percent if before else None,
        )
    return table


def kept_by_week(report: Report, page: Page) -> None:
    weeks = report.waits_by("week")
    items = []
    for monday in sorted(weeks):
        w = weeks[monday]
        items.append(
            charts.Bar(
                _("week of %(day)s") % {"day": _day(monday)},
                w.kept_percent or 0,
                report.cases_url(
                    "replied", max(monday, report.period.start),
                    min(monday + timedelta(days=6), report.period.end), kept="no",
                ),
                f"n = {w.promised}",
            )
        )  # fmt: skip
    page.charts.append(charts.bars("kept-week", _("Promise kept per week"), items, " %", 100))
    table = Table("kept_week", _("Promise kept per week"), [_("Week"), _("Kept %"), "n"])
    for item in items:
        table.add(item.label, Cell(item.value, item.href), item.note.removeprefix("n = "))
    page.tables.append(table)


def promise(report: Report) -> Page:
    page = Page(_("Promise kept"))
    by_channel = report.waits_by("channel")
    page.charts.append(
        charts.bars(
            "kept-channel",
            _("Promise kept per channel"),
            [
                charts.Bar(
                    channel_label(ch), w.kept_percent or 0,
                    report.cases_url("replied", channel=ch, kept="no"), f"n = {w.promised}",
                )
                for ch, w in sorted(by_channel.items())
            ],
            " %",
            100,
        )
    )  # fmt: skip
    page.tables.append(
        _kept_table(
            report, report.waits_by("channel", True), "kept_channel", _("Per channel"),
            _("Channel"),
            [(ch, channel_label(ch), w) for ch, w in sorted(by_channel.items())],
            lambda ch, kept: report.cases_url("replied", channel=ch, kept=kept),
        )
    )  # fmt: skip
    by_agent = report.waits_by("agent_id")
    names = report.agent_names(by_agent)
    page.tables.append(
        _kept_table(
            report, report.waits_by("agent_id", True), "kept_agent", _("Per agent"), _("Agent"),
            sorted(
                ((a, names.get(a, _("(automatic)")), w) for a, w in by_agent.items()),
                key=lambda r: str(r[1]),
            ),
            lambda a, kept: report.cases_url("replied", by=a, kept=kept),
        )
    )  # fmt: skip
    by_team = report.waits_by("team_id")
    teams = report.team_names(by_team)
    page.tables.append(
        _kept_table(
            report, report.waits_by("team_id", True), "kept_team", _("Per team"), _("Team"),
            [(t, teams.get(t, _("No team")), w) for t, w in by_team.items()],
            lambda t, kept: report.cases_url("replied", team=t, kept=kept) if t else "",
        )
    )  # fmt: skip
    topics = Table(
        "kept_topic",
        _("Per topic (tag)"),
        [_("Tag"), _("New questions"), _("Answers"), _("Kept %")],
    )
    for row in report.tags():
        topics.add(
            row["name"],
            Cell(row["opened"], report.cases_url("opened", tag=row["name"])),
            Cell(row["answers"], report.cases_url("replied", tag=row["name"])),
            Cell(row["percent"], report.cases_url("replied", tag=row["name"], kept="no")),
        )
    page.tables.append(topics)
    kept_by_week(report, page)
    page.notes.append(
        _(
            "Topics are the cases' tags as they are now, until cases get a topic of their "
            "own. Click a kept %% to see the answers that broke their promise."
        )
    )
    return page


# -- volume ------------------------------------------------------------------------------------


WEEKDAYS = [
    gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"), gettext_lazy("Thu"),
    gettext_lazy("Fri"), gettext_lazy("Sat"), gettext_lazy("Sun"),
]  # fmt: skip


def volume(report: Report, page: Page | None = None, heatmap: bool = True) -> Page:
    page = page or Page(_("Volume"))
    days = list(report.period.each_day())
    per_channel = report.volume_by_channel()
    series = {
        channel_label(ch): [counts.get(d, 0) for d in days]
        for ch, counts in sorted(per_channel.items())
    }
    page.charts.append(
        charts.lines(
            "volume", _("New questions per day and channel"), [_day(d) for d in days], series
        )
    )
    table = Table(
        "volume_channel",
        _("New questions per channel"),
        [_("Channel"), _("New questions"), _("Previous period")],
    )
    prev = report.volume_by_channel(previous=True)
    for ch, counts in sorted(per_channel.items()):
        table.add(
            channel_label(ch),
            Cell(sum(counts.values()), report.cases_url("opened", channel=ch)),
            sum(prev.get(ch, {}).values()),
        )
    page.tables.append(table)
    if heatmap:
        cells = report.heatmap()
        names = [str(d) for d in WEEKDAYS]
        page.charts.append(
            charts.heatmap(
                "heatmap",
                _("New questions per hour of the week (shop's time)"),
                names,
                cells,
                [report.cases_url("opened", how=i) for i in range(168)],
            )
        )
        grid = Table(
            "heatmap", _("New questions per hour of the week"), [_("Day"), *map(str, range(24))]
        )
        for d, name in enumerate(names):
            grid.add(
                name,
                *(
                    Cell(cells[d * 24 + h], report.cases_url("opened", how=d * 24 + h))
                    for h in range(24)
                ),
            )
        page.tables.append(grid)
        topics = Table(
            "volume_topic", _("New questions per topic (tag)"), [_("Tag"), _("New questions")]
        )
        for row in report.tags():
            topics.add(
                row["name"], Cell(row["opened"], report.cases_url("opened", tag=row["name"]))
            )
        page.tables.append(topics)
    return page


# -- backlog ---------------------------------------------------------------------------------


def backlog_page(report: Report, page: Page | None = None) -> Page:
    page = page or Page(_("Backlog"))
    rows = [Backlog(*row) for row in report.backlog()]
    labels = age_labels()
    series = {
        label: [r.ages[i] if len(r.ages) > i else 0 for r in rows] for i, label in enumerate(labels)
    }
    series = {_("All owed"): [r.owed for r in rows], **series}
    page.charts.append(
        charts.lines(
            "backlog", _("Cases owed an answer at the end of each day, by age"),
            [_day(r.day) for r in rows], series,
        )
    )  # fmt: skip
    table = Table(
        "backlog", _("Backlog at the end of each day"),
        [_("Day"), _("Owed"), *labels, _("Oldest (h)")],
    )  # fmt: skip
    for r in rows:
        table.add(
            _day(r.day),
            Cell(r.owed, report.cases_url(owed_at=r.at.isoformat())),
            *r.ages,
            round(r.oldest_seconds / 3600, 1),
        )
    page.tables.append(table)
    return page


# -- people ------------------------------------------------------------------------------------


def agents(report: Report) -> Page:
    page = Page(_("Work per agent"))
    by_agent = report.waits_by("agent_id")
    for agent_id, hist in report.agent_hists().items():
        by_agent.setdefault(agent_id, Waits()).calendar_hist.extend_by(hist)
    csat = report.csat_by("agent_id")
    names = report.agent_names([*by_agent, *csat])
    table = Table(
        "agents",
        _("Work per agent"),
        [
            _("Agent"), _("Answers"), _("Handle time (min)"), _("Kept %"),
            _("Median wait (h)"), _("CSAT %"), _("Ratings"),
        ],
    )  # fmt: skip
    for agent_id in sorted(set(by_agent) | set(csat), key=lambda a: names.get(a, "~")):
        w = by_agent.get(agent_id, Waits())
        good, bad = csat.get(agent_id, (0, 0))
        table.add(
            names.get(agent_id, _("(automatic)")),
            Cell(w.answers, report.cases_url("replied", by=agent_id) if agent_id else ""),
            w.handle_minutes,
            w.kept_percent,
            w.median_hours,
            Cell(
                percent(good, good + bad),
                report.cases_url("rated", by=agent_id) if agent_id else "",
            ),
            good + bad,
        )
    page.tables.append(table)
    page.charts.append(
        charts.bars(
            "agents",
            _("Answers per agent"),
            [charts.Bar(str(r[0]), r[1].value or 0, r[1].href) for r in table.rows],
        )
    )
    page.notes.append(
        _(
            "Handle time: the time since the agent's previous answer when it was under 20 "
            "minutes (there is no 'started working' event yet); answers after a longer pause "
            "have none."
        )
    )
    return page


PAGES = {
    "responses": responses,
    "promise": promise,
    "volume": volume,
    "backlog": backlog_page,
    "agents": agents,
}
