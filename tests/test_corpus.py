"""The annotated corpus (../shared/corpus/dev) as a quality floor.

Read by path, never copied: skipped where ../shared is absent. The floor is the one
issue 2 sets; a change that falls below it has broken something that generalises.
"""

import importlib.util
import json
from pathlib import Path

import pytest

from conflictwire.extract.pipeline import Extractor
from conflictwire.models import Article

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "dev"
SCORER = SHARED / "eval" / "score.py"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir() or not SCORER.is_file(),
                                reason="../shared/corpus/dev is not beside the repository")

FLOOR = {
    "detection_f1": 0.80,
    "event_type_acc": 0.85,
    "date_acc": 0.85,
    "location_acc_25km": 0.80,
    "actor_recall": 0.80,
    "fatalities_acc": 0.85,
}


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def _article(name):
    return Article.model_validate(json.loads((CORPUS / f"{name}.json").read_text("utf-8"))["article"])


def test_bamako_report_gives_one_event_with_its_claims(extractor):
    article = _article("dev-000")
    events = extractor.extract_batch([article])
    assert len(events) == 1
    event = events[0]
    assert str(event.event_date) == "2024-09-17"
    assert (event.event_type, event.sub_event_type) == ("Battles", "Armed clash")
    assert {event.actor1.name, event.actor2.name} == {
        "JNIM: Group for Support of Islam and Muslims", "Military Forces of Mali"}
    assert event.location.name == "Bamako" and event.location.iso3 == "MLI"
    assert (event.fatalities, event.injured) == (0, 2)
    kinds = {(c.kind, c.claimant) for c in event.claims}
    assert ("responsibility", "JNIM: Group for Support of Islam and Muslims") in kinds
    assert any("huge human and material losses" in c.text and c.kind == "casualties"
               for c in event.claims)
    assert any("under control" in c.text for c in event.claims)
    for ev in event.evidence:
        assert article.text[ev.start : ev.end] == ev.text
        assert "2012" not in ev.text and "coups" not in ev.text  # no background


def test_corpus_scores_stay_above_the_floor(extractor):
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    docs = scorer.load_corpus([CORPUS])
    articles = [Article.model_validate(d["article"]) for d in docs]
    preds = [e.model_dump(mode="json") for e in extractor.extract_batch(articles)]
    result = scorer.score(docs, preds)
    for metric, floor in FLOOR.items():
        assert result[metric] >= floor, (metric, result[metric])
    assert result["false_alarms_per_quiet_article"] <= 0.25
    merged, stories = result["stories_merged"].split("/")
    assert merged == stories
