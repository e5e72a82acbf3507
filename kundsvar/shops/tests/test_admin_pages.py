"""The shop owner's settings pages under /settings/: who may open them, and what they save.

Named actors: alice runs the shop (admin), bob answers its cases (agent), charlie works
for another shop, and the superuser sees every shop.
"""

from datetime import date, datetime, time

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kundsvar.accounts.models import Agent, Membership, Role, Team
from kundsvar.cases.models import SavedReply
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.models import OpeningHours, Shop, SpecialDay
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.sla.models import ResponsePolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(slug="nordljus", name="Nordljus", email="kundtjanst@nordljus.example")


@pytest.fixture
def alice(shop):
    agent = AgentFactory(username="alice", first_name="Alice")
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    return agent


@pytest.fixture
def bob(shop):
    return AgentFactory(username="bob", first_name="Bob", shops=[shop])


@pytest.fixture
def charlie():
    other = ShopFactory(slug="fjallvind")
    agent = AgentFactory(username="charlie", first_name="Charlie")
    Membership.objects.create(agent=agent, shop=other, role=Role.ADMIN)
    return agent


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(name, shop, *args):
    return reverse(f"settings:{name}", args=[shop.slug, *args])


def _pages(shop):
    """Every settings page, with whatever each needs to exist."""
    policy = ResponsePolicy.objects.create(
        shop=shop, channel="chat", first_response_minutes=30, follow_up_minutes=10
    )
    team = Team.objects.create(shop=shop, name="Returer")
    reply = SavedReply.objects.create(shop=shop, title="Leveranstid", body="Hej!")
    return [
        _url("profile", shop),
        _url("hours", shop),
        _url("special_days", shop),
        _url("policies", shop),
        _url("policy_new", shop),
        _url("policy_edit", shop, policy.pk),
        _url("members", shop),
        _url("member_new", shop),
        _url("teams", shop),
        _url("team_new", shop),
        _url("team_edit", shop, team.pk),
        _url("saved_replies", shop),
        _url("saved_reply_new", shop),
        _url("saved_reply_edit", shop, reply.pk),
    ]


def _post_only(shop, alice):
    membership = Membership.objects.get(agent=alice, shop=shop)
    day = SpecialDay.objects.create(shop=shop, date=date(2030, 1, 2))
    policy = ResponsePolicy.objects.create(shop=shop, channel="phone")
    team = Team.objects.create(shop=shop, name="Norge")
    reply = SavedReply.objects.create(shop=shop, title="Retur", body="Hej!")
    return [
        _url("special_day_delete", shop, day.pk),
        _url("policy_delete", shop, policy.pk),
        _url("member_role", shop, membership.pk),
        _url("member_remove", shop, membership.pk),
        _url("team_delete", shop, team.pk),
        _url("saved_reply_delete", shop, reply.pk),
    ]


# -- who may open them ---------------------------------------------------------------------


def test_the_shop_admin_opens_every_settings_page(as_alice, shop):
    for url in _pages(shop):
        assert as_alice.get(url).status_code == 200, url


def test_a_superuser_opens_every_shops_settings(client, shop):
    client.force_login(Agent.objects.create_superuser("root", "root@example.se", "pw"))
    for url in _pages(shop):
        assert client.get(url).status_code == 200, url


def test_an_agent_of_the_shop_gets_403_everywhere(client, shop, alice, bob):
    client.force_login(bob)
    for url in _pages(shop):
        assert client.get(url).status_code == 403, url
    for url in _post_only(shop, alice):
        assert client.post(url).status_code == 403, url
    assert client.get(reverse("settings:index")).status_code == 403
    assert Membership.objects.filter(shop=shop).count() == 2
    assert Team.objects.filter(shop=shop).count() == 2


def test_an_admin_of_another_shop_gets_404_everywhere(client, shop, alice, charlie):
    client.force_login(charlie)
    for url in _pages(shop):
        assert client.get(url).status_code == 404, url
    for url in _post_only(shop, alice):
        assert client.post(url).status_code == 404, url
    assert client.post(_url("profile", shop), {"name": "Kapad"}).status_code == 404
    assert Shop.objects.get(pk=shop.pk).name == "Nordljus"


def test_nobody_logged_in_is_sent_to_the_login_page(client, shop, alice):
    for url in [*_pages(shop), reverse("settings:index")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url in _post_only(shop, alice):
        assert client.post(url).status_code == 302, url


def test_the_settings_index_leads_to_the_admins_shop(as_alice, shop):
    response = as_alice.get(reverse("settings:index"))
    assert response.status_code == 302 and response["Location"] == _url("profile", shop)


def test_an_agent_who_runs_no_shop_is_told_so(client, bob):
    client.force_login(bob)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("settings:index"))
    assert response.status_code == 403
    assert "Only a shop's administrators" in response.content.decode()


def test_a_superuser_chooses_among_the_shops(client, shop, charlie):
    client.force_login(Agent.objects.create_superuser("root", "root@example.se", "pw"))
    page = client.get(reverse("settings:index")).content.decode()
    assert _url("profile", shop) in page and "/settings/fjallvind/" in page


def test_unknown_shops_are_404_even_for_superusers(client):
    client.force_login(Agent.objects.create_superuser("root", "root@example.se", "pw"))
    assert client.get(reverse("settings:profile", args=["finns-inte"])).status_code == 404


# -- shop profile ----------------------------------------------------------------------------


def _profile(**changes):
    data = {
        "name": "Nordljus",
        "email": "kundtjanst@nordljus.example",
        "phone": "020-12 34 56",
        "phone_is_free": "on",
        "country": "SE",
        "time_zone": "Europe/Stockholm",
        "language": "sv",
        "languages": ["en", "nb"],
        "website": "https://nordljus.example",
    }
    data.update(changes)
    return data


def test_the_admin_saves_the_shop_profile(as_alice, shop):
    response = as_alice.post(_url("profile", shop), _profile(name="Nordljus AB"))
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.phone, shop.phone_is_free) == ("Nordljus AB", "020-12 34 56", True)
    assert sorted(shop.languages) == ["en", "nb"]
    assert shop.slug == "nordljus"  # not editable: it is in every URL


def test_a_noreply_sender_address_is_refused(as_alice, shop):  # A3
    response = as_alice.post(_url("profile", shop), _profile(email="noreply@nordljus.example"))
    assert response.status_code == 200
    assert "tells customers not to reply" in response.content.decode()
    shop.refresh_from_db()
    assert shop.email == "kundtjanst@nordljus.example"


def test_an_unknown_time_zone_is_refused(as_alice, shop):
    response = as_alice.post(_url("profile", shop), _profile(time_zone="Europe/Ingenstans"))
    assert response.status_code == 200
    shop.refresh_from_db()
    assert shop.time_zone == "Europe/Stockholm"


# -- opening hours -----------------------------------------------------------------------------


def _hours(*rows, delete=()):
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for n, (weekday, opens, closes) in enumerate(rows):
        data.update(
            {f"hours-{n}-weekday": weekday, f"hours-{n}-opens": opens, f"hours-{n}-closes": closes}
        )
        if n in delete:
            data[f"hours-{n}-DELETE"] = "on"
    return data


def test_opening_hours_with_split_days_are_saved(as_alice, shop):
    page = as_alice.get(_url("hours", shop)).content.decode()
    assert 'value="08:00"' in page  # the factory's Mon–Fri 08–17, in the form
    response = as_alice.post(
        _url("hours", shop),
        _hours(
            (0, "08:00", "12:00"),
            (0, "13:00", "17:00"),
            (5, "10:00", "14:00"),
            ("", "", ""),
            (2, "08:00", "17:00"),
            delete={4},
        ),
    )
    assert response.status_code == 302
    saved = [(h.weekday, h.opens, h.closes) for h in OpeningHours.objects.filter(shop=shop)]
    assert saved == [(0, time(8), time(12)), (0, time(13), time(17)), (5, time(10), time(14))]


def test_overlapping_or_backwards_periods_are_refused(as_alice, shop):
    response = as_alice.post(
        _url("hours", shop), _hours((0, "08:00", "12:00"), (0, "11:00", "17:00"))
    )
    assert response.status_code == 200 and "overlap" in response.content.decode()
    response = as_alice.post(_url("hours", shop), _hours((1, "17:00", "08:00")))
    assert response.status_code == 200 and "close after it opens" in response.content.decode()
    response = as_alice.post(_url("hours", shop), _hours((1, "08:00", "")))
    assert response.status_code == 200 and "or leave the row empty" in response.content.decode()
    assert OpeningHours.objects.filter(shop=shop).count() == 5  # unchanged


# -- special days and holidays ------------------------------------------------------------------


@time_machine.travel(datetime(2025, 11, 20, 10, tzinfo=timezone.get_fixed_timezone(60)))
def test_the_owner_opens_on_julafton_and_sees_the_coming_holidays(as_alice, shop):
    response = as_alice.post(
        _url("special_days", shop),
        {"date": "2025-12-24", "opens": "09:00", "closes": "12:00", "note": "Julafton"},
    )
    assert response.status_code == 302
    day = SpecialDay.objects.get(shop=shop)
    assert (day.date, day.closed, day.opens, day.closes) == (
        date(2025, 12, 24),
        False,
        time(9),
        time(12),
    )
    page = as_alice.get(_url("special_days", shop)).content.decode()
    assert "Christmas Eve" in page and "Midsummer Eve" in page  # SE, within 12 months
    assert "Open 09:00–12:00" in page
    assert "Epiphany" in page and "Good Friday" in page


def test_a_date_given_again_replaces_it_and_can_be_removed(as_alice, shop):
    as_alice.post(
        _url("special_days", shop), {"date": "2030-01-02", "closed": "on", "note": "Inventering"}
    )
    as_alice.post(
        _url("special_days", shop), {"date": "2030-01-02", "opens": "10:00", "closes": "15:00"}
    )
    day = SpecialDay.objects.get(shop=shop)
    assert not day.closed and day.opens == time(10)
    response = as_alice.post(_url("special_day_delete", shop, day.pk))
    assert response.status_code == 302
    assert not SpecialDay.objects.filter(shop=shop).exists()


def test_an_open_special_day_needs_its_hours(as_alice, shop):
    response = as_alice.post(_url("special_days", shop), {"date": "2030-01-02"})
    assert response.status_code == 200 and "Give the hours" in response.content.decode()
    assert not SpecialDay.objects.exists()


# -- response-time policies ----------------------------------------------------------------------


def _policy(**changes):
    data = {
        "channel": "email",
        "first_response": "4:00",
        "follow_up": "2:00",
        "ceiling": "24:00",
        "override_reason": "",
    }
    data.update(changes)
    return data


def test_the_policy_pages_show_the_s1_guidance(as_alice, shop):  # S1
    for url in [_url("policies", shop), _url("policy_new", shop)]:
        page = as_alice.get(url).content.decode()
        assert "Under 2 hours is very good and under 6 hours acceptable" in page


def test_a_policy_is_saved_in_hours_and_minutes(as_alice, shop):
    response = as_alice.post(
        _url("policy_new", shop), _policy(first_response="1:30", follow_up="0:45")
    )
    assert response.status_code == 302
    policy = ResponsePolicy.objects.get(shop=shop)
    assert (
        policy.channel,
        policy.first_response_minutes,
        policy.follow_up_minutes,
        policy.ceiling_minutes,
    ) == ("email", 90, 45, 1440)
    assert 'value="1:30"' in as_alice.get(_url("policy_edit", shop, policy.pk)).content.decode()


def test_a_49_hour_promise_needs_the_override_and_a_reason(as_alice, shop):  # S1
    url = _url("policy_new", shop)
    response = as_alice.post(url, _policy(first_response="49:00", ceiling="72:00"))
    assert response.status_code == 200
    assert "A promise over 48 hours loses the customer" in response.content.decode()
    response = as_alice.post(
        url, _policy(first_response="49:00", ceiling="72:00", override_over_48h="on")
    )
    assert response.status_code == 200
    assert "Say why the override is needed." in response.content.decode()
    assert not ResponsePolicy.objects.exists()
    response = as_alice.post(
        url,
        _policy(
            first_response="49:00",
            ceiling="72:00",
            override_over_48h="on",
            override_reason="Inventering vecka 2",
        ),
    )
    assert response.status_code == 302
    policy = ResponsePolicy.objects.get(shop=shop)
    assert policy.flagged_by_audit and policy.override_reason == "Inventering vecka 2"
    assert "over 48 hours" in as_alice.get(_url("policies", shop)).content.decode()


def test_a_follow_up_slower_than_a_first_answer_is_refused(as_alice, shop):  # S3
    response = as_alice.post(
        _url("policy_new", shop), _policy(first_response="1:00", follow_up="3:00")
    )
    assert response.status_code == 200
    assert "must not wait longer than a first question" in response.content.decode()


def test_one_policy_per_channel(as_alice, shop):
    ResponsePolicy.objects.create(shop=shop, channel="email")
    response = as_alice.post(_url("policy_new", shop), _policy())
    assert response.status_code == 200 and "already has a policy" in response.content.decode()
    assert ResponsePolicy.objects.count() == 1


def test_a_policy_is_changed_and_removed(as_alice, shop):
    policy = ResponsePolicy.objects.create(shop=shop, channel="")
    response = as_alice.post(
        _url("policy_edit", shop, policy.pk), _policy(channel="", first_response="3")
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.first_response_minutes == 180
    as_alice.post(_url("policy_delete", shop, policy.pk))
    assert not ResponsePolicy.objects.exists()


def test_durations_must_be_hours_and_minutes(as_alice, shop):
    response = as_alice.post(_url("policy_new", shop), _policy(first_response="fem dagar"))
    assert response.status_code == 200 and "Write hours and minutes" in response.content.decode()


# -- agents ---------------------------------------------------------------------------------------


def _new_agent(**changes):
    data = {
        "username": "dora",
        "first_name": "Dora",
        "last_name": "Dahl",
        "email": "dora@nordljus.example",
        "language": "sv",
        "role": "agent",
        "password": "lingonsylt-2025",
        "password_again": "lingonsylt-2025",
    }
    data.update(changes)
    return data


def test_the_admin_creates_an_agent_who_can_log_in(as_alice, shop, client):
    response = as_alice.post(_url("member_new", shop), _new_agent())
    assert response.status_code == 302
    dora = Agent.objects.get(username="dora")
    assert Membership.objects.get(agent=dora).role == Role.AGENT
    assert dora.check_password("lingonsylt-2025")
    assert "Dora Dahl" in as_alice.get(_url("members", shop)).content.decode()


def test_a_taken_username_or_weak_password_is_refused(as_alice, shop, charlie):
    response = as_alice.post(_url("member_new", shop), _new_agent(username="charlie"))
    assert "That username is taken." in response.content.decode()
    response = as_alice.post(
        _url("member_new", shop), _new_agent(password="dora", password_again="dora")
    )
    assert response.status_code == 200
    assert not Agent.objects.filter(username="dora").exists()


def test_the_admin_changes_a_role_but_never_leaves_the_shop_without_an_admin(
    as_alice, shop, alice, bob
):
    bobs = Membership.objects.get(agent=bob, shop=shop)
    as_alice.post(_url("member_role", shop, bobs.pk), {f"m{bobs.pk}-role": "admin"})
    bobs.refresh_from_db()
    assert bobs.role == Role.ADMIN
    as_alice.post(_url("member_role", shop, bobs.pk), {f"m{bobs.pk}-role": "agent"})
    alices = Membership.objects.get(agent=alice, shop=shop)
    response = as_alice.post(
        _url("member_role", shop, alices.pk), {f"m{alices.pk}-role": "agent"}, follow=True
    )
    assert "at least one administrator" in response.content.decode()
    alices.refresh_from_db()
    assert alices.role == Role.ADMIN


def test_a_removed_agent_leaves_teams_and_their_open_cases_return_to_the_queue(
    as_alice, shop, alice, bob, now
):
    from kundsvar.cases import services as cases

    team = Team.objects.create(shop=shop, name="Returer")
    team.members.add(bob)
    case = cases.assign(open_email_case(shop, now), bob, actor=alice)
    membership = Membership.objects.get(agent=bob, shop=shop)
    response = as_alice.post(_url("member_remove", shop, membership.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(agent=bob).exists()
    assert not team.members.exists()
    case.refresh_from_db()
    assert case.assignee is None
    assert Agent.objects.filter(pk=bob.pk).exists()  # the login stays; the access goes


def test_an_admin_who_steps_down_is_sent_to_the_queue(as_alice, shop, alice, bob):
    Membership.objects.filter(agent=bob).update(role=Role.ADMIN)
    alices = Membership.objects.get(agent=alice, shop=shop)
    response = as_alice.post(_url("member_role", shop, alices.pk), {f"m{alices.pk}-role": "agent"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert as_alice.get(_url("members", shop)).status_code == 403


def test_the_last_admin_cannot_be_removed(as_alice, shop, alice):
    membership = Membership.objects.get(agent=alice, shop=shop)
    as_alice.post(_url("member_remove", shop, membership.pk))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_members_of_another_shop_cannot_be_changed_through_this_one(as_alice, shop, charlie):
    theirs = Membership.objects.get(agent=charlie)
    assert as_alice.post(_url("member_remove", shop, theirs.pk)).status_code == 404
    assert (
        as_alice.post(
            _url("member_role", shop, theirs.pk), {f"m{theirs.pk}-role": "agent"}
        ).status_code
        == 404
    )
    assert Membership.objects.filter(pk=theirs.pk, role=Role.ADMIN).exists()


# -- teams ----------------------------------------------------------------------------------------


def test_team_create_change_and_remove(as_alice, shop, alice, bob):
    response = as_alice.post(
        _url("team_new", shop), {"name": "Returer", "members": [alice.pk, bob.pk]}
    )
    assert response.status_code == 302
    team = Team.objects.get(shop=shop)
    assert set(team.members.all()) == {alice, bob}
    response = as_alice.post(
        _url("team_edit", shop, team.pk), {"name": "Returer & byten", "members": [bob.pk]}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Returer & byten" and list(team.members.all()) == [bob]
    assert "Returer &amp; byten" in as_alice.get(_url("teams", shop)).content.decode()
    as_alice.post(_url("team_delete", shop, team.pk))
    assert not Team.objects.exists()


def test_a_team_takes_only_the_shops_agents_and_unique_names(as_alice, shop, charlie):
    Team.objects.create(shop=shop, name="Norge")
    response = as_alice.post(_url("team_new", shop), {"name": "norge"})
    assert response.status_code == 200 and "already has a team" in response.content.decode()
    response = as_alice.post(_url("team_new", shop), {"name": "Sverige", "members": [charlie.pk]})
    assert response.status_code == 200
    assert not Team.objects.filter(name="Sverige").exists()


def test_another_shops_team_is_404(as_alice, shop, charlie):
    theirs = Team.objects.create(shop=Membership.objects.get(agent=charlie).shop, name="X")
    assert as_alice.get(_url("team_edit", shop, theirs.pk)).status_code == 404
    assert as_alice.post(_url("team_delete", shop, theirs.pk)).status_code == 404
    assert Team.objects.filter(pk=theirs.pk).exists()


# -- saved replies ------------------------------------------------------------------------


def test_saved_reply_create_change_and_remove(as_alice, shop, alice):
    page = as_alice.get(_url("saved_reply_new", shop)).content.decode()
    for variable in [
        "{customer_first_name}",
        "{customer_name}",
        "{case_number}",
        "{shop_name}",
        "{agent_first_name}",
    ]:
        assert variable in page
    body = "Hej {customer_first_name}!\n\nDitt ärende {case_number} …\n\n{agent_first_name}"
    response = as_alice.post(
        _url("saved_reply_new", shop), {"title": "Leveranstid", "body": body, "language": "sv"}
    )
    assert response.status_code == 302
    reply = SavedReply.objects.get(shop=shop)
    assert (reply.title, reply.body, reply.language, reply.created_by) == (
        "Leveranstid",
        body,
        "sv",
        alice,
    )
    response = as_alice.post(
        _url("saved_reply_edit", shop, reply.pk),
        {"title": "Delivery time", "body": "Hi {customer_first_name}!", "language": "en"},
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert (reply.title, reply.language) == ("Delivery time", "en")
    assert "Delivery time" in as_alice.get(_url("saved_replies", shop)).content.decode()
    as_alice.post(_url("saved_reply_delete", shop, reply.pk))
    assert not SavedReply.objects.exists()


def test_a_misspelt_variable_is_refused(as_alice, shop):
    response = as_alice.post(
        _url("saved_reply_new", shop),
        {"title": "Retur", "body": "Hej {custmer_first_name}!", "language": "sv"},
    )
    assert response.status_code == 200
    assert "Unknown variable: {custmer_first_name}." in response.content.decode()
    assert not SavedReply.objects.exists()


def test_another_shops_saved_reply_is_404(as_alice, shop, charlie):
    theirs = SavedReply.objects.create(
        shop=Membership.objects.get(agent=charlie).shop, title="X", body="Y"
    )
    assert as_alice.get(_url("saved_reply_edit", shop, theirs.pk)).status_code == 404
    assert as_alice.post(_url("saved_reply_delete", shop, theirs.pk)).status_code == 404
    assert SavedReply.objects.filter(pk=theirs.pk).exists()
