"""The contact-page probe (rule M2) against pages served from this machine: a good and a bad
Swedish page, Norwegian, Danish and English pages, and a page built by JavaScript."""

from datetime import UTC, datetime

import pytest

from kundsvar.audit import services, site
from kundsvar.audit.result import FAIL, PASS, UNKNOWN, WARN

from .webserver import serving

pytestmark = pytest.mark.django_db
DECEMBER = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # in season for Christmas dates (O5)
MARCH = datetime(2027, 3, 17, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def base():
    with serving() as url:
        yield url


def statuses(probe) -> dict[str, str]:
    return {r["code"]: r["status"] for r in probe.results}


def test_a_good_swedish_contact_page_passes_everything(base):  # M2, C1, S1, K1, O4, O5, O7, C3
    probe = services.run_site_probe(f"{base}/good_sv/kontakt.html", now=DECEMBER)
    assert set(statuses(probe).values()) == {PASS}
    assert probe.score == 100 and probe.language == "sv"
    found = {r["code"]: r["figure"] for r in probe.results}
    assert found["site_phone"] == "+4620123456"
    assert "inom 6 timmar" in found["site_response_time"]
    assert len(probe.pages) == 5  # the page and its four same-site links


def test_a_bad_page_fails_where_a_customer_is_let_down(base):  # M2, C1, S1, C3
    probe = services.run_site_probe(f"{base}/bad_sv/kontakt.html", now=DECEMBER)
    got = statuses(probe)
    assert got["site_phone"] == FAIL  # the only number is inside the form
    assert got["site_response_time"] == FAIL  # "inom fem arbetsdagar"
    assert got["site_no_personal_number"] == FAIL
    assert got["site_faq"] == got["site_returns"] == got["site_christmas"] == FAIL
    assert probe.score < 20


@pytest.mark.parametrize(
    "path, language",
    [
        ("good_nb/kontakt.html", "nb"),
        ("good_da/kontakt.html", "da"),
        ("good_en/contact.html", "en"),
    ],
)
def test_norwegian_danish_and_english_pages(base, path, language):  # M2
    probe = services.run_site_probe(f"{base}/{path}", now=DECEMBER)
    got = statuses(probe)
    assert probe.language == language
    assert {k: v for k, v in got.items() if v != PASS} == {}, probe.results


def test_christmas_dates_are_not_asked_out_of_season(base):  # O5
    probe = services.run_site_probe(f"{base}/good_sv/kontakt.html", now=MARCH)
    assert statuses(probe)["site_christmas"] == UNKNOWN
    assert probe.score == 100  # "could not tell" does not count against the shop


def test_it_says_what_it_could_not_tell(base):  # M2: a page built by JavaScript
    probe = services.run_site_probe(f"{base}/script_only/kontakt.html", now=DECEMBER)
    got = statuses(probe)
    assert got["site_phone"] == got["site_hours"] == got["site_response_time"] == UNKNOWN
    assert "JavaScript" in next(r["figure"] for r in probe.results if r["code"] == "site_phone")
    missing = services.run_site_probe(f"{base}/finns-inte.html", now=DECEMBER)
    assert set(statuses(missing).values()) == {UNKNOWN}
    assert "could not read" in missing.results[0]["figure"]


def test_response_time_wording():  # S1
    def said(text):
        found = site.response_time(text, DECEMBER)
        return found.status if found else None

    assert said("Vi svarar inom 2 timmar.") == PASS
    assert said("Vi svarar på alla mejl inom fem arbetsdagar.") == FAIL
    assert said("Vi svarar så snart som möjligt.") == FAIL
    assert said("Vi svarer innen 36 timer.") == WARN
    assert said("Välkommen till vår butik.") is None
