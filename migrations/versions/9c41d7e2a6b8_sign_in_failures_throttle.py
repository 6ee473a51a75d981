"""Failed sign-ins per account, address and known device, shared by every app process (sign-in throttling).

Revision ID: 9c41d7e2a6b8
Revises: e6a5c4b3d2f1
"""
import sqlalchemy as sa
from alembic import op

revision = "9c41d7e2a6b8"
down_revision = "e6a5c4b3d2f1"
branch_labels = None
depends_on = None


def upgrade():
    """The counters' table (one row per digest key)."""
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start_ms", sa.BigInteger(), nullable=False),
        sa.Column("locked_until_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_failures")),
    )


def downgrade():
    """Drop the counters (sign-in throttling starts afresh)."""
    op.drop_table("sign_in_failures")
