"""The audit log: unmasked reads and steward views are logged; nobody can rewrite the log;
a row altered by a superuser is found by `fupin audit verify`."""

from __future__ import annotations

import threading

import psycopg2
import pytest
import yaml
from privacy_helpers import scenario
from psycopg2 import errors

from fupin import warehouse
from fupin.cli import main
from fupin.privacy.audit import log_event, verify

# one worker builds the shared warehouse (conftest `built`) for all of them
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("privacy_warehouse")]
PLATFORM_ROLES = ["fupin_loader", "fupin_builder", "fupin_pusher"]
TAMPERING = [
    "update audit.access_log set purpose = 'nothing to see'",
    "delete from audit.access_log",
    "truncate audit.access_log",
    "alter table audit.access_log disable trigger access_log_append_only",
    "drop trigger access_log_chain on audit.access_log",
    "alter function audit.chain_entry() owner to current_user",
    "insert into audit.access_log (who, action, object) values ('someone', 'x', 'y')",
]


def log_rows(dsn, where="true"):
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            f"select who, action, object, row_count, purpose, details from audit.access_log"
            f" where {where} order by log_id"
        )
        return cur.fetchall()


def test_auditor_unmasked_read_is_logged(built):
    with built.connect("auditor") as conn, conn.cursor() as cur:
        cur.execute(
            "select r ->> 'id_number' from audit.read_unmasked('member', %s, 'case 2026-17') r",
            (scenario.COUNTY,),
        )
        numbers = {n for (n,) in cur.fetchall()}
        with pytest.raises(errors.InvalidParameterValue):
            cur.execute("select * from audit.read_unmasked('member', '52', ' ')")
    assert scenario.PAYROLL_ON in numbers  # unmasked
    logged = log_rows(built.admin_dsn, "action = 'read_unmasked'")
    assert (
        built.logins["auditor"],
        "read_unmasked",
        "marts.member",
        len(numbers),
        "case 2026-17",
        {"region": scenario.COUNTY},
    ) in logged
    with warehouse.connect(built.admin_dsn) as conn:
        assert verify(conn).intact


def test_steward_sees_only_its_department_and_the_view_is_logged(built):
    with built.connect("steward") as conn, conn.cursor() as cur:
        cur.execute("select source_file from audit.steward_quarantine('fix list')")
        files = [f for (f,) in cur.fetchall()]
    assert files and all(f.startswith("payroll/") for f in files)
    (entry,) = log_rows(built.admin_dsn, "action = 'steward_view'")
    assert entry[0] == built.logins["steward"] and entry[3] == len(files)
    assert entry[5] == {"department": "payroll"}


@pytest.mark.parametrize("statement", TAMPERING)
@pytest.mark.parametrize("login", ["auditor", "county"])
def test_no_login_can_rewrite_the_log(built, login, statement):
    with built.connect(login) as conn, conn.cursor() as cur:
        with pytest.raises(psycopg2.Error) as refused:
            cur.execute(statement)
        assert refused.value.pgcode in ("42501", "P0001"), refused.value.pgerror


@pytest.mark.parametrize("statement", TAMPERING)
@pytest.mark.parametrize("role", PLATFORM_ROLES)
def test_no_platform_role_can_rewrite_the_log(built, role, statement):
    conn = psycopg2.connect(built.admin_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(f"set role {role}")
            with pytest.raises(psycopg2.Error) as refused:
                cur.execute(statement)
            assert refused.value.pgcode in ("42501", "P0001"), refused.value.pgerror
    finally:
        conn.close()


def write_config(tmp_path, dsn):
    path = tmp_path / "fupin.yml"
    path.write_text(
        yaml.safe_dump({"province": "52", "warehouse": {"dsn": dsn}, "landing": {"root": "."}}),
        encoding="utf-8",
    )
    return path


def test_verify_names_the_row_a_superuser_altered(warehouse_dsn, tmp_path, capsys):
    with warehouse.connect(warehouse_dsn) as conn:
        for n in range(5):
            log_event(conn, "export", "published.member", n, f"reason {n}", {"n": n})
    config = write_config(tmp_path, warehouse_dsn)
    assert main(["audit", "verify", "--config", str(config)]) == 0
    assert "5 rows verified" in capsys.readouterr().out
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute("select log_id from audit.access_log order by log_id")
        ids = [i for (i,) in cur.fetchall()]
        cur.execute("alter table audit.access_log disable trigger access_log_append_only")
        cur.execute("update audit.access_log set row_count = 99 where log_id = %s", (ids[2],))
        cur.execute("alter table audit.access_log enable trigger access_log_append_only")
    assert main(["audit", "verify", "--config", str(config)]) == 3
    assert f"BROKEN at log_id {ids[2]}" in capsys.readouterr().out
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute("alter table audit.access_log disable trigger access_log_append_only")
        cur.execute("update audit.access_log set row_count = 2 where log_id = %s", (ids[2],))
        cur.execute("delete from audit.access_log where log_id = %s", (ids[1],))
        cur.execute("alter table audit.access_log enable trigger access_log_append_only")
        result = verify(conn)
    assert result.broken_log_id == ids[2] and "removed" in result.reason


def test_concurrent_writers_keep_one_chain(warehouse_dsn):
    def write(n):
        conn = psycopg2.connect(warehouse_dsn)
        try:
            for i in range(25):
                log_event(conn, "export", "published.household", i, f"writer {n}")
                conn.commit()
        finally:
            conn.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    conn = psycopg2.connect(warehouse_dsn)
    try:
        result = verify(conn)
    finally:
        conn.close()
    assert result.intact and result.rows_checked == 100
