"""One incremental pull of a REST or database source into its raw tables.

The pull starts at the feed's committed watermark (or at ``since`` for a backfill), less the
catalog's overlap, and lands page by page. A version (record key + change time) already in the
raw table is skipped, so re-reading the overlap, a restart after a ``410`` or an offset shift
never duplicates a record, and ties on the watermark's timestamp are never lost. A malformed
page, a refused credential or a source that keeps failing stops the pull: what was committed
before stays landed, nothing of the bad page does.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from dataclasses import dataclass, field
from typing import Any

from connectors.pages import Page, PageExpired, SourceError, SourceUnavailable, Start, parse_time
from fupin.catalog import Feed
from fupin.pulls import ledger
from fupin.pulls.http import PacedClient

log = logging.getLogger(__name__)
MAX_RESTARTS = 5  # 410s in one pull before it gives up (the source expires tokens too fast)


@dataclass
class PullResult:
    feed: str
    batch_id: str | None = None
    recovered: list[str] = field(default_factory=list)
    pages: int = 0
    records: int = 0
    landed: int = 0  # records (versions) landed
    rows_landed: int = 0  # raw rows landed, all tables (business: entities + shareholders)
    skipped: int = 0
    requests: int = 0
    retries: int = 0
    restarts: int = 0
    unknown_fields: set[str] = field(default_factory=set)
    error: str | None = None

    @property
    def batches(self) -> list[str]:
        return [*self.recovered, *([self.batch_id] if self.batch_id else [])]


def open_source(feed: Feed, source: Any, connector, http_options: dict | None = None):
    """The connector's handle: a paced HTTP client, or a read-only database session."""
    spec = feed.pull
    if feed.transport == "database":
        return connector.connect(source, spec)
    return PacedClient(
        source.base_url,
        connector.auth_headers(source),
        feed=feed.name,
        credential_key=f"sources.{spec.source}.{connector.CREDENTIAL}",
        rate_per_second=spec.rate_limit_per_second,
        **(http_options or {}),
    )


def run_pull(
    conn,
    feed: Feed,
    source: Any,
    *,
    since: dt.datetime | None = None,
    page_size: int | None = None,
    http_options: dict | None = None,
) -> PullResult:
    """Pull ``feed`` from its configured ``source`` into the warehouse behind ``conn``."""
    spec = feed.pull
    connector = importlib.import_module(f"connectors.{spec.connector}")
    result = PullResult(feed.name)
    ledger.ensure_indexes(conn, feed)
    result.recovered = ledger.recover_interrupted(conn, feed)
    batch = ledger.Batch(feed, dt.datetime.now(dt.UTC))
    handle = None
    try:
        handle = open_source(feed, source, connector, http_options)
        with conn.cursor() as cur:
            mark = ledger.read_watermark(cur, feed.name)
        position = Start(since) if since else (mark.start() if mark else Start())
        while True:
            try:
                for page in connector.pages(
                    handle, spec, feed.tables, position, page_size or spec.page_size
                ):
                    position = _land_page(conn, batch, page, connector, result) or position
                break
            except PageExpired as expired:
                result.restarts += 1
                if result.restarts > MAX_RESTARTS:
                    raise SourceUnavailable(f"{expired}; {MAX_RESTARTS} restarts") from None
                log.warning("%s; restarting from %s", expired, position.updated_at)
    except SourceError as error:
        conn.rollback()
        result.error = str(error)
        log.error("pull of %s stopped: %s", feed.name, error)
    finally:
        if handle is not None:
            _count_requests(handle, result)
            handle.close()
    if batch.batch_id:
        with conn.cursor() as cur:
            ledger.finish_batch(cur, batch, result.error)
        conn.commit()
        result.batch_id = batch.batch_id
        result.rows_landed = sum(batch.rows.values())
    return result


def _land_page(
    conn, batch: ledger.Batch, page: Page, connector, result: PullResult
) -> Start | None:
    """Commit the page's new versions with its provenance and the advanced watermark."""
    feed, spec = batch.feed, batch.feed.pull
    main = feed.tables[0]
    result.pages += 1
    result.records += len(page.records)
    result.unknown_fields |= page.unknown_fields
    if not page.records:
        return None
    times = [parse_time(r[spec.updated], page.request) for r in page.records]
    with conn.cursor() as cur:
        known = ledger.landed_versions(cur, main, (_key(r, spec) for r in page.records))
        rows: dict[str, list] = {}
        for record in page.records:
            version = (_key(record, spec), record[spec.updated])
            if version in known:
                continue
            known.add(version)  # a version twice in one page lands once
            for table, table_rows in connector.rows(record, feed.tables).items():
                rows.setdefault(table, []).extend(table_rows)
        landed = len(rows.get(main.name, []))
        newest = max(range(len(times)), key=lambda i: (times[i], _key(page.records[i], spec)))
        mark = ledger.Watermark(
            times[newest], page.records[newest][spec.updated], _key(page.records[newest], spec)
        )
        if landed and batch.batch_id is None:
            ledger.open_batch(cur, batch)
        if batch.batch_id:
            ledger.record_page(
                cur,
                batch,
                page.request,
                rows,
                len(page.records),
                len(page.records) - landed,
                mark.updated_text,
                page.size_bytes,
            )
        ledger.advance_watermark(cur, feed, mark, batch.batch_id, batch.pages)
    conn.commit()
    result.landed += landed
    result.skipped += len(page.records) - landed
    return mark.start()


def _key(record: dict[str, Any], spec) -> str:
    return "|".join(str(record[name]) for name in spec.key)


def _count_requests(handle, result: PullResult) -> None:
    result.requests = getattr(handle, "requests_sent", result.pages)
    result.retries = getattr(handle, "retries", 0)
