"""Which coder made each event: the rules alone, or the rules with a learned model.

A learned model (`conflictwire learn`) is the user's own; a store mixing events coded with
and without it must say which is which, and let a user select by it, so the coder gets a
column of its own. Events stored before this revision were coded by the rules unless their
record says otherwise.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("coder", sa.String(128), nullable=False, server_default="rules"))
    _carry_record_coders()


def _carry_record_coders() -> None:
    """The coder a stored record names, where it is not the rules."""
    conn = op.get_bind()
    events = sa.table("events", sa.column("event_id", sa.String), sa.column("record", sa.JSON),
                      sa.column("coder", sa.String))
    for row in conn.execute(sa.select(events.c.event_id, events.c.record)).all():
        coder = (row.record or {}).get("coder")
        if coder and coder != "rules":
            conn.execute(events.update().where(events.c.event_id == row.event_id).values(coder=coder))


def downgrade() -> None:
    op.drop_column("events", "coder")
