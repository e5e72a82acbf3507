"""Rule A1: one acknowledgement per question. More words on a question not yet answered
get none (the promise stands); a case's only question gets one, also when the case is
read back from the database (the count of its questions is then asked of it)."""

from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.cases.models import Case
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.channels.email.channel import EmailChannel
from kundsvar.shops.tests.factories import ShopFactory

from .mails import SHOP_ADDRESS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop():
    return ShopFactory(email=SHOP_ADDRESS)


def test_more_words_on_an_unanswered_question_get_no_second_acknowledgement(shop):  # A1
    channel = EmailChannel()
    case = open_email_case(shop, T0)
    fresh = Case.objects.get(pk=case.pk)  # read back: not known to be just opened
    first = fresh.messages.get()
    assert channel.should_acknowledge(fresh, first)  # its only question, counted
    more = write_again(fresh, T0 + timedelta(minutes=5))
    assert not channel.should_acknowledge(fresh, more)
