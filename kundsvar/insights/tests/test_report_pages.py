"""The report pages compute their figures from known cases (conftest.known), every
table has its CSV, other shops' admins get 404, and every link leads the queue to
exactly the cases counted."""

import csv
import io
import re
from datetime import date

import pytest
from django.http import QueryDict

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases.queries import Filters, queue
from kundsvar.insights import pages, rollups
from kundsvar.insights.reports import Period, Report, age_labels
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
WEEK = "?period=custom&start=2026-11-22&end=2026-11-26"


@pytest.fixture
def built(known):
    rollups.rebuild()
    return known


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def csv_rows(client, url, table):
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}format=csv&table={table}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_overview_figures(client, owner, built):
    client.force_login(owner)
    html = page(client, f"/insights/reports/nordljus/{WEEK}")
    assert "<svg" in html and "<title" in html and "<desc" in html
    # 4 new questions (A, B, C, D), 5 answers, all promises kept, 1 of 2 ratings good.
    for label, value in [
        ("New questions", "4"), ("Answers", "4"), ("Promise kept", "100 %"),
        ("Satisfaction (CSAT)", "50 %"), ("Owed an answer now", "3"),
    ]:  # fmt: skip
        assert re.search(
            rf"{re.escape(label)}</span>\s*<span class=\"value\"><a [^>]+>{re.escape(value)}<", html
        ), label


def test_answer_times(client, owner, built):
    client.force_login(owner)
    rows = csv_rows(client, f"/insights/reports/nordljus/answer-times/{WEEK}", "first_summary")
    # First answers: 1 h 40 min (C), 2 h (A), 23 h (B); the median bucket is 1.5–2 h.
    assert rows[0] == ["Figure", "Calendar hours", "Business hours"]
    assert rows[1][0] == "Median" and 1.5 <= float(rows[1][1]) <= 2
    assert rows[3] == ["Mean", "8.9", "1.6"]  # (100 + 120 + 1380) / 3 min; (100 + 120 + 60) / 3
    follow = csv_rows(
        client, f"/insights/reports/nordljus/answer-times/{WEEK}", "follow_up_summary"
    )
    assert follow[3] == ["Mean", "0.5", "0.5"]


def test_promise_and_volume_tables(client, owner, built):
    client.force_login(owner)
    rows = csv_rows(client, f"/insights/reports/nordljus/promise/{WEEK}", "kept_channel")
    assert rows[1:] == [["Email", "3", "3", "3", "100", ""], ["Web form", "1", "1", "1", "100", ""]]
    topic = csv_rows(client, f"/insights/reports/nordljus/promise/{WEEK}", "kept_topic")
    assert topic[1] == ["retur", "1", "1", "100"]
    vol = csv_rows(client, f"/insights/reports/nordljus/volume/{WEEK}", "volume_channel")
    assert vol[1:] == [["Email", "3", "0"], ["Web form", "1", "0"]]
    heat = csv_rows(client, f"/insights/reports/nordljus/volume/{WEEK}", "heatmap")
    assert heat[1][1 + 9] == "2" and heat[7][1 + 10] == "1"  # Monday 09, Sunday 10


def test_agents_page_is_for_admins(client, owner, anna, built):
    client.force_login(owner)
    rows = csv_rows(client, f"/insights/reports/nordljus/agents/{WEEK}", "agents")
    anna_row = next(r for r in rows if r[0] == "Anna")
    assert anna_row[:3] == ["Anna", "3", "10.0"]
    assert anna_row[5:] == ["100", "1"]
    client.force_login(anna)
    assert client.get(f"/insights/reports/nordljus/agents/{WEEK}").status_code == 403
    assert client.get(f"/insights/reports/nordljus/{WEEK}").status_code == 200  # team figures


def test_another_shops_admin_gets_404(client, built):
    other = ShopFactory(slug="annan")
    admin = AgentFactory(username="other-admin")
    Membership.objects.create(agent=admin, shop=other, role=Role.ADMIN)
    client.force_login(admin)
    for path in ["", "answer-times/", "promise/", "volume/", "backlog/", "agents/"]:
        assert client.get(f"/insights/reports/nordljus/{path}").status_code == 404
        assert (
            client.get(f"/insights/reports/nordljus/{path}?format=csv&table=x").status_code == 404
        )


def _counts_behind(report):
    """(count, href) for every linked count in every table of every page (not the
    percentages: their link leads to the broken promises or the bad ratings)."""
    built_pages = [pages.dashboard(report)[0], *(build(report) for build in pages.PAGES.values())]
    for built_page in built_pages:
        for table in built_page.tables:
            for row in table.rows:
                for header, cell in zip(table.headers, row, strict=True):
                    if (
                        cell.href
                        and "%" not in header
                        and isinstance(cell.value, int)
                        and cell.value
                    ):
                        yield cell.value, cell.href


def test_every_linked_count_is_exactly_its_cases(owner, shop, built):
    """A linked count of new questions (per channel, hour, tag) or of the backlog
    filters the queue to exactly that many cases. Counts of messages (follow-ups,
    answers, ratings) lead to the cases they belong to: at least one, never more."""
    report = Report(shop, Period(date(2026, 11, 22), date(2026, 11, 26), "custom"))
    checked = 0
    for count, href in _counts_behind(report):
        query = href.split("?", 1)[1]
        found = queue(owner, "open", Filters.from_query(QueryDict(query))).count()
        if "event=opened" in href or "owed_at=" in href:
            assert found == count, href
        else:
            assert 0 < found <= count, href
        checked += 1
    assert checked > 30


def test_the_broken_promises_link(owner, shop, anna, now):
    """An answer after its promise: the kept % links to exactly that case."""
    from kundsvar.cases import services as cases

    from .conftest import inbound, local

    late = cases.open_case(shop, "email", inbound(local(23, 9), sender="late@example.se"))
    cases.reply(late, anna, "Förlåt dröjsmålet", now=local(25, 9))
    on_time = cases.open_case(shop, "email", inbound(local(23, 9), sender="ok@example.se"))
    cases.reply(on_time, anna, "Svar", now=local(23, 10))
    rollups.rebuild()
    report = Report(shop, Period(date(2026, 11, 22), date(2026, 11, 26), "custom"))
    table = pages.promise(report).table("kept_channel")
    email = table.rows[0]
    assert [str(c) for c in email[1:]] == ["2", "2", "1", "50", ""]
    found = queue(owner, "open", Filters.from_query(QueryDict(email[4].href.split("?")[1])))
    assert list(found) == [late]


# The same words in both languages, and the backlog's ages (numbers and units).
SAME_IN_SWEDISH = {"Median", "Team", "Per team", "CSAT %", "n", *age_labels()}


def _texts(report) -> set[str]:
    found = set()
    for built_page in [pages.dashboard(report)[0], *(b(report) for b in pages.PAGES.values())]:
        found.add(built_page.title)
        found.update(built_page.notes)
        for table in built_page.tables:
            found.add(table.caption)
            found.update(table.headers)
        for card in pages.figures(report):
            found.add(str(card["label"]))
    return {t for t in found if not t.isdigit()}


def test_every_report_text_is_in_swedish(shop, built):
    """The agent UI is translated (sv, en): no caption, header, note or card label of
    any report stays English for a Swedish-speaking owner."""
    from django.utils import translation

    report = Report(shop, Period(date(2026, 11, 22), date(2026, 11, 26), "custom"))
    with translation.override("en"):
        english = _texts(report)
    with translation.override("sv"):
        swedish = _texts(report)
    assert "Nya frågor" in swedish and "Svarstider" in swedish
    assert english & swedish <= SAME_IN_SWEDISH, english & swedish


def test_the_overview_in_swedish(client, anna, built):
    client.force_login(anna)  # language sv
    html = page(client, f"/insights/reports/nordljus/{WEEK}")
    for text in ["Översikt", "Nya frågor", "Löftet hållet", "Väntande ärenden", "jämfört med"]:
        assert text in html, text
