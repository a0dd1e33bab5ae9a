"""Airflow DAG for the national exchange: push deltas after each warehouse build."""

from fupin.orchestration.dags import exchange_dag

national_exchange = exchange_dag()
