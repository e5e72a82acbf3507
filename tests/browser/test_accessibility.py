"""Accessibility, keyboard and live collision in a real browser (issue 16):
axe-core (vendored, tests/browser/vendor) finds no serious or critical violation on the
queue, case, customer list and profile, settings and reports overview, reduced motion is
respected; the keyboard shortcuts work and never fire while typing; a colleague's
"viewing / typing" shows live on the case page and a notification updates the bell
without a reload."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.cases import services
from kundsvar.cases.models import Case
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "rätt-lösenord-123"
TUESDAY_13 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # inside opening hours
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture(autouse=True)
def _tuesday_afternoon(time_machine):
    time_machine.move_to(TUESDAY_13, tick=True)


def _world():
    shop = ShopFactory(name="Nordljus", slug="nordljus")
    people = {}
    for username, first, role in [("anna", "Anna", Role.ADMIN), ("bo", "Bo", Role.AGENT)]:
        people[username] = Agent.objects.create_user(
            username, password=PASSWORD, first_name=first, last_name="Holm", language="sv"
        )
        Membership.objects.create(agent=people[username], shop=shop, role=role)
    cases = [
        open_email_case(
            shop,
            TUESDAY_13 - timedelta(hours=i + 1),
            sender=f"kund{i}@example.se",
            subject=subject,
            text="Hej! När kommer min beställning?",
            from_name=name,
        )
        for i, (name, subject) in enumerate(
            [("Karin Lindqvist", "Leveranstid jacka"), ("Erik Johansson", "Retur av kudden")]
        )
    ]
    services.assign(cases[0], people["anna"])
    services.add_note(cases[0], people["anna"], "@bo kan du kolla lagret?")
    return cases, people


def _log_in(page, base, username):
    page.goto(f"{base}/login/?next=/cases/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit], form button >> nth=-1")
    page.wait_for_url(f"{base}/cases/")


def _serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await Promise.race([
              axe.run(document, {resultTypes: ["violations"]}),
              new Promise((_, fail) => setTimeout(() => fail(new Error("axe ran 60 s")), 60000)),
            ])).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => v.id + ": " + v.nodes.slice(0, 3)
                .map((n) => n.target.join(" ")).join(" | "))"""
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(open_context, asgi_server, scheme):
    cases, _people = _world()
    context = open_context(
        viewport={"width": 1366, "height": 900},
        locale="sv-SE",
        color_scheme=scheme,
        reduced_motion="reduce",
        bypass_csp=True,  # to inject axe; the pages' own scripts are under the CSP anyway
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    _log_in(page, asgi_server, "anna")
    pages = {
        "queue": "/cases/",
        "case": f"/cases/{cases[0].number}/",
        "customers": "/customers/",
        "customer": f"/customers/{cases[0].customer_id}/",
        "search": "/search/?q=leverans",
        "settings": "/settings/",
        "notification settings": "/notifications/settings/",
        "reports": "/insights/",
    }
    problems = {}
    for name, path in pages.items():
        page.goto(asgi_server + path)
        page.wait_for_selector("#bell summary")  # the bell is loaded by the page
        found = _serious(page)
        if found:
            problems[name] = found
    # The merge dialog, open over the case page (a confirmation must be usable too).
    page.goto(f"{asgi_server}/cases/{cases[0].number}/")
    page.fill("#merge input[name=into]", str(cases[1].number))
    page.click("#merge button")
    page.wait_for_selector("#case-merge-dialog[open] .dialog-actions")
    found = _serious(page)
    if found:
        problems["merge dialog"] = found
    assert problems == {}
    # Reduced motion: nothing moves.
    duration = page.evaluate(
        "getComputedStyle(document.querySelector('button')).transitionDuration"
    )
    assert duration == "0s"


def test_keyboard_shortcuts_and_never_while_typing(browser_page, asgi_server):
    cases, _people = _world()
    page = browser_page
    _log_in(page, asgi_server, "bo")
    page.keyboard.press("j")
    expect(page.locator("#queue-rows tr.row.current")).to_have_count(1)
    page.keyboard.press("/")
    search = page.locator("form.filters input[type=search]")
    expect(search).to_be_focused()
    page.keyboard.type("jk")  # typed, not shortcuts
    expect(search).to_have_value("jk")
    search.blur()
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    first = page.locator("#queue-rows tr.row.current").get_attribute("data-href")
    page.keyboard.press("o")
    page.wait_for_url(f"**{first}")
    page.keyboard.press("n")
    note = page.locator("#note textarea")
    expect(note).to_be_focused()
    page.keyboard.type("ea")  # not close, not assign
    note.blur()  # out of the field
    # "a" posts the form and loads the case page again: wait for that page's own load
    # (its scripts with the shortcuts run), not the old page's, before the next keys.
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("a")
    expect(page.locator("select[name=assignee] option[selected]")).to_have_text("Bo Holm")
    assert Case.objects.filter(status="closed").count() == 0
    page.keyboard.press("g")
    page.keyboard.press("q")
    page.wait_for_url("**/cases/")
    # On the queue "a" takes the chosen row.
    page.keyboard.press("j")
    page.keyboard.press("j")
    chosen = page.locator("#queue-rows tr.row.current").get_attribute("data-href")
    page.keyboard.press("a")
    expect(page.locator(".flash")).to_be_visible()
    number = int(chosen.strip("/").rsplit("/", 1)[1])
    assert Case.objects.get(number=number).assignee.username == "bo"


def test_a_colleague_viewing_and_typing_shows_live_and_the_bell_counts(open_context, asgi_server):
    cases, people = _world()
    contexts = [
        open_context(viewport={"width": 1366, "height": 900}, locale="sv-SE") for _ in range(2)
    ]
    # Bo's browser shows notifications once he turns them on (recorded, not shown).
    contexts[1].add_init_script(
        """window.shown = [];
        window.Notification = class {
            constructor(title) { window.shown.push(title); }
            static get permission() { return localStorage.getItem("granted") || "default"; }
            static async requestPermission() {
                localStorage.setItem("granted", "granted"); return "granted"; }
        };"""
    )
    anna, bo = (c.new_page() for c in contexts)
    for page, name in ((anna, "anna"), (bo, "bo")):
        page.set_default_timeout(15_000)
        _log_in(page, asgi_server, name)
    expect(bo.locator("#bell [data-unread]")).to_have_text("1")  # the mention
    bo.goto(f"{asgi_server}/notifications/settings/")
    assert bo.evaluate("window.Notification.permission") == "default"  # not asked unbidden
    bo.click("button[data-browser-notifications]")
    expect(bo.locator("button[data-browser-notifications]")).to_be_hidden()
    url = f"{asgi_server}/cases/{cases[1].number}/"
    anna.goto(url)
    bo.goto(url)
    people_box = anna.locator("#live-people")
    expect(people_box).to_contain_text("Bo tittar på ärendet")
    bo.locator("#reply textarea").type("Hej Erik!")
    expect(people_box).to_contain_text("Bo skriver ett svar…")
    expect(bo.locator("#live-people")).to_contain_text("Anna tittar på ärendet")
    # Anna gives Bo the case: his bell counts it without a reload.
    anna.select_option("select[name=assignee]", str(people["bo"].pk))
    expect(bo.locator("#bell [data-unread]")).to_have_text("2")
    assert bo.evaluate("window.shown") == [
        f"Anna Holm tilldelade ärende #{cases[1].number} till dig"
    ]
    expect(bo.locator("#reply textarea")).to_have_value("Hej Erik!")  # nothing reloaded
