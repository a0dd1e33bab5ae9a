"""XLSX readers side by side (issue 7): openpyxl, which landing uses, against python-calamine.

Reads the generator's registry workbook (two sheets, a title row, amounts typed as text,
trailing blank rows) and relocation workbook with both, converts every cell with landing's own
``cell_text``, and prints the best of three times and whether the values are equal.

    python bench/bench_xlsx.py                 # a generated county
    python bench/bench_xlsx.py FILE.xlsx ...   # given workbooks
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from connectors.files import cell_text  # noqa: E402

Rows = dict[str, list[list[str | None]]]


def with_openpyxl(path: Path) -> Rows:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def with_calamine(path: Path) -> Rows:
    workbook = CalamineWorkbook.from_path(str(path))
    return {
        name: [
            [cell_text(v if v != "" else None) for v in row]
            for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        ]
        for name in workbook.sheet_names
    }


def trimmed(rows: Rows) -> Rows:
    """Trailing empty cells and rows removed: the readers differ only in what they pad."""
    out: Rows = {}
    for name, sheet in rows.items():
        kept = [list(row) for row in sheet]
        for row in kept:
            while row and row[-1] is None:
                row.pop()
        while kept and not kept[-1]:
            kept.pop()
        out[name] = kept
    return out


def best_of(reader, path: Path, runs: int = 3) -> tuple[float, Rows]:
    best, rows = float("inf"), {}
    for _ in range(runs):
        started = time.perf_counter()
        rows = reader(path)
        best = min(best, time.perf_counter() - started)
    return best, trimmed(rows)


def compare(path: Path) -> None:
    slow, expected = best_of(with_openpyxl, path)
    fast, got = best_of(with_calamine, path)
    cells = sum(len(row) for sheet in expected.values() for row in sheet)
    print(
        f"{path.name}: {cells:,} cells; openpyxl {slow * 1000:.0f} ms, calamine "
        f"{fast * 1000:.0f} ms ({slow / fast:.1f}x); same values: {expected == got}"
    )


def generated() -> list[Path]:
    from simulation.synth import generate

    out = Path(tempfile.mkdtemp(prefix="fupin-bench-xlsx-"))
    result = generate(out, counties=("520123",), start="2026-10", end="2026-10", seed=7)
    landing = result.landing_root
    return sorted(landing.glob("registry/*/*.xlsx")) + sorted(landing.glob("relocation/*.xlsx"))


if __name__ == "__main__":
    for workbook in [Path(p) for p in sys.argv[1:]] or generated():
        compare(workbook)
