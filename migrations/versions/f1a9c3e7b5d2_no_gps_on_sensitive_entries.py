"""Entries of sensitive kinds (support of victims) keep no GPS position: clear what older versions stored.

Revision ID: f1a9c3e7b5d2
Revises: 022254738140
"""
import sqlalchemy as sa
from alembic import op

revision = "f1a9c3e7b5d2"
down_revision = "022254738140"
branch_labels = None
depends_on = None

# The kinds with a sensitive field when this migration was written (webapp.kinds.sensitive_kind_codes).
SENSITIVE_KINDS = ("support",)


def upgrade():
    """Forget the latitude and longitude of every sensitive entry (data only; the schema is unchanged)."""
    entries = sa.table("entry", sa.column("kind", sa.String), sa.column("latitude", sa.Float),
                       sa.column("longitude", sa.Float))
    op.execute(entries.update().where(entries.c.kind.in_(SENSITIVE_KINDS)).values(latitude=None, longitude=None))


def downgrade():
    """Nothing to restore: the positions are gone by design."""
