"""The shifts settings page: the owner edits each agent's weekly shifts and exceptions
(the forecast of the promise reads them, A4); other shops' agents get 404."""

from datetime import date, time

import pytest

from kundsvar.accounts.models import Membership, Role
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.staffing.models import Shift, ShiftException, StaffingSettings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory(slug="nat")


@pytest.fixture
def admin(shop):
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    return agent


def test_the_owner_adds_a_shift_an_exception_and_settings(client, shop, admin):  # A4
    worker = AgentFactory(shops=[shop], first_name="Bo")
    client.force_login(admin)
    response = client.post(
        "/settings/nat/shifts/",
        {
            "action": "shift",
            "shift-agent": worker.pk,
            "shift-weekday": 0,
            "shift-start": "08:00",
            "shift-end": "16:00",
            "shift-channels": ["email", "form"],
            "shift-languages": ["sv"],
        },
    )
    assert response.status_code == 302
    shift = Shift.objects.get(shop=shop)
    assert (shift.agent, shift.weekday, shift.start, shift.end) == (worker, 0, time(8), time(16))
    assert shift.channels == ["email", "form"] and shift.languages == ["sv"]
    client.post(
        "/settings/nat/shifts/",
        {"action": "exception", "exception-agent": worker.pk, "exception-date": "2099-11-27"},
    )
    assert ShiftException.objects.get(shop=shop).date == date(2099, 11, 27)
    page = client.get("/settings/nat/shifts/").content.decode()
    assert "08:00" in page and "2099-11-27" in page
    client.post(
        "/settings/nat/shifts/",
        {
            "action": "settings",
            "settings-chat_answer_seconds": 30,
            "settings-chat_share": 80,
            "settings-phone_answer_seconds": 20,
            "settings-phone_share": 80,
            "settings-black_friday_factor": "3.5",
            "settings-christmas_factor": "1.5",
            "settings-mellandagsrea_factor": "2",
        },
    )
    saved = StaffingSettings.objects.get(shop=shop)
    assert saved.delay_notice is False and saved.chat_answer_seconds == 30


def test_a_shift_ends_after_it_starts(client, shop, admin):
    worker = AgentFactory(shops=[shop])
    client.force_login(admin)
    response = client.post(
        "/settings/nat/shifts/",
        {
            "action": "shift",
            "shift-agent": worker.pk,
            "shift-weekday": 0,
            "shift-start": "16:00",
            "shift-end": "08:00",
        },
    )
    assert response.status_code == 200
    assert not Shift.objects.exists()


def test_another_shops_agent_gets_404_and_cannot_be_scheduled(client, shop, admin):
    other = ShopFactory(slug="annan")
    stranger = AgentFactory(shops=[other])
    client.force_login(stranger)
    assert client.get("/settings/nat/shifts/").status_code == 404
    client.force_login(admin)
    response = client.post(
        "/settings/nat/shifts/",
        {
            "action": "shift",
            "shift-agent": stranger.pk,
            "shift-weekday": 0,
            "shift-start": "08:00",
            "shift-end": "16:00",
        },
    )
    assert response.status_code == 200 and not Shift.objects.exists()
