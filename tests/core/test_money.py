from decimal import Decimal

import pytest

from grants.core.money import MoneyError, display_cents, format_cents, parse_cents

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("4600.00", 460000),
        ("4600", 460000),
        ("4600.5", 460050),
        ("4600.05", 460005),
        ("0.01", 1),
        ("0", 0),
        ("4600,00", 460000),
        ("1533,33", 153333),
        (" 4600.00 ", 460000),
    ],
)
def test_parse_cents_accepts_decimal_strings(text, cents):
    assert parse_cents(text) == cents


def test_parse_cents_takes_an_int_as_whole_euros():
    assert parse_cents(4600) == 460000


@pytest.mark.parametrize("value", [4600.0, 0.1, True])
def test_parse_cents_refuses_floats_and_bools(value):
    with pytest.raises(MoneyError):
        parse_cents(value)


def test_parse_cents_refuses_decimal_objects():
    # Only the wire format (a string) or whole euros (an int) are money inputs.
    with pytest.raises(MoneyError, match="not Decimal"):
        parse_cents(Decimal("4600.00"))


@pytest.mark.parametrize(
    "text",
    [
        "4600.001",
        "1e3",
        "",
        " ",
        "4 600,00",
        "4,600.00",
        "4.600,00",
        "4600.",
        ".50",
        "+5",
        "EUR 5",
        "5 €",
        "NaN",
        "Infinity",
        "--1",
        "४६००",  # Devanagari digits: int() would read them, money must not
        "４６００",  # full-width digits
    ],
)
def test_parse_cents_refuses_malformed_text(text):
    with pytest.raises(MoneyError):
        parse_cents(text)


@pytest.mark.parametrize("value", ["-1", "-0.01", "-4600,00", -1])
def test_parse_cents_refuses_negative_by_default(value):
    with pytest.raises(MoneyError, match="negative"):
        parse_cents(value)


@pytest.mark.parametrize(("value", "cents"), [("-1", -100), ("-0.01", -1), ("-4600,5", -460050), (-2, -200)])
def test_parse_cents_allows_negative_when_asked(value, cents):
    assert parse_cents(value, allow_negative=True) == cents


def test_parse_cents_thirds_of_a_grant_add_up_exactly():
    parts = [parse_cents("1533.33"), parse_cents("1533.33"), parse_cents("1533.34")]
    assert parts == [153333, 153333, 153334]
    assert sum(parts) == parse_cents("4600.00") == 460000
    assert format_cents(sum(parts)) == "4600.00"


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (460000, "4600.00"),
        (460050, "4600.50"),
        (1, "0.01"),
        (0, "0.00"),
        (-1, "-0.01"),
        (-460005, "-4600.05"),
    ],
)
def test_format_cents_writes_two_decimals(cents, text):
    assert format_cents(cents) == text


@pytest.mark.parametrize("cents", [0, 1, 9, 10, 99, 100, 101, 153333, 460000, 99999999, -1, -100, -460050])
def test_format_cents_round_trips_through_parse_cents(cents):
    assert parse_cents(format_cents(cents), allow_negative=True) == cents


@pytest.mark.parametrize("value", [4600.0, "4600.00", True, Decimal("1")])
def test_format_cents_refuses_anything_but_int(value):
    with pytest.raises(MoneyError):
        format_cents(value)


@pytest.mark.parametrize(
    ("cents", "locale", "text"),
    [
        (460000, "lv", "4\xa0600,00\xa0€"),
        (460000, "en", "€4,600.00"),
        (5, "lv", "0,05\xa0€"),
        (5, "en", "€0.05"),
        (-150, "lv", "-1,50\xa0€"),
        (-150, "en", "-€1.50"),
        (123456789, "lv", "1\xa0234\xa0567,89\xa0€"),
    ],
)
def test_display_cents_in_latvian_and_english(cents, locale, text):
    assert display_cents(cents, locale) == text


def test_display_cents_defaults_to_latvian():
    assert display_cents(153334) == "1\xa0533,34\xa0€"
