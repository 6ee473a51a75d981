"""export jobs claimed by workers under a lease, their file kept in the database

Revision ID: 022254738140
Revises: 872168b2764f
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '022254738140'
down_revision = '872168b2764f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('worker', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_column('content')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('attempts')
        batch_op.drop_column('worker')
        batch_op.drop_column('request_id')
