"""An agent's day in a real browser: the queue in promise order, a case, a saved reply
that triggers the R6 warning, the answer sent, the case answered. Swedish and English."""

from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.cases import services
from kundsvar.cases.models import Case, SavedReply, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rätt-lösenord-123"
# Tuesday 24 November 2026, 13:00 in Stockholm, inside the shop's working hours: the three
# promises fall at three different moments. At night or at a weekend both first-response
# promises fall at the same hour of the next working day, and the queue's order between
# them says nothing about S2.
TUESDAY_13 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _tuesday_afternoon(time_machine):
    time_machine.move_to(TUESDAY_13, tick=True)


def _world(language: str):
    shop = ShopFactory(name="Nordljus")
    agent = Agent.objects.create_user(
        "anna", password=PASSWORD, first_name="Anna", language=language
    )
    Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
    SavedReply.objects.create(
        shop=shop,
        title="Leveranstid",
        language="sv",
        body="Hej {customer_first_name}!\n\nDin order skickas inom 1–2 arbetsdagar.",
    )
    now = TUESDAY_13
    later = open_email_case(
        shop,
        now - timedelta(minutes=10),
        sender="Erik <erik@example.se>",
        subject="Presentkort",
        from_name="Erik Johansson",
    )
    urgent = open_email_case(
        shop,
        now - timedelta(hours=3),
        sender="Karin <karin@example.se>",
        subject="Leveranstid jacka",
        from_name="Karin Lindqvist",
    )
    follow = open_email_case(
        shop,
        now - timedelta(hours=30),
        sender="Lena <lena@example.se>",
        subject="Retur",
        from_name="Lena Nyström",
    )
    services.reply(follow, agent, "Skicka tillbaka den.", now=now - timedelta(hours=29))
    services.add_inbound_message(
        follow,
        services.Inbound(
            from_address="lena@example.se", body_text="Vilken adress?", received_at=now
        ),
    )
    # S2: the follow-up is due at 15:00 (2 working hours), Karin's first answer at 16:00
    # (received 10:00, 6 working hours), Erik's tomorrow morning.
    return agent, [follow.number, urgent.number, later.number]


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize(
    ("language", "warning", "answered"),
    [
        ("sv", "Svarar det på", "Besvarat"),
        ("en", "Does it answer what the customer actually asked?", "Answered"),
    ],
)
def test_queue_case_saved_reply_warning_and_answer(
    browser_page, live_server, screenshot, language, warning, answered
):  # S2, S3, R6
    page = browser_page
    agent, promise_order = _world(language)
    _log_in(page, live_server)
    shown = [int(n) for n in page.locator("#queue-rows tr.row td:nth-child(2) a").all_inner_texts()]
    assert shown == promise_order  # S2: the closest promise first
    screenshot(page, f"queue-{language}")

    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{promise_order[0]}/")
    case = Case.objects.get(number=promise_order[0])
    page.click("[data-saved-reply]")
    assert "Din order skickas inom 1–2 arbetsdagar." in page.input_value("#reply textarea")
    page.click("#reply button[name=then_submit]")
    page.wait_for_selector(".warn-box")
    assert warning in page.inner_text(".warn-box")  # R6
    case.refresh_from_db()
    assert case.status != Status.ANSWERED
    screenshot(page, f"case-warning-{language}")

    page.fill(
        "#reply textarea",
        page.input_value("#reply textarea") + "\n\nDin jacka gick i väg i morse med PostNord.",
    )
    page.click("#reply button[name=then_submit]")
    page.wait_for_url(f"**/cases/{case.number}/")
    assert answered in page.inner_text(".meta")
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.last_response_at is not None
    screenshot(page, f"case-{language}")
