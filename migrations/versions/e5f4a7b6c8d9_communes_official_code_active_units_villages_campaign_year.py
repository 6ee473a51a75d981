"""communes: official code, active units and villages, village merges, campaigns per year

Revision ID: e5f4a7b6c8d9
Revises: e7a1b2c3d4f5
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f4a7b6c8d9'
down_revision = 'e7a1b2c3d4f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official_code', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_unit_official_code'), ['official_code'])
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_village_merged_into_id_village'), 'village',
                                    ['merged_into_id'], ['id'])
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=True))
        batch_op.drop_constraint('uq_campaign_commune_code', type_='unique')
        batch_op.create_unique_constraint('uq_campaign_commune_code_year', ['commune_id', 'code', 'year'])


def downgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint('uq_campaign_commune_code_year', type_='unique')
        batch_op.create_unique_constraint('uq_campaign_commune_code', ['commune_id', 'code'])
        batch_op.drop_column('year')
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_village_merged_into_id_village'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('active')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_unit_official_code'), type_='unique')
        batch_op.drop_column('active')
        batch_op.drop_column('official_code')
