"""Warehouses built from the generator's synthetic county, one per check date (module scope)."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth_warehouse import CHECK_DATES, make_synth_warehouse  # noqa: E402

from fupin import warehouse  # noqa: E402


@pytest.fixture(scope="module", params=CHECK_DATES)
def synth_warehouse(request, tmp_path_factory, admin_dsn):
    """The synthetic county landed and built as of one of the two check dates."""
    name = f"fupin_verif_{uuid.uuid4().hex[:12]}"
    warehouse.ensure_database(admin_dsn, name)
    try:
        built = make_synth_warehouse(
            tmp_path_factory.mktemp(f"verif-{request.param}"),
            warehouse.with_database(admin_dsn, name),
            request.param,
        )
        built.build()
        yield built
    finally:
        warehouse.drop_database(admin_dsn, name)
