"""The first schema: articles, events, event_articles, actors, claims, revisions.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(512), primary_key=True),
        sa.Column("url", sa.String(2048), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("source", sa.String(512), nullable=True),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ingested_at", TZ, nullable=False),
    )
    op.create_index("ix_articles_url", "articles", ["url"], unique=True)
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("event_date", sa.Date, nullable=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("sub_event_type", sa.String(64), nullable=False),
        sa.Column("iso3", sa.String(3), nullable=True),
        sa.Column("country", sa.String(128), nullable=True),
        sa.Column("admin1", sa.String(256), nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("fatalities", sa.Integer, nullable=False),
        sa.Column("injured", sa.Integer, nullable=True),
        sa.Column("actor1", sa.String(512), nullable=True),
        sa.Column("actor2", sa.String(512), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_events_match", "events", ["iso3", "event_type", "event_date"])
    op.create_index("ix_events_date", "events", ["event_date"])
    op.create_index("ix_events_coords", "events", ["latitude", "longitude"])
    op.create_index("ix_events_actor1", "events", ["actor1"])
    op.create_index("ix_events_actor2", "events", ["actor2"])
    fk_event = sa.ForeignKey("events.event_id", ondelete="CASCADE")
    op.create_table(
        "event_articles",
        sa.Column("event_id", sa.String(64), fk_event, primary_key=True),
        sa.Column("article_id", sa.String(512), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_event_articles_article", "event_articles", ["article_id"])
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("type", sa.String(64), nullable=True),
        sa.Column("side", sa.String(16), nullable=False),
    )
    op.create_index("ix_actors_event_id", "actors", ["event_id"])
    op.create_index("ix_actors_name", "actors", ["name"])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("article_id", sa.String(512), nullable=False),
        sa.Column("claimant", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_claims_event_id", "claims", ["event_id"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("article_id", sa.String(512), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
    )
    op.create_index("ix_revisions_event_id", "revisions", ["event_id"])


def downgrade() -> None:
    for table in ("revisions", "claims", "actors", "event_articles", "events", "articles"):
        op.drop_table(table)
