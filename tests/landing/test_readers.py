"""The readers on hand-made files: physical rows, encodings, quirks, and exact failure places."""

from __future__ import annotations

import gzip

import pytest

from connectors.files import DeliveryFormatError, read_csv, read_jsonl

HEADER = "a,b,c\n"


def csv_rows(tmp_path, data: bytes, encoding="utf-8", compression=None):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    sheet = read_csv(path, encoding, compression, source="feed/f.csv")
    return sheet, list(sheet.rows)


def csv_error(tmp_path, data: bytes, encoding="utf-8", compression=None) -> str:
    with pytest.raises(DeliveryFormatError) as caught:
        csv_rows(tmp_path, data, encoding, compression)
    message = str(caught.value)
    assert message.startswith("feed/f.csv: ")
    return message


def test_rows_keep_the_line_a_person_sees(tmp_path):
    data = '\ufeffa,b,c\r\n1,2,3\r\n\r\n 4 , 5 ,\r\n"x\ny",7,8\r\n,,\r\n9,"10",11\r\n'
    sheet, rows = csv_rows(tmp_path, data.encode("utf-8"))
    assert sheet.header == ["a", "b", "c"] and sheet.header_row == 1
    assert rows == [
        (2, ["1", "2", "3"]),
        (4, ["4", "5", None]),  # trimmed, empty is NULL; the blank line 3 is skipped
        (5, ["x\ny", "7", "8"]),  # a quoted newline: the row is where it starts
        (8, ["9", "10", "11"]),  # line 7 holds only separators: no row
    ]
    assert sheet.rows_read == 4 and sheet.findings == []


def test_gbk_gzip(tmp_path):
    text = "姓名,户号,备注\n张三,H1,\n李四,H2,迁出\n"
    _, rows = csv_rows(tmp_path, gzip.compress(text.encode("gbk")), "gbk", "gzip")
    assert rows == [(2, ["张三", "H1", None]), (3, ["李四", "H2", "迁出"])]


def test_short_row_is_padded_with_a_finding(tmp_path):
    sheet, rows = csv_rows(tmp_path, (HEADER + "1,2,3\n4,5\n").encode())
    assert rows[1] == (3, ["4", "5", None])
    (finding,) = sheet.findings
    assert (finding.row, finding.field, finding.kind) == (3, "c", "short_row")


def test_trailing_blank_header_columns_are_ignored_but_values_under_them_fail(tmp_path):
    sheet, rows = csv_rows(tmp_path, b"a,b,c,,\n1,2,3,,\n")
    assert sheet.header == ["a", "b", "c"] and rows == [(2, ["1", "2", "3"])]
    message = csv_error(tmp_path, b"a,b,c\n1,2,3\n4,5,6,secret\n")
    assert "line 3, column 4 (no header name)" in message and "secret" not in message


def test_encoding_error_names_its_own_line_far_into_the_file(tmp_path):
    lines = [HEADER] + [f"{i},张三,x\n" for i in range(2, 1000)]
    data = "".join(lines).encode("gbk")
    cut = data.index(b"998,")
    message = csv_error(tmp_path, data[:cut] + b"\xff" + data[cut:], "gbk")
    assert "line 998 is not valid gbk" in message


def test_nul_byte_names_line_and_field(tmp_path):
    message = csv_error(tmp_path, (HEADER + "1,2,3\n" * 500 + "4,5\x006,7\n").encode())
    assert "line 502, field 2: a NUL byte" in message


def test_stray_quote_that_swallows_rows_fails(tmp_path):
    data = HEADER + '1,"2,3\n4,5,6\n7,8",9\n10,11,12\n'
    assert "line 2, field b" in csv_error(tmp_path, data.encode())
    assert "never closed" in csv_error(tmp_path, (HEADER + '1,"2,3\n4,5,6\n').encode())


def test_huge_field_fails_naming_it(tmp_path):
    message = csv_error(tmp_path, (HEADER + "1,2," + "x" * 200_000 + "\n").encode())
    assert "line 2, field c: longer than 131,072 characters" in message


@pytest.mark.parametrize("damage", ["truncate", "corrupt", "not_gzip"])
def test_damaged_gzip_fails(tmp_path, damage):
    good = gzip.compress((HEADER + "1,2,3\n" * 200_000).encode())
    data = {
        "truncate": good[: len(good) // 2],
        "corrupt": good[:200] + bytes(64) + good[264:],
        "not_gzip": b"plain text",
    }[damage]
    assert "cannot be read past line" in csv_error(tmp_path, data, compression="gzip")


def test_jsonl_lines_and_errors(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"a": 1, "b": "x"}\n\n{"a": 2}\n{"a": 3, "zz": 1}\n')
    sheet = read_jsonl(path, "utf-8", None, source="feed/f.jsonl")
    with pytest.raises(DeliveryFormatError, match="line 4, field zz"):
        list(sheet.rows)
    path.write_bytes(b'{"a": 1}\n' * 3000 + b'{"a": "\xff"}\n')
    with pytest.raises(DeliveryFormatError, match="line 3001 is not valid utf-8"):
        list(read_jsonl(path, "utf-8", None, source="feed/f.jsonl").rows)
