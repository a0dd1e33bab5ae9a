"""``exchange.detection``: what the push's last change detection of each entity depended on.

The push compares a sync model with the record state only when one of them changed since its
last detection (fupin/exchange/outbox.py): the model's output token, which dbt keeps in
``ops.watermark`` (dbt_project/macros/build_cache.sql), and the record state's row count and
latest version. The push reads the tokens (select on ``ops.watermark``) and keeps its own
markers here, in its schema.

Revision ID: 0010_push_detection
"""

from alembic import op

revision = "0010_push_detection"
down_revision = "0009_date_from_digits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        create table exchange.detection (
            entity text primary key,
            marker jsonb not null,
            detected_at timestamptz not null default now()
        );
        comment on table exchange.detection is
            'Per entity, the sync model''s output token and the record state''s count and '
            'latest version as at the push''s last change detection: unchanged, no comparison.';
        """
    )


def downgrade() -> None:
    op.execute("drop table if exists exchange.detection")
