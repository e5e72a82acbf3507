"""C3 for the neighbours: Norwegian fødselsnummer (and D-numbers), Finnish henkilötunnus
and Danish CPR are masked like the Swedish personnummer; their look-alikes are not.

The check digits here are computed by this file's own few lines from the published
rules, so a bug in privacy.py cannot make these tests agree with themselves."""

import pytest

from kundsvar.core.privacy import MASK, mask_personal_numbers


def fnr(ddmmyy: str, individual: str) -> str:
    """A Norwegian fødselsnummer from its date and three individual digits."""
    nine = ddmmyy + individual
    k1 = (11 - sum(int(a) * b for a, b in zip(nine, [3, 7, 6, 1, 8, 9, 4, 5, 2], strict=True))) % 11
    ten = nine + str(k1)
    k2 = (
        11 - sum(int(a) * b for a, b in zip(ten, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2], strict=True))
    ) % 11
    assert k1 != 10 and k2 != 10, "pick other individual digits"
    return ten + str(k2)


NO = fnr("150385", "123")  # born 15 March 1985
NO_D = fnr("550385", "123")  # D-number: day + 40


@pytest.mark.parametrize(
    "text",
    [
        f"Hei, fødselsnummeret mitt er {NO}, takk.",
        f"Fødselsnr: {NO[:6]} {NO[6:]}",
        f"D-nummer {NO_D}.",
        "Henkilötunnukseni on 131052-308T.",  # Väestörekisterikeskus' own example
        "hetu 010101A123N ja tilaus",
        "Mit CPR-nummer er 070761-4285.",
        "CPR: 0707614286",  # without the dash
        "cpr nr 311299-1234 tak",  # fails mod 11 (allowed since 2007)
    ],
)
def test_the_neighbours_numbers_are_masked(text):
    masked, count = mask_personal_numbers(text)
    assert count == 1 and MASK in masked, masked
    assert mask_personal_numbers(masked) == (masked, 0)  # masking twice changes nothing


@pytest.mark.parametrize(
    "text",
    [
        f"Ordrenummer {NO[:-1]}{(int(NO[-1]) + 1) % 10}",  # a wrong check digit
        f"ordre {NO}",  # after an order word, unseparated: the order number
        "131052-308U",  # a wrong Finnish check character
        "Tilausnumero 1310523081",
        "Faktura 311299-1234",  # a Danish date, no CPR word
        "Ring 0707614285",  # ten digits, no CPR word
        "Ordre 4004-5500-2231",
        "Sporing 370722150012345",
    ],
)
def test_look_alikes_are_left_alone(text):
    assert mask_personal_numbers(text) == (text, 0)


def test_a_swedish_and_a_norwegian_number_in_one_text_are_both_counted():
    text = f"Personnummer 811218-9876 och fødselsnummer {NO}"
    masked, count = mask_personal_numbers(text)
    assert count == 2 and masked.count(MASK) == 2
