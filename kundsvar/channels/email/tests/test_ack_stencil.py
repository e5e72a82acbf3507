"""The acknowledgement is filled into a stencil of its templates (stencil.py): the same
text as rendering them (A1–A5), and never the text of another shop or an older setting."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from kundsvar.cases.models import Direction
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import emails, stencil
from kundsvar.core import batchcache
from kundsvar.shops import services as shops
from kundsvar.shops.tests.factories import ShopFactory

from .mails import SHOP_ADDRESS

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Stockholm
NAMES = ["emails/ack_subject.txt", "emails/ack.txt", "emails/ack.html"]


@pytest.fixture(autouse=True)
def _fresh_stencils():
    stencil.forget()
    yield
    stencil.forget()


@pytest.fixture
def shop():
    return ShopFactory(name="Nätbutiken & Co", email=SHOP_ADDRESS, phone="08-123 456 00")


def fixed(**changes) -> dict:
    return {
        "shop": {"name": "Nät <butiken> & Co", "email": SHOP_ADDRESS, "phone": "08-123"},
        "opening_hours": "mån–fre 08.00–17.00",
        "queue_note": False,
        "beyond_ceiling": False,
        "follow_up": False,
        **changes,
    }


def own(question: str, *, name: str = "Karin", sections: int = 1, promise: str = "snart") -> dict:
    return {
        "case": {"number": 10042, "subject": "Retur & <byte>"},
        "customer_name": name,
        "question_quoted": "".join(f"> {line}\n" for line in question.splitlines()),
        "question_html": linebreaksbr(question, autoescape=True),
        "promise": promise,
        "sections": [
            # Our own markup, as ack sections give it.
            {"text": f"Läs {i} & <mer>", "html": mark_safe(f"<p>Läs {i} &amp; mer</p>")}  # noqa: S308
            for i in range(sections)
        ],
        "portal_url": "https://example.se/p/abc:1/?a=1&b=2",
    }


def full(shared: dict, values: dict) -> list[str]:
    return [render_to_string(name, {**shared, **values}) for name in NAMES]


@pytest.mark.parametrize("language", ["sv", "en", "nb", "da"])
def test_the_same_text_as_the_templates(language):  # A1, A2
    questions = ['Hej!\nKan jag <b>byta</b> & få "pengar"?\r\nRad 3\'s', "", "En rad"]
    with translation.override(language):
        for shared in (fixed(), fixed(queue_note=True, beyond_ceiling=True, follow_up=True)):
            for question in questions:
                for values in (
                    own(question),
                    own(question, name="", sections=0, promise=""),
                    own(question, sections=3),
                ):
                    assert stencil.render(NAMES, shared, values) == full(shared, values)


def test_a_value_that_looks_like_a_marker_is_only_text():
    values = own("\x02abc:0&\x03 och \x02" + stencil._NONCE + ":1&amp;\x03")
    assert stencil.render(NAMES, fixed(), values) == full(fixed(), values)


def test_the_shared_values_are_in_the_key():
    first = stencil.render(NAMES, fixed(), own("Hej"))
    other = stencil.render(NAMES, fixed(opening_hours="lör 10.00–14.00"), own("Hej"))
    assert "mån–fre" in first[1] and "lör 10.00–14.00" in other[1]
    assert "mån–fre" not in other[1]


def test_templates_that_change_a_value_are_rendered_in_full(settings, tmp_path, caplog):
    (tmp_path / "upper.txt").write_text("{{ greeting|upper }} {{ name }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    first = stencil.render(["upper.txt"], {}, {"greeting": "hej", "name": "Karin"})
    again = stencil.render(["upper.txt"], {}, {"greeting": "hallå", "name": "Erik"})
    assert (first, again) == (["HEJ Karin"], ["HALLÅ Erik"])
    assert "rendered in full" in caplog.text


def test_a_value_of_another_kind_is_rendered_in_full():
    class Case:
        number, subject = 10042, "Retur"

    values = {**own("Hej"), "case": Case()}  # an ack section may give what it likes
    assert stencil.render(NAMES, fixed(), values) == full(fixed(), values)
    assert "10042" in stencil.render(NAMES, fixed(), values)[0]
    assert not stencil._stencils


def test_with_debug_the_templates_are_rendered_in_full(settings):
    settings.DEBUG = True
    assert stencil.render(NAMES, fixed(), own("Hej")) == full(fixed(), own("Hej"))
    assert not stencil._stencils


def ack_text(case) -> str:
    message = case.messages.get(direction=Direction.INBOUND)
    return emails.acknowledgement(case, message).get_body(("plain",)).get_content()


def test_a_batch_sees_the_shops_new_hours_and_phone(shop):  # A5
    shops.set_opening_hours(shop, [(0, time(8), time(17))])
    case = open_email_case(shop, T0)
    with batchcache.batch():
        before = ack_text(case)
        shops.set_opening_hours(shop, [(0, time(9), time(12))])
        shops.update_profile(shop, phone="08-999 999 99")
        after = ack_text(case)
    assert "08.00–17.00" in before and "08-123 456 00" in before
    assert "09.00–12.00" in after and "08-999 999 99" in after
    assert "08.00–17.00" not in after


def test_the_promise_in_a_batch_is_the_promise_alone(shop, time_machine):  # A4
    # A still clock: the case link is signed with the second it was made in, and the
    # renders compared here must not straddle one.
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    first = open_email_case(shop, T0)
    second = open_email_case(shop, T0 + timedelta(seconds=20))  # the same minute, most likely
    third = open_email_case(shop, T0 + timedelta(hours=1))
    alone = [ack_text(case) for case in (first, second, third)]
    with batchcache.batch():
        assert [ack_text(case) for case in (first, second, third)] == alone
        shops.update_profile(shop, time_zone="Europe/London")
        london = ack_text(first)
    assert "kl. 16.00" in alone[0]  # Monday 10:00 + 6 working hours, Stockholm
    assert london != alone[0]
