"""core.addresses: the sender key the loop checks and acknowledgement limits count by."""

import pytest

from kundsvar.core.addresses import key_and_domain, sender_key


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("kund@firma.se", ("kund@firma.se", "firma.se")),
        ("Kund+order-1@Firma.SE", ("kund@firma.se", "firma.se")),  # +tag cut, lower case
        ("  anna.b@gmail.com ", ("anna.b@gmail.com", "gmail.com")),
        ('"a@b"@firma.se', ('"a@b"@firma.se', "firma.se")),  # the last @ splits
        ("+46701234567", ("", "")),  # an SMS sender: no address
        ("", ("", "")),
        ("@firma.se", ("", "")),
        ("kund@", ("", "")),
    ],
)
def test_key_and_domain(address, expected):
    assert key_and_domain(address) == expected


def test_a_tag_alone_is_its_own_sender():
    assert sender_key("+tag@firma.se") == ("", "firma.se")
