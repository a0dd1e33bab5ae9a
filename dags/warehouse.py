"""Airflow DAG for the warehouse: dbt build when any feed landed something (asset-scheduled)."""

from fupin.orchestration.dags import warehouse_dag

warehouse = warehouse_dag()
