"""GB 32100 credit codes: the SQL check of the quality suite equals its Python twin."""

from __future__ import annotations

import json

import psycopg2
import pytest
import sqlalchemy as sa

from fupin.gx_expectations import USCC_ALPHABET, uscc_check_character, uscc_condition, uscc_is_valid
from simulation.synth import generate

pytestmark = pytest.mark.integration


def broken(code: str) -> str:
    return code[:17] + next(c for c in USCC_ALPHABET if c != code[17])


def test_sql_and_python_agree_on_generated_and_broken_codes(new_database, tmp_path):
    result = generate(tmp_path, counties=("520123",), start="2026-10", end="2026-10", seed=2)
    lines = (result.out_dir / "apis/business.jsonl").read_text(encoding="utf-8").splitlines()
    good = sorted({json.loads(line)["uscc"] for line in lines})
    # Registration authority and type need not be digits (stdnum's cn.uscc rejects these).
    body = "Y1520123MA6DKQ1X0"
    good.append(body + uscc_check_character(body))
    codes = [*good, *(broken(c) for c in good), "915201234rfkycfw9q", "", "12345", None]
    expected = [uscc_is_valid(c) for c in codes]
    assert expected[: len(good)] == [True] * len(good)
    assert not any(expected[len(good) : 2 * len(good)])

    value = sa.column("value", sa.Text)
    table = sa.values(value, name="codes").data([(c,) for c in codes])
    statement = sa.select(table.c.value, uscc_condition(table.c.value))
    sql = str(
        statement.compile(
            dialect=sa.dialects.postgresql.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    conn = psycopg2.connect(new_database())
    try:
        with conn.cursor() as cur:
            cur.execute(sql, ())  # () so that psycopg2 reads the compiled %% as %
            got = {code: bool(ok) for code, ok in cur.fetchall() if code is not None}
    finally:
        conn.close()
    assert got == {c: e for c, e in zip(codes, expected, strict=True) if c is not None}
