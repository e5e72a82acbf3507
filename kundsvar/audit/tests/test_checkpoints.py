"""One test per checkpoint of the service audit (rule M1): each is made to pass and to fail
(or warn) on a shop set up for it. Measured figures are given to the checkpoint directly
(Facts caches each read, and a test may set it), so each test is about one checkpoint."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from kundsvar.audit import checks
from kundsvar.audit.facts import Facts
from kundsvar.audit.result import FAIL, PASS, UNKNOWN, WARN
from kundsvar.channels.chat.models import ChatSettings
from kundsvar.commerce.models import CommerceSettings, ShippingMethod
from kundsvar.insights.reports import Waits
from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.sla.models import ResponsePolicy

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 17, 9, 0, tzinfo=UTC)  # an ordinary Wednesday, out of Christmas season


def run(name: str, facts: Facts):
    check = next(c for c in checks.CHECKPOINTS if c.code == name)
    return check.result(facts)


def facts_for(shop=None, now=NOW, **given) -> Facts:
    facts = Facts(shop or ShopFactory(name="Nätbutiken"), now)
    facts.__dict__.update(given)  # what cached_property would have read
    return facts


def waits(median=None, p90=None, promised=0, kept=0, answers=0) -> Waits:
    w = Waits()
    w.add([answers, promised, kept, 0, 0, 0, 0])  # in SUMS order
    if median is not None:  # one bucket holding every answer at about `median` hours
        from kundsvar.insights.rollups import HIST_EDGES, bucket

        w.calendar_hist[bucket(median * 3600, HIST_EDGES)] = 10
    return w


def test_there_are_about_forty_checkpoints_each_with_a_rule_and_a_fix():  # M1
    assert 38 <= len(checks.CHECKPOINTS) <= 45
    assert len({c.code for c in checks.CHECKPOINTS}) == len(checks.CHECKPOINTS)
    assert all(c.rule and c.fix and c.weight for c in checks.CHECKPOINTS)


# -- C ---------------------------------------------------------------------------------------


def test_phone_number():  # C1
    assert run("phone_number", facts_for()).status == PASS
    assert run("phone_number", facts_for(ShopFactory(phone=""))).status == FAIL


def test_toll_free():  # C1
    assert run("toll_free", facts_for(ShopFactory(phone_is_free=True))).status == PASS
    assert run("toll_free", facts_for()).status == WARN


def test_opening_hours():  # C1
    assert run("opening_hours", facts_for()).figure == "5 days a week"
    assert run("opening_hours", facts_for(ShopFactory(office_hours=False))).status == FAIL


def test_chat_offered():  # C1
    shop = ShopFactory()
    assert run("chat_offered", facts_for(shop)).status == PASS
    ChatSettings.objects.create(shop=shop, enabled=False)
    assert run("chat_offered", facts_for(shop)).status == WARN


def test_phone_channel():  # C5
    assert run("phone_channel", facts_for(phone=None)).status == WARN
    phone = SimpleNamespace(provider="46elks", number="+46766860000")
    phone.get_provider_display = lambda: "46elks"
    assert run("phone_channel", facts_for(phone=phone)).status == PASS


def test_orders_linked():  # C4
    assert run("orders_linked", facts_for(has_orders=False)).status == WARN
    good = facts_for(has_orders=True, case_count=10, order_linked=5)
    assert (run("orders_linked", good).status, run("orders_linked", good).figure) == (
        PASS,
        "50 % of 10 questions",
    )
    assert run("orders_linked", facts_for(has_orders=True, case_count=0)).status == UNKNOWN


# -- A: on a real acknowledgement -----------------------------------------------------------


@pytest.fixture
def rendered(time_machine):
    time_machine.move_to(NOW, tick=False)
    return facts_for(ShopFactory(name="Nätbutiken", email="kundtjanst@natbutiken.example"))


def test_ack_copy(rendered):  # A1
    assert run("ack_copy", rendered).status == PASS


def test_ack_case_number(rendered):  # A1
    result = run("ack_case_number", rendered)
    assert result.status == PASS and result.figure.startswith("[#")


def test_ack_subject(rendered):  # A2
    result = run("ack_subject", rendered)
    assert result.status == PASS
    assert "Nätbutiken: Vi har tagit emot din fråga – Leveranstid jacka" in result.figure


def test_ack_sender_is_not_noreply(rendered):  # A3
    assert run("ack_sender", rendered).figure == "from kundtjanst@natbutiken.example"
    assert run("ack_sender", rendered).status == PASS


def test_ack_promise_is_a_concrete_time(rendered):  # A4
    result = run("ack_promise", rendered)
    # Wednesday 10:00 in Stockholm + 6 working hours (08–17) = 16:00 the same day.
    assert result.status == PASS and "17 mars kl. 16.00" in result.figure


def test_the_sample_leaves_no_case_behind(rendered):  # M1: the audit only reads
    from kundsvar.cases.models import Case

    run("ack_copy", rendered)
    assert not Case.objects.exists()


def test_ack_self_service(rendered):  # A5
    assert run("ack_self_service", rendered).status == PASS
    no_phone = facts_for(ShopFactory(phone=""))
    assert run("ack_self_service", no_phone).status == WARN


def test_inbound_failures():  # A6
    assert run("inbound_failures", facts_for(failed_inbound=0)).status == PASS
    assert run("inbound_failures", facts_for(failed_inbound=2)).status == FAIL


def test_outbound_failures():  # A6
    assert run("outbound_failures", facts_for(failed_outbound=0)).status == PASS
    assert run("outbound_failures", facts_for(failed_outbound=5)).status == FAIL


# -- S -------------------------------------------------------------------------------------


def test_promise_first():  # S1
    assert run("promise_first", facts_for()).status == PASS  # the default, 6 h
    shop = ShopFactory()
    ResponsePolicy.objects.create(shop=shop, first_response_minutes=16 * 60)
    assert run("promise_first", facts_for(shop)).status == WARN


def test_promise_ceiling():  # S1
    assert run("promise_ceiling", facts_for()).status == PASS
    shop = ShopFactory()
    ResponsePolicy.objects.create(
        shop=shop, ceiling_minutes=72 * 60, override_over_48h=True, override_reason="semester"
    )
    assert run("promise_ceiling", facts_for(shop)).figure == "promises over 48 h allowed"


def test_median_first_answer():  # S1
    fast = facts_for(waits=(waits(median=1.5), Waits(), Waits()))
    slow = facts_for(waits=(waits(median=12), Waits(), Waits()))
    assert run("median_first_answer", fast).status == PASS
    assert run("median_first_answer", slow).status == WARN
    assert run("median_first_answer", facts_for(waits=(Waits(),) * 3)).status == UNKNOWN


def test_p90_first_answer():  # S1
    assert run("p90_first_answer", facts_for(waits=(waits(median=3),) * 3)).status == PASS
    assert run("p90_first_answer", facts_for(waits=(waits(median=72),) * 3)).status == FAIL


def test_promises_kept():  # S2
    kept = facts_for(waits=(Waits(), Waits(), waits(promised=20, kept=19)))
    broken = facts_for(waits=(Waits(), Waits(), waits(promised=20, kept=10)))
    assert run("promises_kept", kept).figure == "95 % of 20"
    assert run("promises_kept", kept).status == PASS
    assert run("promises_kept", broken).status == FAIL


def test_follow_ups_faster():  # S3
    good = facts_for(waits=(waits(median=4), waits(median=1), Waits()))
    bad = facts_for(waits=(waits(median=1), waits(median=4), Waits()))
    assert run("follow_ups_faster", good).status == PASS
    assert run("follow_ups_faster", bad).status == FAIL


def test_follow_up_target():  # S3
    assert run("follow_up_target", facts_for()).status == PASS
    shop = ShopFactory()
    ResponsePolicy.objects.create(shop=shop, first_response_minutes=120, follow_up_minutes=120)
    assert run("follow_up_target", facts_for(shop)).status == WARN


def test_hours_without_shift():  # S5
    assert run("hours_without_shift", facts_for(plan=SimpleNamespace(gap_hours=0))).status == PASS
    assert run("hours_without_shift", facts_for(plan=SimpleNamespace(gap_hours=12))).status == FAIL


# -- R: on a real answer ---------------------------------------------------------------------


def test_reply_sender(rendered):  # R1
    assert run("reply_sender", rendered).status == PASS


def test_reply_subject(rendered):  # R2
    result = run("reply_subject", rendered)
    assert result.status == PASS and "Svar på din fråga" in result.figure


def test_reply_quote(rendered):  # R3
    assert run("reply_quote", rendered).status == PASS


def test_reply_satisfaction(rendered):  # R4
    assert run("reply_satisfaction", rendered).status == PASS


def test_saved_replies():  # R6
    assert run("saved_replies", facts_for(saved_replies=6)).status == PASS
    assert run("saved_replies", facts_for(saved_replies=0)).status == WARN


def test_languages_answered():  # R7
    from collections import Counter

    shop = ShopFactory(language="sv", languages=["sv"])
    assert run("languages_answered", facts_for(shop, languages=Counter(sv=3))).status == PASS
    mixed = facts_for(shop, languages=Counter(sv=3, nb=2))
    assert run("languages_answered", mixed).figure == "not set: nb"


# -- O -------------------------------------------------------------------------------------


@pytest.fixture
def commerce_shop():
    shop = ShopFactory()
    CommerceSettings.objects.create(shop=shop, return_policy="30 dagars öppet köp.")
    return shop


def test_proactive_order_mail(commerce_shop):  # O1
    assert run("proactive_order_mail", facts_for(commerce_shop)).status == PASS
    CommerceSettings.objects.filter(shop=commerce_shop).update(notify_shipped=False)
    assert run("proactive_order_mail", facts_for(commerce_shop)).figure == "off: shipped"


def test_waiting_for_goods(commerce_shop):  # O1
    assert run("waiting_for_goods", facts_for(commerce_shop)).status == PASS
    assert run("waiting_for_goods", facts_for()).status == WARN  # no commerce set up


def test_delivery_windows(commerce_shop):  # O3
    ShippingMethod.objects.create(
        shop=commerce_shop, code="pn", name="PostNord", transit_min_days=1, transit_max_days=3
    )
    assert run("delivery_windows", facts_for(commerce_shop)).status == PASS
    ShippingMethod.objects.create(
        shop=commerce_shop, code="sea", name="Båt", transit_min_days=2, transit_max_days=14
    )
    assert run("delivery_windows", facts_for(commerce_shop)).figure == "wide: Båt"  # fmt: skip


def test_christmas_dates(commerce_shop):  # O5
    method = ShippingMethod.objects.create(shop=commerce_shop, code="pn", name="PostNord")
    december = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert run("christmas_dates", facts_for(commerce_shop)).status == PASS  # March
    assert run("christmas_dates", facts_for(commerce_shop, now=december)).status == FAIL
    method.christmas_last_order = date(2026, 12, 20)
    method.save()
    assert run("christmas_dates", facts_for(commerce_shop, now=december)).status == PASS


def test_return_messages(commerce_shop):  # O6
    assert run("return_messages", facts_for(commerce_shop)).status == PASS
    CommerceSettings.objects.filter(shop=commerce_shop).update(notify_refund_paid=False)
    assert run("return_messages", facts_for(commerce_shop)).status == FAIL


def test_return_policy(commerce_shop):  # O7
    assert run("return_policy", facts_for(commerce_shop)).figure.startswith("30 days")
    assert run("return_policy", facts_for()).status == FAIL


def test_check_in(commerce_shop):  # O8
    assert run("check_in", facts_for(commerce_shop)).status == PASS
    CommerceSettings.objects.filter(shop=commerce_shop).update(notify_check_in=False)
    assert run("check_in", facts_for(commerce_shop)).status == FAIL


# -- K, F, T -------------------------------------------------------------------------------


def test_faq_size():  # K1
    from collections import Counter

    assert run("faq_size", facts_for(articles=Counter(sv=7))).status == PASS
    assert run("faq_size", facts_for(articles=Counter())).status == FAIL


def test_faq_covers_top_questions():  # K1
    asked = [SimpleNamespace(answered=True)] * 4 + [SimpleNamespace(answered=False)]
    assert run("faq_covers_top_questions", facts_for(top_questions=asked)).status == WARN
    assert run("faq_covers_top_questions", facts_for(top_questions=asked[:4])).status == PASS
    assert run("faq_covers_top_questions", facts_for(top_questions=asked[4:])).status == FAIL
    assert run("faq_covers_top_questions", facts_for(top_questions=[])).status == UNKNOWN


def test_faq_languages():  # K1, R7
    from collections import Counter

    shop = ShopFactory(language="sv", languages=["sv", "nb"])
    assert run("faq_languages", facts_for(shop, articles=Counter(sv=7))).figure == "none in nb"
    assert run("faq_languages", facts_for(shop, articles=Counter(sv=7, nb=2))).status == PASS


def test_deflection():  # K3
    assert run("deflection", facts_for(deflection=None)).status == WARN
    week = SimpleNamespace(sessions=40, deflected=12)
    assert run("deflection", facts_for(deflection=week)).figure == "12 of 40 visits found an answer"


def test_ratings_received():  # F1
    assert run("ratings_received", facts_for(waits=(Waits(),) * 3)).status == UNKNOWN
    asked = facts_for(waits=(Waits(), Waits(), waits(answers=20)), ratings=5)
    assert run("ratings_received", asked).status == PASS


def test_satisfaction():  # F2
    facts = facts_for()
    facts.__dict__["report"] = SimpleNamespace(csat=lambda: (9, 1))
    assert run("satisfaction", facts).figure == "90 % satisfied"
    facts.__dict__["report"] = SimpleNamespace(csat=lambda: (1, 3))
    assert run("satisfaction", facts).status == FAIL


def test_staffing_rule():  # T1: 400 mails a month need a dedicated person
    plan = SimpleNamespace(dedicated_floor=0)
    assert run("staffing_rule", facts_for(plan=plan, case_count=300, agents=1)).status == PASS
    assert run("staffing_rule", facts_for(plan=plan, case_count=900, agents=1)).status == FAIL


def test_more_than_one_agent():  # T2
    assert run("more_than_one_agent", facts_for(agents=2)).status == PASS
    assert run("more_than_one_agent", facts_for(agents=1)).status == WARN
