"""What the simulated national system checks in a record: codes, ID numbers, dates, key shape.

The national record formats are "the standard household record" etc.; these are the fields the
simulator checks, by the warehouse's English names (glossary.md). A field in ``codes`` is checked
when present; ``required`` fields must be present and non-empty. The rules are data and can be
replaced when the national formats are known.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fupin.exchange import protocol
from fupin.ids import id_number_problem as _id_number_problem

# The same ID number is checked in the key and in the data, and again on every re-send: cached,
# so that the simulator's own CPU does not dominate a benchmark of the push.
_cached_id_number_problem = functools.lru_cache(maxsize=1_000_000)(_id_number_problem)


def id_number_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return _cached_id_number_problem(value)
    return _id_number_problem(value)


ATTRIBUTES = {"一般贫困户", "低保贫困户", "特困供养贫困户"}
CAUSES = {
    "因病", "因残", "因学", "因灾", "因婚", "缺土地", "缺水", "缺技术", "缺劳力", "缺资金",
    "交通条件落后", "自身发展动力不足",
}  # fmt: skip
POVERTY_STATUSES = {"未脱贫", "已脱贫", "返贫"}
RELATIONS = {"户主", "配偶", "子", "女", "父母", "孙子女", "兄弟姐妹", "其他"}
SEXES = {"1", "2", "男", "女"}
EDUCATION = {"文盲或半文盲", "小学", "初中", "高中", "中专", "大专及以上"}
SCHOOLING = {"非在校生", "学前教育", "小学", "初中", "高中", "中职", "高职", "大专", "本科及以上"}
HEALTH = {"健康", "长期慢性病", "患有大病", "残疾"}
LABOUR_SKILLS = {"普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"}
OBJECT_TYPES = {"脱贫不稳定户", "边缘易致贫户", "突发严重困难户"}
RISK_CODES = {f"M0{i}" for i in range(1, 8)}


@dataclass(frozen=True)
class RecordRules:
    required: tuple[str, ...] = ()
    codes: Mapping[str, set[str]] = field(default_factory=dict)
    # fields holding a list of codes, each of which must be in the set
    code_lists: Mapping[str, set[str]] = field(default_factory=dict)
    id_numbers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


DEFAULT_RULES: dict[str, RecordRules] = {
    "household": RecordRules(
        required=("village_code", "attribute", "poverty_status"),
        codes={"attribute": ATTRIBUTES, "main_cause": CAUSES, "poverty_status": POVERTY_STATUSES},
        code_lists={"other_causes": CAUSES},
    ),
    "member": RecordRules(
        required=("name", "relation"),
        codes={
            "relation": RELATIONS,
            "sex": SEXES,
            "education": EDUCATION,
            "schooling": SCHOOLING,
            "health": HEALTH,
            "labour_skill": LABOUR_SKILLS,
        },
        id_numbers=("id_number",),
    ),
    "monitoring": RecordRules(
        required=("object_type", "first_seen"),
        codes={"object_type": OBJECT_TYPES},
        code_lists={"risk_codes": RISK_CODES},
        dates=("first_seen", "removed_on"),
    ),
    "assistance": RecordRules(
        required=("cadre_name",),
        id_numbers=("cadre_id_number",),
        dates=("start_date", "end_date"),
    ),
}

HOUSEHOLD_ID = re.compile(r"^\d{20}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{value!r} is not a date YYYY-MM-DD"
    return _date_text_problem(value)


@functools.lru_cache(maxsize=100_000)
def _date_text_problem(value: str) -> str | None:
    if not ISO_DATE.match(value):
        return f"{value!r} is not a date YYYY-MM-DD"
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a real date"
    return None


def key_problem(entity: str, key: str) -> str | None:
    """Why a key is not well formed for its entity (protocol.py: key encoding), or None."""
    parts = key.split(protocol.KEY_SEPARATOR)
    expected = {"household": 1, "monitoring": 1, "member": 2, "assistance": 3}[entity]
    if len(parts) != expected:
        return f"{entity} key must have {expected} part(s) separated by '|', got {len(parts)}"
    if not HOUSEHOLD_ID.match(parts[0]):
        return f"户编号 {parts[0]!r} is not 20 digits"
    if entity in ("member", "assistance") and (problem := id_number_problem(parts[1])):
        return f"证件号码 in key: {problem}"
    if entity in ("member", "assistance") and parts[1] != parts[1].strip().upper():
        return "证件号码 in key is not normalised"
    if entity == "assistance" and (problem := _date_problem(parts[2])):
        return f"开始日期 in key: {problem}"
    return None


def data_problems(entity: str, key: str, data: Any, rules: RecordRules) -> list[str]:
    if not isinstance(data, dict):
        return ["data is missing or not an object"]
    problems = [
        f"required field {name} is missing" for name in rules.required if not data.get(name)
    ]
    for name, allowed in rules.codes.items():
        value = data.get(name)
        if value not in (None, "") and str(value) not in allowed:
            problems.append(f"{name}: unknown code {value!r}")
    for name, allowed in rules.code_lists.items():
        values = data.get(name)
        if values in (None, ""):
            continue
        if not isinstance(values, list):
            problems.append(f"{name}: must be a list of codes")
            continue
        problems += [f"{name}: unknown code {v!r}" for v in values if str(v) not in allowed]
    for name in rules.id_numbers:
        value = data.get(name)
        if value not in (None, "") and (problem := id_number_problem(value)):
            problems.append(f"{name}: {problem}")
    for name in rules.dates:
        value = data.get(name)
        if value not in (None, "") and (problem := _date_problem(value)):
            problems.append(f"{name}: {problem}")
    parts = key.split(protocol.KEY_SEPARATOR)
    if entity == "household" and data.get("village_code") not in (None, "", parts[0][:12]):
        problems.append("village_code is not the first 12 digits of the 户编号")
    for name in ("household_id",):
        if data.get(name) not in (None, "", parts[0]):
            problems.append(f"{name} differs from the key")
    if entity == "member" and data.get("id_number") not in (None, "", parts[1]):
        problems.append("id_number differs from the key")
    return problems
