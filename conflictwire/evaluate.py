"""Score extracted events against an annotated corpus.

The metrics are those of the shared scorer (``../shared/eval/score.py``), reimplemented here
with the same definitions so that ``tests/test_evaluate.py`` can hold them equal:

- Gold and predicted events are paired within each article (a prediction belongs to every
  article in its ``article_ids``). A pair is possible unless the two events are in different
  countries and more than 150 km apart (or the prediction has no coordinates), more than
  600 km apart at all, or more than 3 days apart when both dates are known.
- Each possible pair is weighted: 3 for the event type, 1 sub-event type, 2 date, 2 location
  within 25 km, 1 country, 1 per gold actor found, 1 fatalities. Pairs are taken greedily,
  heaviest first (ties in order of gold event, then prediction).
- A gold event's fatalities are right when the prediction gives its own figure or, for an
  event with a ``story``, the toll of the story's latest report (rule 8 of EVENTS.md: the
  latest publication day, the lower figure on the same day).
- An actor is found when a predicted name, mention or associated actor equals one of its
  accepted names after accent, case and punctuation folding, is 90% similar to one, or one
  holds the other as whole words (for names of four characters or more).

Gold documents are ``{"article": {...}, "gold": {"events": [...]}}`` files, one a report
(see the corpus README); predictions are event records as dicts (``Event.model_dump``).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

NEAR_KM = 25.0
COMPATIBLE_KM = 150.0
FAR_KM = 4 * COMPATIBLE_KM
COMPATIBLE_DAYS = 3
WEIGHTS = {"type": 3, "subtype": 1, "date": 2, "near": 2, "country": 1, "fatalities": 1}
_COUNTED = ("type", "subtype", "date", "near", "country", "fatalities", "actors_all")


def load_gold(dirs: list[Path]) -> list[dict]:
    """The annotated reports of each folder (its ``*.json`` files, sorted by name)."""
    docs: list[dict] = []
    for folder in dirs:
        for path in sorted(Path(folder).glob("*.json")):
            docs.append(json.loads(path.read_text(encoding="utf-8")))
    return docs


def load_predictions(path: Path) -> list[dict]:
    """Event records from a JSON Lines file (blank lines skipped; bad JSON raises)."""
    preds = []
    with Path(path).open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if line.strip():
                try:
                    preds.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path}:{lineno}: not JSON: {err}") from err
    return preds


# --- matching pieces ---------------------------------------------------------------------


def fold(name: str | None) -> str:
    """Lower case, no accents, no period suffix like "(2021-)", words of [a-z0-9] only."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"\(\d{4}-?\d{0,4}\)", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def actor_matches(name: str, aliases: Iterable[str]) -> bool:
    """Whether a predicted actor name is one of a gold actor's accepted names."""
    pred = fold(name)
    if not pred:
        return False
    for alias in aliases:
        gold = fold(alias)
        if not gold:
            continue
        if pred == gold or SequenceMatcher(None, pred, gold).ratio() >= 0.9:
            return True
        shorter, longer = sorted((pred, gold), key=len)
        if len(shorter) >= 4 and re.search(rf"\b{re.escape(shorter)}\b", longer):
            return True
    return False


def predicted_names(event: dict) -> list[str]:
    """Every actor name of a prediction: actors' names and mentions, associated actors."""
    names: list[str] = []
    for key in ("actor1", "actor2"):
        actor = event.get(key)
        if isinstance(actor, dict):
            names.append(actor.get("name") or "")
            names += actor.get("mentions") or []
        elif isinstance(actor, str):
            names.append(actor)
    for key in ("assoc_actor_1", "assoc_actor_2"):
        assoc = event.get(key) or []
        names += [assoc] if isinstance(assoc, str) else assoc
    return [n for n in names if n]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _where(event: dict) -> tuple[str | None, float | None, float | None]:
    loc = event.get("location") or {}
    try:
        return loc.get("iso3"), float(loc["latitude"]), float(loc["longitude"])
    except (KeyError, TypeError, ValueError):
        return loc.get("iso3"), None, None


def story_tolls(docs: list[dict]) -> dict[str, int]:
    """Each story's expected merged toll: the latest report's, the lower on the same day."""
    best: dict[str, tuple[tuple[str, int], int]] = {}
    for doc in docs:
        day = (doc["article"].get("published") or "")[:10]
        for gold in doc["gold"]["events"]:
            story = gold.get("story")
            if not story:
                continue
            rank = (day, -gold["fatalities"])
            if story not in best or rank > best[story][0]:
                best[story] = (rank, gold["fatalities"])
    return {story: toll for story, (_, toll) in best.items()}


def compare(gold: dict, pred: dict, story_toll: int | None = None) -> dict | None:
    """What pairing `gold` with `pred` gets right; None when they cannot be one event."""
    iso3, lat, lon = _where(pred)
    dist = None
    if lat is not None and lon is not None:
        dist = haversine_km(gold["latitude"], gold["longitude"], lat, lon)
    if iso3 != gold["iso3"] and (dist is None or dist > COMPATIBLE_KM):
        return None
    if dist is not None and dist > FAR_KM:
        return None
    gold_day, pred_day = _day(gold.get("event_date")), _day(pred.get("event_date"))
    if gold_day and pred_day and abs((gold_day - pred_day).days) > COMPATIBLE_DAYS:
        return None
    names = predicted_names(pred)
    found = sum(1 for aliases in gold["actors"] if any(actor_matches(n, aliases) for n in names))
    toll = pred.get("fatalities")
    return {
        "type": pred.get("event_type") == gold["event_type"],
        "subtype": pred.get("sub_event_type") == gold["sub_event_type"],
        "date": gold_day is not None and gold_day == pred_day,
        "near": dist is not None and dist <= NEAR_KM,
        "country": iso3 == gold["iso3"],
        "actors_found": found,
        "actors_all": found == len(gold["actors"]),
        "fatalities": isinstance(toll, int) and toll in (gold["fatalities"], story_toll),
    }


def pair_weight(c: dict) -> int:
    return sum(w * c[k] for k, w in WEIGHTS.items()) + c["actors_found"]


def _is_full(c: dict) -> bool:
    return bool(c["type"] and c["date"] and c["near"] and c["actors_all"] and c["fatalities"])


# --- the score ---------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _f1(precision: float | None, recall: float | None) -> float:
    if not (precision and recall):
        return 0.0
    return round(2 * precision * recall / (precision + recall), 3)


def score(docs: list[dict], preds: list[dict]) -> dict:
    """The scores of `preds` against the gold `docs` (same keys as the shared scorer)."""
    per_article: dict[str, list[dict]] = {}
    for pred in preds:
        for aid in pred.get("article_ids") or []:
            per_article.setdefault(aid, []).append(pred)
    tolls = story_tolls(docs)
    n = dict.fromkeys(("gold", "pred", "matched", "actors", "full", "quiet", "false_alarms"), 0)
    right = dict.fromkeys(_COUNTED, 0)
    misses: list[tuple] = []
    for doc in docs:
        aid = doc["article"]["id"]
        golds = doc["gold"]["events"]
        mine = per_article.get(aid, [])
        n["gold"] += len(golds)
        n["pred"] += len(mine)
        if not golds:
            n["quiet"] += 1
            n["false_alarms"] += len(mine)
        candidates = []
        for gi, gold in enumerate(golds):
            for pi, pred in enumerate(mine):
                c = compare(gold, pred, tolls.get(gold.get("story")))
                if c is not None:
                    candidates.append((pair_weight(c), gi, pi, c))
        candidates.sort(key=lambda cand: -cand[0])  # stable: ties keep (gold, pred) order
        paired_gold: set[int] = set()
        paired_pred: set[int] = set()
        for _, gi, pi, c in candidates:
            if gi in paired_gold or pi in paired_pred:
                continue
            paired_gold.add(gi)
            paired_pred.add(pi)
            n["matched"] += 1
            for key in _COUNTED:
                right[key] += c[key]
            n["actors"] += c["actors_found"]
            if _is_full(c):
                n["full"] += 1
            else:
                wrong = {k: v for k, v in c.items() if v is False}
                misses.append((aid, golds[gi]["event_type"], wrong))
        misses += [(aid, g["event_type"], "not found")
                   for gi, g in enumerate(golds) if gi not in paired_gold]

    multi = _multi_report_stories(docs)
    merged = sum(
        1 for ids in multi.values()
        if any(ids <= set(p.get("article_ids") or []) for p in preds)
    )
    gold_actors = sum(len(g["actors"]) for d in docs for g in d["gold"]["events"])
    precision = _ratio(n["matched"], n["pred"])
    recall = _ratio(n["matched"], n["gold"])
    matched = n["matched"]
    return {
        "articles": len(docs),
        "gold_events": n["gold"],
        "pred_events": n["pred"],
        "detection_precision": precision,
        "detection_recall": recall,
        "detection_f1": _f1(precision, recall),
        "event_type_acc": _ratio(right["type"], matched),
        "sub_event_type_acc": _ratio(right["subtype"], matched),
        "date_acc": _ratio(right["date"], matched),
        "location_acc_25km": _ratio(right["near"], matched),
        "country_acc": _ratio(right["country"], matched),
        "actor_recall": _ratio(n["actors"], gold_actors) if matched else 0.0,
        "all_actors_acc": _ratio(right["actors_all"], matched),
        "fatalities_acc": _ratio(right["fatalities"], matched),
        "full_record_f1": _f1(_ratio(n["full"], n["pred"]), _ratio(n["full"], n["gold"])),
        "false_alarms_per_quiet_article": _ratio(n["false_alarms"], n["quiet"]),
        "stories_merged": f"{merged}/{len(multi)}",
        "_misses": misses,
    }


def _multi_report_stories(docs: list[dict]) -> dict[str, set[str]]:
    """Stories told by more than one report: story -> the ids of its reports."""
    stories: dict[str, set[str]] = {}
    for doc in docs:
        for gold in doc["gold"]["events"]:
            if gold.get("story"):
                stories.setdefault(gold["story"], set()).add(doc["article"]["id"])
    return {story: ids for story, ids in stories.items() if len(ids) > 1}
