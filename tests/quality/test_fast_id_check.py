"""Migration 0007's ops.id_number_is_valid answers like the body it replaced (sql_functions.sql)
on generated ID numbers and on every one-character mutation of them, and like fupin.ids."""

from __future__ import annotations

import random
import re

import pytest

from fupin import ids, warehouse
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.integration
ALPHABET = "0123456789Xx -一"


def _old_body() -> str:
    text = (PROJECT_ROOT / "fupin" / "migrations" / "sql_functions.sql").read_text("utf-8")
    start = text.index("create or replace function ops.id_number_is_valid")
    return re.sub(r"ops\.id_number_is_valid\(", "pg_temp.old_id_is_valid(", text[start:], count=1)


def _values(seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    values = []
    for _ in range(300):
        first17 = f"{rng.randint(110000, 659999)}{rng.randint(1900, 2030)}"
        first17 += f"{rng.randint(1, 12):02d}{rng.randint(1, 31):02d}{rng.randint(0, 999):03d}"
        valid = first17 + ids.id_check_digit(first17)
        values += [valid, valid[:6] + valid[8:17], f" {valid.lower()} ", valid[:17] + "X"]
        broken = list(valid)
        broken[rng.randrange(len(broken))] = rng.choice(ALPHABET)
        values.append("".join(broken))
    return values + ["", "0" * 18, "11010519000229002X", "11010520000229002X", "1" * 15]


def test_the_fast_body_answers_like_the_old_one(warehouse_dsn):
    values = _values()
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute(_old_body())
        cur.execute(
            "select v, ops.id_number_is_valid(v), pg_temp.old_id_is_valid(v)"
            " from unnest(%s::text[]) v",
            (values,),
        )
        rows = cur.fetchall()
    assert [(v, new) for v, new, old in rows if new is not old] == []
    assert sum(new for _, new, _ in rows) > 300  # not vacuous: many valid ones
    for value, new, _ in rows:
        assert new == ids.is_valid_id_number(value), value
