"""A daily hukou delta derived from a scale snapshot: ``changes`` change records of people in
the full, spread evenly over it (benchmarks of the incremental cycle, issue 16 part 3).

Nine in ten records are 变更 (the person moves to another village of the county: the
region code of another sampled person), one in ten 注销 with reason 死亡, all dated the
delta's day. The file is GBK like the department's, with its ``.ok`` marker.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from pathlib import Path

CANCEL_EVERY = 10  # one record in ten is a cancellation (death)


def _sample(full: Path, changes: int) -> tuple[list[str], list[list[str]]]:
    with gzip.open(full, "rt", encoding="gbk", newline="") as lines:
        total = sum(1 for _ in lines) - 1
    stride = max(1, total // changes)
    with gzip.open(full, "rt", encoding="gbk", newline="") as lines:
        reader = csv.reader(lines)
        header = next(reader)
        rows = [row for n, row in enumerate(reader) if n % stride == 0][:changes]
    return header, rows


def write_hukou_delta(full: Path, landing_root: Path, day: dt.date, changes: int) -> Path:
    """``hukou/hukou_delta_<day>.csv`` under ``landing_root``, derived from the full ``full``."""
    header, rows = _sample(full, changes)
    column = {name: n for n, name in enumerate(header)}
    stamp = day.strftime("%Y%m%d")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for n, row in enumerate(rows):
        changed = list(row)
        if n % CANCEL_EVERY == 0:
            changed[column["变动类型"]], changed[column["注销原因"]] = "注销", "死亡"
        else:
            neighbour = rows[(n + len(rows) // 2) % len(rows)]
            changed[column["户籍地区划"]] = neighbour[column["户籍地区划"]]
            changed[column["变动类型"]], changed[column["注销原因"]] = "变更", ""
        changed[column["变动日期"]] = stamp
        writer.writerow(changed)
    path = landing_root / "hukou" / f"hukou_delta_{stamp}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode("gbk"))
    Path(f"{path}.ok").write_bytes(b"")
    return path
