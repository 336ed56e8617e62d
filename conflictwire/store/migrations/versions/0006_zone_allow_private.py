"""A zone remembers whether its alert targets may be on a private address.

The allowance (``--allow-private`` of ``zones add`` or ``serve``) was checked only when the
zone was saved; delivery now checks the target again each time (a host whose DNS later answers
127.0.0.1 would be reached otherwise), and needs to know what the zone was allowed. Zones saved
before this revision are not marked allowed (which of them were cannot be told): a delivery to
a private address refuses them until the delivering command is given ``--allow-private``.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("zones") as batch:
        batch.add_column(sa.Column("allow_private", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("zones") as batch:
        batch.drop_column("allow_private")
