"""Turning the deployment's records into the departments' deliveries (department-feeds.md).

Line endings: the GBK feeds (hukou, disability) and medical come from Windows export tools and
use CRLF; the other CSVs use LF. Each feed is consistent across its files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from simulation.synth import columns
from simulation.synth import vocabulary as vocab
from simulation.synth.background import enrolments, weekly_dates
from simulation.synth.deployment import Deployment, add_mark, month_end
from simulation.synth.population import Household, Person, yuan_with_separator
from simulation.synth.writers import (
    Landing,
    SheetSpec,
    csv_bytes,
    gzip_bytes,
    jsonl_bytes,
    xlsx_bytes,
)

CRLF, LF = "\r\n", "\n"


def write_csv(
    landing: Landing,
    relative: str,
    header: tuple[str, ...],
    rows: list[dict],
    *,
    encoding: str = "utf-8",
    newline: str = LF,
    bom: bool = False,
    compress: bool = False,
    ok: bool = True,
    renamed: dict[str, str] | None = None,
) -> None:
    data, count = csv_bytes(
        header,
        rows,
        encoding=encoding,
        newline=newline,
        bom=bom,
        relative=relative,
        renamed=renamed,
    )
    landing.write(relative, gzip_bytes(data) if compress else data, count, ok=ok)


def write_xlsx(landing: Landing, relative: str, sheets: list[SheetSpec]) -> None:
    data, counts = xlsx_bytes(sheets, relative)
    landing.write(relative, data, sum(counts.values()))


# --- registry --------------------------------------------------------------------------------
def _amount(registry_row_as_text: bool, cents: int) -> object:
    return yuan_with_separator(cents) if registry_row_as_text else cents / 100


def registry_member_id(person: Person) -> str:
    return person.registry_id_text or person.id_number


def registry_household_row(household: Household) -> dict:
    registry = household.registry
    text = registry.amounts_as_text
    head = household.head
    row = {
        "户编号": registry.household_id,
        "户主姓名": head.registry_name or head.name,
        "户主证件号码": registry_member_id(head),
        "村代码": household.village,
        "贫困户属性": registry.attribute,
        "识别标准": registry.standard,
        "主要致贫原因": registry.main_cause,
        "其他致贫原因": "、".join(registry.other_causes),
        "家庭人口数": len(household.members),
        "耕地面积（亩）": registry.land_mu,
        "住房面积（平方米）": registry.house_m2,
        "危房等级": registry.danger_level,
        "饮水安全": registry.water_safe,
        "工资性收入": _amount(text, registry.wage_cents),
        "生产经营性收入": _amount(text, registry.business_cents),
        "财产性收入": _amount(text, registry.property_cents),
        "转移性收入": _amount(text, registry.transfer_cents),
        "生产经营性支出": _amount(text, registry.expense_cents),
        "年人均纯收入": _amount(text, registry.declared_net_cents),
        "脱贫标志": registry.status,
        "脱贫年度": registry.exit_year,
        "识别年度": registry.identified_year,
        "开户银行": registry.bank,
        "银行账号": registry.account,
        "联系电话": registry.phone,
    }
    return row


def registry_member_row(household: Household, person: Person) -> dict:
    return {
        "户编号": household.registry.household_id,
        "姓名": person.registry_name or person.name,
        "证件号码": registry_member_id(person),
        "与户主关系": person.relation,
        "性别": "男" if person.sex == "1" else "女",
        "民族": vocab.ETHNIC_NAMES[person.ethnic],
        "文化程度": person.education,
        "在校生状况": person.schooling,
        "健康状况": person.health,
        "劳动技能": person.labour,
        "务工状况": person.work_place,
        "务工时间（月）": person.work_months,
        "是否参加大病保险": person.serious_illness_insured,
        "是否参加城乡居民基本养老保险": person.pension_insured,
    }


def registry(deployment: Deployment, landing: Landing) -> None:
    truth = deployment.truth
    for county in deployment.counties:
        households = [h for h in deployment.builders[county.code].households if h.registry]
        extra_members = deployment.extra_rows.get(f"registry_member:{county.code}", [])
        for year, month in deployment.period.months:
            relative = f"registry/{county.code}/建档立卡_{county.code}_{year}{month:02d}.xlsx"
            last = (year, month) == (deployment.period.as_of.year, deployment.period.as_of.month)
            household_rows, member_rows = [], []
            for household in households:
                row = registry_household_row(household)
                typed_text = household.registry.amounts_as_text and "," in row["年人均纯收入"]
                if last and typed_text and len(truth.quirks["thousands_separator"]) < 5:
                    add_mark(row, truth.quirk("thousands_separator", field="年人均纯收入"))
                household_rows.append(row)
                for person in household.members:
                    member_row = registry_member_row(household, person)
                    for mark in person_marks(person, "registry", last):
                        add_mark(member_row, mark)
                    member_rows.append(member_row)
            member_rows.extend(r for r in extra_members if last or not r.get("_last_only"))
            sheets = [
                SheetSpec(
                    "户信息",
                    columns.REGISTRY_HOUSEHOLD,
                    household_rows,
                    title=f"{county.name}建档立卡贫困户信息表",
                    trailing_blank_rows=3,
                ),
                SheetSpec("成员信息", columns.REGISTRY_MEMBER, member_rows, trailing_blank_rows=2),
            ]
            write_xlsx(landing, relative, sheets)
            truth.quirks["title_row"].append(relative)
            truth.quirks["trailing_blank_rows"].append(
                {"file": relative, "sheet": "户信息", "rows": 3}
            )


def person_marks(person: Person, feed: str, last: bool) -> list[dict]:
    """Marks that a planted person carries into one feed's (latest) file."""
    if not last:
        return []
    return list(person.marks.get(feed, ()))


# --- hukou -----------------------------------------------------------------------------------
def hukou_id_text(person: Person) -> str:
    if person.hukou_legacy_15:
        return person.id_number[:6] + person.id_number[8:17]
    return person.id_number


def hukou_row(person: Person, event=None) -> dict:
    if event is None:
        name, village, change_type, reason = person.name, person.household.village, "新增", ""
        change_date = person.birth
    else:
        name, village = event.name or person.name, event.village or person.household.village
        change_type, reason, change_date = event.change_type, event.reason, event.change_date
    return {
        "公民身份号码": hukou_id_text(person),
        "姓名": name,
        "性别": person.sex,
        "出生日期": person.hukou_birth_text or person.birth.strftime("%Y%m%d"),
        "民族": person.ethnic,
        "户号": person.household.hukou_no,
        "与户主关系": person.relation_code,
        "户籍地区划": village,
        "变动类型": change_type,
        "注销原因": reason,
        "变动日期": change_date.strftime("%Y%m%d"),
    }


def hukou(deployment: Deployment, landing: Landing) -> None:
    truth = deployment.truth
    period = deployment.period
    persons = [p for p in deployment.persons() if p.in_hukou]
    by_file_date: dict[dt.date, list] = {}
    for person in persons:
        for event in person.hukou_events:
            by_file_date.setdefault(event.file_date, []).append(event)
    for day in period.days:
        events = by_file_date.get(day, [])
        events.sort(key=lambda e: getattr(e, "line_order", 0))
        rows = []
        for event in events:
            row = hukou_row(event.person, event)
            for mark in getattr(event, "marks", ()):
                add_mark(row, mark)
            if event.person.hukou_legacy_15 and len(truth.quirks["legacy_15_digit"]) < 12:
                add_mark(row, truth.quirk("legacy_15_digit"))
            rows.append(row)
        rows.extend(deployment.extra_rows.get(f"hukou_delta:{day:%Y%m%d}", []))
        relative = f"hukou/hukou_delta_{day:%Y%m%d}.csv"
        is_last = day == period.end
        write_csv(
            landing, relative, columns.HUKOU, rows, encoding="gbk", newline=CRLF, ok=not is_last
        )
        if is_last:
            truth.quirks["missing_ok"].append(relative)
    for year, month in period.months:
        cutoff = month_end(year, month)
        rows = []
        for person in persons:
            if person.added_on and person.added_on > cutoff:
                continue
            known = [e for e in person.hukou_events if e.file_date <= cutoff]
            if known:
                # The register applies changes in 变动日期 order, then in the order recorded.
                latest = max(enumerate(known), key=lambda pair: (pair[1].change_date, pair[0]))[1]
                rows.append(hukou_row(person, latest))
            else:
                rows.append(hukou_row(person))
        relative = f"hukou/hukou_full_{year}{month:02d}.csv.gz"
        write_csv(
            landing, relative, columns.HUKOU, rows, encoding="gbk", newline=CRLF, compress=True
        )


# --- payroll ---------------------------------------------------------------------------------
def _payroll_row(entry: dict, change: str | None = None, v1: bool = False) -> dict:
    row = {k: v for k, v in entry.items() if not k.startswith("_")}
    if v1 and entry.get("_v1_id"):
        row["证件号码"] = entry["_v1_id"]
    row["起薪日期"] = entry["_start"]
    row["停薪日期"] = entry["_stop"]
    if change is not None:
        row["变动类型"] = change
        # The change files carry dates as text (the finance system's export), the list as dates.
        row["起薪日期"] = entry["_start"].isoformat()
        row["停薪日期"] = entry["_stop"].isoformat() if entry["_stop"] else None
    return row


def payroll(deployment: Deployment, landing: Landing) -> None:
    period = deployment.period
    truth = deployment.truth
    years = sorted({y for y, _ in period.months})
    for year in years:
        first_month = min(m for y, m in period.months if y == year)
        cutoff = dt.date(year, first_month, 1)
        rows = []
        for entry in deployment.payroll:
            listed = entry["_stop"] is None or entry["_stop"].year >= year or entry.get("_listed")
            if entry["_start"] < cutoff and listed:
                row = _payroll_row(entry)
                for mark in entry.get("_full_marks", ()):
                    add_mark(row, mark)
                rows.append(row)
        rows.extend(deployment.payroll_full_extra.get(year, []))
        relative = f"payroll/caizheng_gongyang_{year}.xlsx"
        write_xlsx(landing, relative, [SheetSpec("财政供养人员", columns.PAYROLL_FULL, rows)])
    for year, month in period.months:
        first, last = dt.date(year, month, 1), month_end(year, month)
        delivered, corrected, changes = [], [], []
        for entry in deployment.payroll:
            if first <= entry["_start"] <= last:
                changes.append((entry, "新增"))
            if entry["_stop"] and first <= entry["_stop"] <= last:
                changes.append((entry, "减少"))
        needs_v2 = any(entry.get("_v1_id") for entry, _ in changes)
        for entry, change in changes:
            delivered.append(_payroll_row(entry, change, v1=True))
            corrected.append(_payroll_row(entry, change))
            for mark in entry.get("_v1_marks", ()) if change == "新增" else ():
                add_mark(delivered[-1], mark)
            for mark in entry.get("_change_marks", ()):
                add_mark((corrected if needs_v2 else delivered)[-1], mark)
        relative = f"payroll/caizheng_biandong_{year}{month:02d}.xlsx"
        write_xlsx(landing, relative, [SheetSpec("变动人员", columns.PAYROLL_CHANGE, delivered)])
        if needs_v2:
            version2 = relative.replace(".xlsx", "_v2.xlsx")
            write_xlsx(
                landing, version2, [SheetSpec("变动人员", columns.PAYROLL_CHANGE, corrected)]
            )
            fixes = [
                {"row": index + 2, "field": "证件号码"}
                for index, (old, new) in enumerate(zip(delivered, corrected, strict=True))
                if old["证件号码"] != new["证件号码"]
            ]
            truth.quirk("v2_correction", file=version2, replaces=relative, fixes=fixes)
    first_change = f"payroll/caizheng_biandong_{period.months[0][0]}{period.months[0][1]:02d}.xlsx"
    truth.quirks["resend"].append(first_change)


# --- REST simulators' records and the civil-affairs table -----------------------------------
def apis(deployment: Deployment, out_dir: Path, counts: dict[str, int]) -> None:
    """One JSON object per line: the items the vehicle and business simulators serve.

    A record may appear several times (one line per version: a status change later); the
    simulators order by (updated_at, plate_no) / (changed_at, uscc), as the APIs do.
    """
    folder = out_dir / "apis"
    folder.mkdir(parents=True, exist_ok=True)
    vehicles = sorted(deployment.vehicles, key=lambda r: (r["updated_at"], r["plate_no"]))
    data, count = jsonl_bytes(vehicles, columns.VEHICLE, "apis/vehicle.jsonl")
    (folder / "vehicle.jsonl").write_bytes(data)
    counts["apis/vehicle.jsonl"] = count
    entities = sorted(deployment.businesses, key=lambda r: (r["changed_at"], r["uscc"]))
    data, count = jsonl_bytes(entities, columns.BUSINESS, "apis/business.jsonl")
    (folder / "business.jsonl").write_bytes(data)
    counts["apis/business.jsonl"] = count


def minzheng(deployment: Deployment, out_dir: Path, counts: dict[str, int]) -> None:
    """``minzheng.assistance_recipient`` rows for the civil-affairs database simulator."""
    folder = out_dir / "minzheng"
    folder.mkdir(parents=True, exist_ok=True)
    for number, row in enumerate(deployment.dibao, start=1):
        row["recipient_id"] = 100_000 + number
    data, count = csv_bytes(
        columns.DIBAO, deployment.dibao, encoding="utf-8", newline=LF, relative="minzheng"
    )
    (folder / "assistance_recipient.csv").write_bytes(data)
    counts["minzheng/assistance_recipient.csv"] = count


# --- medical, education, renshe --------------------------------------------------------------
def medical(deployment: Deployment, landing: Landing) -> None:
    period = deployment.period
    last_month = period.months[-1]
    for year, month in period.months:
        rows = list(deployment.medical.get((year, month), []))
        rows.extend(deployment.extra_rows.get(f"medical:{year}{month:02d}", []))
        relative = f"medical/yibao_settle_{year}{month:02d}.csv"
        header = columns.MEDICAL
        if deployment.drift and (year, month) == last_month:
            # The department added a column at the end (schema drift on request).
            header = (*columns.MEDICAL, "参保地区划")
            for row in rows:
                row["参保地区划"] = row["证件号码"][:6]
            deployment.truth.quirk("schema_drift", file=relative, change="added 参保地区划")
        write_csv(landing, relative, header, rows, newline=CRLF, bom=True)


def education(deployment: Deployment, landing: Landing) -> None:
    for snapshot, rows in enrolments(deployment).items():
        relative = f"education/xueji_{snapshot:%Y%m%d}.jsonl"
        data, count = jsonl_bytes(rows, columns.EDUCATION_ENROLMENT, relative)
        landing.write(relative, data, count)
    for year in sorted(deployment.admissions):
        relative = f"education/luqu_{year}.jsonl"
        data, count = jsonl_bytes(
            deployment.admissions[year], columns.EDUCATION_ADMISSION, relative
        )
        landing.write(relative, data, count)


def renshe(deployment: Deployment, landing: Landing) -> None:
    period = deployment.period
    last_month = period.months[-1]
    for year, month in period.months:
        cutoff = month_end(year, month)
        rows = []
        for template in deployment.renshe:
            person = template["_person"]
            if person.cancelled_by(cutoff) is not None:
                continue
            months = template.get("_months")
            if months is not None and (year, month) not in months:
                continue
            row = dict(template, 所属期=f"{year}{month:02d}")
            if (year, month) != period.months[-1]:
                row.pop("_marks", None)
            rows.append(row)
        rows.extend(deployment.extra_rows.get(f"renshe:{year}{month:02d}", []))
        relative = f"renshe/renshe_{year}{month:02d}.csv"
        renamed = None
        if deployment.drift and (year, month) == last_month:
            renamed = {"单位名称": "工作单位"}
            deployment.truth.quirk(
                "schema_drift", file=relative, change="renamed 单位名称 -> 工作单位"
            )
        write_csv(landing, relative, columns.RENSHE, rows, renamed=renamed)


# --- property, disability, relocation, assistance ------------------------------------------
def _weekly(rows: list[dict], weeks: list[dt.date]) -> dict[dt.date, list[dict]]:
    """Each row goes to the first weekly delivery on or after its date."""
    out: dict[dt.date, list[dict]] = {week: [] for week in weeks}
    for row in sorted(rows, key=lambda r: r["_date"]):
        week = next((w for w in weeks if w >= row["_date"]), None)
        if week is not None:
            out[week].append(row)
    return out


def property_feed(deployment: Deployment, landing: Landing) -> None:
    weeks = weekly_dates(deployment)
    for week, rows in _weekly(deployment.properties, weeks).items():
        rows = rows + deployment.extra_rows.get(f"budongchan:{week:%Y%m%d}", [])
        relative = f"property/budongchan_{week:%Y%m%d}.csv"
        write_csv(landing, relative, columns.PROPERTY_REGISTRATION, rows)
    for week, rows in _weekly(deployment.renovations, weeks).items():
        relative = f"property/weifang_{week:%Y%m%d}.csv"
        write_csv(landing, relative, columns.HOUSE_RENOVATION, rows)


def disability(deployment: Deployment, landing: Landing) -> None:
    for year, month in deployment.period.months:
        cutoff = month_end(year, month)
        rows = [r for r in deployment.certificates if r["_issued"] <= cutoff]
        rows.extend(deployment.extra_rows.get(f"canlian:{year}{month:02d}", []))
        relative = f"disability/canlian_{year}{month:02d}.csv"
        write_csv(landing, relative, columns.DISABILITY, rows, encoding="gbk", newline=CRLF)


def relocation(deployment: Deployment, landing: Landing) -> None:
    quarters = sorted({(y, (m - 1) // 3 + 1) for y, m in deployment.period.months})
    for year, quarter in quarters:
        relative = f"relocation/banqian_{year}{quarter}.xlsx"
        sheet = SheetSpec("搬迁户", columns.RELOCATION, deployment.relocations)
        write_xlsx(landing, relative, [sheet])


def assistance(deployment: Deployment, landing: Landing) -> None:
    for year, month in deployment.period.months:
        cutoff = month_end(year, month)
        rows = [r for r in deployment.cadre_assignments if r["_start"] <= cutoff]
        relative = f"assistance/bangfu_ganbu_{year}{month:02d}.csv"
        write_csv(landing, relative, columns.CADRE_ASSIGNMENT, rows)
        rows = list(deployment.enterprise_aid.get((year, month), []))
        rows.extend(deployment.extra_rows.get(f"qiye_bangfu:{year}{month:02d}", []))
        relative = f"assistance/qiye_bangfu_{year}{month:02d}.csv"
        write_csv(landing, relative, columns.ENTERPRISE_AID, rows)
