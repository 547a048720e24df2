"""Money is integer cents in the database and a decimal string on the wire.

No floats anywhere on a money path: parsing refuses them outright.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_currency

# [0-9], not \d: \d also matches other scripts' digits ("٤٦٠٠"), which int() would read.
_AMOUNT = re.compile(r"^(?P<sign>-)?(?P<euros>[0-9]{1,12})(?:[.,](?P<cents>[0-9]{1,2}))?$")


class MoneyError(ValueError):
    """The text is not an amount of money we accept."""


def parse_cents(value: str | int, *, allow_negative: bool = False) -> int:
    """Parse "4600", "4600.5", "4600.00" or "4600,00" into cents.

    Ints are taken as whole euros. Floats, more than two decimals, thousands
    separators and (unless allowed) negatives are refused.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError('amount must be a decimal string such as "4600.00", not a float')
    if isinstance(value, int):
        cents = value * 100
    elif isinstance(value, str):
        match = _AMOUNT.match(value.strip())
        if not match:
            raise MoneyError(f"{value!r} is not an amount with at most two decimals")
        cents = int(match["euros"]) * 100 + int((match["cents"] or "0").ljust(2, "0"))
        if match["sign"]:
            cents = -cents
    else:
        raise MoneyError(f"amount must be a decimal string, not {type(value).__name__}")
    if cents < 0 and not allow_negative:
        raise MoneyError("amount must not be negative")
    return cents


# Thousands grouped by spaces, as Latvian writes amounts: "4 600,00" (also a no-break or narrow
# no-break space, which copying a formatted amount brings along). Groups of exactly three digits.
_GROUPED = re.compile(r"^[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]{1,2})?$")


def parse_typed_cents(value: str) -> int:
    """parse_cents for an amount a person typed: also "4 600,00" with its thousands grouped by
    spaces. Commas or dots as thousands separators stay refused ("12,345.00" is ambiguous)."""
    if isinstance(value, str) and _GROUPED.match(value.strip()):
        value = re.sub(r"[ \u00a0\u202f]", "", value.strip())
    return parse_cents(value)


def format_cents(cents: int) -> str:
    """Cents as the wire format: 460000 -> "4600.00"."""
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise MoneyError(f"cents must be an int, not {type(cents).__name__}")
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros}.{rest:02d}"


def display_cents(cents: int, locale: str = "lv") -> str:
    """Cents for people: "4 600,00 €" in Latvian, "€4,600.00" in English."""
    euros, rest = divmod(abs(cents), 100)
    # Babel takes a Decimal; build it from the integer parts so no float appears.
    amount = Decimal(f"{'-' if cents < 0 else ''}{euros}.{rest:02d}")
    return format_currency(amount, "EUR", locale=locale)
