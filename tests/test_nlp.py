from conflictwire.nlp import split_sentences


def test_offsets_index_the_text():
    text = "KABUL, Aug. 26 (Reuters) - A bomb went off. U.S. officials said 12 died.\n\nGen. Smith spoke."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "KABUL, Aug. 26 (Reuters) - A bomb went off.",
        "U.S. officials said 12 died.",
        "Gen. Smith spoke.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_paragraphs_are_lines():
    sentences = split_sentences("First one. Second one.\nThird one.")
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_quotes_close_sentences():
    sentences = split_sentences('"We will not accept this," said Thet. « Ils tiraient. » Puis rien.')
    assert len(sentences) == 3


def test_empty_text():
    assert split_sentences("") == []
    assert split_sentences("\n\n  \n") == []
