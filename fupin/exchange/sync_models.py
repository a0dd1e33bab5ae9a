"""Which dbt models the push sends: derived from the dbt exposure, never from a hand-kept list.

The exposure ``national_push`` (``dbt_project/models/exchange/_exchange__exposures.yml``) names
the sync models in ``depends_on``; each must be ``sync_<entity>`` for an entity of the protocol
(household, member, monitoring, assistance), or the push stops. A table ``exchange.sync_*`` that
dbt built but the exposure does not name also stops the push, unless the exposure lists it in
``config.meta.not_pushed`` (e.g. ``sync_unsendable``, the stewards' to-do list): a new sync
model can therefore not be left unsent silently.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from fupin.exchange import protocol
from fupin.exchange.client import ExchangeError

log = logging.getLogger(__name__)

EXPOSURE_FILE = (
    Path(__file__).resolve().parents[2] / "dbt_project/models/exchange/_exchange__exposures.yml"
)
EXPOSURE_NAME = "national_push"
SCHEMA = "exchange"
_REF = re.compile(r"""^\s*ref\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)\s*$""")


@dataclass(frozen=True)
class SyncModels:
    """entity -> sync model (table in schema exchange), in protocol order; and the sync_*
    models the exposure declares as not pushed."""

    tables: dict[str, str]
    not_pushed: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *entities: str) -> SyncModels:
        """The conventional models for these entities (tests, benches)."""
        return cls({e: f"sync_{e}" for e in protocol.ENTITIES if e in entities})


def from_exposure(path: Path = EXPOSURE_FILE, name: str = EXPOSURE_NAME) -> SyncModels:
    """The sync models the exposure ``name`` depends on; ExchangeError when one maps to no
    entity (naming the file, the exposure and the model)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ExchangeError(
            f"{path}: cannot read the exposure of the national push ({error})"
        ) from None
    exposure = next((e for e in document.get("exposures") or [] if e.get("name") == name), None)
    if exposure is None:
        raise ExchangeError(f"{path}: no exposure named {name}: the push cannot know its models")
    tables: dict[str, str] = {}
    for item in exposure.get("depends_on") or []:
        match = _REF.match(str(item))
        if not match:
            raise ExchangeError(f"{path}: exposure {name}: depends_on {item!r} is not ref('…')")
        model = match.group(1)
        entity = model.removeprefix("sync_")
        if not model.startswith("sync_") or entity not in protocol.ENTITIES:
            raise ExchangeError(
                f"{path}: exposure {name} depends on {model}, but no entity of the national "
                f"exchange handles it (sync_<entity>, entities: {', '.join(protocol.ENTITIES)})"
            )
        tables[entity] = model
    meta = (exposure.get("config") or {}).get("meta") or exposure.get("meta") or {}
    ordered = {e: tables[e] for e in protocol.ENTITIES if e in tables}
    return SyncModels(ordered, frozenset(meta.get("not_pushed") or ()))


def present(conn, models: SyncModels) -> dict[str, str]:
    """The entities whose sync model dbt has built, entity -> ``exchange.<table>``.

    ExchangeError for a built ``sync_*`` table that no entity sends and the exposure does not
    declare as not pushed."""
    with conn.cursor() as cur:
        cur.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s and table_name like 'sync\\_%%'",
            (SCHEMA,),
        )
        built = {row[0] for row in cur.fetchall()}
    unsent = sorted(built - set(models.tables.values()) - models.not_pushed)
    if unsent:
        raise ExchangeError(
            f"{', '.join(f'{SCHEMA}.{t}' for t in unsent)}: built by dbt but not sent by the "
            f"national push; add ref('{unsent[0]}') to depends_on of the exposure "
            f"{EXPOSURE_NAME} (sync_<entity>), or list it in its config.meta.not_pushed"
        )
    missing = [t for t in models.tables.values() if t not in built]
    if missing:
        log.warning("sync models not built yet (nothing of them to send): %s", ", ".join(missing))
    return {e: f"{SCHEMA}.{t}" for e, t in models.tables.items() if t in built}
