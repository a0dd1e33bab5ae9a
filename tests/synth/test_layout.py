"""The landing layout, encodings and `.ok` markers of a small generated deployment."""

from __future__ import annotations

import re

from simulation.synth import resend

from .readers import CSV_ENCODINGS, csv_rows, xlsx_sheets

# Every file under landing/ must match one of department-feeds.md's path patterns.
PATTERNS = [
    r"registry/(\d{6})/建档立卡_\1_\d{6}(_v\d+)?\.xlsx",
    r"hukou/hukou_delta_\d{8}\.csv",
    r"hukou/hukou_full_\d{6}\.csv\.gz",
    r"payroll/caizheng_gongyang_\d{4}\.xlsx",
    r"payroll/caizheng_biandong_\d{6}(_v\d+)?\.xlsx",
    r"medical/yibao_settle_\d{6}\.csv",
    r"education/xueji_\d{8}\.jsonl",
    r"education/luqu_\d{4}\.jsonl",
    r"renshe/renshe_\d{6}\.csv",
    r"property/budongchan_\d{8}\.csv",
    r"property/weifang_\d{8}\.csv",
    r"disability/canlian_\d{6}\.csv",
    r"relocation/banqian_\d{4}[1-4]\.xlsx",
    r"assistance/bangfu_ganbu_\d{6}\.csv",
    r"assistance/qiye_bangfu_\d{6}\.csv",
]


def landing_files(result):
    root = result.landing_root
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(".ok")
    )


def test_every_file_follows_the_feed_layout(small):
    result, _ = small
    files = landing_files(result)
    assert files
    for relative in files:
        assert any(re.fullmatch(p, relative) for p in PATTERNS), relative


def test_ok_marker_for_every_file_but_the_one_in_progress(small):
    result, truth = small
    missing = [f for f in landing_files(result) if not (result.landing_root / f"{f}.ok").exists()]
    assert missing == truth["quirks"]["missing_ok"]
    assert len(missing) == 1 and missing[0].startswith("hukou/hukou_delta_")
    for relative in landing_files(result):
        marker = result.landing_root / f"{relative}.ok"
        if marker.exists():
            assert marker.stat().st_size == 0
            # Written after the data file.
            assert marker.stat().st_mtime_ns >= (result.landing_root / relative).stat().st_mtime_ns


def test_every_csv_decodes_strictly_in_its_declared_encoding(small):
    result, _ = small
    for relative in landing_files(result):
        if ".csv" not in relative:
            continue
        path = result.landing_root / relative
        rows = csv_rows(path)
        assert rows and rows[0], relative
        feed = relative.split("/")[0]
        assert feed in CSV_ENCODINGS
        raw = path.read_bytes()
        if feed == "medical":
            assert raw.startswith(b"\xef\xbb\xbf"), relative
        elif not relative.endswith(".gz"):
            assert not raw.startswith(b"\xef\xbb\xbf"), relative
        if feed == "hukou" and not relative.endswith(".gz") and len(rows) > 1:
            # GBK, not UTF-8: a file with Chinese names does not decode as UTF-8.
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                raise AssertionError(f"{relative} decodes as UTF-8; expected GBK")


def test_every_workbook_opens_with_its_sheets(small):
    result, _ = small
    for relative in landing_files(result):
        if not relative.endswith(".xlsx"):
            continue
        sheets = xlsx_sheets(result.landing_root / relative)
        if relative.startswith("registry/"):
            assert list(sheets) == ["户信息", "成员信息"], relative
        else:
            assert len(sheets) == 1, relative


def test_resend_rewrites_the_same_bytes_later(small, tmp_path):
    result, truth = small
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(result.out_dir, copy)
    relative = truth["quirks"]["resend"][0]
    path = copy / "landing" / relative
    before, mtime = path.read_bytes(), path.stat().st_mtime
    resend(copy, relative)
    assert path.read_bytes() == before
    assert path.stat().st_mtime > mtime
    assert (copy / "landing" / f"{relative}.ok").exists()
