"""A deliberately plain reading of policy.md's rules over the generated files.

Used only to check the generator: every planted positive fires, no planted negative fires, and
nothing else in the background fires by accident. It reads the delivered files (not the
generator's objects), so it also proves the files carry what the ground truth claims.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

from fupin.ids import birth_date_of, id_number_problem, normalize_id_number

from .readers import table

WORKING = {"普通劳动力", "技能劳动力"}


def _norm(value) -> str | None:
    number = normalize_id_number(value)
    return number if number and id_number_problem(number) is None else None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _amount(value) -> float:
    return float(_text(value).replace(",", "") or 0)


def _latest_versions(landing: Path, pattern: str) -> dict[str, Path]:
    """Period -> the latest version of each delivered file (``_vN`` supersedes)."""
    chosen: dict[str, tuple[int, Path]] = {}
    regex = re.compile(pattern + r"(?:_v(\d+))?\.(?:xlsx|csv|jsonl|csv\.gz)$")
    for path in sorted(landing.rglob("*")):
        if path.name.endswith(".ok") or not Path(f"{path}.ok").exists():
            continue
        match = regex.fullmatch(path.relative_to(landing).as_posix())
        if match:
            period, version = match.group(1), int(match.group(2) or 1)
            if period not in chosen or version > chosen[period][0]:
                chosen[period] = (version, path)
    return {period: path for period, (_, path) in sorted(chosen.items())}


class Reference:
    def __init__(self, out_dir: Path, as_of: dt.date) -> None:
        self.landing = out_dir / "landing"
        self.out_dir = out_dir
        self.as_of = as_of
        self.month = f"{as_of:%Y%m}"
        self._load_registry()
        self._load_hukou()

    # --- loading -----------------------------------------------------------------------------
    def _load_registry(self) -> None:
        self.households: dict[str, dict] = {}
        self.members: dict[str, list[dict]] = defaultdict(list)
        for county_dir in sorted((self.landing / "registry").iterdir()):
            county = county_dir.name
            files = _latest_versions(
                self.landing, rf"registry/{county}/建档立卡_{county}_(\d{{6}})"
            )
            files = {p: f for p, f in files.items() if p <= self.month}
            latest = files[max(files)]
            for _, row in table(latest, "户信息"):
                self.households[_text(row["户编号"])] = row
            for _, row in table(latest, "成员信息"):
                self.members[_text(row["户编号"])].append(row)

    def _load_hukou(self) -> None:
        """The latest full at or before the check month, then later deltas in 变动日期 order."""
        fulls = _latest_versions(self.landing, r"hukou/hukou_full_(\d{6})")
        full_month = max(p for p in fulls if p <= self.month)
        self.hukou: dict[str, dict] = {}
        for _, row in table(fulls[full_month]):
            number = _norm(row["公民身份号码"])
            if number:
                self.hukou[number] = row
        deltas = _latest_versions(self.landing, r"hukou/hukou_delta_(\d{8})")
        changes = []
        for day, path in deltas.items():
            if day[:6] > full_month and day <= f"{self.as_of:%Y%m%d}":
                for line, row in table(path):
                    changes.append((row["变动日期"], day, line, row))
        for _, _, _, row in sorted(changes, key=lambda c: c[:3]):
            number = _norm(row["公民身份号码"])
            if number:
                self.hukou[number] = row

    def member_ids(self, household_id: str) -> list[str]:
        return [n for n in (_norm(m["证件号码"]) for m in self.members[household_id]) if n]

    def registered_ids(self) -> dict[str, set[str]]:
        owners: dict[str, set[str]] = defaultdict(set)
        for household_id in self.households:
            for number in self.member_ids(household_id):
                owners[number].add(household_id)
        return owners

    # --- verification rules ------------------------------------------------------------------
    def fired(self) -> dict[str, set[tuple[str, str | None]]]:
        """Rule -> {(household key, member id or None)}; household key is 户编号 or hukou:户号."""
        out: dict[str, set] = defaultdict(set)
        owners = self.registered_ids()

        def hit(rule: str, number: str | None, household_id: str | None = None) -> None:
            targets = [household_id] if household_id else sorted(owners.get(number, ()))
            for target in targets:
                out[rule].add((target, number))

        self._v01(hit)
        self._v02(hit)
        self._v03(hit)
        self._v04(hit)
        for number, row in self.hukou.items():
            cancelled = row["变动类型"] == "注销" and row["注销原因"] == "死亡"
            if cancelled and dt.datetime.strptime(row["变动日期"], "%Y%m%d").date() <= self.as_of:
                hit("V05", number)
        for number, households in owners.items():
            if len(households) > 1:
                hit("V06", number)
        self._v07(hit)
        self._v08(hit)
        self._v09_m01(hit)
        self._v10(hit)
        self._m02(out)
        self._m03(hit)
        self._m04(hit)
        self._m05(hit)
        self._m06(hit)
        self._m07(hit)
        self._s01(out, owners)
        return out

    def _v01(self, hit) -> None:
        year = str(self.as_of.year)
        state: dict[str, dict] = {}
        full = self.landing / f"payroll/caizheng_gongyang_{year}.xlsx"
        for _, row in table(full):
            number = _norm(row["证件号码"])
            if number:
                state[number] = row
        changes = _latest_versions(self.landing, r"payroll/caizheng_biandong_(\d{6})")
        for period, path in changes.items():
            if period <= self.month:
                for _, row in table(path):
                    number = _norm(row["证件号码"])
                    if number:
                        state[number] = row
        for number, row in state.items():
            stop = row["停薪日期"]
            stop_day = (
                stop.date()
                if isinstance(stop, dt.datetime)
                else (dt.date.fromisoformat(stop) if stop else None)
            )
            if row["人员类别"] in ("在职", "退休") and (stop_day is None or stop_day >= self.as_of):
                hit("V01", number)

    def _v02(self, hit) -> None:
        latest: dict[str, dict] = {}
        for _, item in table(self.out_dir / "apis/vehicle.jsonl"):
            latest[item["plate_no"]] = item
        for item in latest.values():
            if item["status"] != "正常" or item["usage"] == "农用":
                continue
            if item["vehicle_type"] in ("摩托车", "三轮汽车", "拖拉机"):
                continue
            price = item["purchase_price"]
            if price is None or price >= 30_000:
                hit("V02", _norm(item["owner_id_number"]))

    def _v03(self, hit) -> None:
        latest: dict[str, dict] = {}
        for _, path in _latest_versions(self.landing, r"property/budongchan_(\d{8})").items():
            for _, row in table(path):
                latest[row["不动产权证号"]] = row
        for row in latest.values():
            acquired = row["登记类型"] in ("首次登记", "转移登记")
            if acquired and row["房屋用途"] in ("住宅", "商业") and _text(row["交易价格"]):
                hit("V03", _norm(row["权利人证件号码"]))

    def _v04(self, hit) -> None:
        latest: dict[str, dict] = {}
        for _, item in table(self.out_dir / "apis/business.jsonl"):
            latest[item["uscc"]] = item
        for item in latest.values():
            if item["status"] != "存续" or item["entity_type"] == "农民专业合作社":
                continue
            if item["entity_type"] == "个体工商户":
                hit("V04", _norm(item["legal_rep_id_number"]))
            elif (item["registered_capital_wan"] or 0) >= 10:
                people = {_norm(item["legal_rep_id_number"])}
                people.update(_norm(s["id_number"]) for s in item["shareholders"])
                for number in sorted(p for p in people if p):
                    hit("V04", number)

    def active_dibao(self) -> list[dict]:
        rows = []
        for _, row in table(self.out_dir / "minzheng/assistance_recipient.csv"):
            end = row["end_date"]
            if row["status"] == "在保" and (not end or dt.date.fromisoformat(end) > self.as_of):
                rows.append(row)
        return rows

    def _v07(self, hit) -> None:
        on_dibao = {
            _norm(r["id_number"]) for r in self.active_dibao() if r["assistance_type"] == "低保"
        }
        for household_id, row in self.households.items():
            numbers = self.member_ids(household_id)
            if row["贫困户属性"] == "低保贫困户" and not on_dibao.intersection(numbers):
                hit("V07", None, household_id)
            if row["贫困户属性"] == "一般贫困户":
                for number in numbers:
                    if number in on_dibao:
                        hit("V07", number, household_id)

    def _v08(self, hit) -> None:
        files = _latest_versions(self.landing, r"renshe/renshe_(\d{6})")
        latest = files[max(p for p in files if p <= self.month)]
        for _, row in table(latest):
            paying = row["参保险种"] == "职工养老" and row["参保状态"] == "参保缴费"
            if paying and _amount(row["月缴费基数"]) >= 3000:
                hit("V08", _norm(row["证件号码"]))

    def _v09_m01(self, hit) -> None:
        lines = {2014: 2800, 2015: 2855, 2016: 2952, 2020: 4000, 2021: 4000}
        for household_id, row in self.households.items():
            income = _amount(row["年人均纯收入"])
            if income < 7000:
                hit("M01", None, household_id)
            year = int(row["脱贫年度"]) if row["脱贫年度"] else None
            if row["脱贫标志"] == "已脱贫" and year in lines and income < lines[year]:
                hit("V09", None, household_id)

    def _v10(self, hit) -> None:
        for household_id, members in self.members.items():
            for member in members:
                delivered = normalize_id_number(member["证件号码"])
                if id_number_problem(delivered):
                    hit("V10", delivered, household_id)
                    continue
                record = self.hukou.get(delivered)
                birth = birth_date_of(delivered).strftime("%Y%m%d")
                if (
                    record is None
                    or _text(record["姓名"]) != _text(member["姓名"])
                    or record["出生日期"] != birth
                ):
                    hit("V10", delivered, household_id)

    # --- monitoring rules --------------------------------------------------------------------
    def self_pay_by_person(self) -> dict[str, float]:
        window_start = self.as_of.replace(year=self.as_of.year - 1)
        originals: dict[str, tuple[str, float]] = {}
        reversals: dict[str, float] = defaultdict(float)
        for _, path in _latest_versions(self.landing, r"medical/yibao_settle_(\d{6})").items():
            for _, row in table(path):
                number = _norm(row["证件号码"])
                if not number:
                    continue
                settlement_id = row["结算ID"]
                if settlement_id.endswith("-R"):
                    reversals[settlement_id[:-2]] += _amount(row["个人自付"])
                elif window_start < dt.date.fromisoformat(row["结算日期"]) <= self.as_of:
                    originals[settlement_id] = (number, _amount(row["个人自付"]))
        totals: dict[str, float] = defaultdict(float)
        for settlement_id, (number, amount) in originals.items():
            totals[number] += amount + reversals.get(settlement_id, 0.0)
        return totals

    def _m02(self, out) -> None:
        totals = self.self_pay_by_person()
        registered = set()
        for household_id, row in self.households.items():
            numbers = self.member_ids(household_id)
            registered.update(numbers)
            spent = sum(totals.get(n, 0.0) for n in numbers)
            income = _amount(row["年人均纯收入"]) * len(self.members[household_id])
            threshold = 5000 if row["脱贫标志"] == "已脱贫" else 20000
            if spent >= threshold or (income > 0 and spent >= 0.5 * income):
                out["M02"].add((household_id, None))
        persons_by_hukou: dict[str, list[str]] = defaultdict(list)
        for number, record in self.hukou.items():
            persons_by_hukou[record["户号"]].append(number)
        self.monitored_hukou = set()
        for hukou_no, numbers in persons_by_hukou.items():
            if registered.intersection(numbers):
                continue
            if sum(totals.get(n, 0.0) for n in numbers) >= 20000:
                out["M02"].add((f"hukou:{hukou_no}", None))
                self.monitored_hukou.add(hukou_no)
        self.persons_by_hukou = persons_by_hukou

    def _m03(self, hit) -> None:
        files = _latest_versions(self.landing, r"education/xueji_(\d{8})")
        latest = files[max(p for p in files if p <= f"{self.as_of:%Y%m%d}")]
        enrolled = {_norm(r["id_number"]) for _, r in table(latest) if r["status"] != "辍学"}
        for household_id in self.households:
            for number in self.member_ids(household_id):
                birth = birth_date_of(number)
                age = (
                    self.as_of.year
                    - birth.year
                    - ((self.as_of.month, self.as_of.day) < (birth.month, birth.day))
                )
                if 6 <= age <= 15 and number not in enrolled:
                    hit("M03", number, household_id)

    def _m04(self, hit) -> None:
        heads = {}
        for household_id, row in self.households.items():
            heads[_norm(row["户主证件号码"])] = household_id
        latest: dict[str, dict] = {}
        for _, path in _latest_versions(self.landing, r"property/weifang_(\d{8})").items():
            for _, row in table(path):
                latest[_norm(row["户主证件号码"])] = row
        for number, row in latest.items():
            if row["鉴定等级"] in ("C", "D") and row["改造状态"] != "已竣工" and number in heads:
                hit("M04", None, heads[number])

    def _m05(self, hit) -> None:
        files = _latest_versions(self.landing, r"disability/canlian_(\d{6})")
        latest = files[max(p for p in files if p <= self.month)]
        certificates = {}
        for _, row in table(latest):
            certificates[_norm(row["残疾人证号"][:18])] = row
        for household_id, row in self.households.items():
            poor = row["脱贫标志"] in ("未脱贫", "返贫") or row["贫困户属性"] != "一般贫困户"
            for number in self.member_ids(household_id):
                cert = certificates.get(number)
                if cert is None:
                    continue
                severe = int(cert["残疾等级"]) <= 2 and cert["重度残疾人护理补贴"] != "是"
                if severe or (poor and cert["困难残疾人生活补贴"] != "是"):
                    hit("M05", number, household_id)

    def _m06(self, hit) -> None:
        files = _latest_versions(self.landing, r"relocation/banqian_(\d{5})")
        for _, row in table(files[max(files)]):
            if int(row["家庭劳动力人数"]) >= 1 and int(row["已就业人数"]) == 0:
                hit("M06", None, _text(row["户编号"]))

    def _m07(self, hit) -> None:
        for household_id, members in self.members.items():
            workers = [m for m in members if m["劳动技能"] in WORKING]
            if len(workers) != 1:
                continue
            record = self.hukou.get(_norm(workers[0]["证件号码"]))
            if record and record["变动类型"] == "注销" and record["注销原因"] == "死亡":
                hit("M07", None, household_id)

    def _s01(self, out, owners) -> None:
        path = self.landing / f"education/luqu_{self.as_of.year}.jsonl"
        hukou_of = {n: r["户号"] for n, r in self.hukou.items()}
        for _, row in table(path):
            number = _norm(row["id_number"])
            for household_id in sorted(owners.get(number, ())):
                out["S01"].add((household_id, number))
            if number in hukou_of and hukou_of[number] in self.monitored_hukou:
                out["S01"].add((f"hukou:{hukou_of[number]}", number))
