"""A national push at scale, for the bench and its test: synthetic sync models of N records and
the national simulator as a separate process that can be killed and started again.

    load = write_sync_models(dsn, records=100_000)    # household : member : monitoring :
                                                      # assistance = 2 : 6 : 1 : 1
    with SimulatorProcess(secret, latency_ms=20, fault_rates="503=0.2,drop=0.1") as national:
        ...push...; national.restart()

The records are synthetic (valid ID numbers made up from a running number); nothing here is
real personal data.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from fupin.ids import id_check_digit

SHARES = {"household": 2, "member": 6, "monitoring": 1, "assistance": 1}  # of every 10 records
_COLUMNS = "record_key text, household_id text, data jsonb, content_hash text"


@dataclass
class Load:
    counts: dict[str, int]

    @property
    def records(self) -> int:
        return sum(self.counts.values())


def _id_number(n: int) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=n // 900)
    body = f"520201{birth:%Y%m%d}{n % 900 + 100:03d}"
    return body + id_check_digit(body)


def _household_id(n: int) -> str:
    return f"520123{n // 200:06d}{n % 200:08d}"  # 200 households per village


def _rows(records: int, version: int = 0) -> dict[str, list[tuple[str, str, dict]]]:
    """entity -> (record_key, household_id, data); ``version`` varies the content."""
    households = max(1, records * SHARES["household"] // 10)
    rows: dict[str, list[tuple[str, str, dict]]] = {e: [] for e in SHARES}
    for h in range(households):
        hid = _household_id(h)
        rows["household"].append(
            (hid, hid, {"household_id": hid, "village_code": hid[:12], "attribute": "一般贫困户",
                        "main_cause": "因病", "size": 3, "poverty_status": "已脱贫",
                        "exit_year": 2019, "income_per_capita": 9000 + h % 500 + version})
        )  # fmt: skip
        for m in range(3):
            number = _id_number(h * 3 + m)
            rows["member"].append(
                (f"{hid}|{number}", hid, {"household_id": hid, "id_number": number,
                 "name": f"成员{h * 3 + m}", "relation": "户主" if m == 0 else "子",
                 "sex": "1", "health": "健康", "version": version})
            )  # fmt: skip
        if h % 2 == 0:
            rows["monitoring"].append(
                (hid, hid, {"household_id": hid, "object_type": "脱贫不稳定户",
                            "first_seen": "2026-01-15", "risk_codes": ["M01"],
                            "version": version})
            )  # fmt: skip
        else:
            cadre = _id_number(10_000_000 + h)
            rows["assistance"].append(
                (f"{hid}|{cadre}|2024-03-01", hid, {"household_id": hid,
                 "cadre_id_number": cadre, "cadre_name": f"干部{h}", "start_date": "2024-03-01",
                 "version": version})
            )  # fmt: skip
    return rows


def write_sync_models(dsn: str, records: int, version: int = 0) -> Load:
    """(Re)write exchange.sync_household / _member / _monitoring / _assistance with COPY."""
    counts = {}
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        for entity, rows in _rows(records, version).items():
            table = f"exchange.sync_{entity}"
            cur.execute(f"create table if not exists {table} ({_COLUMNS})")
            cur.execute(f"truncate {table}")
            buffer = io.StringIO()
            for key, hid, data in rows:
                text = json.dumps(data, ensure_ascii=False, sort_keys=True)
                buffer.write(f"{key}\t{hid}\t{text.replace(chr(92), chr(92) * 2)}\t\\N\n")
            buffer.seek(0)
            cur.copy_expert(f"copy {table} from stdin", buffer)
            cur.execute(f"update {table} set content_hash = md5(data::text)")
            counts[entity] = len(rows)
    conn.close()
    return Load(counts)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SimulatorProcess:
    """``python -m simulation.national`` on a fixed free port with a state file; ``restart()``
    kills it (SIGKILL: a crash, not a clean stop) and starts it again on the same port."""

    def __init__(
        self,
        secret: str,
        state_file: Path,
        *,
        sender_id: str = "520000",
        latency_ms: float = 0.0,
        fault_rates: str = "",
        retry_after: int = 1,
        seed: int = 1,
    ) -> None:
        self.secret, self.state_file, self.sender_id = secret, state_file, sender_id
        self.port = _free_port()
        self.options = [
            "--latency-ms", str(latency_ms), "--fault-rates", fault_rates,
            "--retry-after", str(retry_after), "--fault-seed", str(seed),
        ]  # fmt: skip
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SimulatorProcess:
        command = [
            sys.executable, "-m", "simulation.national", "--port", str(self.port),
            "--sender-id", self.sender_id, "--secret-env", "FUPIN_SIM_SECRET",
            "--state-file", str(self.state_file), "--window", "open", *self.options,
        ]  # fmt: skip
        environment = os.environ | {"FUPIN_SIM_SECRET": self.secret}
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment
        )
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        if not ready or "national simulator at" not in self.process.stdout.readline():
            self.stop()
            raise RuntimeError("the national simulator did not start within 60 s")
        return self

    def restart(self, downtime: float = 0.5) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)
        time.sleep(downtime)
        self.start()
        self.restarts += 1

    def restart_when(self, condition: Callable[[], bool], poll: float = 0.2) -> threading.Thread:
        """Restart once, in a background thread, as soon as ``condition()`` holds."""

        def watch() -> None:
            while self.process is not None and self.process.poll() is None:
                if condition():
                    self.restart()
                    return
                time.sleep(poll)

        thread = threading.Thread(target=watch, name="restart-national", daemon=True)
        thread.start()
        return thread

    def peak_mb(self) -> float:
        """Peak resident memory of the running simulator process (Linux: VmHWM)."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def __enter__(self) -> SimulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def answered_batches(dsn: str) -> int:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("select count(*) from exchange.batch where status = 'answered'")
            return cur.fetchone()[0]
    finally:
        conn.close()
