"""教育 enrolments by term and 高校 admissions."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.background.common import iso_time, present
from simulation.synth.deployment import Deployment
from simulation.synth.population import Person


def term_dates(deployment: Deployment) -> list[dt.date]:
    """Snapshots at the start of each term in range (1 March, 1 September), else at the start."""
    period = deployment.period
    dates = [
        dt.date(year, month, 1)
        for year, month in period.months
        if month in (3, 9) and dt.date(year, month, 1) <= period.complete_end
    ]
    return dates or [period.start]


def school_of(county, township_name: str, stage: str) -> tuple[str, str]:
    names = {
        "学前": f"{township_name}中心幼儿园",
        "小学": f"{township_name}中心小学",
        "初中": f"{township_name}中学",
        "高中": f"{county.name}第一中学",
        "中职": f"{county.name}中等职业学校",
        "高职": "贵州交通职业技术学院",
        "本科": "贵州大学",
    }
    name = names[stage]
    code = "52" + str(10_000_000 + sum(ord(c) for c in name) * 97 % 89_999_999)[:8]
    return code, name


def stage_for_age(age: int, rng) -> tuple[str, int] | None:
    if 3 <= age <= 5:
        return "学前", age - 2
    if 6 <= age <= 11:
        return "小学", age - 5
    if 12 <= age <= 14:
        return "初中", age - 11
    if 15 <= age <= 17:
        return ("高中" if rng.random() < 0.7 else "中职"), age - 14
    return None


def enrolment_row(
    person: Person, school: tuple[str, str], stage: str, grade: int, status: str, updated: str
) -> dict:
    return {
        "student_no": f"G{person.id_number}",
        "id_number": person.id_number,
        "name": person.name,
        "school_code": school[0],
        "school_name": school[1],
        "stage": stage,
        "grade": grade,
        "status": status,
        "region_code": person.household.village,
        "updated_at": updated,
    }


def enrolments(deployment: Deployment) -> dict[dt.date, list[dict]]:
    snapshots: dict[dt.date, list[dict]] = {}
    dates = term_dates(deployment)
    for snapshot in dates:
        rows = []
        for county in deployment.counties:
            rng = deployment.rng(county.code, "education", snapshot)
            builder = deployment.builders[county.code]
            for household in builder.households:
                township = builder.township_of(household.village).name
                for person in household.members:
                    if not present(person, snapshot) or not person.in_hukou:
                        continue
                    override = deployment.enrolment_overrides.get(person.id_number)
                    if override == "none":
                        continue
                    age = person.age(snapshot)
                    placed = stage_for_age(age, rng)
                    if placed is None and 18 <= age <= 21:
                        wants = person.schooling == "本科及以上" or (
                            person.is_free and rng.random() < 0.25
                        )
                        placed = ("本科", age - 17) if wants else None
                    if placed is None:
                        continue
                    stage, grade = placed
                    status = "在读"
                    if override == "辍学" and snapshot == dates[-1]:
                        status = "辍学"
                    elif person.is_free and age >= 12 and rng.random() < 0.01:
                        status = rng.choice(("休学", "辍学"))
                    updated = iso_time(snapshot - dt.timedelta(days=3), 8 * 3600)
                    school = school_of(county, township, stage)
                    rows.append(enrolment_row(person, school, stage, grade, status, updated))
        if snapshot == dates[-1]:
            rows.extend(deployment.enrolment_extra)
        snapshots[snapshot] = rows
    return snapshots


def admissions(deployment: Deployment) -> None:
    period = deployment.period
    years = range(period.start.year - 1, period.end.year + 1)
    for county in deployment.counties:
        rng = deployment.rng(county.code, "admissions")
        for household in deployment.builders[county.code].households:
            for person in household.members:
                if not person.is_free or person.added_on:
                    continue
                for year in years:
                    if person.age(dt.date(year, 8, 1)) == 18 and rng.random() < 0.3:
                        deployment.admissions.setdefault(year, []).append(
                            admission_row(rng, person, year)
                        )


def admission_row(rng, person: Person, year: int, exam_no: str | None = None) -> dict:
    university, level = rng.choice(vocab.UNIVERSITIES)
    day = dt.date(year, 7, 10) + dt.timedelta(days=rng.randrange(40))
    return {
        "exam_no": exam_no or f"{year % 100:02d}52{person.id_number[2:6]}{person.id_number[-6:-1]}",
        "id_number": person.id_number,
        "name": person.name,
        "university": university,
        "major": rng.choice(vocab.MAJORS),
        "level": level,
        "admitted_at": day.isoformat(),
    }
