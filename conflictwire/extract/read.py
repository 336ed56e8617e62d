"""Read input reports: JSON Lines, JSON, plain text, HTML, folders and standard input.

`read_sources` yields an `Article` for every readable report and a `ReadError` for every
input it cannot use; it never raises for bad input, so one broken line does not stop a batch.

Decisions:

- JSON Lines are streamed line by line (a large file is never held in memory). A `.json`
  file is JSON Lines when its first line is a complete JSON object; otherwise it is read as
  one JSON document holding an object or a list of objects.
- Text that is not UTF-8 is decoded as cp1252 (latin-1 for the few bytes cp1252 leaves
  undefined). Both are lossless, so nothing is replaced: the report is read and a warning is
  logged on the ``conflictwire.extract.read`` logger, not reported as a `ReadError` (which would
  make the batch fail for a report that was read correctly).
- A file whose first 8 KiB hold a NUL byte, or mostly control characters, is binary and
  reported as a whole; a JSON line holding a NUL byte is reported alone.
- A report whose text is over `max_bytes` (UTF-8, default 2 MiB) is skipped and reported,
  not truncated: a cut report would give events resting on half a story.
- A JSON line over ``8 * max_bytes`` is skipped without being parsed.
- A duplicate id within the batch is reported and the later report skipped.
- An unpaired surrogate (a JSON escape such as ``\\ud800`` alone) is replaced by U+FFFD and a
  warning logged: it is no character, and could not be stored or written as UTF-8.
- `published` (the CLI's ``--published``) replaces every report's publication day.
- A missing `language` is detected with py3langid among `LANGUAGES`.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from pydantic import ValidationError

from ..models import Article, ReadError

log = logging.getLogger("conflictwire.extract.read")

MAX_TEXT_BYTES = 2 * 1024 * 1024
LANGUAGES = ("en", "fr", "es", "pt", "ar", "de", "it", "ru")
JSON_SUFFIXES = (".jsonl", ".json", ".ndjson")
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = JSON_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES
STDIN_NAME = "<stdin>"
_SNIFF = 8192


def read_sources(
    paths: list[str],
    *,
    published: date | str | None = None,
    stdin: TextIO | None = None,
    max_bytes: int = MAX_TEXT_BYTES,
) -> Iterator[Article | ReadError]:
    """Yield the articles of every path, and a `ReadError` for every input that is unusable.

    `paths` are files, folders (read recursively in sorted order, files of supported kinds
    only) or ``-`` for standard input (JSON Lines; `stdin` defaults to ``sys.stdin``).
    `published` (a date or ``YYYY-MM-DD``) replaces every article's publication day; a
    string that is not a date raises ValueError before anything is read.
    """
    if isinstance(published, str):
        published = date.fromisoformat(published.strip()[:10])
    reader = _Reader(published=published, max_bytes=max_bytes)
    for raw in paths:
        if raw == "-":
            yield from reader.jsonl_lines(STDIN_NAME, enumerate(stdin or sys.stdin, 1))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for file in files:  # an unsupported one (.docx, .pdf) is named, not passed over in silence
                yield from reader.file(file) if _supported(file) else [_unsupported(str(file), file)]
        elif path.is_file():
            yield from reader.file(path) if _supported(path) else [_unsupported(raw, path)]
        elif path.exists():
            yield ReadError(source=raw, message="not a regular file or folder")
        else:
            yield ReadError(source=raw, message="no such file or folder")


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def _unsupported(source: str, path: Path) -> ReadError:
    return ReadError(source=source, message=f"unsupported file type {path.suffix or '(no extension)'!r}; "
                                            f"expected one of {', '.join(SUPPORTED_SUFFIXES)}; skipped")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language among `LANGUAGES`, None for empty text."""
    sample = text[:4000].strip()
    if not sample:
        return None
    lang, _ = _identifier().classify(sample)
    return str(lang)


_IDENTIFIER: Any = None


def _identifier() -> Any:
    global _IDENTIFIER
    if _IDENTIFIER is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        ident = LanguageIdentifier.from_model_file(MODEL_FILE)
        ident.set_languages(list(LANGUAGES))
        _IDENTIFIER = ident
    return _IDENTIFIER


# --- decoding ------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM dropped), else cp1252, else latin-1; return (text, codec)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than a tenth control characters, in a sample of bytes."""
    if b"\x00" in data:
        return True
    if not data:
        return False
    try:  # a sample may end inside a UTF-8 sequence: decode incrementally
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        text, _ = decode(data)
    controls = sum(
        1 for c in text if c not in "\t\n\r\f\v" and unicodedata.category(c) == "Cc"
    )
    return controls > len(text) / 10


# --- the reader ----------------------------------------------------------------------------


@dataclass
class _Reader:
    published: date | None
    max_bytes: int
    seen: dict[str, str] = field(default_factory=dict)  # id -> where first read

    def file(self, path: Path) -> Iterator[Article | ReadError]:
        source = str(path)
        try:
            with path.open("rb") as handle:
                head = handle.read(_SNIFF)
                if not head.strip() and len(head) < _SNIFF:
                    yield ReadError(source=source, message="empty file")
                    return
                if looks_binary(head):
                    yield ReadError(source=source, message="binary file (not text), skipped")
                    return
                handle.seek(0)
                suffix = path.suffix.lower()
                if suffix in (".jsonl", ".ndjson"):
                    yield from self.jsonl_lines(source, _binary_lines(handle, self.max_line))
                elif suffix == ".json":
                    yield from self.json_file(source, handle)
                elif suffix in TEXT_SUFFIXES:
                    yield from self.text_file(source, path, handle)
                else:
                    yield from self.html_file(source, path, handle)
        except OSError as err:
            yield ReadError(source=source, message=f"cannot read: {err.strerror or err}")

    @property
    def max_line(self) -> int:
        return 8 * self.max_bytes

    # JSON ----------------------------------------------------------------------------------

    def jsonl_lines(
        self, source: str, lines: Iterable[tuple[int, bytes | str | None]]
    ) -> Iterator[Article | ReadError]:
        nonblank = False
        for lineno, raw in lines:
            if raw is None:
                nonblank = True
                yield ReadError(source=source, line=lineno,
                                message=f"line longer than {_mb(self.max_line)}, skipped")
                continue
            if isinstance(raw, bytes):
                if b"\x00" in raw:
                    nonblank = True
                    yield ReadError(source=source, line=lineno,
                                    message="binary data (NUL byte) in line, skipped")
                    continue
                line, codec = decode(raw)
                if codec != "utf-8":
                    log.warning("%s:%d: not UTF-8, decoded as %s", source, lineno, codec)
            else:
                line = raw
            line = line.strip().lstrip("\ufeff")
            if not line:
                continue
            nonblank = True
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                yield ReadError(source=source, line=lineno,
                                message=f"not valid JSON: {err.msg} at column {err.colno}")
                continue
            yield from self.record(value, source, lineno)
        if not nonblank:
            yield ReadError(source=source, message="empty input: no JSON lines")

    def json_file(self, source: str, handle: BinaryIO) -> Iterator[Article | ReadError]:
        first = handle.readline(self.max_line)
        handle.seek(0)
        head, _ = decode(first)
        head = head.strip().lstrip("\ufeff")
        if head.startswith("{"):
            try:
                is_lines = isinstance(json.loads(head), dict)
            except json.JSONDecodeError:
                is_lines = False
            if is_lines:
                yield from self.jsonl_lines(source, _binary_lines(handle, self.max_line))
                return
        data = handle.read()
        text, codec = decode(data)
        if codec != "utf-8":
            log.warning("%s: not UTF-8, decoded as %s", source, codec)
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            yield ReadError(source=source, line=err.lineno,
                            message=f"not valid JSON: {err.msg} at column {err.colno}")
            return
        if isinstance(value, list):
            if not value:
                yield ReadError(source=source, message="empty JSON list: no articles")
            for index, item in enumerate(value, 1):
                yield from self.record(item, source, None, item=index)
        else:
            yield from self.record(value, source, 1 if "\n" not in text.strip() else None)

    # text and HTML ---------------------------------------------------------------------------

    def _whole_text(self, source: str, handle: BinaryIO) -> str:
        text, codec = decode(handle.read())
        if codec != "utf-8":
            log.warning("%s: not UTF-8, decoded as %s", source, codec)
        return text.replace("\r\n", "\n")

    def text_file(
        self, source: str, path: Path, handle: BinaryIO
    ) -> Iterator[Article | ReadError]:
        text = self._whole_text(source, handle)
        yield from self.record({"id": path.stem, "text": text}, source, None)

    def html_file(
        self, source: str, path: Path, handle: BinaryIO
    ) -> Iterator[Article | ReadError]:
        page = self._whole_text(source, handle)
        if len(page.encode("utf-8")) > 4 * self.max_bytes:
            yield ReadError(source=source, message=f"page is over {_mb(4 * self.max_bytes)}, "
                                                   "skipped")
            return
        text, title, day = html_to_text(page)
        record: dict[str, Any] = {"id": path.stem, "text": text, "title": title}
        if day:
            record["published"] = day
        yield from self.record(record, source, None)

    # one record ------------------------------------------------------------------------------

    def record(
        self, value: Any, source: str, lineno: int | None, item: int | None = None
    ) -> Iterator[Article | ReadError]:
        where = f"item {item}: " if item is not None else ""

        def error(message: str) -> ReadError:
            return ReadError(source=source, line=lineno, message=where + message)

        if not isinstance(value, dict):
            yield error(f"expected a JSON object, got {type(value).__name__}")
            return
        rec = dict(value)
        for key, val in rec.items():
            if isinstance(val, str) and _SURROGATES.search(val):
                log.warning("%s: %r holds unpaired surrogates (\\ud800-\\udfff escapes), replaced by U+FFFD",
                            f"{source}:{lineno}" if lineno else source, key)
                rec[key] = _SURROGATES.sub("\ufffd", val)
        ident = rec.get("id")
        if isinstance(ident, int) and not isinstance(ident, bool):
            ident = rec["id"] = str(ident)
        if not isinstance(ident, str) or not ident.strip():
            yield error("missing or empty 'id'")
            return
        text = rec.get("text")
        if not isinstance(text, str):
            yield error(f"article {ident!r}: missing 'text'" if text is None
                        else f"article {ident!r}: 'text' is not a string")
            return
        if not text.strip():
            yield error(f"article {ident!r}: empty text")
            return
        size = len(text.encode("utf-8"))
        if size > self.max_bytes:
            yield error(f"article {ident!r}: text is {_mb(size)}, over the "
                        f"{_mb(self.max_bytes)} limit; skipped")
            return
        if self.published is not None:
            rec["published"] = self.published.isoformat()
        else:
            day = rec.get("published")
            if day is not None and not _valid_day(day):
                yield error(f"article {ident!r}: unparseable 'published' date {day!r} "
                            "(expected YYYY-MM-DD or an ISO datetime)")
                return
        lang = rec.get("language")
        if isinstance(lang, str) and lang.strip():
            rec["language"] = lang.strip().lower()
        else:
            rec["language"] = detect_language(f"{rec.get('title') or ''}\n{text}")
        for key in ("title", "source", "url"):
            if rec.get(key) is not None and not isinstance(rec[key], str):
                rec[key] = str(rec[key])
        try:
            article = Article.model_validate(rec)
        except ValidationError as err:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}"
                for e in err.errors()
            )
            yield error(f"article {ident!r}: {problems}")
            return
        here = f"{source}:{lineno}" if lineno else source
        if item is not None:
            here += f" item {item}"
        if ident in self.seen:
            yield error(f"duplicate id {ident!r} (first read at {self.seen[ident]}); skipped")
            return
        self.seen[ident] = here
        yield article


_BOILERPLATE = ["//nav", "//footer", "//aside", "//form", "//body/header", "//script",
                "//style", "//noscript", "//*[@role='navigation']"]


def html_to_text(page: str) -> tuple[str, str | None, str | None]:
    """Main text, title and publication day (from the page's metadata) of an HTML page.

    trafilatura drops navigation, footers and scripts; when it finds no main text (very short
    pages), the visible text of the body without script, style, nav, header, footer and aside
    elements is used instead.
    """
    import trafilatura

    text, title, day = "", None, None
    try:
        doc = trafilatura.bare_extraction(
            page, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
            prune_xpath=_BOILERPLATE,
        )
    except Exception as err:  # trafilatura raises assorted errors on broken markup
        log.debug("trafilatura failed: %s", err)
        doc = None
    if doc is not None:
        text = (getattr(doc, "text", None) or "").strip()
        title = getattr(doc, "title", None) or None
        day = getattr(doc, "date", None) or None
    if not text or not title:
        fallback_text, fallback_title = _html_fallback(page)
        text = text or fallback_text
        title = title or fallback_title
    if title:
        title = " ".join(title.split())
        first, _, rest = text.partition("\n")
        if first.strip() == title and rest.strip():
            text = rest.strip()
    return text, title, day


# a JSON escape such as "\ud800" alone is no character: UTF-8 cannot encode it
_SURROGATES = re.compile("[\ud800-\udfff]")
# control characters lxml refuses in a tree's text ("All strings must be XML compatible")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _html_fallback(page: str) -> tuple[str, str | None]:
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(_NOT_XML.sub("", page))
    except Exception:
        return "", None
    title_el = tree.find(".//title")
    title = title_el.text_content().strip() if title_el is not None else None
    for bad in tree.xpath("|".join([*_BOILERPLATE, "//head"])):
        bad.drop_tree()
    blocks = []
    for el in tree.xpath("//p|//h1|//h2|//h3|//li|//blockquote"):
        chunk = " ".join(el.text_content().split())
        if chunk:
            blocks.append(chunk)
    text = "\n".join(blocks) or " ".join(tree.text_content().split())
    return text, title or None


# --- helpers -------------------------------------------------------------------------------


def _binary_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Lines of a binary file, numbered from 1; None for a line over `limit` bytes."""
    lineno = 0
    while True:
        chunk = handle.readline(limit + 1)
        if not chunk:
            return
        lineno += 1
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # drain the rest of the long line
                chunk = handle.readline(1 << 20)
            yield lineno, None
            continue
        yield lineno, chunk


def _valid_day(value: Any) -> bool:
    if isinstance(value, date):
        return True
    if not isinstance(value, str):
        return False
    try:
        Article.model_validate({"id": "x", "text": "x", "published": value})
    except (ValidationError, ValueError):
        return False
    return True


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
