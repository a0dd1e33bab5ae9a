"""A marked file whose name the catalog does not know is reported, not silently ignored."""

from fupin.catalog import load_catalog
from fupin.delivery_names import unrecognised


def deliver(root, name, data=True):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if data:
        path.write_text("x")
    path.with_name(path.name + ".ok").touch()


def test_misnamed_and_missing_files_with_markers_are_reported(tmp_path):
    deliver(tmp_path, "hukou/hukou_delta_20261005.csv")  # a good name: not reported
    deliver(tmp_path, "hukou/hukou_delta_2026-10-05.csv")  # the date written with dashes
    deliver(tmp_path, "hukou/hukou_delta_20261006.csv", data=False)  # marker without its file
    found = unrecognised(tmp_path, load_catalog()["hukou"])
    assert [f["file"] for f in found] == [
        "hukou/hukou_delta_2026-10-05.csv",
        "hukou/hukou_delta_20261006.csv",
    ]
    assert "matches no pattern" in found[0]["error"]
    assert "hukou/hukou_delta_{yyyymmdd}.csv" in found[0]["error"]
    assert "is missing" in found[1]["error"]


def test_a_feed_without_deliveries_reports_nothing(tmp_path):
    assert unrecognised(tmp_path, load_catalog()["registry"]) == []
