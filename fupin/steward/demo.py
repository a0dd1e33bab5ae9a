"""What ``make demo`` prints about the steward page: its address and one login per department.

``simulation/demo.py`` calls :func:`demo_logins` while the demo's warehouse is up.
"""

from __future__ import annotations

from pathlib import Path

from fupin import warehouse
from fupin.catalog import load_catalog
from fupin.config import load_config
from fupin.steward.accounts import add_account

DEFAULT_PORT = 8090


def demo_logins(config_path: Path, port: int = DEFAULT_PORT) -> str:
    """Create (or reset) ``steward_<feed>`` for the first feed of each department."""
    departments: dict[str, str] = {}
    for feed, spec in load_catalog().items():
        departments.setdefault(spec.department, feed)
    dsn = warehouse.resolve_dsn(load_config(config_path))
    lines = [
        f"steward page: .venv/bin/fupin steward --config {config_path}"
        f"  ->  http://127.0.0.1:{port}/",
        "steward logins (demo passwords, one per department):",
    ]
    with warehouse.connect(dsn) as conn:
        for department, feed in departments.items():
            password = add_account(conn, f"steward_{feed}", feed)
            lines.append(f"  steward_{feed:<12} {password:<18} {department}")
    return "\n".join(lines)
