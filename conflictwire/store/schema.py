"""The store's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

The migration scripts in ``migrations/versions`` create exactly these tables; a change here
needs a new migration (``conflictwire.store.db.MIGRATIONS`` runs them on open).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

articles = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.String(512), primary_key=True),
    sa.Column("url", sa.String(2048), nullable=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("source", sa.String(512), nullable=True),
    sa.Column("published", sa.Date, nullable=True),
    sa.Column("language", sa.String(16), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_articles_url", "url", unique=True),
)

events = sa.Table(
    "events", metadata,
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
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("search", sa.Text, nullable=True),  # lower-cased words of the record (`db.search_text`)
    sa.Index("ix_events_match", "iso3", "event_type", "event_date"),
    sa.Index("ix_events_date", "event_date"),
    sa.Index("ix_events_coords", "latitude", "longitude"),
    sa.Index("ix_events_actor1", "actor1"),
    sa.Index("ix_events_actor2", "actor2"),
)

# One row per report of an event: `record` is the event as extracted from that article
# alone, so the merged record can be formed again from its members in a fixed order.
event_articles = sa.Table(
    "event_articles", metadata,
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("article_id", sa.String(512), sa.ForeignKey("articles.id"), primary_key=True),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Index("ix_event_articles_article", "article_id"),
)

actors = sa.Table(
    "actors", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("name", sa.String(512), nullable=False, index=True),
    sa.Column("type", sa.String(64), nullable=True),
    sa.Column("side", sa.String(16), nullable=False),  # actor1, actor2, assoc_actor_1, assoc_actor_2
)

claims = sa.Table(
    "claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("article_id", sa.String(512), nullable=False),
    sa.Column("claimant", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
)

revisions = sa.Table(
    "revisions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("article_id", sa.String(512), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
)
