"""Field normalizers for the prebuilt models: dates, times, money, numbers, phone numbers,
countries, addresses and bank identifiers.

Importing this package is cheap: the heavy libraries (dateparser, phonenumbers, pycountry,
babel, usaddress, schwifty, price-parser data) are imported on first use inside the functions.
"""

from __future__ import annotations

from .address import Address, address_score, parse_address
from .bank import parse_iban, parse_swift
from .country import country_alpha2, country_alpha3
from .dates import (
    DateOrder,
    find_dates,
    find_dates_glued,
    infer_date_order,
    parse_date,
    parse_time,
)
from .money import Money, infer_decimal_separator, parse_amount, parse_money, parse_percent
from .numbers import parse_number
from .phone import parse_phone
from .text import normalize_label

__all__ = [
    "Address",
    "DateOrder",
    "Money",
    "address_score",
    "country_alpha2",
    "country_alpha3",
    "find_dates",
    "find_dates_glued",
    "infer_date_order",
    "infer_decimal_separator",
    "normalize_label",
    "parse_address",
    "parse_amount",
    "parse_date",
    "parse_iban",
    "parse_money",
    "parse_number",
    "parse_percent",
    "parse_phone",
    "parse_swift",
    "parse_time",
]
