"""plan targets, strategy figures, report periods and settings

Revision ID: d4e3f6a5b7c8
Revises: c3d2e5f4a6b7
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e3f6a5b7c8'
down_revision = 'c3d2e5f4a6b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_job',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_export_job_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job'))
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_job_user_id'), ['user_id'], unique=False)
    op.create_table('plan_year',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('document', sa.String(length=300), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_plan_year_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_year')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_plan_year_unit_year')
    )
    with op.batch_alter_table('plan_year', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_year_unit_id'), ['unit_id'], unique=False)
    op.create_table('report_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('start_month', sa.Integer(), nullable=True),
    sa.Column('start_day', sa.Integer(), nullable=True),
    sa.Column('start_year_offset', sa.Integer(), nullable=False),
    sa.Column('end_month', sa.Integer(), nullable=True),
    sa.Column('end_day', sa.Integer(), nullable=True),
    sa.Column('campaign_code', sa.String(length=64), nullable=True),
    sa.Column('is_annual', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_report_period_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_period')),
    sa.UniqueConstraint('unit_id', 'code', name='uq_report_period_unit_code')
    )
    with op.batch_alter_table('report_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_period_unit_id'), ['unit_id'], unique=False)
    op.create_table('report_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('parent_body', sa.Text(), nullable=False),
    sa.Column('issuing_body', sa.Text(), nullable=False),
    sa.Column('place_name', sa.String(length=120), nullable=False),
    sa.Column('report_number', sa.String(length=40), nullable=False),
    sa.Column('number_suffix', sa.String(length=40), nullable=False),
    sa.Column('signer_authority', sa.String(length=120), nullable=False),
    sa.Column('signer_deputy', sa.String(length=120), nullable=False),
    sa.Column('signer_title', sa.String(length=120), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('font_size', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_report_settings_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_settings')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_report_settings_unit_id'))
    )
    op.create_table('report_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=60), nullable=False),
    sa.Column('section', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_report_text_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_text')),
    sa.UniqueConstraint('unit_id', 'period_key', 'section', name='uq_report_text')
    )
    with op.batch_alter_table('report_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_text_unit_id'), ['unit_id'], unique=False)
    op.create_table('strategy_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_strategy_figure_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategy_figure')),
    sa.UniqueConstraint('unit_id', 'year', 'code', name='uq_strategy_figure')
    )
    with op.batch_alter_table('strategy_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategy_figure_unit_id'), ['unit_id'], unique=False)
    op.create_table('plan_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('metric', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('unit_type', sa.String(length=20), nullable=True),
    sa.Column('report_column', sa.String(length=64), nullable=True),
    sa.Column('indicator', sa.String(length=64), nullable=True),
    sa.Column('comparison', sa.String(length=2), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('period_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan_year.id'], name=op.f('fk_plan_target_plan_id_plan_year')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_plan_target_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_target'))
    )
    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_target_plan_id'), ['plan_id'], unique=False)


def downgrade():
    op.drop_table('plan_target')
    op.drop_table('strategy_figure')
    op.drop_table('report_text')
    op.drop_table('report_settings')
    op.drop_table('report_period')
    op.drop_table('plan_year')
    op.drop_table('export_job')
