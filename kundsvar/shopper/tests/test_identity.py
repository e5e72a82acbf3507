"""The shop's signature on its logged-in shopper (rules C2, C4): valid only as signed,
with the shop's secret, before it expires; an unsigned email is never trusted."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundsvar.shopper import identity

SECRET = "s3cret-of-the-shop"
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
EXPIRES = int((NOW + timedelta(hours=24)).timestamp())


def fields(
    email="anna@example.se",
    name="Anna Svensson",
    external_id="1001",
    expires=EXPIRES,
    secret=SECRET,
    **changed,
):
    signed = {
        "ks_email": email,
        "ks_name": name,
        "ks_id": external_id,
        "ks_expires": str(expires),
        "ks_sig": identity.signature(secret, email, external_id, expires, name),
    }
    return {**signed, **changed}


def test_a_correctly_signed_shopper_is_recognised():  # C2
    shopper = identity.verify(SECRET, fields(), NOW)
    assert shopper == identity.Shopper("anna@example.se", "Anna Svensson", "1001", EXPIRES)


def test_the_email_is_compared_in_lower_case_as_the_snippets_sign_it():
    shopper = identity.verify(SECRET, fields(email="Anna@Example.SE"), NOW)
    assert shopper is not None and shopper.email == "anna@example.se"


def test_a_changed_field_or_another_secret_is_anonymous():  # C4: never trust an unsigned email
    assert identity.verify(SECRET, fields(ks_email="eva@example.se"), NOW) is None
    assert identity.verify(SECRET, fields(ks_id="1002"), NOW) is None
    assert identity.verify(SECRET, fields(ks_name="Eva"), NOW) is None
    assert identity.verify(SECRET, fields(ks_expires=str(EXPIRES + 1)), NOW) is None
    assert identity.verify("another-secret", fields(), NOW) is None
    assert identity.verify("", fields(secret=""), NOW) is None  # no secret, no trust


def test_missing_signature_or_fields_are_anonymous():
    assert identity.verify(SECRET, {"ks_email": "anna@example.se"}, NOW) is None
    assert identity.verify(SECRET, fields(ks_sig=""), NOW) is None
    assert identity.verify(SECRET, fields(ks_expires="tomorrow"), NOW) is None
    assert identity.verify(SECRET, {}, NOW) is None


def test_an_expired_signature_cannot_be_replayed():
    assert identity.verify(SECRET, fields(), NOW + timedelta(hours=25)) is None
    assert identity.verify(SECRET, fields(), NOW + timedelta(hours=23)) is not None


def test_an_expiry_too_far_ahead_is_refused_so_a_copied_snippet_dies():
    far = int((NOW + identity.MAX_LIFETIME + timedelta(minutes=1)).timestamp())
    assert identity.verify(SECRET, fields(expires=far), NOW) is None


def test_a_bad_email_is_refused_even_if_signed():
    assert identity.verify(SECRET, fields(email="not an email"), NOW) is None


def test_a_bar_in_the_email_or_id_is_refused():
    assert identity.verify(SECRET, fields(external_id="10|01"), NOW) is None


no_bar = st.text(st.characters(blacklist_characters="|"), max_size=12)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.tuples(no_bar, no_bar, st.integers(0, 10**10), st.text(max_size=12)),
    second=st.tuples(no_bar, no_bar, st.integers(0, 10**10), st.text(max_size=12)),
)
def test_two_different_shoppers_never_sign_the_same_text(first, second):
    """The name is signed last and email and id hold no "|": text moved from one field to
    another changes what is signed, so no signature carries over."""
    same = identity.payload(*first) == identity.payload(*second)
    assert same == (
        (first[0].strip().lower(),) + first[1:] == (second[0].strip().lower(),) + second[1:]
    )
