"""``fupin docs``: the dbt docs site (models, columns, tests, lineage, exposures) of the warehouse.

``dbt docs generate`` against the configured warehouse writes ``index.html``, ``manifest.json``
and ``catalog.json`` under ``<var>/dbt-docs/target``; any static web server can publish it.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from fupin import warehouse
from fupin.config import Config
from fupin.dbt_runner import run_dbt


def docs_dir(config: Config) -> Path:
    return config.airflow.home.parent / "dbt-docs"


def generate_docs(config: Config) -> Path:
    """Write the site; returns the folder holding index.html."""
    folder = docs_dir(config)
    dsn = warehouse.resolve_dsn(config)
    run_dbt(dsn, ["docs", "generate"], config.dbt_vars(), work_dir=folder)
    return folder / "target"


def serve_docs(folder: Path, port: int) -> None:
    """Serve the site on 127.0.0.1 until interrupted (what ``dbt docs serve`` does)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"dbt docs at http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
        server.serve_forever()
