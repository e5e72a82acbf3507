"""The case page's controls apply inline (issue 16): tags save by htmx as the agent leaves
the field and answer with the undo toast; snooze is a menu of the usual times in the
shop's time zone (or a typed time); topic, like assignee and status, applies on change."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.workspace.snooze_choices import snooze_choices

pytestmark = pytest.mark.django_db
FRIDAY_15 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 15:00 in Stockholm


@pytest.fixture
def case(time_machine):
    time_machine.move_to(FRIDAY_15, tick=False)
    shop = ShopFactory(name="Nordljus")
    return open_email_case(shop, FRIDAY_15 - timedelta(hours=1))


@pytest.fixture
def logged_in(client, case):
    client.force_login(AgentFactory(shops=[case.shop], language="en"))
    return client


def test_tags_save_inline_and_answer_with_the_undo_toast(logged_in, case):
    url = reverse("cases:tags", args=[case.number])
    page = logged_in.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert f'hx-post="{url}" hx-trigger="change"' in page and 'id="undo-slot"' in page
    answer = logged_in.post(url, {"tags": "retur, faktura"}, HTTP_HX_REQUEST="true")
    text = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in text
    assert "undo-toast" in text and reverse("cases:undo", args=[case.number]) in text
    assert sorted(case.tags.values_list("name", flat=True)) == ["faktura", "retur"]
    assert 'id="case-tags" hx-swap-oob="true"' in text and '<span class="tag">retur</span>' in text
    emptied = logged_in.post(url, {"tags": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert '<span id="case-tags" hx-swap-oob="true"></span>' in emptied
    assert logged_in.post(url, {"tags": "retur"}).status_code == 302  # without scripts


def test_snooze_offers_the_usual_times_in_the_shops_time_zone(case):
    choices = snooze_choices(FRIDAY_15, case.shop.tz)
    assert [value for value, _label in choices] == [
        "2026-11-27T16:00:00+01:00",
        "2026-11-27T18:00:00+01:00",
        "2026-11-28T08:00:00+01:00",
        "2026-11-30T08:00:00+01:00",  # the coming Monday
        "2026-12-04T08:00:00+01:00",
    ]


def test_a_snooze_choice_or_a_typed_time_snoozes(logged_in, case):
    url = reverse("cases:snooze", args=[case.number])
    page = logged_in.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'value="2026-11-30T08:00:00+01:00"' in page and 'name="until_at"' in page
    logged_in.post(url, {"until": "2026-11-30T08:00:00+01:00", "until_at": ""})
    case.refresh_from_db()
    assert case.snoozed_until == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    logged_in.post(url, {"until": "", "until_at": "2026-12-01T09:30"})  # typed, shop's time
    case.refresh_from_db()
    assert case.snoozed_until == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    page = logged_in.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "selected disabled>Snoozed until" in page and ">Wake it now</option>" in page
    logged_in.post(url, {"until": ""})  # "Wake it now"
    case.refresh_from_db()
    assert case.snoozed_until is None


def test_topic_and_the_other_selects_apply_on_change(logged_in, case):
    page = logged_in.get(reverse("cases:detail", args=[case.number])).content.decode()
    for form in ('id="status"', 'id="language"', 'id="snooze"', 'id="tags"'):
        assert f"{form} data-autosubmit" in page
