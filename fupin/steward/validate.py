"""A correction checked by the feed's own expectation suite before it is accepted.

The corrected row is the delivered row with the steward's new value (and any earlier pending
corrections of the same row) put in; Great Expectations validates it with the raw table's
suite (``fupin.quality.load_suite``), in SQL on the warehouse as the cycle does, so the custom
expectations (``ops.id_number_is_valid`` …) apply unchanged. Only expectations that quarantine
can refuse a correction: warnings do not block.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg2 import sql

from fupin import quality
from fupin.warehouse import sqlalchemy_url


@dataclass(frozen=True)
class Refusal:
    field: str
    expectation: str
    message: str


def corrected_row_query(conn, raw_table: str, batch_id: str, row: int, values: dict) -> str:
    """SQL selecting the delivered row with ``values`` (column -> new text) substituted."""
    with conn.cursor() as cur:
        cur.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'raw' and table_name = %s order by ordinal_position",
            (raw_table,),
        )
        columns = [r[0] for r in cur.fetchall()]
    selected = [
        sql.SQL("{}::text as {}").format(sql.Literal(values[c]), sql.Identifier(c))
        if c in values
        else sql.Identifier(c)
        for c in columns
    ]
    query = sql.SQL("select {} from raw.{} where _batch_id = {} and _source_row = {}").format(
        sql.SQL(", ").join(selected),
        sql.Identifier(raw_table),
        sql.Literal(batch_id),
        sql.Literal(row),
    )
    return query.as_string(conn)


def refusals(conn, dsn: str, raw_table: str, batch_id: str, row: int, values: dict, field: str):
    """The quarantining expectations the corrected ``field`` still fails (empty: accepted)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    query = corrected_row_query(conn, raw_table, batch_id, row, values)
    suite = quality.load_suite(raw_table)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_sql("warehouse", connection_string=sqlalchemy_url(dsn))
    asset = source.add_query_asset(f"correction-{raw_table}", query=query)
    result = asset.add_batch_definition_whole_table("row").get_batch().validate(suite)
    found = []
    for item in result.results:
        config = item.expectation_config
        meta = config.meta or {}
        if config.kwargs.get("column") != field or item.success:
            continue
        if not meta.get("quarantine", True):
            continue
        message = meta.get("reason") or f"{config.type} failed on {field}"
        found.append(Refusal(field, config.type, message))
    return found
