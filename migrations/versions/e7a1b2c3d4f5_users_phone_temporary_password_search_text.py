"""users: phone, must_change_password (temporary passwords), diacritic-free search_text

Revision ID: e7a1b2c3d4f5
Revises: d4e3f6a5b7c8
Create Date: 2026-12-01

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7a1b2c3d4f5'
down_revision = 'd4e3f6a5b7c8'
branch_labels = None
depends_on = None


def _fold(text):
    """Lower case without Vietnamese diacritics (as webapp.text.fold, frozen here)."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('search_text', sa.String(length=300), server_default='', nullable=False))
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('full_name', sa.String), sa.column('search_text', sa.String))
    conn = op.get_bind()
    for row in conn.execute(sa.select(users.c.id, users.c.username, users.c.full_name)).all():
        conn.execute(users.update().where(users.c.id == row.id)
                     .values(search_text=_fold(f"{row.username} {row.full_name}")[:300]))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('phone')
