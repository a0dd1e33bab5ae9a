"""Landing: find complete deliveries, record them in the batch ledger, stream them into raw.

Rules (department-feeds.md, common conventions; issues 7 and 8):
- a file is complete once its sibling ``<name>.ok`` exists; without it, it is left for later;
  files no catalog pattern takes are reported as unrecognised (``discovery``);
- the same bytes delivered again (a resend) are recorded in ``ops.delivery_seen`` and change
  nothing else (``ledger``);
- a delivery lands whole or not at all, in one transaction, streamed into COPY (``copy``,
  ``land``); a file that cannot be read lands nothing and is recorded as ``failed`` with a
  message naming the file, row and field, and stops only itself;
- header names must be legal; a delivery without its required columns or with an implausible
  row count is held for the steward (``structure``);
- a correction ``_vN`` (or new bytes under the same name) supersedes the earlier batch of the
  same feed, kind, scope and period; staging reads only batches with status ``landed``
  (``supersede``);
- columns the catalog does not know are kept and reported as schema drift (``drift``).
"""

from fupin.catalog import load_catalog
from fupin.landing.discovery import DeliveredFile, Discovery, Unrecognised, discover
from fupin.landing.land import LandingRun, LandResult, land_file, land_pending
from fupin.landing.supersede import release_held
from fupin.landing.tables import ensure_raw_tables, raw_table_ddl

__all__ = [
    "DeliveredFile",
    "Discovery",
    "LandResult",
    "LandingRun",
    "Unrecognised",
    "discover",
    "ensure_raw_tables",
    "land_file",
    "land_pending",
    "load_catalog",
    "raw_table_ddl",
    "release_held",
]
