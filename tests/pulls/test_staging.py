"""dbt staging of the pulled sources: built (with its data and unit tests) on real pulls."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.dbt_runner import run_dbt
from simulation import minzheng
from tests.pulls.conftest import (
    business_source,
    dibao_source,
    pull,
    query,
    vehicle_source,
)

pytestmark = pytest.mark.integration
SELECT = [
    "path:models/staging/vehicle",
    "path:models/staging/business",
    "path:models/staging/dibao",
]


def test_staging_current_state_and_history(
    warehouse_dsn, vehicle_sim, business_sim, dibao_dsn, tmp_path
):
    # the check date: the day after the newest civil-affairs change, which comes next
    newest = max(dt.datetime.fromisoformat(r["updated_at"]) for r in minzheng.rows(dibao_dsn))
    stamp = newest + dt.timedelta(minutes=1)
    as_of = stamp.date().isoformat()
    later = f"{stamp.date() + dt.timedelta(days=10)}T10:00:00+08:00"  # after the check date
    plate = vehicle_sim.ordered()[0]["plate_no"]
    pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim))
    vehicle_sim.change(plate, changed=later, status="注销")
    pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim))
    pull(warehouse_dsn, "business", business_source(business_sim))
    recipient = int(
        next(r for r in minzheng.rows(dibao_dsn) if r["status"] == "在保")["recipient_id"]
    )
    pull(warehouse_dsn, "dibao", dibao_source(dibao_dsn))
    minzheng.update_in_place(
        dibao_dsn,
        recipient,
        status="停保",
        end_date=stamp.date(),
        updated_at=stamp,
    )
    pull(warehouse_dsn, "dibao", dibao_source(dibao_dsn))

    run_dbt(
        warehouse_dsn, ["build", "--select", *SELECT], {"as_of": as_of}, work_dir=tmp_path / "dbt"
    )

    (plates,) = query(
        warehouse_dsn,
        "select count(distinct plate_no) from raw.vehicle__registration"
        " where (updated_at::timestamptz at time zone 'Asia/Shanghai')::date <= %s",
        as_of,
    )[0]
    assert plates > 400
    assert query(warehouse_dsn, "select count(*) from staging.stg_vehicle__vehicles") == [(plates,)]
    assert query(
        warehouse_dsn, "select status from staging.stg_vehicle__vehicles where plate_no = %s", plate
    ) == [("正常",)]
    assert query(
        warehouse_dsn,
        "select count(*) from staging.stg_vehicle__vehicle_versions where plate_no = %s",
        plate,
    ) == [(2,)]
    entities = sum(1 for r in business_sim.ordered() if r["changed_at"][:10] <= as_of)
    assert query(warehouse_dsn, "select count(*) from staging.stg_business__entities") == [
        (entities,)
    ]
    holders = sum(
        len(r["shareholders"]) for r in business_sim.ordered() if r["changed_at"][:10] <= as_of
    )
    assert query(warehouse_dsn, "select count(*) from staging.stg_business__shareholders") == [
        (holders,)
    ]
    assert query(
        warehouse_dsn,
        "select status, is_active from staging.stg_dibao__recipients where recipient_id = %s",
        recipient,
    ) == [("停保", False)], query(
        warehouse_dsn,
        "select status, updated_at, end_date from raw.dibao__recipient where recipient_id = %s",
        str(recipient),
    ) + [as_of]
    assert (
        query(
            warehouse_dsn,
            "select count(*) from staging.stg_dibao__recipient_versions where recipient_id = %s",
            recipient,
        )[0][0]
        == 2
    )
