import pytest

from conflictwire.extract.nlp import agents, load_model, split_sentences


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
    text = '"We will not accept this," said Thet. « Ils tiraient. » Puis rien.'
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        '"We will not accept this," said Thet.',
        "« Ils tiraient. »",
        "Puis rien.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_empty_text():
    assert split_sentences("") == []
    assert split_sentences("\n\n  \n") == []


def test_models_multiply_with_numpy_on_one_thread_and_annotate_as_with_blis():
    """The extractor's pipeline does its matrix products with numpy (OpenBLAS, one thread),
    not BLIS, and annotates exactly as the pipeline spaCy loads by default."""
    import spacy
    from threadpoolctl import threadpool_info

    from conflictwire.extract.nlp import MODEL_PACKAGES, NEEDED, load_model

    nlp = load_model("en")
    for _name, component in nlp.components:
        model = getattr(component, "model", None)
        if hasattr(model, "walk"):
            assert all(not getattr(node.ops, "use_blis", False) for node in model.walk())
    assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {1}

    default = spacy.load(MODEL_PACKAGES["en"])
    assert any(getattr(node.ops, "use_blis", False)
               for node in default.get_pipe("ner").model.walk())  # the comparison is with BLIS
    texts = ["Gunmen killed 12 soldiers near Mopti on Tuesday, the army said.",
             "JNIM claimed the attack on the gendarmerie school in Faladie, Bamako.",
             "Police fired tear gas at protesters in Nairobi after the vote."]
    enabled = [name for name in default.pipe_names if name in NEEDED["en"]]
    with default.select_pipes(enable=enabled):
        expected = [[(t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]
                    for doc in default.pipe(texts)]
    got = [[(t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]
           for doc in nlp.pipe(texts)]
    assert got == expected


@pytest.mark.parametrize(("text", "verb", "agent", "done_to"), [
    # the subject of the first of two coordinated verbs acts in both
    ("Villagers in Kolda caught a man stealing goats and beat him with sticks.", "beat", "Villagers", True),
    # a passive names its agent after "by", and its subject is the one it was done to
    ("A driver was dragged from his car by a group of youths and stoned.", "stoned", "youths", True),
    ("The soldiers shot the prisoner.", "shot", "soldiers", True),
])
def test_the_parse_tells_who_did_a_deed(text, verb, agent, done_to):
    doc = load_model("en")(text)
    start = text.index(verb)
    found = agents(doc, [(start, start + len(verb))])
    assert found[start] == (text.index(agent), done_to)


def test_a_passive_without_by_tells_no_agent():
    text = "Two traders were killed near the market on Monday."
    start = text.index("killed")
    assert agents(load_model("en")(text), [(start, start + len("killed"))]) == {}
