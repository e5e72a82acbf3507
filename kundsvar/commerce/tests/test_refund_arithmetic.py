"""Refund arithmetic (O6): refunded = paid − applied deductions, never negative."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kundsvar.commerce.refunds import Requested, breakdown

amounts = st.integers(min_value=0, max_value=10**12)
deductions = st.lists(
    st.builds(
        Requested, reason=st.sampled_from(["return_shipping", "other"]), amount_minor=amounts
    ),
    max_size=6,
)


def test_paid_80_minus_return_shipping_59_is_21():  # O6
    result = breakdown(8000, [Requested("return_shipping", 5900, "Returfrakt", "59 kr")])
    assert (result.paid_minor, result.deducted_minor, result.refunded_minor) == (8000, 5900, 2100)
    assert not result.capped and result.deductions[0].policy_text == "59 kr"


def test_a_deduction_larger_than_what_is_left_is_capped():  # O6
    result = breakdown(
        8000,
        [
            Requested("return_shipping", 5900),
            Requested("restocking", 5000),
            Requested("other", 100),
        ],
    )
    assert [d.amount_minor for d in result.deductions] == [5900, 2100, 0]
    assert [d.capped for d in result.deductions] == [False, True, True]
    assert result.refunded_minor == 0 and result.capped


def test_negative_input_is_a_bug_not_a_refund():
    with pytest.raises(ValueError):
        breakdown(-1)
    with pytest.raises(ValueError):
        breakdown(100, [Requested("other", -5)])


@given(paid=amounts, requested=deductions)
def test_the_sum_always_adds_up_and_is_never_negative(paid, requested):  # O6
    result = breakdown(paid, requested)
    assert result.refunded_minor == paid - sum(d.amount_minor for d in result.deductions)
    assert result.refunded_minor >= 0 and result.deducted_minor >= 0
    for applied in result.deductions:
        assert 0 <= applied.amount_minor <= applied.requested_minor


@given(paid=amounts, requested=deductions)
def test_nothing_is_capped_when_everything_fits(paid, requested):  # O6
    result = breakdown(paid, requested)
    if sum(r.amount_minor for r in requested) <= paid:
        assert not result.capped
        assert result.refunded_minor == paid - sum(r.amount_minor for r in requested)
    else:
        assert result.capped and result.refunded_minor == 0
