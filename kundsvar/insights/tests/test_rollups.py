"""The report rows from the audit log: known figures, and the worker's incremental
refresh equals a rebuild from scratch."""

from datetime import date, timedelta

import pytest

from kundsvar.cases import services as cases
from kundsvar.insights import rollups
from kundsvar.insights.models import (
    AgentDay,
    AgentWait,
    ArrivalHour,
    BacklogDay,
    ChannelDay,
    CsatDay,
    TagDay,
    WaitDay,
)

from .conftest import inbound, local

pytestmark = pytest.mark.django_db


SUMS = (
    "answers", "promised", "kept", "calendar_seconds", "business_seconds", "handled",
    "handle_seconds",
)  # fmt: skip


def snapshot(shop):
    def rows(model, *fields):
        return sorted(model.objects.filter(shop=shop).values_list(*fields))

    return {
        "arrivals": rows(ArrivalHour, "day", "how", "opened", "follow_ups"),
        "channels": rows(ChannelDay, "day", "channel", "follow_up", "arrived", *SUMS),
        "agents": rows(AgentDay, "day", "agent_id", "team_id", *SUMS),
        "waits": rows(WaitDay, "day", "follow_up", "business", "bucket", "answers"),
        "agent_waits": rows(AgentWait, "day", "agent_id", "bucket", "answers"),
        "tags": rows(TagDay, "day", "tag_id", "opened", "answers", "promised", "kept"),
        "csat": rows(CsatDay, "day", "channel", "agent_id", "good", "bad"),
        "backlog": [
            (r[0], r[1], tuple(r[2]), r[3])
            for r in rows(BacklogDay, "day", "owed", "ages", "oldest_seconds")
        ],
    }


def test_the_known_cases_give_the_known_rows(known, shop, anna, bo):
    rollups.rebuild()
    monday = {r.agent_id: r for r in AgentDay.objects.filter(shop=shop, day=date(2026, 11, 23))}
    bos = monday[bo.pk]
    assert (bos.answers, bos.calendar_seconds, bos.business_seconds) == (1, 23 * 3600, 3600)
    annas = monday[anna.pk]
    assert annas.answers == 2
    assert annas.calendar_seconds == 2 * 3600 + 100 * 60
    assert (annas.handled, annas.handle_seconds) == (1, 600)
    channels = {
        (r.day, r.channel, r.follow_up): (r.arrived, r.answers, r.calendar_seconds)
        for r in ChannelDay.objects.filter(shop=shop)
    }
    assert channels == {
        (date(2026, 11, 22), "form", False): (1, 0, 0),  # B arrived on Sunday
        (date(2026, 11, 23), "form", False): (0, 1, 23 * 3600),  # answered on Monday
        (date(2026, 11, 23), "email", False): (2, 2, 2 * 3600 + 100 * 60),  # A and C
        # A's follow-up, answered in 30 min, and the comment of A's rating (a follow-up too)
        (date(2026, 11, 24), "email", True): (2, 1, 1800),
        (date(2026, 11, 25), "email", False): (1, 0, 0),  # D
    }
    arrivals = {
        (r.day, r.how): (r.opened, r.follow_ups) for r in ArrivalHour.objects.filter(shop=shop)
    }
    assert arrivals[(date(2026, 11, 23), 9)] == (2, 0)  # Monday 09–10
    assert arrivals[(date(2026, 11, 22), 6 * 24 + 10)] == (1, 0)  # Sunday 10
    assert arrivals[(date(2026, 11, 24), 24 + 10)] == (0, 1)
    waits = {
        (r.day, r.follow_up, r.business): (r.bucket, r.answers)
        for r in WaitDay.objects.filter(shop=shop, day=date(2026, 11, 24))
    }
    assert waits == {
        (date(2026, 11, 24), True, False): (3, 1),
        (date(2026, 11, 24), True, True): (3, 1),
    }
    assert sorted(
        AgentWait.objects.filter(shop=shop, agent_id=anna.pk).values_list("bucket", "answers")
    ) == [(3, 1), (7, 2)]  # 30 min (≤ 30 min); 1 h 40 min and 2 h (1.5–2 h)
    tag = TagDay.objects.get(shop=shop, day=date(2026, 11, 23))
    assert (tag.opened, tag.answers) == (1, 1)
    csat = {(r.day, r.channel): (r.good, r.bad) for r in CsatDay.objects.filter(shop=shop)}
    assert csat == {(date(2026, 11, 24), "email"): (1, 0), (date(2026, 11, 23), "form"): (0, 1)}
    today = BacklogDay.objects.get(shop=shop, day=date(2026, 11, 26))
    # D (21 h), A: its rating comment is a follow-up (Tue 12:00, 49 h) and B: a bad
    # rating reopens it (F1; Mon 12:00, 73 h).
    assert (today.owed, today.oldest_seconds, today.ages) == (3, 73 * 3600, [0, 1, 1, 1])
    sunday = BacklogDay.objects.get(shop=shop, day=date(2026, 11, 22))
    assert sunday.owed == 1  # B waited over the weekend night


def test_refresh_after_each_change_equals_a_rebuild(now, shop, anna, time_machine):
    """The worker's refresh runs between the changes; the result is the rebuild's."""
    time_machine.move_to(local(23, 8), tick=False)
    rollups.refresh()
    case = cases.open_case(shop, "email", inbound(local(23, 9)))
    time_machine.move_to(local(23, 10), tick=False)
    rollups.refresh()
    cases.reply(case, anna, "Svar", now=local(23, 10))
    time_machine.move_to(local(24, 9), tick=False)
    rollups.refresh()
    cases.add_inbound_message(case, inbound(local(24, 9)))
    other = cases.open_case(shop, "form", inbound(local(24, 9, 5), sender="x@example.se"))
    time_machine.move_to(local(25, 9), tick=False)
    rollups.refresh()
    cases.set_tags(case, ["leverans"], now=local(25, 9))  # counted back on Monday
    cases.reply(other, anna, "Svar", now=local(25, 9))
    # Arrived late: a message from yesterday, imported today.
    cases.open_case(shop, "email", inbound(local(24, 20), sender="late@example.se"))
    time_machine.move_to(local(25, 10), tick=False)
    rollups.refresh()
    incremental = snapshot(shop)
    rollups.rebuild()
    assert snapshot(shop) == incremental
    assert incremental["tags"][0][2] == 1  # Monday's arrival under the tag set on Wednesday
    assert incremental["backlog"][-1][1] == 2  # the follow-up and the late one


def test_refresh_reads_only_new_days(known, shop, time_machine):
    rollups.rebuild()
    time_machine.move_to(local(26, 14) + timedelta(minutes=30), tick=False)
    assert rollups.refresh() == 1  # nothing new: today only
