"""Text search over events: a lower-cased column of the words a user searches by (place
names, actors, notes, evidence and claims), filled for the events already stored.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from conflictwire.models import Event
    from conflictwire.store.db import search_text

    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("search", sa.Text, nullable=True))
    conn = op.get_bind()
    table = sa.table("events", sa.column("event_id", sa.String), sa.column("record", sa.JSON),
                     sa.column("search", sa.Text))
    rows = conn.execute(sa.select(table.c.event_id, table.c.record)).all()
    for row in rows:
        text = search_text(Event.model_validate(row.record))
        conn.execute(table.update().where(table.c.event_id == row.event_id).values(search=text))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("search")
