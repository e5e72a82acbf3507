"""Erlang C against published examples (rule S5: chat and phone answered within N s for X %).

1. Westbay Engineers' worked example of the Erlang-C formula ("The Erlang-C
   calculations are described step by step below, using an example of 360 calls per
   half hour, with an average call duration of 4 minutes, and 55 agents. The target
   answer time for service level is 15 seconds." — erlang.com, "Erlang-C formula", as
   quoted in public copies of that page): traffic 48 Erlangs, occupancy 87.3 %,
   probability of waiting 23.9 %, average speed of answer 8.2 s, service level 84.6 %.
2. Call Centre Helper's classic staffing example: 100 calls in 30 minutes, 180 s average
   handle time, 80 % answered within 20 s: 13 agents give 79.6 %, so 14 are needed
   (88.8 %), before shrinkage.
"""

import math

import pytest

from kundsvar.insights.staffing_erlang import (
    agents_needed,
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    service_level,
)


def test_the_westbay_example():  # S5
    traffic = 360 / 1800 * 240
    assert traffic == 48
    assert traffic / 55 == pytest.approx(0.873, abs=0.001)
    assert erlang_c(55, traffic) == pytest.approx(0.239, abs=0.001)
    assert average_speed_of_answer(55, traffic, 240) == pytest.approx(8.2, abs=0.05)
    assert service_level(55, traffic, 240, 15) == pytest.approx(0.846, abs=0.001)


def test_the_call_centre_helper_example():  # S5
    traffic = 100 / 1800 * 180
    assert service_level(13, traffic, 180, 20) == pytest.approx(0.796, abs=0.001)
    assert service_level(14, traffic, 180, 20) == pytest.approx(0.888, abs=0.001)
    assert agents_needed(200, 180, 20, 0.80) == 14  # 100 per half hour = 200 an hour


def test_erlang_b_against_the_textbook_table():
    # Erlang B table: 10 circuits at 5 Erlangs block 1.84 % of calls.
    assert erlang_b(10, 5.0) == pytest.approx(0.0184, abs=0.0001)


# The published Erlang B table (traffic in Erlangs that N circuits carry at a given grade
# of service), as printed in teletraffic textbooks and the ITU-T "Teletraffic
# Engineering" handbook's tables: the columns for 1 % and 2 % blocking.
ERLANG_B_TABLE = [
    (1, 0.01, 0.0101),
    (2, 0.01, 0.153),
    (5, 0.01, 1.361),
    (10, 0.01, 4.461),
    (20, 0.01, 12.031),
    (50, 0.01, 37.901),
    (100, 0.01, 84.064),
    (10, 0.02, 5.084),
    (20, 0.02, 13.182),
    (50, 0.02, 40.255),
]


@pytest.mark.parametrize(("circuits", "blocking", "traffic"), ERLANG_B_TABLE)
def test_erlang_b_reproduces_the_published_table(circuits, blocking, traffic):  # S5
    # The table rounds the traffic to three decimals, so the blocking it gives is within
    # a few parts in a thousand of the column's grade of service.
    assert erlang_b(circuits, traffic) == pytest.approx(blocking, rel=0.006)


def test_erlang_c_follows_from_the_table():  # S5
    # The textbook identity C = N·B / (N − A(1 − B)); at two agents and one Erlang the
    # probability of waiting is exactly 1/3 (M/M/2 with ρ = 0.5).
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-12)
    for circuits, _, traffic in ERLANG_B_TABLE:
        b = erlang_b(circuits, traffic)
        assert erlang_c(circuits, traffic) == pytest.approx(
            circuits * b / (circuits - traffic * (1 - b))
        )
        assert erlang_c(circuits, traffic) > b  # waiting is likelier than being blocked


def test_too_few_agents_never_catch_up():
    assert erlang_c(5, 5.0) == 1.0
    assert service_level(5, 5.0, 180, 20) == 0.0
    assert math.isinf(average_speed_of_answer(4, 5.0, 180))
    assert agents_needed(0, 180, 20, 0.8) == 0
