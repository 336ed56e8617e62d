"""Text all in capitals or all in lower case is read as well as mixed case (issue 13, item 8)."""

import pytest

from conflictwire.extract.pipeline import Extractor
from conflictwire.extract.truecase import needs_truecasing, truecase
from conflictwire.models import Article

REPORT = ("Police opened fire on protesters in Lahore on Tuesday, killing two people, witnesses said. "
          "The protesters had blocked the main road to the airport.")


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def test_only_one_case_text_is_truecased():
    assert needs_truecasing(REPORT.upper()) and needs_truecasing(REPORT.lower())
    assert not needs_truecasing(REPORT)
    assert not needs_truecasing("UN SAYS")  # too short to tell a style from a headline


def test_names_and_sentence_starts_get_their_capitals_back_offsets_kept(extractor):
    restored = truecase(REPORT.upper(), extractor.kb, extractor.geocoder.gazetteer, "en")
    assert len(restored) == len(REPORT)
    assert restored.startswith("Police opened fire on protesters in Lahore on Tuesday")
    assert " The protesters" in restored


@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_one_case_copy_gives_the_mixed_case_record(extractor, case):
    def coded(text):
        article = Article(id="t", text=text, published="2025-04-10", language="en")
        return [(e.event_type, e.sub_event_type, e.location.name, e.fatalities, e.event_date,
                 e.actor1.name) for e in extractor.extract_batch([article])]

    expected = coded(REPORT)
    assert expected and coded(case(REPORT)) == expected


def test_evidence_quotes_the_text_as_it_came(extractor):
    text = REPORT.upper()
    event = extractor.extract_batch([Article(id="t", text=text, published="2025-04-10", language="en")])[0]
    assert all(ev.text == text[ev.start : ev.end] and ev.text.isupper() for ev in event.evidence)


def test_hard_wrapped_lines_are_one_paragraph(extractor):
    wrapped = ("Gunmen killed seven villagers in an attack on the village of\n"
               "Kadji, in Niger's Tillaberi region, on Tuesday, local officials\n"
               "said.")
    event = extractor.extract_batch([Article(id="t", text=wrapped, published="2025-04-10",
                                             language="en")])[0]
    assert event.fatalities == 7 and event.location.iso3 == "NER"


def test_a_language_it_does_not_read_is_named():
    article = Article(id="es", text="Hombres armados mataron a cinco personas en una aldea el lunes.",
                      published="2025-04-10")
    assert Extractor.unsupported(article) == "language 'es' is not supported; English and French are"
    assert Extractor.unsupported(article.model_copy(update={"language": "fr"})) is None


def test_a_batch_reports_the_article_it_does_not_read_and_codes_the_rest():
    from conflictwire.extract.parallel import Serial, extract_batch

    spanish = Article(id="es", text="Hombres armados mataron a cinco personas en una aldea el lunes.",
                      published="2025-04-10")
    english = Article(id="en", text=REPORT, published="2025-04-10", language="en")
    events, failed = extract_batch([spanish, english], Serial())
    assert [(a.id, why) for a, why in failed] == [
        ("es", "language 'es' is not supported; English and French are")]
    assert events and all(e.article_ids == ["en"] for e in events)
