"""Watch zones and alerts: when ingest creates or updates an event inside a zone, an alert is
recorded in the same transaction (an outbox) and delivered after the commit by webhook
(HMAC-signed, retried with backoff, one idempotency key per alert and destination), e-mail
(SMTP) and a per-zone Atom feed; `conflictwire watch` polls feeds unattended.

- `models`: the zone and alert records (pydantic)
- `zones`: geometry and matching (haversine for a radius, shapely for polygons)
- `records`: zones, alerts, deliveries and feed state in the store
- `deliver`: webhook and SMTP delivery of the outbox
- `atom`: the Atom feed of a zone's alerts
- `watch`: the feed watcher
"""

from .models import Alert, EventSummary, Zone, ZoneSpec

__all__ = ["Alert", "EventSummary", "Zone", "ZoneSpec"]
