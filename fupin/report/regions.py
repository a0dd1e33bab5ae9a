"""Region names of one province from the reference divisions (reference/admin-divisions).

``python -m fupin.report.regions 52 > dbt_project/seeds/region_names.csv`` writes the seed
that names the regions of marts.region_stats (province, city, county, township; villages are
not in the reference and keep their code). Regenerate it for a deployment in another province.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent.parent / "reference" / "admin-divisions"
# file, its code column's level, the column holding the province code
FILES = (
    ("provinces.csv", "province", "code"),
    ("cities.csv", "city", "provinceCode"),
    ("areas.csv", "county", "provinceCode"),
    ("streets.csv", "township", "provinceCode"),
)


def region_names(province: str, reference: Path = REFERENCE) -> list[tuple[str, str, str]]:
    """(code, level, name) of every region of ``province`` in the reference, in code order."""
    rows = []
    for name, level, province_column in FILES:
        with (reference / name).open(encoding="utf-8", newline="") as handle:
            rows += [
                (row["code"], level, row["name"])
                for row in csv.DictReader(handle)
                if row[province_column] == province
            ]
    if not rows:
        raise ValueError(f"province {province!r} is not in {reference}")
    return sorted(rows)


def main(argv: list[str] | None = None) -> None:
    (province,) = argv if argv is not None else sys.argv[1:]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(("region_code", "region_level", "region_name"))
    writer.writerows(region_names(province))


if __name__ == "__main__":
    main()
