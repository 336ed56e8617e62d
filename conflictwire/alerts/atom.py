"""The Atom feed (RFC 4287) of a zone's alerts, built with xml.etree: every text goes in
as element text or an attribute value, which ElementTree escapes, so report text can hold
``<``, ``&`` or quotes and the feed stays well-formed."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from .. import __version__
from .deliver import subject, text_body
from .models import Alert, Zone

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"


def zone_feed_id(zone: Zone) -> str:
    """A permanent id for the zone's feed (whatever host serves it)."""
    name = f"conflictwire:zone:{zone.id}:{zone.created_at.isoformat()}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = _xml_safe(text)
    return element


def _xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot hold at all (control characters), which no escape
    can carry."""
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and c not in "\ufffe\uffff"))


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite gives back naive datetimes: the store writes UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed(zone: Zone, alerts: list[Alert], *, self_url: str, base_url: str) -> bytes:
    """The feed of `alerts` (newest first) for `zone`, as UTF-8 XML."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _sub(root, "id", zone_feed_id(zone))
    _sub(root, "title", f"conflictwire alerts: {zone.name}")
    _sub(root, "updated", _stamp(alerts[0].created_at if alerts else zone.created_at))
    _sub(_sub(root, "author"), "name", "conflictwire")
    _sub(root, "generator", "conflictwire", version=__version__)
    _sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    for alert in alerts:
        entry = _sub(root, "entry")
        _sub(entry, "id", f"urn:uuid:{uuid.UUID(hex=alert.uid)}")
        _sub(entry, "title", subject(alert).removeprefix("[conflictwire] "))
        _sub(entry, "updated", _stamp(alert.created_at))
        _sub(entry, "link", rel="alternate", type="application/json",
             href=f"{base_url.rstrip('/')}/api/events/{alert.event_id}")
        _sub(entry, "category", term=alert.kind)
        _sub(entry, "content", text_body(alert), type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
