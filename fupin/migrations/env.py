"""Alembic environment: the connection comes from fupin.warehouse (config.attributes)."""

from alembic import context
from sqlalchemy import create_engine

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:
    # The version table lives in ops, which must exist before alembic looks for it.
    conn.exec_driver_sql("create schema if not exists ops")
    context.configure(connection=conn, version_table_schema="ops")
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        run(conn)
