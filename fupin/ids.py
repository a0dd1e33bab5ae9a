"""ID numbers (GB 11643 公民身份号码); credit codes (GB 32100) are in ``fupin.uscc``.

Written once, used by the connectors, the quality checks, the generator and the exchange.
The warehouse has the same logic as SQL functions (``ops.normalize_id_number`` and
``ops.id_number_is_valid``, created by the first migration) so that dbt and the quality
checks agree with Python; ``tests/test_ids.py`` checks both sides against each other.
"""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    # stdnum's calc_check_digit expects a full-length number and ignores its last character.
    return ric.calc_check_digit(first17 + "0")


def upgrade_legacy_id(number15: str) -> str:
    """A 15-digit legacy number (born 19xx, no check digit) as its 18-character form."""
    body = number15[:6] + "19" + number15[6:]
    return body + id_check_digit(body)


def normalize_id_number(value: object) -> str | None:
    """The comparable form of a delivered ID number, or None if there is nothing to compare.

    Strips blanks, upper-cases ``x`` and converts 15-digit legacy numbers. It does not
    validate: a normalised number may still fail :func:`id_number_problem`.
    """
    if value is None:
        return None
    text = str(value).strip().replace(" ", "").upper()
    if not text:
        return None
    if len(text) == 15 and text.isdigit():
        return upgrade_legacy_id(text)
    return text


def id_number_problem(value: object) -> str | None:
    """Why a delivered ID number is not a valid GB 11643 number, or None when it is."""
    number = normalize_id_number(value)
    if number is None:
        return "missing ID number"
    if len(number) != 18:
        return f"ID number has {len(number)} characters, expected 18 (or a 15-digit legacy number)"
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        return "ID number has characters other than digits and a final X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"ID number has an impossible birth date {number[6:14]}"
    # Not ric.validate: it also rejects birth places missing from stdnum's region history
    # (e.g. 520123 before 1995), and genuine IDs carry old and abolished county codes.
    expected = id_check_digit(number[:17])
    if number[17] != expected:
        return f"ID number check digit is wrong (expected {expected})"
    return None


def is_valid_id_number(value: object) -> bool:
    return id_number_problem(value) is None


def birth_date_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex_of(id_number: str) -> str:
    """GB/T 2261.1 code: 1 male, 2 female (odd/even 17th digit)."""
    return "1" if int(id_number[16]) % 2 else "2"
