"""Airflow DAGs: one per department feed, made from the feed catalog (fupin/feeds.yml)."""

from fupin.orchestration.dags import feed_dags

globals().update(feed_dags())
