"""GB 32100 credit codes: stdnum wrapped so letter-led codes pass; Python and SQL agree."""

from __future__ import annotations

import random

import pytest
from stdnum.cn import uscc as stdnum_uscc

from fupin.uscc import is_valid_uscc, uscc_problem
from tests.pulls.conftest import query

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def with_check(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)


def test_codes_led_by_letters_are_valid_though_stdnum_refuses_them():
    code = with_check("N2520123MA6DXY4B0")  # 农业 authority (N), type 2
    assert not stdnum_uscc.is_valid(code)
    assert is_valid_uscc(code)
    assert is_valid_uscc("91110000600037341L")


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91110000600037341", "17 characters"),
        ("91110000600037341M", "check character"),
        ("9111000060003734IL", "alphabet"),
        ("91A10000600037341L", "alphabet"),
        (None, "missing"),
    ],
)
def test_problems_are_named(code, problem):
    assert problem in uscc_problem(code)


@pytest.mark.integration
def test_sql_function_agrees_with_python(warehouse_dsn):
    rng = random.Random(5)
    codes = []
    for _ in range(400):
        head = rng.choice("9NY15") + rng.choice("123")
        first17 = head + f"{rng.randint(0, 999999):06d}" + "".join(rng.choices(ALPHABET, k=9))
        code = with_check(first17)
        codes += [code, code[:-1] + rng.choice(ALPHABET), code.lower(), code[:10] + "O" + code[11:]]
    found = dict(query(warehouse_dsn, "select c, ops.uscc_is_valid(c) from unnest(%s) c", codes))
    assert {c: is_valid_uscc(c) for c in codes} == found
