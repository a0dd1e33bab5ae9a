"""Alert history on the synthetic county: a rerun changes nothing, a fixed case closes its
alert (never deleted), and V09 refuses a year without a configured poverty line.

The county's corrections arrive as they would: a registry file `_v2` / `_v3` of the same month
with the household's row changed, landed by the registry feed.
"""

from __future__ import annotations

import uuid

import openpyxl
import pytest
from synth_warehouse import COUNTY, cases, make_synth_warehouse

from fupin import warehouse
from fupin.dbt_runner import DbtRunError

# one module-scoped warehouse, built once, on one worker
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("verification_lifecycle")]
AS_OF = "2026-10-31"


@pytest.fixture(scope="module")
def built(tmp_path_factory, admin_dsn):
    name = f"fupin_verif_life_{uuid.uuid4().hex[:12]}"
    warehouse.ensure_database(admin_dsn, name)
    try:
        yield make_synth_warehouse(
            tmp_path_factory.mktemp("lifecycle"), warehouse.with_database(admin_dsn, name), AS_OF
        )
    finally:
        warehouse.drop_database(admin_dsn, name)


def alerts(built):
    rows = built.query(
        "select alert_id, rule_code, household_id, id_number, first_seen, last_seen, is_open,"
        " closed_on from marts.verification_alert"
    )
    return {row[0]: row[1:] for row in rows}


def correct_registry(built, version: int, household_id: str, **changes) -> None:
    """Deliver the county's registry file of the check month again as `_v<version>`, with the
    household's 户信息 row changed (column name -> new value)."""
    folder = built.out_dir / "landing" / "registry" / COUNTY
    source = folder / f"建档立卡_{COUNTY}_202610.xlsx"
    book = openpyxl.load_workbook(source)
    sheet = book["户信息"]
    header_row = next(
        r for r in range(1, 6) if sheet.cell(r, 1).value == "户编号"
    )  # a title row stands above the header
    columns = {sheet.cell(header_row, c).value: c for c in range(1, sheet.max_column + 1)}
    for row in range(header_row + 1, sheet.max_row + 1):
        if str(sheet.cell(row, 1).value or "").strip() == household_id:
            for column, value in changes.items():
                sheet.cell(row, columns[column]).value = value
            break
    else:
        raise AssertionError(f"{household_id} not in {source.name}")
    target = folder / f"建档立卡_{COUNTY}_202610_v{version}.xlsx"
    book.save(target)
    target.with_name(target.name + ".ok").touch()
    built.land(["registry"])


def test_rerun_keeps_ids_and_first_seen_and_a_fixed_case_closes(built):
    built.build()
    first = alerts(built)
    assert first and all(a[5] for a in first.values())  # all open

    built.build()
    assert alerts(built) == first

    (fixed, _), *_ = sorted(cases(built.truth, "V09", "positive"))
    correct_registry(built, 2, fixed, 年人均纯收入=4500)
    built.build()
    after = alerts(built)
    assert after.keys() == first.keys()  # closed, never deleted
    for alert_id, (
        rule,
        household_id,
        number,
        first_seen,
        _last_seen,
        is_open,
        closed,
    ) in after.items():
        assert first_seen == first[alert_id][3]
        if rule == "V09" and household_id == fixed:
            assert not is_open and closed is not None
        else:
            assert is_open, (rule, household_id, number)


def test_v09_refuses_a_year_without_a_poverty_line(built):
    (household_id, _), *_ = sorted(cases(built.truth, "V09", "negative"))
    correct_registry(built, 3, household_id, 脱贫年度=2018, 脱贫标志="已脱贫")
    with pytest.raises(DbtRunError) as raised:
        built.build()
    message = str(raised.value)
    print(message)
    assert "2018" in message and "policy.poverty_line.2018" in message
    built.build(poverty_line_overrides={"2018": 3600})
    origins = built.query(
        "select evidence -> 0 ->> 'poverty_line_origin' from marts.verification_alert"
        " where rule_code = 'V09' and household_id = %s and is_open",
        household_id,
    )
    income = built.query(
        "select net_income_per_capita from intermediate.int_person__registry_households"
        " where household_id = %s",
        household_id,
    )[0][0]
    expected = [("var poverty_line_overrides",)] if income < 3600 else []
    assert origins == expected
