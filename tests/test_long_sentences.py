"""A "sentence" of a million characters (issue 17): cut into pieces spaCy takes, never an error."""

from __future__ import annotations

from conflictwire.extract.nlp import MAX_SENTENCE, split_sentences
from conflictwire.models import Article
from conflictwire.store.ingestion import get_extractor

MILLION = ("Gunmen killed five villagers near Mopti and " * 23_000)[:1_000_001]


def test_a_long_sentence_is_cut_into_pieces_that_keep_their_offsets():
    text = "Fighting was reported in Gao. " + MILLION + ". Calm returned on Monday."
    sentences = split_sentences(text)
    assert max(len(s.text) for s in sentences) <= MAX_SENTENCE
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert sum(len(s.text) for s in sentences) >= len(MILLION) - len(sentences)  # nothing dropped but spaces
    assert sentences[0].text == "Fighting was reported in Gao."
    assert sentences[-1].text == "Calm returned on Monday."


def test_a_million_character_sentence_is_extracted_without_error():
    events = get_extractor().extract_article(Article(id="long", text=MILLION, language="en"))
    assert isinstance(events, list)
