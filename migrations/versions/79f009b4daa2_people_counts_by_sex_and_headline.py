"""Every count of people by sex: "of whom ethnic minority" and "of whom under 16" get men/women columns;
the report rollup stops counting the participants of kinds without a counted audience.

Revision ID: 79f009b4daa2
Revises: 9c41d7e2a6b8
"""
import sqlalchemy as sa
from alembic import op

revision = "79f009b4daa2"
down_revision = "9c41d7e2a6b8"
branch_labels = None
depends_on = None

SPLIT_COLUMNS = ("ethnic_minority_male", "ethnic_minority_female", "under_16_male", "under_16_female")


def upgrade():
    """Add the split columns (older entries keep their single totals) and drop old participants from the rollup."""
    with op.batch_alter_table("entry") as batch:
        for name in SPLIT_COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
    # Recompute the rollup: participants of kinds without a counted audience leave it, and the "of whom"
    # counts (``*.under_16`` …) enter its column table.
    from webapp.reports.rollup import rebuild_statements

    bind = op.get_bind()
    for statement in rebuild_statements():
        bind.execute(statement)


def downgrade():
    """Drop the split columns (the rollup is rebuilt by `flask --app webapp rollup-rebuild`)."""
    with op.batch_alter_table("entry") as batch:
        for name in SPLIT_COLUMNS:
            batch.drop_column(name)
