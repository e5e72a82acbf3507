"""Rule C3: the form never asks for a personnummer, and one written anyway is masked
before anything is stored; the customer is told kindly that it is not needed."""

import pytest

from kundsvar.cases.models import Case
from kundsvar.core.privacy import MASK, luhn_valid

from .conftest import fill

pytestmark = pytest.mark.django_db
VALID = "811218-9876"  # Luhn-valid, a real date
INVALID = "811218-9875"  # same date, wrong check digit


def test_fixture_numbers():
    assert luhn_valid(VALID.replace("-", ""))
    assert not luhn_valid(INVALID.replace("-", ""))


def test_the_form_has_no_personal_number_field(client, shop):  # C3
    html = client.get(f"/s/{shop.slug}/?lang=en").content.decode().lower()
    assert "personnummer" not in html.replace("personal identity number", "")
    assert "do not write your personal identity number" in html


def test_valid_personal_number_is_masked_and_the_customer_told(client, shop, clock):  # C3
    data = fill(client, clock, shop, message=f"Hej, mitt personnummer är {VALID}. Var är paketet?")
    response = client.post(f"/s/{shop.slug}/?lang=en", data)
    message = Case.objects.get().messages.get()
    assert VALID not in message.body_text
    assert MASK in message.body_text
    assert "personal_number_masked" in message.parse_warnings
    thanks = client.get(response["Location"]).content.decode()
    assert "We never need it to help you, so we removed it" in thanks


def test_masked_in_the_acknowledgement_too(
    client, shop, clock, django_capture_on_commit_callbacks
):  # C3
    from django.core import mail

    data = fill(client, clock, shop, message=f"Personnummer {VALID}, var är paketet?")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/s/{shop.slug}/?lang=en", data)
    assert VALID not in mail.outbox[0].body
    assert VALID.replace("-", "") not in mail.outbox[0].body


def test_masked_in_the_name_field_too(client, shop, clock):  # C3
    data = fill(client, clock, shop, name=f"Karin {VALID}")
    client.post(f"/s/{shop.slug}/?lang=en", data)
    assert VALID not in Case.objects.get().messages.get().from_name


def test_number_failing_luhn_is_left_as_written(client, shop, clock):  # C3: only real ones
    data = fill(client, clock, shop, message=f"Hej, numret på lappen är {INVALID}.")
    response = client.post(f"/s/{shop.slug}/?lang=en", data)
    message = Case.objects.get().messages.get()
    assert INVALID in message.body_text
    assert "personal_number_masked" not in message.parse_warnings
    thanks = client.get(response["Location"]).content.decode()
    assert "removed it" not in thanks


def test_random_ten_digits_left_alone(client, shop, clock):  # C3
    data = fill(client, clock, shop, message="Referens 1234567890 från banken.")
    client.post(f"/s/{shop.slug}/?lang=en", data)
    assert "1234567890" in Case.objects.get().messages.get().body_text


def test_typing_one_warns_beside_the_form(client, shop):  # C3, before sending
    response = client.post(
        f"/s/{shop.slug}/suggest/?lang=en", {"message": f"Mitt personnummer är {VALID}"}
    )
    assert "It looks like you wrote a personal identity number" in response.content.decode()
