"""O4: the customer gets a link to the carrier's tracking page and its phone number; the
shop admin's edits to a carrier win over the built-in registry."""

import pytest

from kundsvar.commerce.carriers import REGISTRY, carrier_for, tracking_link
from kundsvar.commerce.models import Carrier

pytestmark = pytest.mark.django_db

EXPECTED_LINKS = {
    "postnord": "https://www.postnord.se/track-and-trace/RR123456785SE",
    "bring": "https://www.posten.no/sporing/RR123456785SE",
    "dhl_express": "https://www.dhl.com/en/express/tracking.html?AWB=RR123456785SE",
    "dhl_freight": "https://www.dhl.com/se-sv/home/tracking/tracking-freight.html"
    "?tracking-id=RR123456785SE",
    "dhl_ecommerce": "https://webtrack.dhlglobalmail.com/?trackingnumber=RR123456785SE",
    "ups": "https://www.ups.com/track?tracknum=RR123456785SE",
    "gls": "https://gls-group.eu/EU/en/parcel-tracking/RR123456785SE",
    "schenker": "https://www.dbschenker.com/app/tracking-public/?refNumber=RR123456785SE",
    "budbee": "https://tracking.budbee.com/RR123456785SE",
    "instabox": "https://instabox.se/sv/spara?token=RR123456785SE",
    "airmee": "",  # no source found: no link until the admin fills one in
    "earlybird": "",
    "posti": "https://www.smartposti.fi/track/RR123456785SE",
    "upu": "https://www.postnord.se/track-and-trace/RR123456785SE",
}


def test_every_carrier_has_an_expected_link():  # O4
    assert set(EXPECTED_LINKS) == {c.code for c in REGISTRY}


@pytest.mark.parametrize(("code", "url"), EXPECTED_LINKS.items())
def test_tracking_link_for_each_carrier(code, url):  # O4
    assert tracking_link(code, " rr 123 456 785 se ") == url


@pytest.mark.parametrize(("code", "url"), EXPECTED_LINKS.items())
def test_the_registry_is_the_fallback_without_a_row(code, url):  # O4
    Carrier.objects.filter(code=code).delete()
    fallback = carrier_for(code)
    assert fallback.pk is None and fallback.code == code  # unsaved, from the registry
    assert tracking_link(code, "RR123456785SE") == url


def test_the_admins_template_wins():  # O4
    Carrier.objects.filter(code="airmee").update(
        tracking_url="https://track.airmee.example/?id={number}", verified=True
    )
    assert tracking_link("airmee", "ab 12") == "https://track.airmee.example/?id=AB12"
    assert carrier_for("airmee").verified is True


def test_the_number_is_url_quoted():  # O4
    assert tracking_link("budbee", "a/b?c=d&e#f") == (
        "https://tracking.budbee.com/A%2FB%3FC%3DD%26E%23F"
    )


def test_only_web_links_are_made():  # O4: the value ends up in href attributes
    Carrier.objects.filter(code="budbee").update(tracking_url="javascript:alert(1)//{number}")
    assert tracking_link("budbee", "X1") == ""


def test_no_link_for_unknown_carriers_or_empty_numbers():
    assert tracking_link("", "RR123456785SE") == ""
    assert tracking_link("nosuchcarrier", "RR123456785SE") == ""
    assert tracking_link("postnord", "  ") == ""


def test_carrier_for_gives_the_editable_row_with_phone():  # O4
    bring = carrier_for("bring")
    assert (bring.name, bring.phone, bring.verified) == ("Bring", "04045", True)
    assert carrier_for("") is None
    assert carrier_for("nosuchcarrier") is None
