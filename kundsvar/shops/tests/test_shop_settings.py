import pytest
from django.core.exceptions import ValidationError

from kundsvar.shops.models import Shop, validate_reply_address
from kundsvar.shops.tests.factories import ShopFactory
from kundsvar.sla.models import ResponsePolicy
from kundsvar.sla.policies import policy_for


@pytest.mark.parametrize(
    "address",
    [
        "noreply@butik.se",
        "no-reply@butik.se",
        "NoReply@butik.se",
        "do-not-reply@butik.se",
        "donotreply@butik.se",
        "noreply+order@butik.se",
        "noreply-kundtjanst@butik.se",
    ],
)
def test_a_noreply_sender_is_rejected(address):  # A3
    with pytest.raises(ValidationError) as error:
        validate_reply_address(address)
    assert error.value.code == "no_reply_address"


@pytest.mark.parametrize(
    "address",
    ["kundtjanst@butik.se", "hej@butik.se", "support@norrsken.no", "kundeservice@butik.dk"],
)
def test_real_customer_service_addresses_are_accepted(address):  # A3
    validate_reply_address(address)


@pytest.mark.django_db
def test_saving_a_shop_with_a_noreply_address_fails_validation():  # A3
    shop = Shop(name="Butik", slug="butik", email="noreply@butik.se")
    with pytest.raises(ValidationError) as error:
        shop.full_clean()
    assert "email" in error.value.message_dict


@pytest.mark.django_db
def test_unknown_time_zone_is_rejected():
    shop = Shop(name="Butik", slug="butik", email="kundtjanst@butik.se", time_zone="Europe/Nowhere")
    with pytest.raises(ValidationError) as error:
        shop.full_clean()
    assert "time_zone" in error.value.message_dict


def test_defaults_follow_rule_s1():  # S1
    policy = ResponsePolicy()
    assert (policy.first_response_minutes, policy.follow_up_minutes, policy.ceiling_minutes) == (
        360,
        120,
        1440,
    )


def test_a_promise_over_48_hours_needs_an_explicit_override():  # S1
    policy = ResponsePolicy(first_response_minutes=49 * 60, ceiling_minutes=72 * 60)
    with pytest.raises(ValidationError) as error:
        policy.clean()
    assert error.value.code == "over_48h"
    policy.override_over_48h = True
    with pytest.raises(ValidationError):
        policy.clean()  # an override needs a reason
    policy.override_reason = "Inventering vecka 2"
    policy.clean()
    assert policy.flagged_by_audit


def test_follow_up_target_must_not_be_slower_than_first_response():  # S3
    with pytest.raises(ValidationError):
        ResponsePolicy(first_response_minutes=60, follow_up_minutes=120).clean()


@pytest.mark.django_db
def test_channel_policy_wins_over_shop_default_which_wins_over_rule_defaults():
    shop = ShopFactory()
    assert policy_for(shop, "email").first_response_minutes == 360
    ResponsePolicy.objects.create(shop=shop, channel="", first_response_minutes=240)
    assert policy_for(shop, "email").first_response_minutes == 240
    ResponsePolicy.objects.create(
        shop=shop, channel="chat", first_response_minutes=10, follow_up_minutes=5
    )
    assert policy_for(shop, "chat").first_response_minutes == 10
    assert policy_for(shop, "email").first_response_minutes == 240
