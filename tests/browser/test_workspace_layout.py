"""The workspace at desk and phone size (issue 16): no page scrolls sideways at 390 px,
touch targets of at least 44 px on the phone, the bulk bar only once a case is chosen,
the Ctrl+K palette, the case page's side tabs, inline controls and merge dialogs;
screenshots of queue, case, customers, customer, search and settings at 1366 and 390 px,
light and dark, for docs/screenshots (README)."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.cases import services
from kundsvar.cases.models import Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rätt-lösenord-123"
TUESDAY_13 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # inside opening hours
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PEOPLE = [
    ("Karin Lindqvist", "karin", "Leveranstid jacka", "Hej! När kommer min jacka? Order 10442."),
    ("Erik Johansson", "erik", "Retur av kudden", "Kudden var för liten, hur gör jag en retur?"),
    ("Sofia Berg", "sofia", "Dubbeldragning", "Jag har blivit dragen två gånger för order 10388!"),
    ("Mohammed Ali", "mohammed", "Trasig lampa", "Lampan kom trasig, förpackningen var krossad."),
    ("Lena Nyström", "lena", "Ändra adress", "Går det att ändra leveransadressen? Vi har flyttat."),
    ("Aino Virtanen", "aino", "Rabattkod fungerar inte", "Koden VINTER25 fungerar inte i kassan."),
]


@pytest.fixture(autouse=True)
def _tuesday_afternoon(time_machine):
    time_machine.move_to(TUESDAY_13, tick=True)


def _world():
    shop = ShopFactory(name="Nordljus")
    agent = Agent.objects.create_user(
        "anna", password=PASSWORD, first_name="Anna", last_name="Holm", language="sv"
    )
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    cases = []
    for i, (name, user, subject, text) in enumerate(PEOPLE):
        cases.append(
            open_email_case(
                shop,
                TUESDAY_13 - timedelta(hours=2 * i + 1),
                sender=f"{user}@example.se",
                subject=subject,
                text=text,
                from_name=name,
            )
        )
    services.assign(cases[0], agent)
    services.assign(cases[2], agent)
    services.reply(cases[3], agent, "Vi skickar en ny lampa i dag.", then=Status.WAITING)
    return cases


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/login/?next=/")  # to the queue (an owner lands on reports)
    page.fill("input[name=username]", "anna")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url(f"{live_server.url}/")


def _sideways(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _small_targets(page, selector: str) -> list[str]:
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((el) => el.offsetParent !== null)
            .filter((el) => { const r = el.getBoundingClientRect();
                              return r.height < 44 || r.width < 44; })
            .map((el) => el.outerHTML.slice(0, 80))""",
        selector,
    )


def _shoot(page, name: str) -> None:
    if os.environ.get("KUNDSVAR_DOC_SCREENSHOTS"):  # refresh docs/screenshots on request
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_scrolls_sideways_on_a_phone_and_targets_are_big_enough(
    open_context, live_server, scheme
):
    cases = _world()
    pages = {
        "queue": "/cases/",
        "case": f"/cases/{cases[0].number}/",
        "customers": "/customers/",
        "customer": f"/customers/{cases[0].customer_id}/",
        "search": "/search/?q=jacka",
        "settings": "/settings/",
    }
    for width, height, label in [(1366, 900, "1366"), (390, 844, "390")]:
        context = open_context(
            viewport={"width": width, "height": height}, locale="sv-SE", color_scheme=scheme
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        _log_in(page, live_server)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.wait_for_selector("#bell summary")  # the bell is loaded by the page
            assert _sideways(page) <= 0, f"{name} at {width} px scrolls sideways"
            if label == "390":
                assert (
                    _small_targets(page, ".tabs .tab, #queue-rows .hit, .top nav a, .top button")
                    == []
                )
            _shoot(page, f"{name}-{label}{'-dark' if scheme == 'dark' else ''}")


def test_queue_rows_counts_bulk_bar_and_palette(browser_page, live_server):
    cases = _world()
    page = browser_page
    _log_in(page, live_server)
    row = page.locator("#queue-rows tr.row", has_text="Karin Lindqvist")
    expect(row.locator(".preview")).to_contain_text("När kommer min jacka?")
    expect(row.locator(".countdown")).to_have_class("countdown ok")
    expect(row.locator(".avatar")).to_have_text("AH")
    heights = [r.bounding_box()["height"] for r in page.locator("#queue-rows tr.row").all()]
    assert len(heights) == 5 and max(heights) < 48  # one line each, assigned or not
    expect(page.locator('[data-count="open"]')).to_have_text("5")
    expect(page.locator('[data-count="mine"]')).to_have_text("2")
    expect(page.locator('[data-count="waiting"]')).to_have_text("1")
    expect(page.locator(".bulk-bar")).to_be_hidden()
    row.locator("input[name=cases]").check()
    expect(page.locator(".bulk-bar")).to_be_visible()
    expect(page.locator(".bulk-count")).to_have_text("1")

    page.keyboard.press("Control+k")
    expect(page.locator("#palette")).to_be_visible()
    page.keyboard.type(str(cases[1].number))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{cases[1].number}/")


def _settled(page, target: str) -> None:
    """Wait until htmx has settled what it swapped into `target`: it boosts the new
    links and forms only then (after its 20 ms settle delay, longer on a busy machine),
    and a key pressed before that submits the form the old way, out of the dialog."""
    expect(page.locator(f"{target}.htmx-settling, {target} .htmx-settling")).to_have_count(0)
    expect(page.locator(f"{target}.htmx-swapping, {target} .htmx-request")).to_have_count(0)


def test_merges_confirm_in_a_dialog(browser_page, live_server):
    """Merging is the one control that asks first: on the case page and on the customer's
    profile it opens a dialog with what would move; Avbryt leaves everything as it was and
    Slå ihop in the dialog does it."""
    cases = _world()
    page = browser_page
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{cases[1].number}/")
    page.fill("#merge input[name=into]", str(cases[0].number))
    page.click("#merge button")
    dialog = page.locator("#case-merge-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("karin@example.se")
    expect(dialog.locator("input[name=same_person]")).to_be_visible()  # two customers
    assert page.url.endswith(f"/cases/{cases[1].number}/")  # still on the case
    dialog.locator("[data-close-dialog].secondary").click()
    expect(dialog).to_be_hidden()

    page.goto(f"{live_server.url}/customers/{cases[1].customer_id}/")
    page.click("a[hx-target='#merge-body']")
    sheet = page.locator("#merge-dialog")
    expect(sheet.locator("input[name=q]")).to_be_visible()  # swapped in: now settling
    _settled(page, "#merge-body")
    sheet.locator("input[name=q]").fill("Karin")
    sheet.locator("input[name=q]").press("Enter")
    expect(sheet.get_by_role("link", name="Karin Lindqvist")).to_be_visible()
    _settled(page, "#merge-body")
    sheet.get_by_role("link", name="Karin Lindqvist").click()
    expect(sheet.locator(".dialog-actions button:not(.secondary)")).to_be_visible()
    _settled(page, "#merge-body")
    expect(sheet).to_contain_text("Karin Lindqvist")
    assert page.url.endswith(f"/customers/{cases[1].customer_id}/")
    sheet.locator(".dialog-actions button:not(.secondary)").click()
    page.wait_for_url(f"**/customers/{cases[1].customer_id}/")
    expect(page.locator(".flash")).to_be_visible()


def test_tags_and_snooze_apply_inline(browser_page, live_server):
    """No "Spara taggar" or "Pausa" buttons: the tags save when the agent leaves the field
    (the undo toast comes without a reload, the composer's text stays), and a snooze
    choice applies at once."""
    cases = _world()
    page = browser_page
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{cases[1].number}/")
    expect(page.locator("#tags button")).to_be_hidden()
    expect(page.locator("#snooze > button")).to_be_hidden()
    page.fill("#reply textarea[name=body]", "Hej Erik!")
    page.fill("#tags input[name=tags]", "retur, kudde")
    page.keyboard.press("Enter")
    expect(page.locator("#undo-slot .undo-toast")).to_be_visible()
    expect(page.locator("#case-tags .tag")).to_have_text(["kudde", "retur"])
    expect(page.locator("#reply textarea[name=body]")).to_have_value("Hej Erik!")
    assert sorted(cases[1].tags.values_list("name", flat=True)) == ["kudde", "retur"]
    page.select_option("#snooze select[name=until]", index=3)  # tomorrow at 08:00
    page.wait_for_url(f"{live_server.url}/cases/")
    cases[1].refresh_from_db()
    assert cases[1].snoozed_until is not None


def test_the_case_pages_side_panel_is_in_tabs(browser_page, live_server):
    """Orders and answers (first: the agent's tools), customer, earlier cases and history:
    one tab at a time, arrow keys between them, the last one chosen stays chosen on the
    next case."""
    cases = _world()
    page = browser_page
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{cases[0].number}/")
    tabs = page.locator(".side-tabs [role=tab]")
    expect(tabs).to_have_count(4)
    expect(page.locator("#panel-orders")).to_be_visible()
    expect(page.locator("#panel-customer")).to_be_hidden()
    page.click("#tab-customer")
    expect(page.locator("#panel-customer")).to_be_visible()
    expect(page.locator("#panel-customer")).to_contain_text("karin@example.se")
    expect(page.locator("#panel-history")).to_be_hidden()
    page.click("#tab-history")
    expect(page.locator("#panel-history")).to_be_visible()
    expect(page.locator("#panel-customer")).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#tab-earlier")).to_be_focused()
    expect(page.locator("#panel-earlier")).to_be_visible()
    page.goto(f"{live_server.url}/cases/{cases[2].number}/")
    expect(page.locator("#tab-earlier")).to_have_attribute("aria-selected", "true")


def test_ctrl_k_searches_everywhere_from_any_page(browser_page, live_server):
    cases = _world()
    page = browser_page
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/customers/")
    page.locator("body").click()  # out of the autofocused search field
    page.keyboard.press("Control+k")
    expect(page.locator("#palette")).to_be_visible()
    page.keyboard.type("jacka")
    expect(page.locator("#palette a.current")).to_contain_text("jacka")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=jacka")
    expect(page.locator("#found-cases")).to_contain_text(f"#{cases[0].number}")
