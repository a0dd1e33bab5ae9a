"""A full demo-like cycle leaves no secret and no ID number of the generator's people in any
log, XCom value, rendered field or report it produced (issue 11, "Done when").

Scanned: the `fupin cycle` output, every file under the Airflow home (task logs and the
metadata database, which holds XCom values and rendered task fields) and the reports folder.
Not scanned: the delivered files and the configuration, which are meant to hold them.
"""

from __future__ import annotations

import json
import os
import re
import uuid

import pytest
import yaml
from sqlalchemy.engine import make_url

from fupin import warehouse
from fupin.catalog import raw_tables
from simulation.national import NationalSimulator, Window
from tests.helpers import one_county, run_fupin, throwaway_database

pytestmark = [pytest.mark.integration, pytest.mark.airflow, pytest.mark.xdist_group("leaks")]
ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
NATIONAL_SECRET = "nat-canary-" + uuid.uuid4().hex[:12]
DSN_PASSWORD = "dsn-canary-" + uuid.uuid4().hex[:12]


def generator_ids(dsn) -> set[str]:
    """Every ID-shaped value the departments delivered (all raw tables, every column)."""
    found: set[str] = set()
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        for table in raw_tables():
            cur.execute(f"select t::text from raw.{table.name} t")
            for (text,) in cur.fetchall():
                found.update(ID_SHAPED.findall(text))
    return found


@pytest.fixture(scope="module")
def cycle_outputs(tmp_path_factory, admin_dsn):
    root = tmp_path_factory.mktemp("leaks")
    synth = one_county(root / "synth", seed=23, households=30)
    as_of = json.loads(synth.ground_truth.read_text(encoding="utf-8"))["as_of"]
    dbname, dsn = throwaway_database(admin_dsn, "fupin_leaks")
    # trust authentication ignores the password: it is there to be looked for
    dsn_with_password = make_url(dsn).set(password=DSN_PASSWORD).render_as_string(False)
    try:
        with NationalSimulator(secret=NATIONAL_SECRET, sender_id="520000", window=Window()) as sim:
            config = root / "fupin.yml"
            config.write_text(
                yaml.safe_dump(
                    {
                        "province": "52",
                        "warehouse": {"dsn": "${FUPIN_TEST_DSN}"},
                        "landing": {"root": str(synth.landing_root)},
                        "national": {
                            "base_url": sim.base_url,
                            "sender_id": "520000",
                            "secret": "${FUPIN_TEST_NATIONAL_SECRET}",
                        },
                        "airflow": {"home": str(root / "airflow")},
                    }
                ),
                encoding="utf-8",
            )
            env = {
                **os.environ,
                "FUPIN_TEST_NATIONAL_SECRET": NATIONAL_SECRET,
                "FUPIN_TEST_DSN": dsn_with_password,
            }
            run = run_fupin("cycle", "--config", str(config), "--as-of", as_of, env=env)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]
        texts = {"cycle stdout": run.stdout, "cycle stderr": run.stderr}
        for folder in (root / "airflow", root / "reports"):
            for path in folder.rglob("*"):
                if path.is_file():
                    texts[str(path)] = path.read_bytes().decode("utf-8", errors="ignore")
        with warehouse.connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(
                "select n.nspname, array_agg(distinct pg_get_userbyid(c.relowner))"
                " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname in ('raw', 'marts', 'published') and c.relkind in ('r', 'v')"
                " group by n.nspname"
            )
            owners = dict(cur.fetchall())
        yield {
            "texts": texts,
            "ids": generator_ids(dsn),
            "dsn": dsn_with_password,
            "owners": owners,
        }
    finally:
        warehouse.drop_database(admin_dsn, dbname)


def test_the_cycle_ran_each_stage_as_its_role(cycle_outputs):
    assert cycle_outputs["owners"] == {
        "raw": ["fupin_loader"],
        "marts": ["fupin_builder"],
        "published": ["fupin_builder"],
    }


def test_outputs_were_scanned(cycle_outputs):
    names = " ".join(cycle_outputs["texts"])
    assert "cycle.json" in names and "quarantine_registry.csv" in names
    assert any(name.endswith(".db") for name in cycle_outputs["texts"])  # XCom, rendered fields
    assert len(cycle_outputs["ids"]) > 50


@pytest.mark.parametrize("secret", ["national secret", "DSN password", "DSN"])
def test_no_secret_anywhere(cycle_outputs, secret):
    value = {
        "national secret": NATIONAL_SECRET,
        "DSN password": DSN_PASSWORD,
        "DSN": cycle_outputs["dsn"],
    }[secret]
    leaks = [name for name, text in cycle_outputs["texts"].items() if value in text]
    assert not leaks


def test_no_generator_id_number_anywhere(cycle_outputs):
    ids = cycle_outputs["ids"]
    leaks = {
        name: sorted(set(ID_SHAPED.findall(text)) & ids)[:3]
        for name, text in cycle_outputs["texts"].items()
    }
    assert not {name: found for name, found in leaks.items() if found}
