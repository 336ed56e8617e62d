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
    # "rules", or "rules+model:NAME@HASH" when a learned model coded it (`Event.coder`)
    sa.Column("coder", sa.String(128), nullable=False, server_default="rules"),
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

# An event keeps the id it was first given for life (issue 16): the id of a report merged into
# it is an alias here, resolved by `Store.event`, so an id once handed out (an alert, a
# bookmark, an export) always finds its event. A split takes the alias back out.
event_aliases = sa.Table(
    "event_aliases", metadata,
    sa.Column("alias", sa.String(64), primary_key=True),
    sa.Column("event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# -- watch zones and alerts (conflictwire.alerts; migration 0003) --------------------------
# A zone is a point and radius or a GeoJSON polygon, with optional conditions and where its
# alerts go. An alert is recorded in the same transaction as the event change it reports
# (an outbox); each of its destinations is a `deliveries` row, delivered after the commit and
# retried until delivered, its idempotency `key` the same on every attempt.
zones = sa.Table(
    "zones", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(256), nullable=False),
    sa.Column("latitude", sa.Float, nullable=True),
    sa.Column("longitude", sa.Float, nullable=True),
    sa.Column("radius_km", sa.Float, nullable=True),
    sa.Column("polygon", sa.JSON, nullable=True),  # a GeoJSON Polygon or MultiPolygon geometry
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("min_fatalities", sa.Integer, nullable=True),
    sa.Column("actors", sa.JSON, nullable=False),
    sa.Column("webhook_url", sa.String(2048), nullable=True),
    sa.Column("webhook_secret", sa.String(512), nullable=True),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # its webhook or e-mail may be on a private address (--allow-private when it was saved)
    sa.Column("allow_private", sa.Boolean, nullable=False, server_default=sa.false()),
)

alerts = sa.Table(
    "alerts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uid", sa.String(32), nullable=False, unique=True),
    sa.Column("zone_id", sa.Integer, sa.ForeignKey("zones.id", ondelete="CASCADE"), nullable=False),
    sa.Column("event_id", sa.String(64), nullable=False, index=True),  # follows the event's renames
    sa.Column("article_id", sa.String(512), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # new, update
    sa.Column("changes", sa.JSON, nullable=False),  # what changed, one line each
    sa.Column("summary", sa.JSON, nullable=False),  # the event as it was when alerted
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_alerts_zone", "zone_id", "id"),
)

deliveries = sa.Table(
    "deliveries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("channel", sa.String(16), nullable=False),  # webhook, email
    sa.Column("destination", sa.String(2048), nullable=False),
    sa.Column("key", sa.String(96), nullable=False, unique=True),  # idempotency key
    sa.Column("state", sa.String(16), nullable=False),  # pending, delivered
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_deliveries_due", "state", "next_attempt_at"),
)

# `conflictwire watch`: each feed's last poll, so a restarted watcher knows where it is (which
# articles it has is the articles table: a re-served item is known by its URL or text).
feeds = sa.Table(
    "feeds", metadata,
    sa.Column("url", sa.String(2048), primary_key=True),
    sa.Column("polls", sa.Integer, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),  # consecutive failed polls
    sa.Column("articles", sa.Integer, nullable=False),  # articles stored from it
    sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
)
