"""The eight file-drop feeds of issue 7 end to end on the generator's files.

One synthetic county (with schema drift) is landed through ``fupin.pipeline.land_feed`` into a
fresh warehouse, a renshe ``_v2`` correction follows, and one ``dbt build`` of the feeds'
staging models runs on it (a module fixture: dbt is the slow part). The tests compare raw,
quarantine and staging with the files and the generator's ground truth.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin import warehouse
from fupin.config import parse_config
from fupin.dbt_runner import run_dbt
from fupin.pipeline import land_feed
from simulation.synth import generate
from tests.helpers import query

# one module-scoped warehouse, built once, on one worker
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("file_feeds")]

FEEDS = ("medical", "education", "renshe", "property", "disability", "relocation", "assistance")
# raw table -> (file prefix under the landing root, format, encoding)
TABLES = {
    "medical__settlement": ("medical/yibao_settle_", "csv", "utf-8-sig"),
    "education__enrolment": ("education/xueji_", "jsonl", "utf-8"),
    "education__admission": ("education/luqu_", "jsonl", "utf-8"),
    "renshe__insurance": ("renshe/renshe_", "csv", "utf-8"),
    "property__registration": ("property/budongchan_", "csv", "utf-8"),
    "property__renovation": ("property/weifang_", "csv", "utf-8"),
    "disability__certificate": ("disability/canlian_", "csv", "gbk"),
    "relocation__household": ("relocation/banqian_", "xlsx", None),
    "assistance__cadre": ("assistance/bangfu_ganbu_", "csv", "utf-8"),
    "assistance__enterprise_aid": ("assistance/qiye_bangfu_", "csv", "utf-8"),
}
STAGING = [f"staging.{feed}" for feed in FEEDS]
V2_FILE = "renshe/renshe_202609_v2.csv"
V2_BASE = "7777.00"


def file_rows(path: Path, fmt: str, encoding: str | None) -> list[tuple[int, str]]:
    """(physical row, first field) of every data row of a delivered file."""
    if fmt == "jsonl":
        lines = path.read_text(encoding=encoding).splitlines()
        return [(n, str(next(iter(json.loads(t).values())))) for n, t in enumerate(lines, 1) if t]
    if fmt == "xlsx":
        sheet = load_workbook(path, read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        return [(n, str(r[0])) for n, r in enumerate(rows, 2) if r and r[0] is not None]
    reader = csv.reader(io.StringIO(path.read_text(encoding=encoding), newline=""))
    next(reader)
    return [(n, r[0]) for n, r in enumerate(reader, 2) if r]


def write_renshe_v2(root: Path) -> None:
    """A corrected 202609 file: one contribution base changed, the last line withdrawn."""
    lines = (root / "renshe/renshe_202609.csv").read_text(encoding="utf-8").splitlines()
    header, first, *rest = lines
    fields = first.split(",")
    fields[header.split(",").index("月缴费基数")] = V2_BASE
    body = [header, ",".join(fields), *rest[:-1]]
    (root / V2_FILE).write_text("\n".join(body) + "\n", encoding="utf-8")
    (root / (V2_FILE + ".ok")).write_bytes(b"")


@pytest.fixture(scope="module")
def landed(tmp_path_factory, admin_dsn):
    out = tmp_path_factory.mktemp("feeds")
    result = generate(
        out,
        counties=("520123",),
        start="2026-07",
        end="2026-10",
        seed=3,
        households_per_county=40,
        drift=True,
    )
    truth = json.loads(result.ground_truth.read_text(encoding="utf-8"))
    name = f"fupin_feeds_{uuid.uuid4().hex[:12]}"
    warehouse.ensure_database(admin_dsn, name)
    dsn = warehouse.with_database(admin_dsn, name)
    try:
        warehouse.upgrade(dsn)
        landing = {"root": str(result.landing_root)}
        config = parse_config({"province": "52", "warehouse": {"dsn": dsn}, "landing": landing})
        summaries = {feed: land_feed(config, feed) for feed in FEEDS}
        write_renshe_v2(result.landing_root)
        summaries["renshe_v2"] = land_feed(config, "renshe")
        dbt = run_dbt(
            dsn,
            # cautious: not the singular tests that also read other feeds' staging
            ["build", "--select", *STAGING, "--indirect-selection", "cautious"],
            {"as_of": result.as_of.isoformat()},
            work_dir=out / "dbt",
        )
        yield {
            "dsn": dsn,
            "root": result.landing_root,
            "counts": result.counts,
            "truth": truth,
            "summaries": summaries,
            "dbt": dbt,
            "as_of": result.as_of,
        }
    finally:
        warehouse.drop_database(admin_dsn, name)


def test_every_file_lands_with_its_row_count(landed):
    for feed in FEEDS:
        summary = landed["summaries"][feed]
        assert summary["failed"] == [], feed
        assert summary["incomplete"] == [], feed
    landed_counts = dict(
        query(
            landed["dsn"],
            " union all ".join(
                f"select _source_file, count(*) from raw.{t} group by 1" for t in TABLES
            ),
        )
    )
    expected = {
        name.removeprefix("landing/"): rows
        for name, rows in landed["counts"].items()
        if any(name.startswith(f"landing/{feed}/") for feed in FEEDS)
    }
    assert expected, "the generator wrote no files of the new feeds"
    for source_file, rows in expected.items():
        assert landed_counts.get(source_file, 0) == rows, source_file
    v2_lines = (landed["root"] / V2_FILE).read_text(encoding="utf-8").count("\n") - 1
    assert landed_counts[V2_FILE] == v2_lines


def test_provenance_is_the_delivery_and_the_physical_row(landed):
    dsn, root = landed["dsn"], landed["root"]
    deliveries = dict(query(dsn, "select source_file, batch_id from ops.delivery"))
    for table, (prefix, fmt, encoding) in TABLES.items():
        first_column = query(
            dsn,
            "select column_name from information_schema.columns where table_schema = 'raw'"
            " and table_name = %s order by ordinal_position limit 1",
            table,
        )[0][0]
        stored = {
            (f, r): (v, b)
            for f, r, v, b in query(
                dsn,
                f'select _source_file, _source_row, "{first_column}", _batch_id from raw.{table}',  # noqa: S608
            )
        }
        files = sorted(p for p in root.glob(prefix + "*") if not p.name.endswith(".ok"))
        assert files, table
        for path in files:
            relative = path.relative_to(root).as_posix()
            for row, value in file_rows(path, fmt, encoding):
                got_value, batch_id = stored[(relative, row)]
                assert got_value == value, (relative, row)
                assert batch_id == deliveries[relative], (relative, row)


def test_marked_rows_and_only_they_are_quarantined(landed):
    expected = {
        (case["feed"], case["file"], case["row"], case["field"])
        for case in landed["truth"]["cases"]
        if case["rule"] == "quarantine" and case["feed"] in FEEDS
    }
    assert {feed for feed, *_ in expected} >= {"medical", "renshe", "disability", "education"}
    found = query(
        landed["dsn"],
        "select feed, source_file, source_row, field, reason from ops.quarantine"
        " where feed = any(%s)",
        list(FEEDS),
    )
    assert {(f, s, r, c) for f, s, r, c, _ in found} == expected
    for feed, source_file, row, field, reason in found:
        assert reason.startswith(f"{source_file} row {row}, field {field}: ")
        if feed == "disability":
            assert "certificate number" in reason and "GB 11643" in reason
        elif feed == "assistance":
            assert "GB 32100" in reason
        else:
            assert "GB 11643" in reason


def test_v2_replaces_its_period(landed):
    dsn = landed["dsn"]
    statuses = dict(
        query(
            dsn,
            "select source_file, status from ops.delivery where feed = 'renshe'"
            " and period = '202609'",
        )
    )
    assert statuses == {"renshe/renshe_202609.csv": "superseded", V2_FILE: "landed"}
    files, bases = zip(
        *query(
            dsn,
            "select distinct source_file, contribution_base from staging.stg_renshe__insurance"
            " where contribution_period = '202609' and source_row = 2",
        ),
        strict=True,
    )
    assert files == (V2_FILE,) and str(bases[0]) == V2_BASE
    (staged,) = query(
        dsn,
        "select count(*) from staging.stg_renshe__insurance where contribution_period = '202609'",
    )[0]
    v2_lines = (landed["root"] / V2_FILE).read_text(encoding="utf-8").count("\n") - 1
    assert staged == v2_lines


def test_schema_drift_is_reported_and_nothing_is_lost(landed):
    dsn = landed["dsn"]
    drift = landed["summaries"]["medical"]["schema_drift"]
    assert any("added" in d and "参保地区划" in d for d in drift)
    drift = landed["summaries"]["renshe"]["schema_drift"]
    assert any("added" in d and "工作单位" in d for d in drift)
    assert any("missing" in d and "单位名称" in d for d in drift)
    (filled,) = query(
        dsn,
        'select count(*) from raw.medical__settlement where "参保地区划" is not null'
        " and _source_file = 'medical/yibao_settle_202610.csv'",
    )[0]
    assert filled == landed["counts"]["landing/medical/yibao_settle_202610.csv"]
    (renamed,) = query(
        dsn,
        'select count(*) from raw.renshe__insurance where "工作单位" is not null'
        " and _source_file = 'renshe/renshe_202610.csv'",
    )[0]
    assert renamed > 0


def test_staging_has_every_usable_row_typed(landed):
    dsn = landed["dsn"]
    per_line = {
        "stg_medical__settlements": "medical__settlement",
        "stg_education__enrolments": "education__enrolment",
        "stg_renshe__insurance": "renshe__insurance",
        "stg_property__registrations": "property__registration",
        "stg_property__renovations": "property__renovation",
        "stg_disability__certificates": "disability__certificate",
        "stg_relocation__households": "relocation__household",
        "stg_assistance__cadre_assignments": "assistance__cadre",
        "stg_assistance__enterprise_aid": "assistance__enterprise_aid",
    }
    for model, table in per_line.items():
        (usable,) = query(
            dsn,
            f"select count(*) from raw.{table} r join ops.delivery d on d.batch_id = r._batch_id"  # noqa: S608
            " where d.status = 'landed' and not exists (select 1 from ops.quarantine q"
            " where q.raw_table = %s and q.batch_id = r._batch_id"
            " and q.source_row = r._source_row)",
            table,
        )[0]
        (staged,) = query(dsn, f"select count(*) from staging.{model}")[0]  # noqa: S608
        assert staged == usable > 0, model
    types = dict(
        query(
            dsn,
            "select table_name || '.' || column_name, data_type from information_schema.columns"
            " where table_schema = 'staging'",
        )
    )
    assert types["stg_medical__settlements.self_pay"] == "numeric"
    assert types["stg_medical__settlements.settlement_date"] == "date"
    assert types["stg_renshe__insurance.contribution_month"] == "date"
    assert types["stg_disability__certificates.grade"] == "integer"
    assert types["stg_relocation__households.household_income"] == "numeric"
    assert types["stg_education__enrolments.updated_at"] == "timestamp with time zone"
    nulls = query(
        dsn,
        "select count(*) filter (where settlement_date is null or self_pay is null"
        " or id_number is null) from staging.stg_medical__settlements",
    )[0][0]
    assert nulls == 0


def test_reversals_are_linked_to_their_originals(landed):
    reversals = landed["truth"]["quirks"]["reversal"]
    assert reversals
    rows = {
        r[0]: r[1:]
        for r in query(
            landed["dsn"],
            "select s.original_settlement_id, d.source_file, s.effective_date,"
            " s.settlement_date, o.settlement_date, s.self_pay"
            " from staging.stg_medical__settlements s"
            " join ops.delivery d on d.batch_id = s.original_batch_id"
            " join staging.stg_medical__settlements o"
            "   on o.settlement_id = s.original_settlement_id"
            " where s.is_reversal",
        )
    }
    for quirk in reversals:
        source_file, effective, reversed_on, original_date, self_pay = rows[
            quirk["original_settlement_id"]
        ]
        assert source_file == quirk["file"]
        assert effective == original_date < reversed_on
        assert self_pay < 0


def test_ids_are_normalised_with_the_delivered_value_beside(landed):
    marked = [
        q for q in landed["truth"]["quirks"]["lowercase_x"] if q["file"].startswith("medical/")
    ]
    assert marked
    for quirk in marked:
        ((raw, normalised, valid),) = query(
            landed["dsn"],
            "select id_number_raw, id_number, id_number_valid"
            " from staging.stg_medical__settlements where source_file = %s and source_row = %s",
            quirk["file"],
            quirk["row"],
        )
        assert raw.endswith("x") and normalised == raw.upper() and valid


def test_current_views_pick_the_state_on_the_check_date(landed):
    dsn = landed["dsn"]
    as_of = landed["as_of"]
    assert query(
        dsn, "select distinct contribution_period from staging.stg_renshe__current_insurance"
    ) == [(f"{as_of:%Y%m}",)]
    assert query(
        dsn, "select distinct snapshot_month from staging.stg_disability__current_certificates"
    ) == [(as_of.replace(day=1),)]
    assert query(
        dsn, "select distinct quarter from staging.stg_relocation__current_households"
    ) == [(f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}",)]
    (cadres, open_in_file) = query(
        dsn,
        "select (select count(*) from staging.stg_assistance__current_cadre_assignments),"
        " (select count(*) from staging.stg_assistance__cadre_assignments"
        "   where snapshot_month = %s and (end_date is null or end_date >= %s))",
        as_of.replace(day=1),
        as_of,
    )[0]
    assert cadres == open_in_file > 0
    (students, people) = query(
        dsn,
        "select count(*), count(distinct id_number) from staging.stg_education__current_enrolments",
    )[0]
    assert students == people > 0
    # M04's near miss: an earlier D 改造中 superseded by a later D 已竣工 of the same household.
    assert (
        query(
            dsn,
            "select count(*) from staging.stg_property__current_renovations c"
            " where exists (select 1 from staging.stg_property__renovations r"
            "  where r.head_id_number = c.head_id_number and r.file_date < c.file_date"
            "  and r.renovation_status = '改造中') and c.renovation_status = '已竣工'",
        )[0][0]
        >= 1
    )
