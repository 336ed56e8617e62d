"""Where reports come from: files and folders (via `conflictwire.extract.read`), RSS/Atom feeds
(file or URL) and web pages by URL.

`iter_sources` yields ``(source, Article | ReadError)`` and never raises for a bad source:
an unreachable URL, a feed that is not XML, a page with no article text, a report over the
size limit or a path that does not exist is one `ReadError` naming the source, and the
next source is read.

Downloads use httpx with a timeout and a size cap (the body is streamed and dropped past
`max_download` bytes). A feed entry whose own content is short (a summary) is completed by
fetching its link and taking the page's main text (trafilatura), unless ``follow=False``.

Every fetch (the source URL, each entry's link, each redirect) goes through `netguard`: an
address on the machine or its network (loopback, private, link-local, multicast) is refused,
and the entry is reported as refused, unless ``allow_private=True`` (``--allow-private``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

from pydantic import ValidationError

from ..extract.read import MAX_TEXT_BYTES, decode, detect_language, html_to_text, read_sources
from ..models import Article, ReadError

FEED_SUFFIXES = (".rss", ".atom", ".xml")
TIMEOUT = 20.0
FOLLOW_BELOW = 600  # characters: a feed entry shorter than this is a summary, fetch its page
USER_AGENT = "conflictwire/0.1 (event extraction; +https://github.com/)"
_FEEDISH = re.compile(r"(?i)(\.(rss|atom|xml)$|/(feed|rss|atom)(/|$)|[?&](feed|format)=(rss|atom))")


class FetchError(Exception):
    pass


class RefusedFetch(FetchError):
    """The URL, or a redirect, leads to a private address: nothing was fetched from it."""


@dataclass
class Fetched:
    url: str
    body: bytes
    content_type: str


def is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


def fetch(url: str, *, timeout: float = TIMEOUT, max_bytes: int = 4 * MAX_TEXT_BYTES,
          allow_private: bool = False) -> Fetched:
    """GET `url` following redirects; FetchError on a network error, an HTTP error status,
    a timeout or a body over `max_bytes`; RefusedFetch when it or a redirect leads to a
    private address (unless `allow_private`)."""
    import httpx

    from .netguard import RefusedAddress, client

    try:
        with client(allow_private=allow_private, follow_redirects=True, timeout=timeout,
                    headers={"User-Agent": USER_AGENT}) as session, \
                session.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"over the size limit ({int(declared)} bytes > {max_bytes})")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"over the size limit (more than {max_bytes} bytes)")
            return Fetched(str(response.url), bytes(body), response.headers.get("content-type", ""))
    except RefusedAddress as exc:
        raise RefusedFetch(str(exc)) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot fetch: {' '.join(str(exc).split()) or type(exc).__name__}") from exc


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    ctype = content_type.split(";")[0].strip().lower()
    if ctype in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return True
    head = body[:2048].lstrip().lower()
    return bool(re.search(rb"<(rss|feed|rdf:rdf)[\s>]", head)) and not head.startswith((b"<!doctype html",
                                                                                            b"<html"))


_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.DOTALL | re.IGNORECASE)
_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)


def without_entities(body: bytes) -> bytes:
    """The feed without a DOCTYPE that declares entities. The XML parser would expand them:
    a billion laughs, or one big entity repeated, is megabytes from a few hundred bytes
    (a padded 1 MB one took 30 s and 700 MB). References to them are then left as text."""
    if b"<!entity" not in body.lower():
        return body
    root = _ROOT.search(body)
    doctype = _DOCTYPE.search(body, 0, root.start() if root else len(body))
    if doctype is None or b"<!entity" not in doctype.group(0).lower():
        return body
    return body[: doctype.start()] + body[doctype.end():]


def _day(parsed) -> date | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date()
    except (ValueError, OverflowError, OSError):  # "0000-00-00" parses to the year -1
        return None


def _fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), one block a line."""
    if not fragment:  # feedparser's lenient parser can leave a content's value None
        return ""
    if "<" not in fragment:
        return fragment.strip()
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    blocks = [" ".join(el.text_content().split()) for el in tree.xpath(".//p|.//li|.//h1|.//h2|.//h3")]
    blocks = [b for b in blocks if b]
    return "\n".join(blocks) if blocks else " ".join(tree.text_content().split())


class Reader:
    """Reads sources into articles; see the module docstring."""

    def __init__(self, *, max_bytes: int = MAX_TEXT_BYTES, timeout: float = TIMEOUT, follow: bool = True,
                 skip_url: Callable[[str], bool] | None = None, allow_private: bool = False) -> None:
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.timeout = timeout
        self.follow = follow
        self.skip_url = skip_url or (lambda _url: False)

    def __call__(self, sources: list[str]) -> Iterator[tuple[str, Article | ReadError]]:
        for source in sources:
            if is_url(source):
                yield from self.url(source)
            elif Path(source).suffix.lower() in FEED_SUFFIXES and Path(source).is_file():
                yield from self.feed_file(source)
            else:
                for item in read_sources([source], max_bytes=self.max_bytes):
                    yield source, item

    # -- URLs -----------------------------------------------------------------------------
    def url(self, url: str) -> Iterator[tuple[str, Article | ReadError]]:
        if self.skip_url(url):
            yield url, ReadError(source=url, message="already stored (same URL)")
            return
        try:
            page = fetch(url, timeout=self.timeout, max_bytes=4 * self.max_bytes,
                         allow_private=self.allow_private)
        except FetchError as exc:
            yield url, ReadError(source=url, message=str(exc))
            return
        if looks_like_feed(page.body, page.content_type):
            yield from self.feed(url, page.body)
            return
        parts = urlparse(url)
        feedish = bool(_FEEDISH.search(parts.path) or _FEEDISH.search("?" + parts.query))
        if feedish or "xml" in page.content_type.lower():
            yield url, ReadError(source=url, message="not an RSS/Atom feed (not XML)")
            return
        yield url, self.page(url, page)

    def page(self, url: str, page: Fetched, **extra) -> Article | ReadError:
        text, _codec = decode(page.body)
        if page.content_type.lower().startswith("text/plain"):
            body, title, day = text, None, None
        else:
            body, title, day = html_to_text(text)
        if not body.strip():
            return ReadError(source=url, message="no article text found on the page")
        record = {"id": url, "url": url, "text": body, "title": title, "published": day, **extra}
        return self.article(url, record)

    # -- feeds ----------------------------------------------------------------------------
    def feed_file(self, path: str) -> Iterator[tuple[str, Article | ReadError]]:
        try:
            size = Path(path).stat().st_size
            if size > 4 * self.max_bytes:
                yield path, ReadError(source=path, message=f"feed is over the size limit ({size} bytes)")
                return
            body = Path(path).read_bytes()
        except OSError as exc:
            yield path, ReadError(source=path, message=f"cannot read: {exc.strerror or exc}")
            return
        if not looks_like_feed(body):
            yield path, ReadError(source=path, message="not an RSS/Atom feed (not XML)")
            return
        yield from self.feed(path, body)

    def feed(self, source: str, body: bytes) -> Iterator[tuple[str, Article | ReadError]]:
        import feedparser

        try:
            parsed = feedparser.parse(without_entities(body))
        except Exception as exc:  # its lenient parser raises on some bad input (&#x110000;)
            yield source, ReadError(source=source, message=f"not a valid RSS/Atom feed: {exc}")
            return
        if not parsed.entries and parsed.get("bozo"):
            reason = " ".join(str(parsed.get("bozo_exception", "")).split())
            yield source, ReadError(source=source, message=f"not a valid RSS/Atom feed: {reason}")
            return
        outlet = parsed.feed.get("title")
        for index, entry in enumerate(parsed.entries, 1):
            link = entry.get("link")
            where = f"{source} entry {index}"
            if link and self.skip_url(link):
                yield source, ReadError(source=where, message=f"already stored (same URL {link})")
                continue
            contents = [c.get("value", "") for c in entry.get("content", [])]
            text = _fragment_text(max(contents, key=len)) if contents else ""
            text = text or _fragment_text(entry.get("summary", ""))
            day = _day(entry.get("published_parsed") or entry.get("updated_parsed"))
            meta = {"title": entry.get("title"), "source": outlet,
                    "published": day.isoformat() if day else None}
            if len(text) < FOLLOW_BELOW and self.follow and link and is_url(link):
                try:
                    page = fetch(link, timeout=self.timeout, max_bytes=4 * self.max_bytes,
                                 allow_private=self.allow_private)
                except FetchError as exc:
                    # a refused link is said, not hidden behind the entry's summary
                    if not text or isinstance(exc, RefusedFetch):
                        yield source, ReadError(source=f"{where} ({link})", message=str(exc))
                        continue
                else:
                    got = self.page(link, page, id=entry.get("id") or link, source=outlet)
                    if isinstance(got, Article):
                        yield source, got.model_copy(update={
                            "title": got.title or meta["title"],
                            "published": got.published or day})
                        continue
                    if not text:
                        yield source, got
                        continue
            if not text:
                yield source, ReadError(source=where, message="entry has no text")
                continue
            ident = entry.get("id") or link or f"{source}#{index}"
            yield source, self.article(where, {"id": ident, "url": link, "text": text, **meta})

    # -- one article ----------------------------------------------------------------------
    def article(self, where: str, record: dict) -> Article | ReadError:
        text = record.get("text") or ""
        size = len(text.encode("utf-8"))
        if size > self.max_bytes:
            return ReadError(source=where, message=f"text is {size} bytes, over the {self.max_bytes} "
                                                   "byte limit; skipped")
        if not record.get("language"):
            record["language"] = detect_language(f"{record.get('title') or ''}\n{text}")
        record = {k: v for k, v in record.items() if v is not None}
        try:
            return Article.model_validate(record)
        except ValidationError as exc:
            return ReadError(source=where, message=f"invalid article: {exc.errors()[0]['msg']}")


def iter_sources(sources: list[str], **options) -> Iterator[tuple[str, Article | ReadError]]:
    return Reader(**options)(sources)
