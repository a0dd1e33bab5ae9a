"""What the tests of models built by change share: a model's contents and row versions, and
deliveries held back and brought in again."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import query


def contents(dsn: str, model: str) -> list[dict]:
    """The rows of intermediate.``model`` in a stable order, without built_at (a full rebuild
    writes every row again at its own time)."""
    row = "to_jsonb(m) - 'built_at'"
    sql = f"select {row} from intermediate.{model} as m order by ({row})::text"  # noqa: S608
    return [row[0] for row in query(dsn, sql)]


def versions(dsn: str, model: str) -> dict[str, str]:
    """id_number -> the row version (xmin): a row kept by a build keeps its version."""
    return dict(query(dsn, f"select id_number, xmin::text from intermediate.{model}"))  # noqa: S608


def move(names: list[str], source: Path, target: Path) -> None:
    """Move deliveries (paths under ``source``, with their .ok markers) to the same paths
    under ``target``."""
    for name in names:
        for suffix in ("", ".ok"):
            if (source / (name + suffix)).exists():
                (target / (name + suffix)).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(source / (name + suffix), target / (name + suffix))
