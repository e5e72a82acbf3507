"""The wait a customer is shown (rule S5): from the agents online, the places they have,
the chats they are in and how long chats have recently taken — never a fixed label."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from .. import services, wait
from ..models import AgentStatus, Availability, Chat, ChatSettings, ChatState
from .factories import shop_with_agents, start


def _load(**kwargs):
    base = {"online": 2, "per_agent": 3, "active": 6, "handle_seconds": 240, "pickup_seconds": 20}
    return wait.Load(**{**base, **kwargs})


def test_with_a_free_place_the_wait_is_the_pickup_time():
    assert wait.estimate(1, _load(active=5)) == 20
    assert wait.estimate(2, _load(active=4)) == 20


def test_beyond_the_free_places_each_chat_waits_for_a_place_to_free_up():
    # Six places, all busy, four minutes a chat: a place frees every 40 s.
    assert wait.estimate(1, _load()) == 20 + 40
    assert wait.estimate(3, _load()) == 20 + 120
    # A third agent online: three free places, the third customer is next in line.
    assert wait.estimate(3, _load(online=3)) == 20
    # Nine places, all busy: the seventh in the queue waits for seven to free up.
    assert wait.estimate(7, _load(online=3, active=9)) == pytest.approx(20 + 7 * 240 / 9)


def test_nobody_online_is_no_wait_at_all_but_the_offer_to_leave_a_message():
    assert wait.estimate(1, _load(online=0)) is None
    assert wait.is_long(None, ChatSettings(long_wait_minutes=5)) is True


def test_a_long_wait_is_the_shops_setting():
    settings = ChatSettings(long_wait_minutes=5)
    assert wait.is_long(299, settings) is False
    assert wait.is_long(300, settings) is True


@pytest.mark.parametrize(
    ("language", "seconds", "text"),
    [
        ("sv", 240, "Du är nummer 3 i kön – ungefär 4 minuter"),
        ("sv", 70, "Du är nummer 3 i kön – ungefär 1 minut"),
        ("sv", 30, "Du är nummer 3 i kön – mindre än en minut"),
        ("nb", 240, "Du er nummer 3 i køen – omtrent 4 minutter"),
        ("da", 240, "Du er nummer 3 i køen – cirka 4 minutter"),
        ("en", 240, "You are number 3 in the queue – about 4 minutes"),
    ],
)
def test_the_wait_in_words_in_the_customers_language(language, seconds, text):  # S5, R7
    with translation.override(language):
        assert wait.wait_text(3, seconds) == text


@pytest.mark.django_db
def test_the_load_comes_from_the_shop_now(now):
    shop, (alice, bo, _carl) = shop_with_agents(3)
    AgentStatus.objects.filter(agent=bo).update(availability=Availability.AWAY)
    ChatSettings.objects.create(shop=shop, chats_per_agent=2)
    for minutes in (4, 6):  # two chats of the last hour: five minutes on average
        chat = start(shop)
        Chat.objects.filter(pk=chat.pk).update(
            state=ChatState.ENDED,
            started_at=now - timedelta(minutes=30),
            accepted_at=now - timedelta(minutes=20),
            ended_at=now - timedelta(minutes=20 - minutes),
        )
    services.accept(start(shop), alice)
    load = wait.load_for(shop, now)
    assert (load.online, load.per_agent, load.active) == (2, 2, 1)
    assert load.handle_seconds == pytest.approx(300)


@pytest.mark.django_db
def test_an_agent_whose_inbox_closed_is_not_counted_online(now, time_machine):
    shop, _agents = shop_with_agents(1)
    assert wait.agents_online(shop, now) == 1
    time_machine.shift(timedelta(minutes=3))  # no "still here" for three minutes
    assert wait.agents_online(shop, now + timedelta(minutes=3)) == 0


@pytest.mark.django_db
def test_the_queue_is_first_come_first_served_and_the_shown_wait_is_kept(now):  # S5
    shop, _agents = shop_with_agents(1)
    ChatSettings.objects.create(shop=shop, chats_per_agent=1)
    first, second, third = start(shop), start(shop), start(shop)
    assert [c.shown_position for c in (first, second, third)] == [1, 2, 3]
    assert first.shown_wait_seconds < second.shown_wait_seconds < third.shown_wait_seconds
    state = services.queue_state(Chat.objects.get(pk=third.pk))
    assert state["position"] == 3 and "nummer 3 i kön" in state["text"]


def _taken(at, waited, *, position, free, places=6):
    """A chat taken `at` seconds into the hour after waiting `waited` seconds."""
    base = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    accepted = base + timedelta(seconds=at)
    return wait.Taken(accepted - timedelta(seconds=waited), accepted, position, places, free)


def test_a_queues_waits_are_not_taken_for_the_pickup_time():  # S5
    # Six chats found a place and were taken in about 10 s; then a queue formed and the
    # queued chats waited minutes. The pickup stays what a free place costs.
    found = [_taken(i * 30, 10 + i % 3, position=1, free=2) for i in range(6)]
    queued = [_taken(200 + i * 20, 300, position=3, free=0) for i in range(10)]
    assert wait.pickup_seconds(found + queued) == pytest.approx(11)


def test_a_place_turn_is_measured_on_the_chats_that_queued():  # S5
    # Six places; a queued chat was taken every 30 s: a place turns every 180 s, although
    # the chats themselves took 120 s (the agents' time between chats counts too).
    queued = [_taken(i * 30, 200, position=2, free=0) for i in range(8)]
    assert wait.cycle_seconds(queued) == pytest.approx(180)
    load = _load(handle_seconds=120, cycle_seconds=wait.cycle_seconds(queued))
    assert wait.estimate(3, load) == pytest.approx(20 + 3 * 180 / 6)
    # Twice the agents online now: the same turn, twice the places, half the wait.
    assert wait.estimate(3, _load(online=4, active=12, cycle_seconds=180)) == pytest.approx(
        20 + 3 * 180 / 12
    )


def test_before_chats_have_queued_the_turn_is_the_mean_chat_length():
    found = [_taken(i * 30, 5, position=1, free=3) for i in range(8)]
    assert wait.cycle_seconds(found) is None
    assert _load(handle_seconds=240).turn == 240
    # Chats that waited only for a free agent's pickup measure no turn either.
    arrived_after = [_taken(i * 300, 20, position=2, free=0) for i in range(8)]
    assert wait.cycle_seconds(arrived_after) is None


@pytest.mark.django_db
def test_the_places_and_free_places_a_chat_found_are_kept(now):
    shop, _agents = shop_with_agents(2)
    ChatSettings.objects.create(shop=shop, chats_per_agent=1)
    first, second, third = start(shop), start(shop), start(shop)
    assert [(c.shown_places, c.shown_free) for c in (first, second, third)] == [(2, 2)] * 3
    assert [c.shown_position for c in (first, second, third)] == [1, 2, 3]
    taken = wait.recently_taken(shop, now)
    assert taken == []  # none taken yet
