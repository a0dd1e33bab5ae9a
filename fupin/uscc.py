"""GB 32100-2015 unified social credit codes (统一社会信用代码).

python-stdnum's ``cn.uscc`` computes the check character correctly but refuses codes whose
first 8 characters are not all digits, while the standard lets the registration authority and
organisation type (positions 1-2) be letters (e.g. ``N`` for 农业 authorities, ``Y`` for other
bodies). This wraps it: our own format check, stdnum's check character. ``ops.uscc_is_valid``
in the warehouse is the same check in SQL (tested equal).
"""

from __future__ import annotations

import re

from stdnum.cn import uscc as _stdnum_uscc

_CHARACTER = "[0-9A-HJ-NPQRTUWXY]"
FORMAT = re.compile(rf"^{_CHARACTER}{{2}}[0-9]{{6}}{_CHARACTER}{{10}}$")


def check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    return _stdnum_uscc.calc_check_digit(first17)


def uscc_problem(code: str | None) -> str | None:
    """Why ``code`` is not a valid credit code, or None when it is."""
    if code is None or code == "":
        return "missing"
    if len(code) != 18:
        return f"has {len(code)} characters, not 18"
    if not FORMAT.match(code):
        return (
            "has a character outside the GB 32100 alphabet, or a region code that is not 6 digits"
        )
    if check_character(code[:17]) != code[17]:
        return "check character does not match"
    return None


def is_valid_uscc(code: str | None) -> bool:
    return uscc_problem(code) is None
