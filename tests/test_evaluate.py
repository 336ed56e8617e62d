"""conflictwire.evaluate: unit tests on the repo's own gold fixture, and agreement with the
shared scorer (../shared/eval/score.py) when the shared folder is present."""

from __future__ import annotations

import copy
import importlib.util
import json
import random
from pathlib import Path

import pytest

from conflictwire.evaluate import compare, load_gold, score, story_tolls

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "fixtures" / "gold"
SAMPLES = REPO / "conflictwire" / "samples" / "reports.jsonl"
SHARED = REPO.parent / "shared"
SHARED_SCORER = SHARED / "eval" / "score.py"
SHARED_CORPUS = SHARED / "corpus" / "dev"


def as_prediction(aid: str, gold: dict, n: int) -> dict:
    """A predicted event record that gets everything of a gold event right."""
    names = [aliases[0] for aliases in gold["actors"]]
    return {
        "event_id": f"{aid}-{n}",
        "article_ids": [aid],
        "event_date": gold["event_date"],
        "event_type": gold["event_type"],
        "sub_event_type": gold["sub_event_type"],
        "actor1": {"name": names[0], "type": "State forces", "mentions": []} if names else None,
        "actor2": {"name": names[1], "type": "Civilians", "mentions": []}
        if len(names) > 1 else None,
        "assoc_actor_1": names[2:],
        "assoc_actor_2": [],
        "location": {"name": gold.get("location"), "iso3": gold["iso3"],
                     "latitude": gold["latitude"], "longitude": gold["longitude"]},
        "fatalities": gold["fatalities"],
    }


def perfect(docs: list[dict]) -> list[dict]:
    return [as_prediction(d["article"]["id"], g, i)
            for d in docs for i, g in enumerate(d["gold"]["events"])]


# --- the fixture -------------------------------------------------------------------------


def test_fixture_mirrors_the_samples():
    samples = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
    docs = load_gold([GOLD])
    assert sorted(s["id"] for s in samples) == [d["article"]["id"] for d in docs]
    by_id = {s["id"]: s for s in samples}
    for doc in docs:
        assert doc["article"] == by_id[doc["article"]["id"]]


def test_perfect_predictions_score_one():
    docs = load_gold([GOLD])
    result = score(docs, perfect(docs))
    assert result["articles"] == 6
    assert result["gold_events"] == result["pred_events"] == 5
    for key in ("detection_precision", "detection_recall", "detection_f1", "event_type_acc",
                "sub_event_type_acc", "date_acc", "location_acc_25km", "country_acc",
                "actor_recall", "all_actors_acc", "fatalities_acc", "full_record_f1"):
        assert result[key] == 1.0, key
    assert result["false_alarms_per_quiet_article"] == 0.0
    assert result["stories_merged"] == "0/0"
    assert result["_misses"] == []


def test_no_predictions():
    docs = load_gold([GOLD])
    result = score(docs, [])
    assert result["detection_precision"] is None
    assert result["detection_recall"] == 0.0
    assert result["detection_f1"] == 0.0
    assert result["actor_recall"] == 0.0
    assert result["event_type_acc"] is None
    assert len(result["_misses"]) == 5
    assert all(m[2] == "not found" for m in result["_misses"])


def test_false_alarm_on_quiet_report():
    docs = load_gold([GOLD])
    preds = perfect(docs)
    alarm = copy.deepcopy(preds[0])
    alarm["article_ids"] = ["sample-quiet-football"]
    result = score(docs, [*preds, alarm])
    assert result["false_alarms_per_quiet_article"] == 1.0
    assert result["detection_precision"] == round(5 / 6, 3)
    assert result["detection_recall"] == 1.0


def test_compatibility_rules():
    gold = load_gold([GOLD])[0]["gold"]["events"][0]  # Kutum, SDN, 2025-01-20
    pred = as_prediction("x", gold, 0)
    assert compare(gold, pred) is not None
    later = dict(pred, event_date="2025-01-24")
    assert compare(gold, later) is None  # 4 days apart
    near_day = compare(gold, dict(pred, event_date="2025-01-23"))
    assert near_day is not None and near_day["date"] is False
    abroad = copy.deepcopy(pred)
    abroad["location"].update(iso3="TCD", latitude=14.2, longitude=22.0)  # ~290 km west
    assert compare(gold, abroad) is None
    border = copy.deepcopy(pred)
    border["location"].update(iso3="TCD", latitude=14.2, longitude=23.5)  # ~125 km
    c = compare(gold, border)
    assert c is not None and c["country"] is False and c["near"] is False
    far = copy.deepcopy(pred)
    far["location"].update(latitude=19.0, longitude=30.0)  # same country, > 600 km
    assert compare(gold, far) is None
    no_coords = copy.deepcopy(pred)
    no_coords["location"].update(latitude=None, longitude=None)
    c = compare(gold, no_coords)
    assert c is not None and c["near"] is False and c["country"] is True


def test_actor_matching_and_weights():
    gold = load_gold([GOLD])[1]["gold"]["events"][0]  # Djibo IED, JNIM vs army
    pred = as_prediction("x", gold, 0)
    pred["actor1"] = {"name": "Jama'at Nusrat al-Islam wal-Muslimin (JNIM)", "type":
                      "Rebel group", "mentions": ["GSIM"]}
    pred["actor2"] = None
    c = compare(gold, pred)
    assert c["actors_found"] == 1 and c["actors_all"] is False
    pred["assoc_actor_1"] = ["Military Forces of Burkina Faso (2022-)"]
    assert compare(gold, pred)["actors_all"] is True


def test_story_toll_latest_report_lower_figure():
    def doc(aid, day, toll):
        return {"article": {"id": aid, "published": day},
                "gold": {"events": [{"event_type": "Battles", "sub_event_type": "Armed clash",
                                     "event_date": "2024-01-01", "actors": [["A"]],
                                     "iso3": "MLI", "latitude": 12.0, "longitude": -8.0,
                                     "fatalities": toll, "story": "s"}]}}
    docs = [doc("a", "2024-01-01", 5), doc("b", "2024-01-02", 9), doc("c", "2024-01-02", 7)]
    assert story_tolls(docs) == {"s": 7}
    merged = as_prediction("a", docs[0]["gold"]["events"][0], 0)
    merged["article_ids"] = ["a", "b", "c"]
    merged["fatalities"] = 7
    result = score(docs, [merged])
    assert result["stories_merged"] == "1/1"
    assert result["fatalities_acc"] == 1.0  # 7 is right for every report of the story
    assert result["detection_precision"] == 1.0  # one prediction counted in each article
    assert result["pred_events"] == 3


# --- agreement with the shared scorer ---------------------------------------------------


def _shared_scorer():
    if not SHARED_SCORER.is_file():
        pytest.skip(f"shared scorer not found at {SHARED_SCORER} (../shared is absent)")
    spec = importlib.util.spec_from_file_location("shared_score", SHARED_SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def perturbed(docs: list[dict], seed: int) -> list[dict]:
    """Copies of the gold events, damaged at random, plus false events."""
    rng = random.Random(seed)
    preds = []
    ids = [d["article"]["id"] for d in docs]
    stories: dict[str, set[str]] = {}
    for doc in docs:
        for gold in doc["gold"]["events"]:
            if gold.get("story"):
                stories.setdefault(gold["story"], set()).add(doc["article"]["id"])
    for doc in docs:
        aid = doc["article"]["id"]
        for i, gold in enumerate(doc["gold"]["events"]):
            if rng.random() < 0.1:
                continue  # missed
            p = as_prediction(aid, gold, i)
            if rng.random() < 0.3 and p["event_date"]:
                day = int(p["event_date"][8:10])
                shift = rng.choice([-5, -4, -3, -1, 1, 2, 3, 4])
                p["event_date"] = f"{p['event_date'][:8]}{max(1, min(28, day + shift)):02d}"
            if rng.random() < 0.1:
                p["event_date"] = None
            if rng.random() < 0.35:
                loc = p["location"]
                loc["latitude"] += rng.choice([0.1, 0.3, 1.0, 2.0, 6.0])
                loc["longitude"] -= rng.choice([0.0, 0.2, 1.5])
            if rng.random() < 0.1:
                p["location"].update(latitude=None, longitude=None)
            if rng.random() < 0.15:
                p["location"]["iso3"] = rng.choice(["NER", "MLI", "XXX", None])
            if rng.random() < 0.3:
                p["actor2"] = None
            if rng.random() < 0.2:
                p["actor1"] = {"name": rng.choice(["Unidentified Armed Group", "Gunmen",
                                                   "al Shabab", "JNIM"]),
                               "type": "Rebel group", "mentions": ["armed men"]}
            if rng.random() < 0.3:
                p["fatalities"] = p["fatalities"] + rng.choice([1, 2, 10])
            if rng.random() < 0.2:
                p["event_type"] = "Battles"
                p["sub_event_type"] = "Armed clash"
            if gold.get("story") and rng.random() < 0.6:
                p["article_ids"] = sorted(stories[gold["story"]])  # merged
            elif rng.random() < 0.05:
                p["article_ids"] = sorted({aid, *rng.sample(ids, 2)})  # wrongly merged
            preds.append(p)
            if rng.random() < 0.15:
                preds.append(copy.deepcopy(p))  # counted twice
        for _ in range(rng.choice([0, 0, 0, 1, 2])):  # false events
            preds.append({
                "article_ids": [aid], "event_date": doc["article"].get("published"),
                "event_type": "Violence against civilians", "sub_event_type": "Attack",
                "actor1": {"name": "Civilians", "type": "Civilians", "mentions": []},
                "location": {"iso3": rng.choice(["MLI", "NGA", "SOM", "AFG"]),
                             "latitude": rng.uniform(-5, 35), "longitude": rng.uniform(-10, 70)},
                "fatalities": rng.choice([0, 1, 3]),
            })
    return preds


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_agrees_with_shared_scorer(seed):
    shared = _shared_scorer()
    folders = [GOLD]
    if SHARED_CORPUS.is_dir():
        folders.append(SHARED_CORPUS)
    docs = load_gold(folders)
    assert docs == shared.load_corpus(folders)
    preds = perturbed(docs, seed)
    ours = score(docs, copy.deepcopy(preds))
    theirs = shared.score(docs, copy.deepcopy(preds))
    assert ours == theirs


def test_agrees_with_shared_scorer_on_edges():
    shared = _shared_scorer()
    docs = load_gold([GOLD])
    for preds in ([], perfect(docs), perfect(docs)[:2] + perturbed(docs, 9)):
        assert score(docs, preds) == shared.score(docs, preds)
