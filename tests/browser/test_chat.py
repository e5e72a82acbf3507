"""A whole live chat in two real browsers against a real ASGI server (uvicorn, as
`kundsvar serve` runs it): the customer on a phone-sized page starts a chat and sees
their place in the queue; the agent, online in the chat inbox, gets the new chat, takes
it, types (the customer sees it) and answers beside the customer's order; the customer
answers back with a file; the agent answers and ends the chat, which is a closed case on the chat
channel in the same queue and history as email (C5, S5)."""

from datetime import UTC, datetime

import pytest

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.cases.models import Case, Direction, Status
from kundsvar.channels.chat.models import Chat, ChatState
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rätt-lösenord-123"
TUESDAY_13 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # open hours in Stockholm


@pytest.fixture(autouse=True)
def _tuesday_afternoon(time_machine):
    time_machine.move_to(TUESDAY_13, tick=True)


def _world():
    shop = ShopFactory(name="Nordljus", slug="nordljus")
    anna = Agent.objects.create_user("anna", password=PASSWORD, first_name="Anna", language="sv")
    bo = Agent.objects.create_user("bo", password=PASSWORD, first_name="Bo", language="sv")
    for agent in (anna, bo):
        Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
    OrderFactory(shop=shop, number="20417", email="karin@example.se", name="Karin Kund")
    return shop


def test_a_whole_chat_between_a_customer_and_an_agent(
    open_context, asgi_server, tmp_path, screenshot
):
    _world()
    agent_context = open_context(viewport={"width": 1360, "height": 900}, locale="sv-SE")
    phone_context = open_context(
        viewport={"width": 390, "height": 844}, locale="sv-SE", is_mobile=True, has_touch=True
    )
    agent = agent_context.new_page()
    customer = phone_context.new_page()
    for page in (agent, customer):
        page.set_default_timeout(15_000)

    # The agent logs in, opens the chat inbox and goes online.
    agent.goto(f"{asgi_server}/login/")
    agent.fill("input[name=username]", "anna")
    agent.fill("input[name=password]", PASSWORD)
    agent.click("form button[type=submit], form button >> nth=-1")
    agent.wait_for_url(f"{asgi_server}/")
    agent.get_by_role("link", name="Chatt").click()
    agent.wait_for_url("**/cases/chat/")
    agent.select_option("#availability", "online")
    agent.locator("#chat-connection", has_text="Live").wait_for()
    agent.wait_for_load_state("networkidle")  # the availability POST

    # The agent is in another tab meanwhile: a new chat shows in the tab's title.
    agent.evaluate("document.hasFocus = () => false")

    # The customer, on a phone, sees the honest wait and starts a chat.
    customer.goto(f"{asgi_server}/s/nordljus/chat/")
    status = customer.locator("#chat-status")
    assert "nummer 1 i kön" in status.inner_text()
    customer.fill("#chat-name", "Karin")
    customer.fill("#chat-first", "Hej! Var är min order 20417?")
    customer.locator("#chat-start button[type=submit]").click()
    customer.locator(".chat-msg.chat-in", has_text="Var är min order").wait_for()

    # The agent's inbox lists it (live) and the agent takes it.
    waiting = agent.locator("#chat-waiting li", has_text="Karin")
    waiting.wait_for()
    assert agent.title().startswith("(1) ")
    waiting.get_by_role("button", name="Ta").click()
    pane = agent.locator(".chat-pane", has_text="Karin")
    pane.wait_for()
    customer.locator("#chat-status", has_text="Anna").wait_for()
    assert "20417" in pane.locator(".chat-pane-panels").inner_text()  # orders beside it

    # Typing shows on the customer's side; the answer arrives.
    box = pane.locator("textarea[name=text]")
    box.type("Hej Karin! ")
    customer.locator("#chat-typing", has_text="Anna").wait_for()
    box.type("Din order skickades i går.")
    box.press("Enter")
    customer.locator(".chat-msg.chat-out", has_text="skickades i går").wait_for()

    # The customer answers with a photo.
    photo = tmp_path / "kvitto.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    customer.fill("#chat-text", "Tack! Här är kvittot.")
    customer.set_input_files("#chat-file", str(photo))
    customer.locator("#chat-compose button[type=submit]").click()
    pane.locator(".chat-msg.chat-in", has_text="Här är kvittot").wait_for()
    pane.locator("a", has_text="kvitto.png").wait_for()
    screenshot(agent, "chat-agent")
    screenshot(customer, "chat-customer-phone")
    # The page fits the phone: nothing wider than the screen.
    assert customer.evaluate("document.documentElement.scrollWidth") <= 390

    # The agent answers with a file: the customer's page links to it.
    label = tmp_path / "returetikett.pdf"
    label.write_bytes(b"%PDF-1.4\n% etikett\n")
    pane.locator("[data-file]").set_input_files(str(label))
    box.fill("Tack, nu ser jag kvittot. Ha en fin dag!")
    box.press("Enter")
    customer.locator(".chat-msg.chat-out", has_text="Ha en fin dag").wait_for()
    link = customer.locator(".chat-msg.chat-out a.chat-file-name", has_text="returetikett.pdf")
    link.wait_for()
    href = link.get_attribute("href")
    assert href.startswith("/chat/file/")
    download = customer.request.get(f"{asgi_server}{href}")
    assert download.ok and download.body() == label.read_bytes()

    # The agent ends it; the customer is told.
    agent.once("dialog", lambda dialog: dialog.accept())
    pane.locator("[data-end]").click()
    customer.locator("#chat-status", has_text="avslutad").wait_for()

    chat = Chat.objects.select_related("case").get()
    assert chat.state == ChatState.ENDED
    case = Case.objects.get(pk=chat.case_id)
    assert case.channel == "chat" and case.status == Status.CLOSED
    assert case.assignee.username == "anna"
    lines = list(case.messages.order_by("created_at", "id").values_list("direction", "body_text"))
    assert lines == [
        (Direction.INBOUND, "Hej! Var är min order 20417?"),
        (Direction.OUTBOUND, "Hej Karin! Din order skickades i går."),
        (Direction.INBOUND, "Tack! Här är kvittot."),
        (Direction.OUTBOUND, "Tack, nu ser jag kvittot. Ha en fin dag!"),
    ]
    assert case.messages.get(body_text="Tack! Här är kvittot.").attachments.count() == 1
    answer = case.messages.get(body_text="Tack, nu ser jag kvittot. Ha en fin dag!")
    assert list(answer.attachments.values_list("filename", flat=True)) == ["returetikett.pdf"]
    assert case.order_links.filter(order__number="20417").exists()  # C4, from the text
