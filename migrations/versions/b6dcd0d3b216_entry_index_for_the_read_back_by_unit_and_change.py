"""An index on (unit_id, change_seq) for a phone's read-back ``GET /api/v1/entries?updated_since=``.

With only ``ix_entry_unit_date`` SQLite read every entry of the phone's unit and sorted them to find
the few changed after the cursor (0.29 s for a unit of 200,000 entries, against 3 ms with this index).

Revision ID: b6dcd0d3b216
Revises: 79f009b4daa2
"""
from alembic import op

revision = "b6dcd0d3b216"
down_revision = "79f009b4daa2"
branch_labels = None
depends_on = None


def upgrade():
    """Add the index."""
    op.create_index("ix_entry_unit_change_seq", "entry", ["unit_id", "change_seq"])


def downgrade():
    """Drop the index."""
    op.drop_index("ix_entry_unit_change_seq", table_name="entry")
