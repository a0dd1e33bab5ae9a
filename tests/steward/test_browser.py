"""The steward's loop in a real headless browser (Debian's chromium driven by Playwright) on a
real `fupin cycle`: log in, see the planted failures, fix one, re-run the cycle, see the count
drop; the corrected row reaches staging with its provenance and marts.data_quality counts it
as fixed. Writes the screenshots the README links (docs/screenshots/)."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
import yaml

from fupin import warehouse
from fupin.steward.accounts import add_account
from fupin.steward.app import create_app
from simulation.national import NationalSimulator, Window
from tests.helpers import run_fupin, throwaway_database
from tests.steward.conftest import planted, query, with_check_digit

pytestmark = [
    pytest.mark.integration,
    pytest.mark.airflow,
    pytest.mark.xdist_group("steward_cycle"),
]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SECRET = "steward-test-secret"


def run_cycle(config_path: Path, as_of: str) -> None:
    env = {**os.environ, "FUPIN_TEST_NATIONAL_SECRET": SECRET}
    done = run_fupin("cycle", "--config", str(config_path), "--as-of", as_of, env=env, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cycled(world, admin_dsn, tmp_path_factory):
    """A warehouse after one `fupin cycle`, a steward login, the page served on a free port."""
    root = tmp_path_factory.mktemp("steward-cycle")
    name, dsn = throwaway_database(admin_dsn, "fupin_steward_cycle")
    with NationalSimulator(secret=SECRET, sender_id="520000", window=Window(open=True)) as sim:
        config_path = root / "fupin.yml"
        settings = {
            "province": "52",
            "warehouse": {"dsn": dsn},
            "landing": {"root": str(world.landing_root)},
            "national": {
                "base_url": sim.base_url,
                "sender_id": "520000",
                "secret": "${FUPIN_TEST_NATIONAL_SECRET}",
            },
            "airflow": {"home": str(root / "airflow")},
        }
        config_path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        run_cycle(config_path, "2026-10-31")
        with warehouse.connect(dsn) as conn:
            add_account(conn, "steward_hukou", "hukou", "pw-hukou-secret")
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(dsn, "browser-test"), port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            yield {"dsn": dsn, "config": config_path, "url": f"http://127.0.0.1:{port}"}
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    warehouse.drop_database(admin_dsn, name)


def open_rows(page) -> int:
    return int(page.locator("#feeds .open-rows").first.inner_text())


@pytest.mark.skipif(not CHROMIUM.exists(), reason="make browser installs Debian's chromium")
def test_log_in_see_fix_rerun_and_the_count_drops(world, cycled):
    from playwright.sync_api import sync_playwright

    (case,) = planted(world, "hukou")
    fixed = with_check_digit(case["id_number"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = cycled["url"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # a correction runs the feed's suite through Great Expectations: slow on a loaded machine
        page.set_default_timeout(180_000)
        page.goto(f"{url}/login")
        page.fill("input[name=login]", "steward_hukou")
        page.fill("input[name=password]", "pw-hukou-secret")
        page.screenshot(path=SCREENSHOTS / "steward_login.png")
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")
        before = open_rows(page)
        assert before >= 1
        page.screenshot(path=SCREENSHOTS / "steward_home.png", full_page=True)

        page.click("#feeds a:text('hukou')")
        assert case["file"] in page.content() and case["id_number"] in page.content()
        page.screenshot(path=SCREENSHOTS / "steward_feed.png", full_page=True)

        page.locator("tr", has_text=case["id_number"]).locator("a.fix").click()
        page.fill("input[name=new_value]", case["id_number"][:17] + "0")
        page.fill("input[name=why]", "checked against the hukou book")
        page.click("button[type=submit]")
        if case["id_number"][:17] + "0" != fixed:
            assert "Refused" in page.locator("#error").inner_text()
            page.screenshot(path=SCREENSHOTS / "steward_refused.png", full_page=True)
        page.fill("input[name=new_value]", fixed)
        page.click("button[type=submit]")
        assert "accepted" in page.locator("#notice").inner_text()

        page.goto(f"{url}/")
        page.locator("#quality a", has_text=case["file"][-12:-4]).first.click()
        assert "Validation results" in page.content() and "failed" in page.content()
        page.screenshot(path=SCREENSHOTS / "steward_validation.png", full_page=True)

        run_cycle(cycled["config"], "2026-10-31")

        page.goto(f"{url}/")
        assert open_rows(page) == before - 1
        assert "steward correction" in page.content()
        assert "1 fixed" in page.locator("#department-totals").inner_text()
        page.screenshot(path=SCREENSHOTS / "steward_home_after_fix.png", full_page=True)
        browser.close()

    dsn = cycled["dsn"]
    ((batch, fixed_rows, open_after),) = query(
        dsn,
        "select q.batch_id, q.rows_fixed, q.rows_open from marts.data_quality q"
        " join ops.delivery d on d.corrects_batch = q.batch_id",
    )
    assert fixed_rows == 1
    assert query(
        dsn,
        "select count(*) from staging.stg_hukou__changes where batch_id = %s and source_row = %s"
        " and source_file = %s",
        f"{batch}.fix1",
        case["row"],
        case["file"],
    ) == [(1,)]
    assert query(
        dsn, "select count(*) from audit.access_log where action = 'steward_correction'"
    ) == [(1,)]
