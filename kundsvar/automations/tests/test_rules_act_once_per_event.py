"""Rules on "created" and "updated": run after the commit from the case services' own
calls, every action audited, and a rule never fires twice on the same case for the same
event, even when its own actions (or another rule's) change the case again (T3)."""

from datetime import timedelta

import pytest

from kundsvar.automations import engine
from kundsvar.automations.models import Firing, Rule, Trigger
from kundsvar.cases import services as cases
from kundsvar.cases.models import CaseEvent, EventKind, Priority
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def shop():
    return ShopFactory()


def _automation_events(case):
    return list(
        CaseEvent.objects.filter(case=case, kind=EventKind.AUTOMATION).values_list(
            "data__action", flat=True
        )
    )


def test_a_rule_on_creation_tags_and_prioritises_a_matching_case(
    shop, now, django_capture_on_commit_callbacks
):
    Rule.objects.create(
        shop=shop,
        name="Trasiga varor",
        trigger=Trigger.CREATED,
        conditions={"text": "trasig, sönder", "channel": ["email"]},
        actions={"tags": ["reklamation"], "priority": Priority.HIGH},
    )
    with django_capture_on_commit_callbacks(execute=True):
        broken = open_email_case(shop, now, text="Hej, jackan kom trasig. /Karin")
    with django_capture_on_commit_callbacks(execute=True):
        other = open_email_case(shop, now, sender="bo@example.se", text="När kommer den?")
    broken.refresh_from_db()
    other.refresh_from_db()
    assert broken.priority == Priority.HIGH
    assert [t.name for t in broken.tags.all()] == ["reklamation"]
    assert sorted(_automation_events(broken)) == ["priority", "tags"]
    event = CaseEvent.objects.filter(case=broken, kind=EventKind.AUTOMATION).first()
    assert event.actor is None and event.data["name"] == "Trasiga varor"
    assert other.priority == Priority.NORMAL and _automation_events(other) == []


def test_a_rule_whose_action_updates_the_case_does_not_fire_again(
    shop, now, django_capture_on_commit_callbacks
):
    """'Updated → add a note' would loop forever: the note is an update. It fires once
    for the agent's change, and once more only for the next change made by a person."""
    Rule.objects.create(
        shop=shop,
        name="Noter allt",
        trigger=Trigger.UPDATED,
        actions={"note": "Automatisk anteckning", "tags": ["sedd"]},
    )
    case = open_email_case(shop, now)
    agent = AgentFactory(shops=[shop])
    with django_capture_on_commit_callbacks(execute=True):
        cases.assign(case, agent, actor=agent)
    assert Firing.objects.filter(case=case).count() == 1
    assert case.messages.filter(direction="note").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        cases.set_language(case, "en", actor=agent)
    assert Firing.objects.filter(case=case).count() == 2
    assert case.messages.filter(direction="note").count() == 2


def test_two_rules_chain_but_each_fires_once(shop, now, django_capture_on_commit_callbacks):
    """A tags the case, B reacts to the tag by raising the priority, which A sees as an
    update again: both fire once for the opening, and the chain ends."""
    Rule.objects.create(shop=shop, name="A", trigger=Trigger.CREATED, actions={"tags": ["vip"]})
    Rule.objects.create(
        shop=shop,
        name="B",
        trigger=Trigger.UPDATED,
        conditions={"tags_any": ["vip"]},
        actions={"priority": Priority.URGENT, "tags": ["vip", "brådskande"]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = open_email_case(shop, now)
    case.refresh_from_db()
    assert case.priority == Priority.URGENT
    assert Firing.objects.filter(case=case).count() == 2
    assert set(Firing.objects.filter(case=case).values_list("key", flat=True)) == {"created"}


def test_a_rule_that_is_off_does_nothing(shop, now, django_capture_on_commit_callbacks):
    Rule.objects.create(
        shop=shop, name="Av", trigger=Trigger.CREATED, enabled=False, actions={"tags": ["x"]}
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = open_email_case(shop, now)
    queued = [c for c in callbacks if "automations" in c.__module__]
    assert queued == []  # nothing queued for a shop without rules that are on
    assert not case.tags.exists()


def test_running_the_same_event_again_changes_nothing(shop, now):
    rule = Rule.objects.create(
        shop=shop, name="Tagg", trigger=Trigger.CREATED, actions={"note": "Hej team"}
    )
    case = open_email_case(shop, now)
    assert engine.run_event(case.pk, Trigger.CREATED, "created", now) == 1
    assert engine.run_event(case.pk, Trigger.CREATED, "created", now + timedelta(seconds=5)) == 0
    assert Firing.objects.get(rule=rule, case=case).done == [{"action": "note"}]
    assert case.messages.filter(direction="note").count() == 1


def test_conditions_on_customer_language_status_and_assignee(shop, now):
    rule = Rule(
        shop=shop,
        trigger=Trigger.CREATED,
        conditions={
            "customer": "@foretag.se",
            "language": ["sv"],
            "status": ["new"],
            "assigned": "no",
            "tags_none": ["spam"],
        },
    )
    match = open_email_case(shop, now, sender="inköp@foretag.se")
    other = open_email_case(shop, now, sender="karin@example.se")
    assert [c.pk for c in engine.dry_run(rule, now)] == [match.pk]
    cases.set_tags(match, ["spam"])
    assert engine.dry_run(rule, now) == []
    assert other.pk  # made, and not listed


def test_a_rule_sets_the_topic_and_gives_the_case_to_a_team(
    shop, now, django_capture_on_commit_callbacks
):
    from kundsvar.accounts.models import Team
    from kundsvar.topics.tests.factories import seeded

    topics = seeded(shop)
    team = Team.objects.create(shop=shop, name="Reklamationer")
    Rule.objects.create(
        shop=shop,
        name="Reklamation",
        trigger=Trigger.CREATED,
        conditions={"text": "trasig"},
        actions={"topic": topics["faulty_item"].pk, "team": team.pk},
    )
    Rule.objects.create(
        shop=shop,
        name="Reklamationer är viktiga",
        trigger=Trigger.UPDATED,
        conditions={"topic": [topics["faulty_item"].pk]},
        actions={"priority": Priority.HIGH},
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = open_email_case(shop, now, text="Dragkedjan är trasig.")
    case.refresh_from_db()
    assert (case.topic, case.team, case.priority) == (topics["faulty_item"], team, Priority.HIGH)
    topic_event = CaseEvent.objects.get(case=case, kind=EventKind.TOPIC)
    assert topic_event.data["source"] == "automation"


def test_the_case_page_names_the_rule_that_acted(client, shop, now):
    rule = Rule.objects.create(
        shop=shop, name="Tagga VIP", trigger=Trigger.CREATED, actions={"tags": ["vip"]}
    )
    case = open_email_case(shop, now)
    engine.run_event(case.pk, Trigger.CREATED, "created", now)
    client.force_login(AgentFactory(shops=[shop]))
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f": {rule.name}" in page
