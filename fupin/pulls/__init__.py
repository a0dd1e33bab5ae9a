"""Pulled sources (transport rest | database): paging, watermarks, pacing, retries, provenance.

:func:`fupin.pulls.runner.run_pull` lands one incremental pull; ``fupin.pipeline.pull_feed``
wraps it for the DAGs and ``fupin cycle``. Connectors (``connectors/<source>.py``) only
request, parse and page.
"""
