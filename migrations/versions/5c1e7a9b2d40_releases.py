"""releases: complete quarters frozen once (replaces period_outcomes)

Revision ID: 5c1e7a9b2d40
Revises: b1f0c0a7e019
Create Date: 2026-12-03 20:10:00.000000

The stored outcomes were a cache recomputed whenever the team tree changed; a release never is.
They are dropped rather than converted: the tick releases every complete quarter of each
company once, on today's tree, at its first run after this migration.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '5c1e7a9b2d40'
down_revision = 'b1f0c0a7e019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('methodology', sa.String(length=16), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_releases_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_releases')),
    sa.UniqueConstraint('tenant_id', 'period', 'kind', name=op.f('uq_releases_tenant_id_period_kind'))
    )
    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_releases_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('period_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_outcomes_tenant_id'))
    op.drop_table('period_outcomes')


def downgrade():
    op.create_table('period_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_period_outcomes_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_outcomes')),
    sa.UniqueConstraint('tenant_id', 'period', name=op.f('uq_period_outcomes_tenant_id_period'))
    )
    with op.batch_alter_table('period_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_outcomes_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_releases_tenant_id'))
    op.drop_table('releases')
