from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kundsvar.cases.models import CaseEvent, EventKind, SlaState, Status
from kundsvar.shops.tests.factories import ShopFactory

from .factories import open_email_case

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def local(*args):
    return datetime(*args, tzinfo=STHLM)


def test_case_numbers_are_short_unique_and_increasing():
    shop = ShopFactory()
    numbers = [
        open_email_case(shop, local(2026, 11, 23, 9), sender=f"k{i}@example.se").number
        for i in range(5)
    ]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 5
    assert all(10000 < n < 100000 for n in numbers)


def test_first_question_is_promised_six_working_hours_later():  # S1, A4
    shop = ShopFactory()
    case = open_email_case(shop, local(2026, 11, 23, 9, 0))  # Monday
    assert case.due_at == local(2026, 11, 23, 15, 0)
    assert case.sla_state == SlaState.OK
    assert case.status == Status.NEW
    event = CaseEvent.objects.get(case=case, kind=EventKind.OPENED)
    assert event.data["due_at"] == case.due_at.isoformat()


def test_subject_is_derived_when_the_customer_gave_none():  # A2
    case = open_email_case(
        ShopFactory(),
        local(2026, 11, 23, 9),
        subject="",
        text="Hej! Min beställning har inte kommit. Order 1234.",
    )
    assert case.subject == "Min beställning har inte kommit"
    assert case.subject_derived


def test_a_bare_re_subject_counts_as_no_subject():  # A2
    case = open_email_case(
        ShopFactory(),
        local(2026, 11, 23, 9),
        subject="Re: ",
        text="Kan jag byta storlek på tröjan?",
    )
    assert case.subject == "Kan jag byta storlek på tröjan?"
    assert case.subject_derived


def test_reply_prefixes_are_removed_from_a_given_subject():  # A2
    case = open_email_case(ShopFactory(), local(2026, 11, 23, 9), subject="SV: Re: Retur skor")
    assert case.subject == "Retur skor"
    assert not case.subject_derived


def test_empty_message_still_gets_a_subject():  # A2, A6
    case = open_email_case(ShopFactory(), local(2026, 11, 23, 9), subject="", text="")
    assert case.subject == "Fråga"


def test_same_address_any_case_is_the_same_customer():  # C4
    shop = ShopFactory()
    first = open_email_case(shop, local(2026, 11, 23, 9), sender="Karin@Example.se")
    second = open_email_case(shop, local(2026, 11, 23, 10), sender="karin@example.se")
    assert first.customer_id == second.customer_id
    assert [p.address for p in first.participants.all()] == ["karin@example.se"]


def test_customers_are_separate_per_shop():
    first = open_email_case(ShopFactory(), local(2026, 11, 23, 9), sender="karin@example.se")
    second = open_email_case(ShopFactory(), local(2026, 11, 23, 9), sender="karin@example.se")
    assert first.customer_id != second.customer_id


def test_nul_bytes_and_overlong_values_are_stored_not_refused():  # A6, on PostgreSQL too
    case = open_email_case(
        ShopFactory(),
        local(2026, 11, 23, 9),
        subject="Fråga\x00" + "x" * 2000,
        text="Hej\x00då",
        message_id="<" + "a" * 1200 + ">",
    )
    message = case.messages.get()
    assert message.body_text == "Hej\ufffddå"
    assert len(message.subject) == 998 and len(message.message_id) == 998
    assert "\x00" not in case.subject


def test_a_display_name_address_is_split_into_name_and_address():  # C4
    case = open_email_case(
        ShopFactory(), local(2026, 11, 23, 9), sender="Karin Lindqvist <Karin@Example.se>"
    )
    assert [e.address for e in case.customer.emails.all()] == ["karin@example.se"]
    assert case.customer.name == "Karin Lindqvist"
