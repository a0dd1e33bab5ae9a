#!/bin/bash
# Creates the Airflow metadata database and the fupin warehouse on first start.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
create role airflow login password '${AIRFLOW_DB_PASSWORD}';
create database airflow owner airflow;
create role fupin login password '${FUPIN_DB_PASSWORD}';
create database fupin owner fupin;
SQL
