"""Deliveries whose file name the catalog does not know: a ``.ok`` marker beside a file that
matches no pattern (``hukou/hukou_delta_2026-10-05.csv``) would otherwise be silently ignored.

The feed run reports each one as a failed delivery (flagged, its steward notified); nothing of it
lands. It is reported on every run until the steward renames or removes it.
"""

from __future__ import annotations

from pathlib import Path

from fupin.catalog import Feed, load_catalog

OK_SUFFIX = ".ok"


def unrecognised(landing_root: Path, feed: Feed) -> list[dict[str, str]]:
    """``[{file, error}]`` for every marked file under the feed's folders that no feed knows."""
    every_kind = [kind for other in load_catalog().values() for kind in other.files]
    expected = " or ".join(kind.pattern for kind in feed.files)
    found = []
    for folder in sorted({kind.pattern.split("/", 1)[0] for kind in feed.files}):
        base = landing_root / folder
        if not base.is_dir():
            continue
        for marker in sorted(base.rglob(f"*{OK_SUFFIX}")):
            data = marker.with_name(marker.name.removesuffix(OK_SUFFIX))
            source_file = data.relative_to(landing_root).as_posix()
            known = any(kind.regex.match(source_file) for kind in every_kind)
            if known and data.exists():
                continue
            problem = "is missing" if not data.exists() else "matches no pattern of the catalog"
            found.append(
                {
                    "file": source_file,
                    "error": f"the file {problem} (a .ok marker is there); "
                    f"expected {expected}; nothing landed",
                }
            )
    return found
