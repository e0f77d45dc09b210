"""billing: subscription state on the tenant, Stripe events; existing companies get a fresh trial

Revision ID: b1f0c0a7e019
Revises: 44ab06264cf7
Create Date: 2026-12-03 19:50:00

"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "b1f0c0a7e019"
down_revision = "44ab06264cf7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trial_ends_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("billing_interval", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("past_due_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("canceled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("seats_synced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("billing_notice", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("billing_notice_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("comped", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.alter_column("comped", server_default=None)
    # Companies that exist when billing lands get a fresh 14-day trial: never a surprise lock.
    tenants = sa.table(
        "tenants",
        sa.column("status", sa.String),
        sa.column("trial_ends_at", sa.DateTime(timezone=True)),
    )
    fresh = datetime.now(timezone.utc) + timedelta(days=14)
    op.execute(tenants.update().values(status="trialing", trial_ends_at=fresh))
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_stripe_events_tenant_id_tenants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
    )
    with op.batch_alter_table("stripe_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stripe_events_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_stripe_events_tenant_id"), ["tenant_id"], unique=False)


def downgrade():
    with op.batch_alter_table("stripe_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stripe_events_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_stripe_events_received_at"))
    op.drop_table("stripe_events")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        for name in (
            "comped", "billing_notice_at", "billing_notice", "seats_synced_at", "canceled_at", "past_due_since",
            "billing_interval", "trial_ends_at",
        ):
            batch_op.drop_column(name)
