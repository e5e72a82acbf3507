"""The name a greeting uses ("Hej Anna,"), from whatever name the customer's mail or form
gave (A1: the acknowledgement greets the customer)."""

import pytest

from kundsvar.customers.models import Customer


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Anna Svensson", "Anna"),
        ("Svensson, Anna", "Anna"),  # "Surname, Given name" from a company address book
        ("O'Brien, Patrick J.", "Patrick"),
        ("O'Brien", "O'Brien"),
        ("Anna-Karin Lind", "Anna-Karin"),
        ('"Anna Svensson"', "Anna"),
        ("'Anna'", "Anna"),
        ("(Anna) Svensson", "Anna"),
        ("Svensson,", "Svensson"),  # nothing after the comma: the name there is
        ("Åsa Öberg", "Åsa"),
        ("- Anna", "Anna"),
        ("123 456", ""),  # no word with a letter: "Hej,"
        ("", ""),
        ("   ", ""),
    ],
)
def test_first_name(name, first):
    assert Customer(name=name).first_name == first
