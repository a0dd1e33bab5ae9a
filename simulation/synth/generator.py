"""``generate``: one deployment's deliveries, API records, civil-affairs rows and ground truth."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from simulation.synth import background, deliveries, planted
from simulation.synth.deployment import (
    ASSUMED_MONITORING_THRESHOLD,
    M01_2021_THRESHOLD,
    POVERTY_LINE,
    Deployment,
    Period,
)
from simulation.synth.writers import Landing


@dataclass
class SynthResult:
    out_dir: Path
    landing_root: Path
    as_of: dt.date  # the check date the planted cases are right for
    counts: dict[str, int] = field(default_factory=dict)  # file (relative to out_dir) -> rows
    ground_truth: Path | None = None


def generate(
    out_dir: Path | str,
    *,
    province: str = "52",
    counties: tuple[str, ...] | list[str] = ("520123",),
    start: str = "2026-07",
    end: str = "2026-10",
    seed: int = 1,
    households_per_county: int = 200,
    drift: bool = False,
    as_of: str | None = None,
) -> SynthResult:
    """Generate a small deployment into ``out_dir`` (deterministic by ``seed``)."""
    out_dir = Path(out_dir)
    if isinstance(counties, str):
        counties = [c.strip() for c in counties.split(",") if c.strip()]
    if not counties:
        raise ValueError("at least one county is needed")
    if households_per_county < 10:
        raise ValueError("households_per_county must be at least 10")
    period = Period.of(start, end, as_of)
    deployment = Deployment.create(
        province, list(counties), seed, period, households_per_county, drift
    )
    deployment.plates = background.Plates(deployment)
    deployment.settlement_ids = background.MedicalIds()
    deployment.property_certificates = background.Certificates(deployment)
    # Planted households first: the background then knows which people to leave alone.
    planter = planted.plant(deployment)
    background.legacy_numbers(deployment)
    background.hukou_events(deployment)
    background.payroll(deployment)
    background.vehicles(deployment, deployment.plates)
    background.businesses(deployment)
    background.dibao(deployment)
    background.medical(deployment, deployment.settlement_ids)
    background.admissions(deployment)
    background.renshe(deployment)
    background.properties(deployment, deployment.property_certificates)
    background.renovations(deployment)
    background.disability(deployment)
    background.relocations(deployment)
    background.cadre_assignments(deployment)
    background.enterprise_aid(deployment)
    planter.other_quarantines()  # needs the background's companies

    landing = Landing(out_dir / "landing")
    deliveries.registry(deployment, landing)
    deliveries.hukou(deployment, landing)
    deliveries.payroll(deployment, landing)
    deliveries.medical(deployment, landing)
    deliveries.education(deployment, landing)
    deliveries.renshe(deployment, landing)
    deliveries.property_feed(deployment, landing)
    deliveries.disability(deployment, landing)
    deliveries.relocation(deployment, landing)
    deliveries.assistance(deployment, landing)
    other_counts: dict[str, int] = {}
    deliveries.apis(deployment, out_dir, other_counts)
    deliveries.minzheng(deployment, out_dir, other_counts)

    truth = deployment.truth
    document = {
        "as_of": period.as_of.isoformat(),
        "province": province,
        "counties": list(counties),
        "seed": seed,
        "start": start,
        "end": end,
        "policy_assumed": {
            "poverty_line": {str(y): v for y, v in POVERTY_LINE.items()},
            "monitoring_threshold": {
                "2021": M01_2021_THRESHOLD,
                str(period.as_of.year): ASSUMED_MONITORING_THRESHOLD,
            },
            "m02_self_pay": {"exited": 5000, "other_rural": 20000, "share_of_income": 0.5},
            "v02_min_price": 30000,
            "v04_min_capital_wan": 10,
            "v08_min_base": 3000,
        },
        "cases": truth.cases,
        "quirks": truth.quirks,
    }
    truth_path = out_dir / "ground_truth.json"
    truth_path.write_text(
        json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8"
    )
    counts = {f"landing/{name}": rows for name, rows in landing.counts.items()}
    counts.update(other_counts)
    return SynthResult(out_dir, landing.root, period.as_of, counts, truth_path)


def resend(out_dir: Path | str, relative_path: str) -> Path:
    """Deliver a landing file again: the same bytes and a fresh `.ok`, with a newer mtime."""
    path = Path(out_dir) / "landing" / relative_path
    data = path.read_bytes()
    marker = Path(f"{path}.ok")
    later = max(time.time(), path.stat().st_mtime + 1)
    path.write_bytes(data)
    os.utime(path, (later, later))
    marker.write_bytes(b"")
    os.utime(marker, (later + 0.001, later + 0.001))
    return path
