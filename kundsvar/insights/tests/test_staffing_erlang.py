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


def test_too_few_agents_never_catch_up():
    assert erlang_c(5, 5.0) == 1.0
    assert service_level(5, 5.0, 180, 20) == 0.0
    assert math.isinf(average_speed_of_answer(4, 5.0, 180))
    assert agents_needed(0, 180, 20, 0.8) == 0
