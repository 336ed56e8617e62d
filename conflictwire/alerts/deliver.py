"""Delivery of the alert outbox: webhooks (JSON POST signed with HMAC-SHA256) and e-mail
(SMTP), after the commit that recorded them.

Every attempt is recorded on its `deliveries` row. A failed one is retried at once with
exponential backoff (`tries` attempts in all, `backoff`, 2×`backoff`, ... seconds apart);
then the delivery waits for a later run (`retry_after` × 2^attempts seconds, at most
`MAX_DELAY`), and after `MAX_ATTEMPTS` it is marked failed. Each request carries the
alert's idempotency key for that destination (``Idempotency-Key`` header and
``idempotency_key`` in the body; the e-mail's Message-ID), the same on every retry, so a
receiver that keeps the keys it has seen counts an alert once however often it comes.

A webhook request is signed: ``X-Conflictwire-Timestamp: T`` (Unix seconds) and
``X-Conflictwire-Signature: sha256=HEX``, HEX being HMAC-SHA256 with the zone's secret
over ``T`` + ``.`` + the raw body (`verify` checks one). Redirects are not followed.

Targets are checked at every delivery, not only when the zone was saved: a webhook goes through
`store.netguard`'s guarded client (its host resolved, every address checked, the connection made
to the checked one), so a name whose DNS later answers 127.0.0.1 is refused, and an e-mail
written to a private IP (``user@[10.0.0.5]``) is not handed to the relay. A zone saved with
``--allow-private``, or a delivering command given it, skips the check; a refusal is a failed
attempt like any other, logged with its reason.

A pass sends to its destinations in parallel (`PARALLEL` threads, each destination's
deliveries in order): five webhooks that never answer cost one timeout, not five. With
``background=True`` (the server) the commit only wakes a worker thread that delivers, so a
request that stored an article is answered at once; the worker also wakes every `every`
seconds for the retries that come due.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

from ..store.db import AddResult, Store
from .models import Alert
from .records import due_deliveries, record_attempt, with_alerts

log = logging.getLogger("conflictwire.alerts")

MAX_ATTEMPTS = 20
PARALLEL = 8  # destinations served at once in a pass
MAX_DELAY = 3600.0  # seconds between two runs' attempts at most
USER_AGENT = "conflictwire-alerts/0.1"
SIGNATURE_HEADER = "X-Conflictwire-Signature"
TIMESTAMP_HEADER = "X-Conflictwire-Timestamp"
# Lines up to RFC 5322's limit: the Message-ID (the idempotency key) stays on one line.
HEADERS_UNFOLDED = policy.SMTP.clone(max_line_length=998)


class DeliveryError(Exception):
    """One attempt failed (the message says how); the delivery is tried again."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where e-mail alerts are sent from: ``host:port`` (`parse`), the sender address and an
    optional login (over STARTTLS when `starttls`)."""

    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "conflictwire@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, text: str, **options: Any) -> SmtpConfig:
        host, _, port = text.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"expected HOST:PORT, got {text!r}")
        return cls(host=host.strip("[]"), port=int(port), **options)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, headers: Any, body: bytes) -> bool:
    """Whether a received webhook request is signed with `secret` (for receivers and tests)."""
    timestamp, given = headers.get(TIMESTAMP_HEADER, ""), headers.get(SIGNATURE_HEADER, "")
    return bool(timestamp) and hmac.compare_digest(signature(secret, timestamp, body), given)


def payload(alert: Alert, key: str) -> dict[str, Any]:
    """The JSON a webhook receives: the idempotency key and the alert with its event."""
    return {"idempotency_key": key, "alert": alert.model_dump(mode="json")}


def send_webhook(url: str, secret: str, alert: Alert, key: str, *, timeout: float,
                 allow_private: bool = False) -> None:
    import httpx

    from ..store.netguard import client

    body = json.dumps(payload(alert, key), ensure_ascii=False, sort_keys=True).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "Idempotency-Key": key,
               TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}
    try:
        with client(allow_private=allow_private, timeout=timeout, follow_redirects=False) as http:
            response = http.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {' '.join(str(exc).split())}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"HTTP {response.status_code}")


def _oneline(text: str) -> str:
    return " ".join(text.split())


def subject(alert: Alert) -> str:
    ev = alert.event
    what = "new event" if alert.kind == "new" else "update"
    toll = f", {ev.fatalities} killed" if ev.fatalities else ""
    return _oneline(f"[conflictwire] {alert.zone_name}: {what}: {ev.sub_event_type} in {ev.location}{toll}")


def text_body(alert: Alert) -> str:
    """The alert as plain text: the event, what changed, the evidence."""
    ev = alert.event
    lines = [subject(alert), "",
             f"{ev.event_type} / {ev.sub_event_type}, {ev.event_date or 'undated'}",
             f"Where: {', '.join(x for x in (ev.location, ev.admin1, ev.country) if x)}"
             + (f" ({ev.distance_km} km from the zone's centre)" if ev.distance_km is not None else ""),
             f"Fatalities: {ev.fatalities}" + (f", injured: {ev.injured}" if ev.injured is not None else ""),
             f"Actors: {' / '.join(a for a in (ev.actor1, ev.actor2) if a) or 'unknown'}",
             f"Reports: {ev.reports} ({', '.join(ev.sources) or 'no source named'})"]
    if alert.changes:
        lines += ["", "What changed:", *(f"  - {c}" for c in alert.changes)]
    if ev.claims:
        lines += ["", "Claims:", *(f"  - {c}" for c in ev.claims)]
    if ev.evidence:
        lines += ["", "Evidence:", *(f"  > {_oneline(x)}" for x in ev.evidence)]
    lines += ["", f"Event {ev.event_id}, alert {alert.uid}"]
    return "\n".join(lines) + "\n"


def send_email(config: SmtpConfig, address: str, alert: Alert, key: str, *, timeout: float,
               allow_private: bool = False) -> None:
    from ..store.netguard import check_email

    try:
        check_email(address, allow_private=allow_private)
    except ValueError as exc:
        raise DeliveryError(str(exc)) from exc
    message = EmailMessage(policy=HEADERS_UNFOLDED)
    message["Subject"] = subject(alert)
    message["From"] = config.sender
    message["To"] = address
    message["Message-ID"] = f"<{key}@conflictwire>"
    message["X-Conflictwire-Alert"] = alert.uid
    message.set_content(text_body(alert))
    try:
        with smtplib.SMTP(config.host, config.port, timeout=timeout) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, config.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {_oneline(str(exc))}") from exc


@dataclass
class Delivered:
    delivered: int = 0
    waiting: int = 0  # failed this run, due again later
    failed: int = 0  # given up after MAX_ATTEMPTS


class Notifier:
    """Delivers the store's due alerts; `attach` makes the store record alerts and the notifier
    run after each commit that recorded some."""

    def __init__(self, store: Store, *, smtp: SmtpConfig | None = None, tries: int = 3,
                 backoff: float = 0.5, retry_after: float = 30.0, timeout: float = 10.0,
                 stop: threading.Event | None = None, background: bool = False, every: float = 30.0,
                 allow_private: bool = False) -> None:
        self.store, self.smtp, self.allow_private = store, smtp or SmtpConfig(), allow_private
        self.tries, self.backoff, self.retry_after, self.timeout = tries, backoff, retry_after, timeout
        self.stop = stop or threading.Event()
        self._lock = threading.Lock()  # one delivery pass at a time in a process
        self.background, self.every = background, every
        self._wake = threading.Event()
        self._worker: threading.Thread | None = None

    def attach(self) -> Notifier:
        with_alerts(self.store)  # nothing to deliver unless the store records them
        self.store.after_commit.append(self._after_commit)
        if self.background and self._worker is None:
            self._worker = threading.Thread(target=self._work, name="alert-delivery", daemon=True)
            self._worker.start()
        return self

    def _work(self) -> None:
        """The background worker: a pass when woken by a commit, or every `every` seconds."""
        while not self.stop.is_set():
            self._wake.wait(self.every)
            self._wake.clear()
            if self.stop.is_set():
                return
            try:
                self.deliver_due()
            except Exception:  # the store away for a while: the next pass tries again
                log.exception("alert delivery failed; the alerts stay due")

    def _after_commit(self, result: AddResult) -> None:
        """Deliver after a commit that recorded alerts; a failure here is logged, never raised:
        the article is stored and its alerts wait in the outbox for the next pass."""
        if not result.alerts:
            return
        if self.background:
            self._wake.set()
            return
        try:
            self.deliver_due()
        except Exception:
            log.exception("alert delivery failed; the alerts stay due")

    def deliver_due(self, *, waiting_too: bool = False) -> Delivered:
        """Try every pending delivery whose time has come (every one when `waiting_too`: an
        operator who knows the receiver is back need not wait for the next try)."""
        done = Delivered()
        with self._lock:
            by_destination: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in due_deliveries(self.store, datetime.max.replace(tzinfo=UTC) if waiting_too else None):
                by_destination[row["destination"]].append(row)
            if not by_destination:
                return done
            with ThreadPoolExecutor(min(PARALLEL, len(by_destination)), "deliver") as pool:
                for states in pool.map(self._deliver_all, by_destination.values()):
                    for state in states:
                        setattr(done, state, getattr(done, state) + 1)
        return done

    def _deliver_all(self, rows: list[dict[str, Any]]) -> list[str]:
        """One destination's deliveries, in order (a receiver sees its alerts as they came)."""
        return [self._deliver(row) for row in rows]

    def _send(self, row: dict[str, Any]) -> None:
        alert: Alert = row["alert"]
        allowed = self.allow_private or bool(row.get("allow_private"))  # the zone's or the command's
        if row["channel"] == "webhook":
            send_webhook(row["destination"], row["webhook_secret"] or "", alert, row["key"],
                         timeout=self.timeout, allow_private=allowed)
        else:
            send_email(self.smtp, row["destination"], alert, row["key"], timeout=self.timeout,
                       allow_private=allowed)

    def _deliver(self, row: dict[str, Any]) -> str:
        attempts = row["attempts"]
        for n in range(self.tries):
            try:
                self._send(row)
            except DeliveryError as exc:
                attempts += 1
                give_up = attempts >= MAX_ATTEMPTS
                delay = min(MAX_DELAY, self.retry_after * 2 ** (attempts - 1))
                record_attempt(self.store, row["id"], error=str(exc), give_up=give_up,
                               next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay))
                log.warning("alert %s by %s to %s: attempt %d failed: %s", row["alert"].uid, row["channel"],
                            _shown(row), attempts, exc)
                if give_up:
                    return "failed"
                if n + 1 < self.tries and self.stop.wait(self.backoff * 2 ** n):
                    break  # stopping: the next run tries again
                continue
            record_attempt(self.store, row["id"], error=None)
            log.info("alert %s delivered by %s to %s", row["alert"].uid, row["channel"], _shown(row))
            return "delivered"
        return "waiting"


def _shown(row: dict[str, Any]) -> str:
    """A destination for the log: a webhook's scheme and host only (its path may hold a token)."""
    if row["channel"] != "webhook":
        return row["destination"]
    from urllib.parse import urlparse

    parts = urlparse(row["destination"])
    return f"{parts.scheme}://{parts.netloc}/…"
