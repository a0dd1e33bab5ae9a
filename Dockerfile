# The production image: Airflow 3.3 with fupin installed (DAGs, connectors, dbt project, suites).
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential libpq-dev \
 && rm -rf /var/lib/apt/lists/*
USER airflow

WORKDIR /opt/fupin
COPY --chown=airflow:root pyproject.toml README.md ./
COPY --chown=airflow:root fupin ./fupin
COPY --chown=airflow:root connectors ./connectors
# pyproject.toml pins Airflow, its Celery provider and celery (5.7 breaks the provider's worker).
RUN pip install --no-cache-dir -e .
COPY --chown=airflow:root dags ./dags
COPY --chown=airflow:root dbt_project ./dbt_project
COPY --chown=airflow:root expectations ./expectations
# Parse the dbt project at build time so that workers start with a manifest; a project that
# does not parse fails the build (parse does not connect: the profile's defaults suffice).
RUN cd dbt_project && dbt parse --profiles-dir . --target-path /opt/fupin/dbt_project/target

ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/fupin/dags \
    FUPIN_CONFIG=/opt/fupin/config/fupin.yml
