"""Find the complete deliveries of a feed in the landing root, and the files nobody takes.

A file is complete once its sibling ``<name>.ok`` exists; without it, it is left for later.
Everything else under a feed's folders -- a name no catalog pattern matches (upper case, a
space, a sub-folder the pattern does not have), a ``.ok`` marker without its file -- is an
unrecognised delivery, reported for the steward of that folder instead of being ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from fupin.catalog import Feed, FileKind, load_catalog

OK_SUFFIX = ".ok"


@dataclass(frozen=True)
class DeliveredFile:
    file_kind: FileKind
    path: Path
    source_file: str  # relative to the landing root, as recorded everywhere
    period: str
    scope: str
    version: int

    @property
    def feed(self) -> str:
        return self.file_kind.feed


@dataclass(frozen=True)
class Unrecognised:
    source_file: str
    folder: str
    feed: str | None
    reason: str
    size_bytes: int | None


@dataclass
class Discovery:
    complete: list[DeliveredFile]
    incomplete: list[str]
    unrecognised: list[Unrecognised]


def period_error(period: str) -> str | None:
    """Why a period taken from a file name is impossible (None when it is a real one)."""
    year = int(period[:4])
    if not 1900 <= year <= 2099:
        return f"year {year} is out of range"
    if len(period) == 5:  # yyyyq: the pattern allows quarters 1-4 only
        return None
    if len(period) >= 6 and not 1 <= int(period[4:6]) <= 12:
        return f"month {period[4:6]} does not exist"
    if len(period) == 8:
        try:
            dt.date(year, int(period[4:6]), int(period[6:8]))
        except ValueError:
            return f"{period[:4]}-{period[4:6]}-{period[6:8]} is not a calendar date"
    return None


def _match(feed: Feed, source_file: str, path: Path) -> DeliveredFile | None:
    for file_kind in feed.files:
        if match := file_kind.regex.match(source_file):
            groups = match.groupdict()
            return DeliveredFile(
                file_kind=file_kind,
                path=path,
                source_file=source_file,
                period=groups["period"],
                scope=groups.get("scope") or "",
                version=int(groups["version"] or 1),
            )
    return None


def _why_unrecognised(feed: Feed, source_file: str) -> str:
    name = source_file.rsplit("/", 1)[-1]
    if " " in name or name != name.lower() and _match(feed, source_file.lower(), Path()):
        return "the name has a space or upper case letters the catalog pattern does not allow"
    depth = source_file.count("/")
    if all(depth != f.pattern.count("/") for f in feed.files):
        return "in a sub-folder the catalog does not describe"
    patterns = ", ".join(f.pattern for f in feed.files)
    return f"matches no catalog pattern of feed {feed.name} ({patterns})"


def _feed_folders(feed: Feed) -> set[str]:
    return {file_kind.pattern.split("/", 1)[0] for file_kind in feed.files}


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def discover(landing_root: Path, feed: Feed) -> Discovery:
    """Complete deliveries of ``feed`` in delivery order, files without ``.ok``, and strays."""
    found = Discovery([], [], [])
    for folder in sorted(_feed_folders(feed)):
        base = landing_root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if not path.is_file():
                continue
            source_file = path.relative_to(landing_root).as_posix()
            if path.name.endswith(OK_SUFFIX):
                if not path.with_name(path.name[: -len(OK_SUFFIX)]).exists():
                    found.unrecognised.append(
                        Unrecognised(
                            source_file, folder, feed.name, "a .ok marker without its file", 0
                        )
                    )
                continue
            delivered = _match(feed, source_file, path)
            if delivered is None:
                reason = _why_unrecognised(feed, source_file)
                found.unrecognised.append(
                    Unrecognised(source_file, folder, feed.name, reason, _size(path))
                )
            elif path.with_name(path.name + OK_SUFFIX).exists():
                found.complete.append(delivered)
            else:
                found.incomplete.append(source_file)
    found.unrecognised.extend(_outside_every_feed(landing_root))
    found.complete.sort(
        key=lambda d: (d.file_kind.kind, d.scope, d.period, d.version, d.source_file)
    )
    return found


def _outside_every_feed(landing_root: Path) -> list[Unrecognised]:
    """Files at the top of the landing root or in a folder no feed owns (no steward to name)."""
    if not landing_root.is_dir():
        return []
    owned = set().union(*(_feed_folders(f) for f in load_catalog().values()))
    strays: list[Unrecognised] = []
    for entry in sorted(landing_root.iterdir()):
        if entry.is_file():
            strays.append(
                Unrecognised(
                    entry.name,
                    "",
                    None,
                    "at the top of the landing root, outside every feed's folder",
                    _size(entry),
                )
            )
        elif entry.is_dir() and entry.name not in owned:
            for path in sorted(p for p in entry.rglob("*") if p.is_file()):
                strays.append(
                    Unrecognised(
                        path.relative_to(landing_root).as_posix(),
                        entry.name,
                        None,
                        "in a folder no feed of the catalog owns",
                        _size(path),
                    )
                )
    return strays
