"""conflictwire.extract.read: every kind of bad input is reported with its file and line, and the good
reports of the same batch still come through."""

from __future__ import annotations

import io
import json
import logging
from datetime import date
from pathlib import Path

import pytest

from conflictwire.extract.read import read_sources
from conflictwire.models import Article, ReadError

EN = "Gunmen attacked a village near Ouallam on Sunday, killing six civilians, officials said."
FR = "Des hommes armés ont attaqué dimanche un village près de Ouallam, tuant six civils."
SAMPLES = Path(__file__).resolve().parents[1] / "conflictwire" / "samples" / "reports.jsonl"


def read(paths, **kwargs) -> tuple[list[Article], list[ReadError]]:
    items = list(read_sources([str(p) for p in paths], **kwargs))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert len(articles) + len(errors) == len(items)
    return articles, errors


def jsonl(path: Path, *records) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good(n: int, **extra) -> dict:
    return {"id": f"a{n}", "text": EN, **extra}


def only_error(errors: list[ReadError], source: Path, line: int | None) -> ReadError:
    assert len(errors) == 1, errors
    err = errors[0]
    assert err.source == str(source)
    assert err.line == line
    return err


# --- JSON Lines --------------------------------------------------------------------------


def test_good_jsonl(tmp_path):
    path = jsonl(tmp_path / "a.jsonl",
                 good(1, title="T", published="2025-03-18", source="AFP", url="u"),
                 {"id": "a2", "text": FR, "published": "2025-03-18T10:30:00Z"})
    articles, errors = read([path])
    assert errors == []
    assert [a.id for a in articles] == ["a1", "a2"]
    assert articles[0].published == date(2025, 3, 18) and articles[0].title == "T"
    assert articles[1].published == date(2025, 3, 18)


def test_malformed_json_line(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", good(1), '{"id": "a2", "text": "broken', good(3))
    articles, errors = read([path])
    err = only_error(errors, path, 2)
    assert "not valid JSON" in err.message
    assert f"{path}:2" in str(err)
    assert [a.id for a in articles] == ["a1", "a3"]


def test_line_that_is_not_an_object(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", good(1), "[1, 2]", good(3))
    articles, errors = read([path])
    assert "expected a JSON object" in only_error(errors, path, 2).message
    assert len(articles) == 2


@pytest.mark.parametrize(("record", "words"), [
    ({"text": EN}, "'id'"),
    ({"id": "", "text": EN}, "'id'"),
    ({"id": "x"}, "missing 'text'"),
    ({"id": "x", "text": ""}, "empty text"),
    ({"id": "x", "text": "   \n "}, "empty text"),
    ({"id": "x", "text": 42}, "not a string"),
])
def test_missing_id_or_text(tmp_path, record, words):
    path = jsonl(tmp_path / "a.jsonl", good(1), good(2), record, good(4))
    articles, errors = read([path])
    assert words in only_error(errors, path, 3).message
    assert [a.id for a in articles] == ["a1", "a2", "a4"]


def test_unparseable_published(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", good(1, published="last Tuesday"), good(2))
    articles, errors = read([path])
    err = only_error(errors, path, 1)
    assert "published" in err.message and "last Tuesday" in err.message
    assert [a.id for a in articles] == ["a2"]


def test_published_override(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", good(1, published="not a date"), good(2),
                 good(3, published="2020-01-01"))
    articles, errors = read([path], published=date(2025, 1, 22))
    assert errors == []
    assert [a.published for a in articles] == [date(2025, 1, 22)] * 3


def test_blank_lines_are_skipped_but_counted(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", good(1), "", "   ", "{bad")
    articles, errors = read([path])
    assert only_error(errors, path, 4)
    assert len(articles) == 1


def test_duplicate_id(tmp_path):
    first = jsonl(tmp_path / "a.jsonl", good(1), good(2))
    second = jsonl(tmp_path / "b.jsonl", good(3), good(1, text=FR))
    articles, errors = read([first, second])
    err = only_error(errors, second, 2)
    assert "duplicate id 'a1'" in err.message and f"{first}:1" in err.message
    assert [a.id for a in articles] == ["a1", "a2", "a3"]
    assert articles[0].text == EN  # the first one is kept


def test_oversized_article_is_skipped(tmp_path):
    huge = "Lorem ipsum dolor sit amet. " * (5 * 1024 * 1024 // 28 + 1)  # ~5 MB
    path = jsonl(tmp_path / "a.jsonl", good(1), {"id": "big", "text": huge}, good(3))
    articles, errors = read([path])
    err = only_error(errors, path, 2)
    assert "'big'" in err.message and "5.0 MB" in err.message and "2.0 MB" in err.message
    assert [a.id for a in articles] == ["a1", "a3"]


def test_oversized_text_file(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("word " * (1024 * 1024 + 10), encoding="utf-8")  # 5 MB
    ok = tmp_path / "ok.txt"
    ok.write_text(EN, encoding="utf-8")
    articles, errors = read([path, ok])
    assert "over the 2.0 MB limit" in only_error(errors, path, None).message
    assert [a.id for a in articles] == ["ok"]


def test_overlong_line_is_skipped_without_parsing(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", good(1), "x" * 9000, good(3))
    articles, errors = read([path], max_bytes=1000)
    assert "line longer than" in only_error(errors, path, 2).message
    assert [a.id for a in articles] == ["a1", "a3"]


def test_empty_files(tmp_path):
    for name in ("empty.jsonl", "empty.txt", "empty.json", "empty.html"):
        (tmp_path / name).write_bytes(b"")
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n", encoding="utf-8")
    ok = jsonl(tmp_path / "ok.jsonl", good(1))
    articles, errors = read([tmp_path / "empty.jsonl", tmp_path / "empty.txt",
                             tmp_path / "empty.json", tmp_path / "empty.html", blank, ok])
    assert [(e.source, e.line) for e in errors] == [
        (str(tmp_path / n), None)
        for n in ("empty.jsonl", "empty.txt", "empty.json", "empty.html", "blank.jsonl")
    ]
    assert all("empty" in e.message for e in errors)
    assert [a.id for a in articles] == ["a1"]


def test_binary_files(tmp_path):
    garbage = bytes(range(256)) * 40
    for name in ("garbage.jsonl", "garbage.txt", "garbage.json", "garbage.html"):
        (tmp_path / name).write_bytes(garbage)
    no_nul = tmp_path / "controls.txt"
    no_nul.write_bytes(bytes(b for b in range(1, 32) if b not in (9, 10, 12, 13)) * 50)
    jsonl(tmp_path / "ok.jsonl", good(1))
    articles, errors = read(sorted(tmp_path.iterdir()))
    assert sorted(e.source for e in errors) == sorted(
        str(tmp_path / n) for n in ("garbage.jsonl", "garbage.txt", "garbage.json",
                                    "garbage.html", "controls.txt"))
    assert all("binary" in e.message and e.line is None for e in errors)
    assert [a.id for a in articles] == ["a1"]


def test_nul_byte_in_one_line(tmp_path):
    path = tmp_path / "a.jsonl"
    head = (json.dumps(good(1)) + "\n").encode() * 300  # past the 8 KiB sniffed for binary
    path.write_bytes(head.replace(b'"a1"', b'"b1"', 1)
                     + b'{"id": "n", "text": "x\x00y"}\n' + json.dumps(good(2)).encode() + b"\n")
    articles, errors = read([path])
    dupes = [e for e in errors if "duplicate" in e.message]
    assert len(dupes) == 298  # the same line repeated: reported, not read twice
    nul = [e for e in errors if "NUL" in e.message]
    assert [(e.source, e.line) for e in nul] == [(str(path), 301)]
    assert [a.id for a in articles] == ["b1", "a1", "a2"]


def test_latin1_text_is_read_with_a_warning(tmp_path, caplog):
    path = tmp_path / "lat.txt"
    path.write_bytes(FR.encode("latin-1"))
    cp = jsonl(tmp_path / "ok.jsonl", good(1))
    with caplog.at_level(logging.WARNING, logger="conflictwire.extract.read"):
        articles, errors = read([path, cp])
    assert errors == []
    assert articles[0].id == "lat" and articles[0].text == FR
    assert articles[0].language == "fr"
    assert any("not UTF-8" in r.getMessage() and "lat.txt" in r.getMessage()
               for r in caplog.records)


def test_latin1_line_in_jsonl(tmp_path, caplog):
    path = tmp_path / "a.jsonl"
    line = json.dumps({"id": "fr", "text": FR + " “guillemets”"}, ensure_ascii=False)
    path.write_bytes(json.dumps(good(1)).encode() + b"\n" + line.encode("cp1252") + b"\n")
    with caplog.at_level(logging.WARNING, logger="conflictwire.extract.read"):
        articles, errors = read([path])
    assert errors == []
    assert articles[1].text == FR + " “guillemets”"
    assert any(f"{path}:2" in r.getMessage() for r in caplog.records)


def test_utf8_bom(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(good(1)).encode() + b"\n")
    articles, errors = read([path])
    assert errors == [] and articles[0].id == "a1"


# --- paths -------------------------------------------------------------------------------


def test_missing_path(tmp_path):
    ok = jsonl(tmp_path / "ok.jsonl", good(1))
    articles, errors = read([tmp_path / "nope.jsonl", ok])
    assert "no such file" in only_error(errors, tmp_path / "nope.jsonl", None).message
    assert len(articles) == 1


def test_unsupported_extension(tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    ok = jsonl(tmp_path / "ok.jsonl", good(1))
    articles, errors = read([pdf, ok])
    err = only_error(errors, pdf, None)
    assert "'.pdf'" in err.message and ".jsonl" in err.message
    assert len(articles) == 1


def test_folder_recursive_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / "b" / "one.txt").write_text(EN, encoding="utf-8")
    jsonl(tmp_path / "a" / "deep" / "x.jsonl", good(1), good(2))
    (tmp_path / "a" / "z.txt").write_text(FR, encoding="utf-8")
    (tmp_path / "a" / "notes.pdf").write_bytes(b"%PDF")  # not ours: named and skipped
    (tmp_path / "b" / "brief.docx").write_bytes(b"PK")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text(EN, encoding="utf-8")
    (tmp_path / ".hidden" / "h.pdf").write_bytes(b"%PDF")  # hidden: not even named
    articles, errors = read([tmp_path])
    assert [(Path(e.source).name, "unsupported file type" in e.message and "skipped" in e.message)
            for e in errors] == [("notes.pdf", True), ("brief.docx", True)]
    assert [a.id for a in articles] == ["a1", "a2", "z", "one"]
    assert [a.language for a in articles] == ["en", "en", "fr", "en"]


def test_stdin(tmp_path):
    stdin = io.StringIO(json.dumps(good(1)) + "\nnope\n" + json.dumps(good(2)) + "\n")
    articles, errors = read(["-"], stdin=stdin)
    err = only_error(errors, Path("<stdin>"), 2)
    assert "not valid JSON" in err.message
    assert [a.id for a in articles] == ["a1", "a2"]


def test_streams_lazily():
    consumed = []

    def lines():
        for n in range(1, 1000):
            consumed.append(n)
            yield json.dumps(good(n)) + "\n"

    stream = read_sources(["-"], stdin=lines())
    first = next(stream)
    assert isinstance(first, Article) and first.id == "a1"
    assert len(consumed) == 1


# --- .json, .txt, .html ------------------------------------------------------------------


def test_json_document_list_object_and_lines(tmp_path):
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([good(1), {"id": "bad"}, good(3)], indent=2), encoding="utf-8")
    single = tmp_path / "single.json"
    single.write_text(json.dumps(good(4), indent=2), encoding="utf-8")
    lines = jsonl(tmp_path / "lines.json", good(5), "{oops", good(6))
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"id": "q",\n  "text": }\n]', encoding="utf-8")
    articles, errors = read([listed, single, lines, broken])
    assert [a.id for a in articles] == ["a1", "a3", "a4", "a5", "a6"]
    assert [(e.source, e.line) for e in errors] == [
        (str(listed), None), (str(lines), 2), (str(broken), 3)]
    assert errors[0].message.startswith("item 2: ")


def test_txt_article(tmp_path):
    path = tmp_path / "niger-attack.txt"
    path.write_text(EN + "\n\n" + EN + "\r\n", encoding="utf-8")
    articles, errors = read([path], published=date(2025, 3, 18))
    assert errors == []
    (article,) = articles
    assert article.id == "niger-attack"
    assert article.text.startswith(EN) and "\r" not in article.text
    assert article.published == date(2025, 3, 18)
    assert article.language == "en"


HTML = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<title>Burkina Faso : quatre soldats tués près de Djibo</title>
<meta property="article:published_time" content="2025-09-10T08:00:00Z">
<script>var tracker = "SECRET_SCRIPT_TEXT"; window.dataLayer = [];</script>
<style>body { color: SECRET_STYLE; }</style>
</head><body>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">NAVMONDE</a></li>
<li><a href="/sport">NAVSPORT</a></li><li><a href="/abonnement">S'abonner</a></li></ul></nav>
</header>
<main><article>
<h1>Burkina Faso : quatre soldats tués près de Djibo</h1>
<p>Quatre soldats burkinabè ont été tués mardi par l'explosion d'un engin explosif improvisé
au passage de leur véhicule, à une quinzaine de kilomètres au sud de Djibo, dans la province
du Soum, a-t-on appris mercredi de sources sécuritaires.</p>
<script>document.write("SECRET_INLINE_SCRIPT");</script>
<p>Le véhicule escortait un convoi de ravitaillement à destination de Djibo. Trois autres
militaires ont été blessés et évacués par hélicoptère vers Ouagadougou, selon une source
sécuritaire. Le convoi a pu rejoindre la ville dans l'après-midi.</p>
</article></main>
<aside><h3>À lire aussi</h3><ul><li><a href="/x">ASIDELINK une autre histoire</a></li></ul>
</aside>
<footer><p>FOOTERTEXT © 2025 Journal. Tous droits réservés.</p></footer>
</body></html>
"""


def test_html_article(tmp_path):
    path = tmp_path / "djibo.html"
    path.write_text(HTML, encoding="utf-8")
    articles, errors = read([path])
    assert errors == []
    (article,) = articles
    assert article.id == "djibo"
    assert article.title == "Burkina Faso : quatre soldats tués près de Djibo"
    assert "Quatre soldats burkinabè ont été tués mardi" in article.text
    assert "Trois autres" in article.text
    for junk in ("SECRET", "NAVMONDE", "NAVSPORT", "FOOTERTEXT", "ASIDELINK", "S'abonner"):
        assert junk not in article.text
    assert not article.text.startswith("Burkina Faso :")  # the headline is the title
    assert article.published == date(2025, 9, 10)
    assert article.language == "fr"


def test_short_html_page_falls_back(tmp_path):
    path = tmp_path / "short.htm"
    path.write_text("<html><head><title>Brief</title><script>alert('SCRIPTY')</script></head>"
                    "<body><nav>Menu NAVI</nav><p>Police dispersed a protest in Nairobi.</p>"
                    "</body></html>", encoding="utf-8")
    articles, errors = read([path])
    assert errors == []
    assert articles[0].title == "Brief"
    assert "Police dispersed a protest in Nairobi." in articles[0].text
    assert "SCRIPTY" not in articles[0].text and "NAVI" not in articles[0].text


def test_html_without_text(tmp_path):
    path = tmp_path / "nothing.html"
    path.write_text("<html><head><title>x</title><script>var a=1;</script></head><body>"
                    "</body></html>", encoding="utf-8")
    ok = jsonl(tmp_path / "ok.jsonl", good(1))
    articles, errors = read([path, ok])
    assert "empty text" in only_error(errors, path, None).message
    assert len(articles) == 1


# --- language ----------------------------------------------------------------------------


def test_language_detected_or_kept(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", good(1), {"id": "f", "text": FR},
                 {"id": "k", "text": FR, "language": "FR "},
                 {"id": "es", "text": "Hombres armados atacaron el domingo un pueblo cerca "
                                      "de la frontera y mataron a seis civiles."})
    articles, errors = read([path])
    assert errors == []
    assert [a.language for a in articles] == ["en", "fr", "fr", "es"]


def test_samples_read_cleanly():
    articles, errors = read([SAMPLES])
    assert errors == []
    assert len(articles) == 6
    assert {a.language for a in articles} == {"en", "fr"}
    for article in articles:
        assert article.published and article.source and article.title
        assert 150 <= len(article.text.split()) <= 300


def test_published_override_as_string(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", good(1))
    articles, _ = read([path], published="2025-01-22")
    assert articles[0].published == date(2025, 1, 22)
    with pytest.raises(ValueError):
        read([path], published="someday")
