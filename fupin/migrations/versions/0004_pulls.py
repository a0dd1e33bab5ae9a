"""Pull feeds (issue 9): watermarks and pull provenance for the REST and database sources.

Revision ID: 0004_pulls
"""

from alembic import op  # noqa: F401

revision = "0004_pulls"
down_revision = "0003_landing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
