"""Every DAG file imports cleanly and follows the platform's DAG policy."""

from __future__ import annotations

from pathlib import Path

import pytest

DAGS_FOLDER = Path(__file__).resolve().parent.parent / "dags"
DAG_FILES = sorted(DAGS_FOLDER.glob("*.py"))


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER))


def test_dag_folder_is_not_empty():
    assert DAG_FILES, f"no DAG files found under {DAGS_FOLDER}"


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_imports_and_defines_dags(dag_file):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(dag_file))
    assert not bag.import_errors, bag.import_errors
    assert bag.dags, (
        f"{dag_file.name} defines no DAG (DagBag skips files without 'airflow' and 'dag')"
    )


def test_every_feed_and_the_cycle_dags_exist(dagbag):
    from fupin.catalog import load_catalog
    from fupin.cycle import cycle_order

    expected = set(cycle_order())
    assert expected <= set(dagbag.dags), expected - set(dagbag.dags)
    assert {f"feed_{name}" for name in load_catalog()} <= set(dagbag.dags)


def test_dag_policy(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags and "fupin" in dag.tags, dag_id
        assert dag.doc_md or dag.description, dag_id
        assert dag.max_active_runs == 1, dag_id
        assert not dag.catchup, dag_id
        for task in dag.tasks:
            assert task.owner == "fupin-platform", (dag_id, task.task_id)
            # A bad file stays bad: the flag fails once and tells the steward.
            if task.task_id != "flag_failed_deliveries":
                assert task.retries >= 2, (dag_id, task.task_id)


def test_no_cycles_and_assets_chain_the_dags(dagbag):
    for dag in dagbag.dags.values():
        dag.check_cycle()  # raises on a cycle
    land = dagbag.dags["feed_registry"].tasks[0]
    assert any("fupin://raw/registry" in str(o) for o in land.outlets)
    assert "fupin://raw/registry" in str(dagbag.dags["warehouse"].timetable.asset_condition)
    assert "fupin://marts" in str(dagbag.dags["national_exchange"].timetable.asset_condition)


def test_failed_deliveries_are_flagged_without_failing_the_run(dagbag):
    for dag_id, dag in dagbag.dags.items():
        if not dag_id.startswith("feed_"):
            continue
        flag = dag.get_task("flag_failed_deliveries")
        report = dag.get_task("write_report")
        assert flag.on_failure_callback, dag_id  # the steward's notifier
        assert [t.task_id for t in dag.leaves] == ["write_report"], dag_id
        assert report.trigger_rule == "all_done", dag_id


def test_warehouse_is_backfillable_and_exchange_follows_the_marts(dagbag):
    from airflow.sdk import AssetOrTimeSchedule

    # a time schedule beside the assets: `airflow backfill create` accepts it (see the backfill
    # test); the exchange runs only when the marts were built
    assert isinstance(dagbag.dags["warehouse"].timetable, AssetOrTimeSchedule)
    assert not isinstance(dagbag.dags["national_exchange"].timetable, AssetOrTimeSchedule)


def test_heavy_feeds_run_on_their_own_celery_queues(dagbag):
    from fupin.catalog import load_catalog

    for name, feed in load_catalog().items():
        assert {task.queue for task in dagbag.dags[f"feed_{name}"].tasks} == {feed.queue}
    assert load_catalog()["medical"].queue == "heavy_medical"
    assert {task.queue for task in dagbag.dags["warehouse"].tasks} == {"default"}
