"""Stable event ids: the ids of reports merged into an event become its aliases.

Before this revision a merge could rename an event to its smallest member id, so ids handed
out earlier were lost. Each member's own record (``event_articles.record``) still holds the
id that report was first given: those ids are carried forward as aliases of the event they
are now in, so they resolve again.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_aliases",
        sa.Column("alias", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_aliases_event_id", "event_aliases", ["event_id"])
    _carry_member_ids()


def _carry_member_ids() -> None:
    """An alias for every member id that differs from its event's id (and names no event)."""
    conn = op.get_bind()
    members = sa.table("event_articles", sa.column("event_id", sa.String), sa.column("record", sa.JSON))
    events = sa.table("events", sa.column("event_id", sa.String))
    aliases = sa.table("event_aliases", sa.column("alias", sa.String), sa.column("event_id", sa.String),
                       sa.column("created_at", sa.DateTime(timezone=True)))
    canonical = {row.event_id for row in conn.execute(sa.select(events.c.event_id))}
    found: dict[str, str] = {}
    for row in conn.execute(sa.select(members.c.event_id, members.c.record).order_by(members.c.event_id)):
        own = (row.record or {}).get("event_id")
        if own and own != row.event_id and own not in canonical:
            found.setdefault(own, row.event_id)
    if found:
        now = datetime.now(UTC)
        conn.execute(aliases.insert(), [dict(alias=a, event_id=e, created_at=now) for a, e in found.items()])


def downgrade() -> None:
    op.drop_table("event_aliases")
