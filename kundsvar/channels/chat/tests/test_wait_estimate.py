"""The wait a customer is shown (rule S5): from the agents online, the places they have,
the chats they are in and how long chats have recently taken — never a fixed label."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from .. import services, wait
from ..models import AgentStatus, Availability, Chat, ChatSettings, ChatState
from .factories import shop_with_agents, start

FIVE_MINUTES = (300.0,) * 10  # the shop's recent chats all took five minutes


def _load(agents, handles=FIVE_MINUTES, **kwargs):
    """`agents`: per agent online, the ages (seconds) of the chats they are in."""
    base = {"per_agent": 3, "pickup_seconds": 20, "gap_seconds": 0}
    return wait.Load(agents=tuple(tuple(a) for a in agents), handles=handles, **{**base, **kwargs})


def test_with_a_free_place_the_wait_is_the_pickup_time():  # S5
    load = _load([(60, 60), (60, 60, 60)])
    assert (load.places, load.active, load.free) == (6, 5, 1)
    assert wait.estimate(1, load) == 20
    assert wait.estimate(2, _load([(60,), (60, 60)])) == 20


def test_a_busy_place_frees_when_its_chat_is_through():  # S5
    # One agent, one chat at a time, in a chat for 100 s; chats take 300 s: the next
    # customer waits the 200 s left, the one after that a whole chat more.
    load = _load([(100,)], per_agent=1)
    assert wait.estimate(1, load) == pytest.approx(200)
    assert wait.estimate(2, load) == pytest.approx(500)
    # The agent's moment between chats counts for each chat taken from the queue.
    assert wait.estimate(2, _load([(100,)], per_agent=1, gap_seconds=10)) == pytest.approx(520)


def test_the_chats_being_served_free_places_in_the_order_they_end():  # S5
    # Two agents, two places each, all busy: chats 250, 100, 200 and 20 s in. They end
    # after 50, 200, 100 and 280 s: the queue is taken at 50, 100, 200, 280 s, and the
    # fifth when the first place taken from the queue frees (50 + 300).
    load = _load([(250, 100), (200, 20)], per_agent=2)
    waits = [wait.estimate(k, load) for k in range(1, 6)]
    assert waits == pytest.approx([50, 100, 200, 280, 350])


def test_which_chat_ends_first_is_chance_not_the_mean():  # S5
    # Recent chats took 100 s or 500 s, as many of each (a mean of 300 s). Two chats have
    # just begun in the two places: the first place frees at 100 s unless both are long
    # (one chance in four), so the next customer is told about 100 s, not 300 s.
    handles = (100.0, 500.0) * 5
    load = _load([(0,), (0,)], handles=handles, per_agent=1)
    assert wait.estimate(1, load) == pytest.approx(100)


def test_a_chat_that_has_run_long_has_less_left_of_the_longer_chats():  # S5
    # Chats took 100, 300 or 500 s. One 200 s in is one of the longer ones: 100 or 300 s
    # left, never the 100 s chats' minus 100.
    handles = (100.0, 300.0, 500.0) * 4
    lengths = wait._Lengths(handles)
    rng = random.Random(0)
    assert {round(lengths.left(200, rng)) for _ in range(200)} == {100, 300}
    # Longer than every recent chat: about what the longest had beyond the ones before.
    assert {round(lengths.left(900, rng)) for _ in range(200)} == {200}


def test_agents_away_give_no_places_and_a_handed_over_chat_fills_one():  # S5
    # Only the agents online count (load_for passes only theirs). One agent with a chat
    # handed over to her on top of her one place: her place frees when both have ended.
    load = _load([(200, 250)], per_agent=1)
    assert (load.places, load.free) == (1, 0)
    assert wait.estimate(1, load) == pytest.approx(100)


def test_before_the_shop_has_chats_the_lengths_are_five_minutes_on_average():
    load = _load([(0,)], handles=(), per_agent=1)
    assert 120 < wait.estimate(1, load) < 300  # the median of an exponential: 208 s
    assert load.handle_seconds == 300


def test_nobody_online_is_no_wait_at_all_but_the_offer_to_leave_a_message():
    assert wait.estimate(1, _load([])) is None
    assert wait.is_long(None, ChatSettings(long_wait_minutes=5)) is True


def test_the_same_state_always_shows_the_same_wait():
    handles = tuple(float(60 * i) for i in range(1, 11))
    agents = [(30, 90, 400), (10, 200, 250)]
    first = [wait.estimate(k, _load(agents, handles=handles)) for k in (1, 5, 9)]
    # Asked for the whole queue at once or one place at a time: the same answers.
    whole = _load(agents, handles=handles).waits(9)
    assert first == [whole[0], whole[4], whole[8]]
    assert first[0] < first[1] < first[2]


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
def test_the_load_comes_from_the_shop_now(now, time_machine):  # S5
    time_machine.move_to(now, tick=False)
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
    services.accept(start(shop), alice, now=now - timedelta(seconds=90))
    services.accept(start(shop), bo, now=now - timedelta(seconds=30))  # Bo is away
    load = wait.load_for(shop, now)
    assert (load.online, load.per_agent, load.active, load.free) == (2, 2, 1, 3)
    assert sorted(load.agents) == [(), (90.0,)]
    assert sorted(load.handles) == [240, 360]
    assert load.handle_seconds == pytest.approx(300)


@pytest.mark.django_db
def test_the_wait_counts_down_as_the_chats_in_conversation_run(now, time_machine):  # S5
    time_machine.move_to(now, tick=False)
    shop, (alice,) = shop_with_agents(1)
    ChatSettings.objects.create(shop=shop, chats_per_agent=1)
    for _ in range(6):  # the recent chats: five minutes each
        chat = start(shop)
        Chat.objects.filter(pk=chat.pk).update(
            state=ChatState.ENDED,
            started_at=now - timedelta(minutes=30, seconds=10),  # taken in 10 s
            accepted_at=now - timedelta(minutes=30),
            ended_at=now - timedelta(minutes=25),
        )
    services.accept(start(shop), alice, now=now)
    time_machine.move_to(now + timedelta(minutes=2))
    services.set_availability(alice, Availability.ONLINE)  # her inbox is still open
    later = now + timedelta(minutes=2)
    assert wait.estimate(1, wait.load_for(shop, later)) == pytest.approx(180 + 10)
    waiting = start(shop, now=later)
    assert waiting.shown_position == 1 and waiting.shown_free == 0
    assert waiting.shown_wait_seconds == pytest.approx(180 + 10)


@pytest.mark.django_db
def test_an_agents_moment_between_chats_is_measured_on_the_chats_that_waited(now):  # S5
    shop, (alice,) = shop_with_agents(1)
    for i in range(7):
        # Alice took each chat 240 s after the one before and was 200 s in each; each
        # customer came while she was in the chat before: 40 s from her end to the next.
        accepted = now - timedelta(minutes=40) + timedelta(seconds=240 * i)
        chat = start(shop)
        Chat.objects.filter(pk=chat.pk).update(
            state=ChatState.ENDED,
            agent=alice,
            started_at=accepted - timedelta(seconds=90),
            accepted_at=accepted,
            ended_at=accepted + timedelta(seconds=200),
        )
    ended = wait.recent_handles(shop, now)
    taken = wait.recently_taken(shop, now)
    assert wait.gaps(taken, ended) == pytest.approx([40] * 6)
    assert wait.load_for(shop, now).gaps == pytest.approx((40,) * 6)


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


@pytest.mark.django_db
def test_the_places_and_free_places_a_chat_found_are_kept(now):
    shop, _agents = shop_with_agents(2)
    ChatSettings.objects.create(shop=shop, chats_per_agent=1)
    first, second, third = start(shop), start(shop), start(shop)
    assert [(c.shown_places, c.shown_free) for c in (first, second, third)] == [(2, 2)] * 3
    assert [c.shown_position for c in (first, second, third)] == [1, 2, 3]
    taken = wait.recently_taken(shop, now)
    assert taken == []  # none taken yet


def test_the_pickup_is_how_quickly_agents_take_a_chat_lately():  # S5
    # Early in the day agents took a free chat in 5 s; lately, busier, in 30 s.
    early = [_taken(i * 30, 5, position=1, free=2) for i in range(40)]
    lately = [_taken(2000 + i * 30, 30, position=1, free=2) for i in range(wait.PICKUP_CHATS)]
    assert wait.pickup_seconds(early + lately) == pytest.approx(30)


def test_slow_turns_between_chats_count_with_their_spread():  # S5
    # One place, its chat 100 s from its end. Agents took the next chat 10 s after an
    # end four times in five, and once 210 s: 50 s on average, 10 s in the median.
    # Position 8 waits for eight turns: in most runs one or more of them is slow.
    fast = _load([(200,)], per_agent=1, gap_seconds=None, gaps=(10.0,) * 5)
    spread = _load([(200,)], per_agent=1, gap_seconds=None, gaps=(10.0,) * 4 + (210.0,))
    assert wait.estimate(1, fast) == pytest.approx(110)
    assert wait.estimate(3, fast) == pytest.approx(100 + 10 + 300 + 10 + 300 + 10)
    assert wait.estimate(8, spread) >= wait.estimate(8, fast) + 200


def test_chats_still_running_long_tell_that_chats_take_longer_now():  # S5
    # Ten chats ended after 300 s; ten more have run 600 s and go on. Half the chats
    # are longer than the ended ones say: a new chat takes 300 s or, like the long
    # ones, more than 600 s (as much more as the longest ended had: 300 s).
    rng = random.Random(0)
    ended_only = wait._Lengths((300.0,) * 10)
    assert {ended_only.whole(rng) for _ in range(100)} == {300}
    with_running = wait._Lengths((300.0,) * 10, running=(600.0,) * 10)
    draws = [with_running.whole(rng) for _ in range(400)]
    assert set(draws) == {300, 900}
    assert 0.4 < draws.count(900) / len(draws) < 0.6
    assert {with_running.left(600, rng) for _ in range(50)} == {300}
    # The estimate takes them from the chats the agents online are in.
    ten = _load([(600.0,)] * 10, per_agent=1)
    assert wait.estimate(10, ten) == pytest.approx(300)  # each has about 300 s left
    assert wait.estimate(11, ten) == pytest.approx(300 + 300)  # then a chat of 300 s
