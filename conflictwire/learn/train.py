"""Learn a model directory from files of coded events."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from ..extract.actors import ActorKB
from ..extract.learned.actors import learn_actors, save_actors
from ..extract.learned.blend import Blender
from ..extract.learned.classifier import TypeClassifier
from ..extract.learned.model import ModelInfo, info_json
from ..extract.learned.places import learn_places, save_places
from ..extract.learned.records import CodedEvent, RowError, read_coded
from ..extract.learned.sources import learn_sources, save_sources
from ..extract.learned.victims import learn_victims, save_victims
from .blend import BlendFit, fit_blend


def _held_out(e: CodedEvent) -> bool:
    """A stable tenth of the events, whatever order the files are in."""
    return zlib.crc32(f"{e.source.rsplit(':', 1)[0].rsplit('/', 1)[-1]}{e.notes}".encode()) % 10 == 0


def _accuracy(classifier: TypeClassifier, events: list[CodedEvent]) -> tuple[float | None, float | None]:
    if not events:
        return None, None
    typed = subtyped = 0
    for e in events:
        event_type, _, sub, _ = classifier.predict(e.notes)
        typed += event_type == e.event_type
        subtyped += sub == e.sub_event_type
    return round(typed / len(events), 3), round(subtyped / len(events), 3)


def learn(files: list[Path], folder: Path, until: date | None = None,
          report: Callable[[str], None] = print) -> tuple[ModelInfo, int]:
    """Read, learn and write `folder`; return what was learned and how many rows were bad."""
    started = time.monotonic()
    events: list[CodedEvent] = []
    bad = 0
    for path in files:
        for item in read_coded(path):
            if isinstance(item, RowError):
                bad += 1
                report(str(item))
            elif until is None or (item.event_date is not None and item.event_date <= until):
                events.append(item)
    folder.mkdir(parents=True, exist_ok=True)
    places = learn_places(events)
    save_places(places, folder)
    actors = learn_actors(events, ActorKB.load())
    save_actors(actors, folder)
    victims = learn_victims(events)
    save_victims(victims, folder)
    outlets = learn_sources(events)
    save_sources(outlets, folder)
    typed = [e for e in events if e.notes and e.sub_event_type]
    type_acc = sub_acc = None
    classifier = None
    if len({e.sub_event_type for e in typed}) >= 2:
        train = [e for e in typed if not _held_out(e)]
        held = [e for e in typed if _held_out(e)]
        if len({e.sub_event_type for e in train}) >= 2:
            type_acc, sub_acc = _accuracy(
                TypeClassifier.train([e.notes for e in train], [e.sub_event_type for e in train]), held)
        # the model in use learns from every note; the tenth only measured it
        classifier = TypeClassifier.train([e.notes for e in typed], [e.sub_event_type for e in typed])
        classifier.save(folder)
    else:
        (folder / TypeClassifier.FILE).unlink(missing_ok=True)
        (folder / TypeClassifier.VOCABULARY).unlink(missing_ok=True)
    blend = fit_blend(typed, places, actors, _held_out, report) if classifier else BlendFit(None)
    if blend.blender is not None:
        blend.blender.save(folder)
    else:
        (folder / Blender.FILE).unlink(missing_ok=True)
    info = ModelInfo(
        name=folder.name, created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        sources=[p.name for p in files], until=until.isoformat() if until else None, events=len(events),
        places=len(places), actors=len(actors), aliases=sum(len(a.aliases) for a in actors),
        classified=len(typed) if classifier else 0, type_accuracy=type_acc, sub_type_accuracy=sub_acc,
        blended=blend.blended, blend_accuracy=blend.accuracy, languages=blend.languages,
        victims=sum(len(subs) for subs in victims.values()), outlets=len(outlets),
        seconds=round(time.monotonic() - started, 1))
    (folder / "model.json").write_text(info_json(info), encoding="utf-8")
    return info, bad
