"""Property-based fuzzing of the article readers (conflictwire/read.py) and of the feed reader
(conflictwire/store/sources.py).

Inputs: JSON Lines batches where good records are interleaved with garbage (random bytes,
broken JSON, JSON of the wrong types, huge and empty lines, cp1252 text, BOMs, NUL bytes,
CRLF), the same on standard input, whole .json documents, .txt files of random bytes, HTML
tag soup (scripts, styles, comments, deeply nested tags), folders of random files, and
RSS/Atom feeds (malformed XML, missing fields, entity tricks: billion laughs, quadratic
blow-up, undefined and numeric entities).
Properties: the readers never raise; every bad input is one `ReadError` naming its file
(and line, for a line); the good records of the same batch all come through, in order and
unchanged; text from <script> never becomes article text; an entity bomb costs neither
time nor memory. Budget: `CW_FUZZ_EXAMPLES` inputs per family (see tests/fuzzing.py).
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from fuzzing import fuzz
from hypothesis import example, given
from hypothesis import strategies as st

from conflictwire.extract.read import SUPPORTED_SUFFIXES, detect_language, html_to_text, read_sources
from conflictwire.models import Article, ReadError
from conflictwire.store.sources import Reader

SURROGATES = re.compile("[\ud800-\udfff]")
MAX_BYTES = 512  # small limits, so that "huge" inputs stay cheap: a line over 8 x 512 is skipped
LONG_LINE = 8 * MAX_BYTES + 1


@pytest.fixture(autouse=True, scope="module")
def _warm() -> None:
    """Load the language model and trafilatura once, before the first timed example."""
    detect_language("Gunmen killed six civilians on Sunday.")
    html_to_text("<html><body><p>Gunmen killed six civilians on Sunday.</p></body></html>")


def read_all(paths: list[str], **kw) -> list[Article | ReadError]:
    items = list(read_sources(paths, max_bytes=MAX_BYTES, **kw))
    for item in items:
        assert isinstance(item, Article | ReadError), item
        if isinstance(item, ReadError):
            assert item.source and item.message.strip(), item
            where = f"{item.source}:{item.line}" if item.line else item.source
            assert str(item).startswith(where + ": ")
    return items


# --------------------------------------------------------------------------- JSON Lines

good_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80).filter(
    lambda t: t.strip() != ""
)
CP1252_TEXT = st.text(alphabet="abcdefgh ijkl éèàçôÉ", min_size=1, max_size=40).filter(
    lambda t: t.strip() != ""
)


@st.composite
def good_record(draw: st.DrawFn, n: int) -> tuple[bytes, dict]:
    """One valid article as a JSON line (UTF-8, maybe with a BOM or CRLF, or cp1252)."""
    cp1252 = draw(st.booleans())
    record: dict = {
        "id": f"good-{n}" if draw(st.booleans()) else n + 100_000,
        "text": draw(CP1252_TEXT if cp1252 else good_text),
    }
    if draw(st.booleans()):
        record["title"] = draw(
            st.one_of(st.none(), CP1252_TEXT if cp1252 else st.text(max_size=20), st.integers())
        )
    if draw(st.booleans()):
        record["published"] = draw(
            st.one_of(st.dates().map(date.isoformat), st.just("2024-09-17T10:30:00Z"), st.none(), st.just(""))
        )
    if draw(st.booleans()):
        record["language"] = draw(st.sampled_from(["en", "fr", " FR ", "", None]))
    if draw(st.booleans()):
        record["extra"] = draw(st.sampled_from([[1, 2], {"a": None}, "ignored"]))
    lone = draw(st.sampled_from(["", "", "", "\ud800", "\udfff", "\udc80x\ud83d"]))
    if lone:  # unpaired surrogates, written as JSON escapes: read as U+FFFD
        record["text"] += lone
        if "title" in record:
            record["title"] = f"{record['title']}{lone}"
    line = json.dumps(record, ensure_ascii=bool(lone) or draw(st.booleans()))
    data = line.encode("cp1252") if cp1252 else line.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data if not cp1252 else data
    return data + draw(st.sampled_from([b"", b"  ", b"\r", b"\t"])), record


def _not_an_article(value: object) -> bool:
    return not (
        isinstance(value, dict) and isinstance(value.get("text"), str) and value.get("id") not in (None, "")
    )


bad_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=10,
)
wrong_types = st.one_of(
    bad_json_value.filter(_not_an_article),
    st.fixed_dictionaries({"id": st.sampled_from([None, "", "   ", [1], {}, True, 1.5]), "text": good_text}),
    st.fixed_dictionaries({"id": st.just("w"), "text": st.sampled_from([None, 3, [], {}, "", "  \n", True])}),
    st.fixed_dictionaries(
        {
            "id": st.just("d"),
            "text": good_text,
            "published": st.sampled_from(["yesterday", "2024-13-45", "32/01/2024", 20240917, "x" * 30]),
        }
    ),
    st.fixed_dictionaries({"id": st.just("big"), "text": st.just("é" * MAX_BYTES)}),
)


@st.composite
def garbage_line(draw: st.DrawFn) -> bytes:
    """A line that is not a valid article (never holding a newline)."""
    kind = draw(st.sampled_from(["bytes", "broken", "types", "nul", "long", "blank", "controls"]))
    if kind == "bytes":
        data = draw(st.binary(min_size=1, max_size=200))
    elif kind == "broken":
        text = json.dumps(draw(bad_json_value | st.just({"id": "x", "text": "y"})))
        cut = draw(st.integers(0, max(0, len(text) - 2)))
        data = (text[:cut] + draw(st.sampled_from(["", "}", ",", "{", '"', "\\", "]]", "\x7f"]))).encode()
        if not data.strip():
            data = b"{"
    elif kind == "types":
        data = json.dumps(draw(wrong_types)).encode()
    elif kind == "nul":
        data = b'{"id": "n", "text": "a\x00b"}'
    elif kind == "long":
        data = b'{"id": "long", "text": "' + b"x" * draw(st.integers(LONG_LINE, 3 * LONG_LINE)) + b'"}'
    elif kind == "blank":
        data = draw(st.sampled_from([b"", b"   ", b"\t", b"\r", b"\xef\xbb\xbf", b"\x0c"]))
    else:
        data = bytes(draw(st.lists(st.integers(1, 31), min_size=1, max_size=20)))
    data = data.replace(b"\n", b" ")
    try:  # garbage that happens to be a valid article is not garbage
        if not _not_an_article(json.loads(data)):
            data = b"{broken"
    except (ValueError, RecursionError):
        pass
    return data


def _should_err(line: bytes) -> bool:
    """Garbage that is more than whitespace: it must give an error on its line."""
    return b"\x00" in line or any(0x21 <= b <= 0x7E for b in line)


@st.composite
def batch(draw: st.DrawFn) -> tuple[bytes, list[dict], dict[int, bytes]]:
    """(file bytes, the good records in order, line number -> garbage line)."""
    lines: list[bytes] = []
    goods: list[dict] = []
    garbage: dict[int, bytes] = {}
    for n in range(draw(st.integers(0, 12))):
        if draw(st.booleans()):
            data, record = draw(good_record(n))
            goods.append(record)
        else:
            data = draw(garbage_line())
            garbage[len(lines) + 1] = data
        lines.append(data)
    ending = draw(st.sampled_from([b"\n", b"\r\n"]))
    body = ending.join(lines) + (ending if draw(st.booleans()) else b"")
    return body, goods, garbage


def check_batch(
    items: list[Article | ReadError],
    source: str,
    goods: list[dict],
    garbage: dict[int, bytes],
    exact_text: bool = True,
) -> None:
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, ReadError)]
    # every good record is read, in order, unchanged
    assert [a.id for a in articles] == [str(r["id"]) for r in goods]
    if exact_text:
        assert [a.text for a in articles] == [SURROGATES.sub("\ufffd", r["text"]) for r in goods]
    assert not any(SURROGATES.search(a.text) for a in articles)
    for err in errors:
        assert err.source == source
        if err.line is None:  # the one error about the whole input
            assert not goods and "empty input" in err.message
        else:
            assert err.line in garbage, (err, garbage)
    lines = [e.line for e in errors if e.line is not None]
    assert len(lines) == len(set(lines)), errors  # one error a bad line
    for lineno, data in garbage.items():
        if _should_err(data):
            assert lineno in lines, (lineno, data, errors)


@fuzz(0.3)
@given(batch())
@example(
    (
        b'{"id": "a", "text": "ok"}\n\x00\x00\n{"id": "b", "text": "ok"}\n',
        [{"id": "a", "text": "ok"}, {"id": "b", "text": "ok"}],
        {2: b"\x00\x00"},
    )
)
@example((b"\xef\xbb\xbf" + '{"id": "a", "text": "été"}\r\n'.encode(), [{"id": "a", "text": "été"}], {}))
@example(('{"id": "a", "text": "été"}\n\x00\n'.encode("cp1252"), [{"id": "a", "text": "été"}], {2: b"\x00"}))
@example(
    (b'{"id": "a", "text": "x\\ud800y"}\n', [{"id": "a", "text": "x\ud800y"}], {})
)  # was UnicodeEncodeError
def test_jsonl_good_lines_survive_garbage(case: tuple[bytes, list[dict], dict[int, bytes]]) -> None:
    body, goods, garbage = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        path.write_bytes(body)
        items = read_all([str(path)])
    if not body.strip():
        assert [str(i) for i in items] == [f"{path}: empty file"]
        return
    if [str(i) for i in items] == [f"{path}: binary file (not text), skipped"]:
        # a NUL byte or mostly control characters in the first 8 KiB: reported whole, by design
        # (control bytes: C0 and DEL; the reader counts DEL too, as Unicode's category Cc)
        controls = sum(b < 32 or b == 127 for b in body[:8192])
        assert b"\x00" in body[:8192] or controls * 10 > len(body[:8192]) / 4
        return
    assert b"\x00" not in body[:8192]
    check_batch(items, str(path), goods, garbage)


@fuzz(0.15)
@given(batch())
def test_stdin_good_lines_survive_garbage(case: tuple[bytes, list[dict], dict[int, bytes]]) -> None:
    """Standard input as the CLI gives it (bytes lines): no binary sniffing, line by line."""
    body, goods, garbage = case
    items = read_all(["-"], stdin=io.BytesIO(body))
    check_batch(items, "<stdin>", goods, garbage)


@fuzz(0.1)
@given(batch())
def test_text_stdin_good_lines_survive_garbage(case: tuple[bytes, list[dict], dict[int, bytes]]) -> None:
    """Standard input given as text (`read_sources`' default TextIO), undecodable bytes as
    surrogate escapes."""
    body, goods, garbage = case
    items = read_all(["-"], stdin=io.StringIO(body.decode("utf-8", "surrogateescape"), newline="\n"))
    check_batch(items, "<stdin>", goods, garbage, exact_text=False)  # cp1252 lines were not decoded


@fuzz(0.1)
@given(
    st.one_of(
        bad_json_value.map(json.dumps),
        st.lists(
            st.one_of(st.fixed_dictionaries({"id": st.text(max_size=5), "text": good_text}), bad_json_value),
            max_size=6,
        ).map(lambda v: json.dumps(v, indent=st_indent(v))),
        st.text(max_size=200),
    ).map(lambda t: t.encode("utf-8"))
    | st.binary(max_size=300)
)
@example(b"[]")
@example(b'[{"id": "a", "text": "x"}, 3, {"id": "a", "text": "y"}]')
@example(b'{"id": "a",\n "text": ')
def test_json_documents(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.json"
        path.write_bytes(data)
        items = read_all([str(path)])
    assert items, "every input gives an article or an error"
    for item in items:
        if isinstance(item, ReadError):
            assert item.source == str(path)
    ids = [a.id for a in items if isinstance(a, Article)]
    assert len(ids) == len(set(ids))  # a duplicate id is reported, not read twice


def st_indent(value: object) -> int | None:
    return 1 if isinstance(value, list) and len(value) % 2 else None


# --------------------------------------------------------------------------- .txt and HTML


@fuzz(0.1)
@given(
    st.one_of(
        st.binary(max_size=600),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
        CP1252_TEXT.map(lambda t: t.encode("cp1252")),
        st.text(max_size=300).map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
        st.integers(MAX_BYTES + 1, 4 * MAX_BYTES).map(lambda n: b"word " * n),
    )
)
def test_text_files(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "note.txt"
        path.write_bytes(data)
        items = read_all([str(path)])
    assert len(items) == 1
    item = items[0]
    if isinstance(item, Article):
        assert item.id == "note" and item.text.strip() and len(item.text.encode()) <= MAX_BYTES
    else:
        assert item.source == str(path)


TAGS = [
    "div",
    "p",
    "span",
    "b",
    "i",
    "a",
    "li",
    "ul",
    "table",
    "tr",
    "td",
    "h1",
    "h2",
    "article",
    "main",
    "section",
    "nav",
    "footer",
    "aside",
    "header",
    "form",
    "blockquote",
    "br",
    "img",
    "svg",
    "math",
    "iframe",
    "template",
    "noscript",
    "textarea",
    "title",
    "head",
    "body",
    "html",
    "meta",
    "style",
]
MARK = "SCRIPTMARK"


def _element(tag: str, inner: str, attrs: str = "") -> str:
    return f"<{tag}{attrs}>{inner}</{tag}>"


words = st.sampled_from(
    [
        "Gunmen",
        "killed",
        "six",
        "civilians",
        "in",
        "Djibo",
        "on",
        "Sunday",
        "&amp;",
        "&nbsp;",
        "&#0;",
        "&#xD800;",
        "&bogus;",
        "é",
        "雨",
        "\u202e",
        "<",
        ">",
        "&",
    ]
)
prose = st.lists(words, max_size=25).map(" ".join)
script = st.sampled_from(
    [
        f"<script>var {MARK} = '<p>x</p>';</script>",
        f"<script type='text/javascript'>document.write('{MARK}')</script>",
        f"<style>p:after {{ content: '{MARK}' }}</style>",
        f"<noscript>{MARK}</noscript>",
    ]
)


def html_tree(max_leaves: int = 30) -> st.SearchStrategy[str]:
    """Well-formed nested markup with scripts and styles among the text."""
    clean = st.lists(
        st.sampled_from(["Gunmen", "killed", "six", "civilians", "in", "Djibo", "&amp;", "é"]), max_size=25
    ).map(" ".join)
    return st.recursive(
        clean | script,
        lambda inner: st.tuples(
            st.sampled_from(["div", "p", "span", "b", "article", "section", "li", "td"]),
            st.lists(inner, max_size=4).map("".join),
            st.sampled_from(["", " class='x'", " onclick='alert(1)'", ' style="x"']),
        ).map(lambda t: _element(t[0], t[1], t[2])),
        max_leaves=max_leaves,
    ).map(
        lambda body: (
            f"<html><head><title>T</title>{'<script>' + MARK + '</script>'}</head><body>{body}</body></html>"
        )
    )


tag_soup = st.lists(
    st.one_of(
        st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
        st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
        prose,
        script,
        st.sampled_from(
            [
                "<!--",
                "-->",
                "<![CDATA[",
                "]]>",
                "<!DOCTYPE html>",
                "<?xml version='1.0'?>",
                '<p class="',
                "' onerror=alert(1) '",
                "<",
                "</",
                "/>",
                "\x00",
                "\ufeff",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=60,
).map("".join)
deep = st.tuples(st.integers(1, 5000), st.sampled_from(["div", "span", "b", "p", "table", "li"]), prose).map(
    lambda t: f"<html><body>{'<' + t[1] + '>' * t[0]}{t[2] or 'x'}{('</' + t[1] + '>') * t[0]}</body></html>"
)


@fuzz(0.2)
@given(st.one_of(tag_soup, deep, st.text(max_size=300)))
@example("<html><body>" + "<div>" * 20_000 + "x" + "</div>" * 20_000 + "</body></html>")
@example("<html><body><p>" + "<b>" * 3000 + "deep</p></body></html>")
@example("\x00<html>\x00<body>\x00text</body>")
@example("<div><script>var x = 1;</script>\x1f")  # was ValueError from lxml's drop_tree: a control character
@example("<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>")
def test_html_pages_never_raise(page: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.html"
        path.write_text(page, encoding="utf-8", errors="surrogatepass")
        items = read_all([str(path)])
    assert len(items) == 1
    if isinstance(items[0], ReadError):
        assert items[0].source == str(path)


@fuzz(0.15)
@given(html_tree())
def test_html_scripts_never_become_text(page: str) -> None:
    text, title, _ = html_to_text(page)
    assert MARK not in text and MARK not in (title or "")


# --------------------------------------------------------------------------- folders

names = st.tuples(
    st.sampled_from(["a", "b", ".hidden", "sub", "Été", "x y"]),
    st.sampled_from([*SUPPORTED_SUFFIXES, ".JSONL", ".TXT", ".pdf", ".xml", "", ".gz"]),
)
contents = st.one_of(
    st.binary(max_size=100),
    st.just(b'{"id": "f", "text": "Gunmen killed six."}\n'),
    st.just(b"Gunmen killed six civilians."),
    st.just(b"<p>Gunmen killed six.</p>"),
    st.just(b""),
)


@fuzz(0.1)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(["sub", ".git", "deep", "z"]), max_size=3), names, contents),
        max_size=8,
    )
)
def test_folders(files: list[tuple[list[str], tuple[str, str], bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        root.mkdir()
        expected: set[str] = set()
        for parts, (stem, suffix), data in files:
            folder = root.joinpath(*parts)
            path = folder / f"{stem}{suffix}"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            except OSError:  # a file where a folder was drawn, or the reverse
                continue
            visible = not any(p.startswith(".") for p in path.relative_to(root).parts)
            if visible:  # a supported file is read; an unsupported one is named as skipped
                expected.add(str(path))
        items = read_all([str(root), str(root / "missing.jsonl")])
    sources = {i.source for i in items if isinstance(i, ReadError)}
    assert str(root / "missing.jsonl") in sources  # a missing path is one error
    assert items[-1].source == str(root / "missing.jsonl")
    for item in items[:-1]:
        if isinstance(item, ReadError):
            assert item.source in expected, (item, expected)
    # every visible file was read or named: an article or an error names it
    assert len(items) - 1 >= len(expected)


# --------------------------------------------------------------------------- feeds

DATES = [
    "Tue, 17 Sep 2024 10:30:00 GMT",
    "2024-09-17T10:30:00Z",
    "yesterday",
    "",
    "Mon, 99 Foo 2024 25:61:61",
    "0000-00-00",
    "9999-12-31T23:59:59+14:00",
    "Sun, 31 Dec 1899 00:00:00 GMT",
    "1e309",
]
TEXT = [
    "Gunmen killed six civilians in Djibo on Sunday, officials said.",
    "<p>Six soldiers were <b>killed</b>.</p>",
    "&lt;p&gt;escaped&lt;/p&gt;",
    "<![CDATA[<p>in cdata</p>]]>",
    "&bogus; &amp; &#38; &#0; &#x110000;",
    "",
    "<script>alert(1)</script>",
    "\u202e\u200b",
    "é" * 10,
]

# An entry's element, then its title, link, date, body and id, in Atom and in RSS 2.0.
ATOM_ENTRY = ("entry", "<title>{}</title>", '<link href="{}"/>', "<updated>{}</updated>",
              "<content type='html'>{}</content>", "<id>{}</id>")
RSS_ITEM = ("item", "<title>{}</title>", "<link>{}</link>", "<pubDate>{}</pubDate>",
            "<description>{}</description>", "<guid>{}</guid>")


@st.composite
def feed_doc(draw: st.DrawFn) -> bytes:
    """An RSS 2.0 or Atom document with random, missing and hostile fields, maybe cut short."""
    atom = draw(st.booleans())
    entries = []
    for n in range(draw(st.integers(0, 5))):
        title = draw(st.one_of(st.none(), st.sampled_from(TEXT), st.text(max_size=20)))
        link = draw(
            st.sampled_from(
                [
                    None,
                    f"http://127.0.0.1:9/{n}",
                    "javascript:alert(1)",
                    "",
                    "not a url",
                    "file:///etc/passwd",
                ]
            )
        )
        day = draw(st.one_of(st.none(), st.sampled_from(DATES)))
        body = draw(st.one_of(st.none(), st.sampled_from(TEXT), st.text(max_size=60)))
        guid = draw(st.sampled_from([None, f"id-{n}", "", "same"]))
        entry, *templates = ATOM_ENTRY if atom else RSS_ITEM
        fields = [t.format(value) for t, value in zip(templates, (title, link, day, body, guid), strict=True)
                  if value is not None]
        entries.append(f"<{entry}>" + "".join(fields) + f"</{entry}>")
    head = draw(
        st.sampled_from(
            [
                "",
                '<?xml version="1.0" encoding="utf-8"?>',
                '<?xml version="1.0" encoding="latin-1"?>',
                '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "entity text">]>',
                "\ufeff",
                '<?xml version="1.0" encoding="bogus-codec"?>',
            ]
        )
    )
    if atom:
        doc = f'{head}<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>{"".join(entries)}</feed>'
    else:
        doc = f'{head}<rss version="2.0"><channel><title>Wire &e;</title>{"".join(entries)}</channel></rss>'
    data = doc.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # malformed: cut anywhere
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=20)) + data[at:]
    return data


def billion_laughs(levels: int = 10) -> bytes:
    ents = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]><rss version="2.0"><channel><title>&lol{levels - 1};'
        f"</title><item><title>t &lol{levels - 1};</title><description>&lol{levels - 1}; text"
        "</description></item></channel></rss>"
    ).encode()


def quadratic_blowup(size: int = 20_000) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{"x" * size}">]><rss version="2.0"><channel>'
        f"<item><title>t</title><description>{'&a;' * size}</description></item></channel></rss>"
    ).encode()


def external_entity() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><item><title>t</title><description>&xxe; and more text'
        b"</description></item></channel></rss>"
    )


def check_feed(items: list[tuple[str, Article | ReadError]], source: str, max_text: int) -> None:
    for got_source, item in items:
        assert got_source == source
        assert isinstance(item, Article | ReadError)
        if isinstance(item, ReadError):
            assert item.source.startswith(source) and item.message.strip(), item
        else:
            assert item.text.strip() and len(item.text.encode()) <= max_text
            assert "root:" not in item.text  # no file read through an external entity


@fuzz(0.8)
@given(st.one_of(feed_doc(), st.binary(max_size=300)))
@example(billion_laughs())
@example(quadratic_blowup())
@example(external_entity())
@example(b"<rss><channel><item><description>" + b"<b>" * 3000 + b"deep</description></item></channel></rss>")
@example(
    b'<rss version="2.0"><channel><title>&e;</title><item><description>&#x110000;</description></item>'
    b"</channel></rss>"
)  # was ValueError from feedparser's lenient parser: chr() arg not in range
@example(
    b'<rss version="2.0"><channel><item><pubDate>0000-00-00</pubDate><description>x</description></item>'
    b"</channel></rss>"
)  # was ValueError: feedparser gives the year -1, calendar.timegm refuses it
@example(
    b'<rss version="2.0"><channel><item><pubDate>9999-12-31T23:59:59-14:00</pubDate><description>x'
    b"</description></item></channel></rss>"
)
@example(
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title><p>x</p><\x00/title><content type="html">Gunmen'
    b" killed six.</content></entry></feed>"
)  # was TypeError: the lenient parser left the content's value None
def test_feeds_never_raise(body: bytes) -> None:
    reader = Reader(follow=False, max_bytes=100_000)
    started = time.monotonic()
    items = list(reader.feed("wire.rss", body))
    assert time.monotonic() - started < 10
    check_feed(items, "wire.rss", 100_000)


def test_entity_bombs_cost_neither_time_nor_memory() -> None:
    """Billion laughs (10 levels: 3 GB if expanded; padded to 1 MB it took 30 s and 700 MB
    before the DOCTYPE was dropped) and the quadratic blow-up (400 MB): no expansion into the
    articles, a second or two at most, little memory."""
    import tracemalloc

    reader = Reader(follow=False, max_bytes=100_000)
    list(
        reader.feed(
            "warm.rss",
            b'<rss version="2.0"><channel><item><description>Gunmen killed six.'
            b"</description></item></channel></rss>",
        )
    )  # loads the language model
    laughs = billion_laughs(12)
    padded = laughs.replace(b"<rss version", b"<!--" + b"p" * 1_000_000 + b"--><rss version")
    for body in (laughs, padded, quadratic_blowup(20_000)):
        started = time.monotonic()
        items = list(reader.feed("bomb.rss", body))
        elapsed = time.monotonic() - started
        assert elapsed < 5, elapsed
        tracemalloc.start()  # again, measured (tracemalloc slows it down several times)
        list(reader.feed("bomb.rss", body))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 20 * len(body) + 10_000_000, peak
        check_feed(items, "bomb.rss", 100_000)
        for _, item in items:
            if isinstance(item, Article):
                assert "lol" * 100 not in item.text and "x" * 100_000 not in item.text


@fuzz(0.2)
@given(st.one_of(feed_doc(), st.binary(max_size=200)), st.sampled_from([".rss", ".atom", ".xml"]))
def test_feed_files_never_raise(body: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"feed{suffix}"
        path.write_bytes(body)
        items = list(Reader(follow=False, max_bytes=100_000)([str(path)]))
    check_feed(items, str(path), 100_000)
    if not re.search(rb"<(rss|feed|rdf:rdf)[\s>]", body[:2048].lstrip().lower()):
        assert [str(i) for _, i in items] == [f"{path}: not an RSS/Atom feed (not XML)"]
