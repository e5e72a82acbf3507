"""C4, O4: tracking numbers are found in what customers write — and order numbers,
phone numbers and personnummer are never taken for them."""

from kundsvar.commerce.carriers import find_tracking_numbers


def test_a_swedish_email_with_a_kollinummer_and_an_order_number():  # C4
    text = (
        "Hej!\n\nMitt kolli RR123456785SE har inte kommit. Ordernummer 10234.\n"
        "Mvh Karin, tel 070-123 45 67"
    )
    assert find_tracking_numbers(text) == [("RR123456785SE", "postnord")]


def test_order_number_alone_is_not_a_tracking_number():  # C4
    assert find_tracking_numbers("Var är min order 10234? Jag beställde i tisdags.") == []
    # Ten digits that happen to pass DHL's mod 7 are still an order number when so labelled.
    assert find_tracking_numbers("Ordernummer 1000234561, kolli har inte kommit") == []


def test_phone_numbers_and_personnummer_are_not_tracking_numbers():  # C3, C4
    # Both pass DHL Express's mod-7 check; a tracking word stands right before them.
    assert find_tracking_numbers("Paketet har inte kommit, 0701234564") == []
    assert find_tracking_numbers("Paketet har inte kommit, 5001011013") == []
    assert find_tracking_numbers("Om paketet: ring mig på +46701234564") == []
    assert find_tracking_numbers("Mitt personnummer är 5001011013") == []


def test_bare_digits_need_a_tracking_word_and_a_check_digit():  # C4
    assert find_tracking_numbers("DHL sändningsnummer 3318810025") == [
        ("3318810025", "dhl_express")
    ]
    assert find_tracking_numbers("3318810025") == []  # no label
    assert find_tracking_numbers("Sändningsnummer 3318810010") == []  # check digit wrong
    assert find_tracking_numbers("Kollinummer 735004895234590109") == [("735004895234590109", "")]


def test_numbers_in_other_nordic_languages_and_spellings():  # C4, R7
    text = (
        "Hei, pakken med sporingsnummer CP123456785NO er ikke kommet.\n"
        "Min danske pakke: rr 123 456 785 dk. UPS: 1Z 5R8 939 03 5756 7127\n"
        "Suomesta: LX000000028FI"
    )
    assert find_tracking_numbers(text) == [
        ("CP123456785NO", "bring"),
        ("RR123456785DK", "postnord"),
        ("1Z5R89390357567127", "ups"),
        ("LX000000028FI", "posti"),
    ]


def test_distinctive_formats_need_no_label():  # C4
    text = (
        "Se https://www.postnord.se/track-and-trace/RR123456785SE eller JJD0099999999, "
        "SSCC (00)373073025387123457 och GM2951173225174494."
    )
    assert find_tracking_numbers(text) == [
        ("RR123456785SE", "postnord"),
        ("JJD0099999999", "dhl_express"),
        ("00373073025387123457", ""),
        ("GM2951173225174494", "dhl_ecommerce"),
    ]


def test_lookalikes_are_ignored():  # C4
    text = (
        "Fakturanummer INVOICE2024001234, rabattkod VINTER20, artikel SKU-XL-123456, "
        "kortnummer 4111111111111111, OCR 12345678901234567, RR123456784SE."
    )
    assert find_tracking_numbers(text) == []


def test_each_number_once_in_order_of_appearance():  # C4
    text = "RR123456785SE? Ja, RR123456785SE. Och 1Z5R89390357567127."
    assert find_tracking_numbers(text) == [
        ("RR123456785SE", "postnord"),
        ("1Z5R89390357567127", "ups"),
    ]


def test_dhl_freight_order_format_with_its_label():  # O4
    assert find_tracking_numbers("DHL Freight ordernr? Nej, sändning ABC-EC-123467") == [
        ("ABC-EC-123467", "dhl_freight")
    ]
    assert find_tracking_numbers("Artikel ABC-EC-123467") == []


def test_empty_and_strange_input():  # A6
    assert find_tracking_numbers("") == []
    assert find_tracking_numbers(None) == []
    assert find_tracking_numbers("\x00" * 10 + "RR123456785SE" * 3) == []
