"""Start the three pulled sources of a generated deployment: both APIs and the 民政 database.

    with simulated_sources(synth_dir, dibao_dsn) as sources:
        config["sources"] = sources.config()      # ${NAME} references to the credentials
        ...                                       # fupin cycle pulls all three

The credentials are set as environment variables (names in ``CREDENTIAL_VARIABLES``) so that
the configuration file holds only references, as warehouse-contract.md §1 asks.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation import minzheng
from simulation.apis import BusinessApiSimulator, VehicleApiSimulator

CREDENTIAL_VARIABLES = {
    "vehicle": "FUPIN_SIM_VEHICLE_TOKEN",
    "business": "FUPIN_SIM_BUSINESS_API_KEY",
    "dibao": "FUPIN_SIM_MINZHENG_DSN",
}


@dataclass
class SimulatedSources:
    vehicle: VehicleApiSimulator
    business: BusinessApiSimulator
    dibao_dsn: str
    dibao_rows: int

    def config(self) -> dict[str, Any]:
        """The configuration file's ``sources:`` section for these simulators."""
        return {
            "vehicle": {
                "base_url": self.vehicle.base_url,
                "token": "${" + CREDENTIAL_VARIABLES["vehicle"] + "}",
            },
            "business": {
                "base_url": self.business.base_url,
                "api_key": "${" + CREDENTIAL_VARIABLES["business"] + "}",
            },
            "dibao": {"dsn": "${" + CREDENTIAL_VARIABLES["dibao"] + "}"},
        }


@contextlib.contextmanager
def simulated_sources(
    synth_dir: str | Path,
    dibao_dsn: str,
    *,
    token: str = "sim-vehicle-token",
    api_key: str = "sim-business-key",
    failure_rate: float = 0.02,
    seed: int = 1,
) -> Iterator[SimulatedSources]:
    """Serve ``synth_dir/apis/*.jsonl`` on loopback and load ``minzheng/`` into ``dibao_dsn``."""
    synth_dir = Path(synth_dir)
    loaded = minzheng.load(dibao_dsn, synth_dir / "minzheng" / "assistance_recipient.csv")
    options = {"failure_rate": failure_rate, "seed": seed}
    vehicle = VehicleApiSimulator.from_jsonl(
        synth_dir / "apis" / "vehicle.jsonl", token=token, **options
    )
    business = BusinessApiSimulator.from_jsonl(
        synth_dir / "apis" / "business.jsonl", api_key=api_key, **options
    )
    os.environ[CREDENTIAL_VARIABLES["vehicle"]] = token
    os.environ[CREDENTIAL_VARIABLES["business"]] = api_key
    os.environ[CREDENTIAL_VARIABLES["dibao"]] = dibao_dsn
    with vehicle, business:
        yield SimulatedSources(vehicle, business, dibao_dsn, loaded)
