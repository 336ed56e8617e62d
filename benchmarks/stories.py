#!/usr/bin/env python3
"""Multi-report stories: does the store merge reports of one event, and only those?

    python benchmarks/stories.py [--min-merged 0.9] [--verbose]

Each story is two reports written for this benchmark (English and French): a first report
and a follow-up of the same event — a revised toll, a coarser place, another name for the
same group, another outlet's wording — plus control pairs that are different events close
in place or time. Each pair is extracted by the real extractor and stored in a fresh SQLite
store in both arrival orders. Prints, per order, stories merged / not merged and controls
wrongly merged, and each miss. Exit 1 when the merged share is below --min-merged or any
control is merged.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Report:
    id: str
    published: str
    language: str
    source: str
    text: str


@dataclass(frozen=True)
class Story:
    name: str
    first: Report
    follow_up: Report
    same_event: bool = True  # False: a control, two different events


def r(ident: str, published: str, language: str, source: str, text: str) -> Report:
    return Report(ident, published, language, source, text)


STORIES = [
    Story("revised toll (en)",
          r("toll-1", "2024-03-11", "en", "Wire A",
            "BAMAKO, March 11 - Suspected jihadists killed four civilians in an attack on the village of "
            "Ouenkoro in central Mali on Sunday, local officials said."),
          r("toll-2", "2024-03-12", "en", "Wire A",
            "BAMAKO, March 12 - The toll of Sunday's attack by suspected jihadists on the village of "
            "Ouenkoro in central Mali has risen to nine civilians killed, a local official said on "
            "Tuesday.")),
    Story("revised toll (fr)",
          r("bilan-1", "2024-04-08", "fr", "Agence B",
            "OUAGADOUGOU, 8 avril - Des hommes armés ont tué six civils dimanche lors d'une attaque contre "
            "le village de Gorom-Gorom, dans le nord du Burkina Faso, selon des sources locales."),
          r("bilan-2", "2024-04-10", "fr", "Agence B",
            "OUAGADOUGOU, 10 avril - Le bilan de l'attaque de dimanche contre Gorom-Gorom, dans le nord du "
            "Burkina Faso, s'est alourdi à quatorze civils tués, ont indiqué mardi des sources locales.")),
    Story("coarser place (en)",
          r("place-1", "2024-05-06", "en", "Wire A",
            "MAIDUGURI, Nigeria, May 6 - Boko Haram fighters killed seven farmers in the village of Mafa in "
            "Borno State on Sunday, residents said."),
          r("place-2", "2024-05-06", "en", "Daily C",
            "Boko Haram fighters killed seven farmers in Borno State on Sunday, residents said, in the "
            "latest attack on people working their fields in northeast Nigeria.")),
    Story("coarser place (fr)",
          r("lieu-1", "2024-06-03", "fr", "Agence B",
            "NIAMEY, 3 juin - Des hommes armés ont tué cinq civils dimanche dans le village de Banibangou, "
            "dans la région de Tillabéri, dans l'ouest du Niger, selon des sources locales."),
          r("lieu-2", "2024-06-04", "fr", "Journal D",
            "NIAMEY, 4 juin - Cinq civils ont été tués dimanche par des hommes armés dans la région de "
            "Tillabéri, dans l'ouest du Niger, a-t-on appris de sources locales.")),
    Story("other name for the group (en)",
          r("name-1", "2024-07-15", "en", "Wire A",
            "MOGADISHU, July 15 - Al-Shabaab militants killed three soldiers in an attack on an army base in "
            "Afgoye, Somalia, on Sunday, a military officer said."),
          r("name-2", "2024-07-15", "en", "Daily C",
            "MOGADISHU, July 15 - Fighters of Harakat al-Shabaab al-Mujahideen killed three soldiers when "
            "they stormed an army base in Afgoye, Somalia, on Sunday, an officer said.")),
    Story("other name for the group (fr)",
          r("nom-1", "2024-08-12", "fr", "Agence B",
            "BAMAKO, 12 août - Le Groupe de soutien à l'islam et aux musulmans (JNIM) a tué huit soldats "
            "dimanche lors d'une attaque contre un poste de l'armée à Boulkessi, dans le centre du Mali, "
            "selon une source sécuritaire."),
          r("nom-2", "2024-08-12", "fr", "Journal D",
            "BAMAKO, 12 août - Des jihadistes du JNIM ont tué huit soldats maliens dimanche dans l'attaque "
            "d'un poste militaire à Boulkessi, dans le centre du Mali, a indiqué une source sécuritaire.")),
    Story("another outlet's wording (en)",
          r("word-1", "2024-09-02", "en", "Wire A",
            "KADUNA, Nigeria, Sept 2 - Gunmen killed twelve villagers in a raid on Kauru in Kaduna State on "
            "Sunday, police said."),
          r("word-2", "2024-09-02", "en", "Daily C",
            "Twelve villagers were shot dead when gunmen raided Kauru in Nigeria's Kaduna State on Sunday, "
            "a police spokesman told reporters.")),
    Story("another outlet's wording (fr)",
          r("mots-1", "2024-10-07", "fr", "Agence B",
            "OUAGADOUGOU, 7 octobre - Des hommes armés ont tué dix civils dimanche à Djibo, dans le nord du "
            "Burkina Faso, selon des habitants."),
          r("mots-2", "2024-10-08", "fr", "Journal D",
            "OUAGADOUGOU, 8 octobre - Dix civils ont péri dimanche à Djibo, dans le nord du Burkina Faso, "
            "sous les balles d'hommes armés, ont rapporté des habitants.")),
    Story("toll and place at once (en)",
          r("both-1", "2024-11-04", "en", "Wire A",
            "NIAMEY, Nov 4 - Suspected jihadists killed eleven soldiers in an ambush near Tillia in western "
            "Niger on Sunday, the defence ministry said."),
          r("both-2", "2024-11-06", "en", "Daily C",
            "NIAMEY, Nov 6 - The toll of Sunday's ambush on soldiers in Niger's Tahoua region has risen to "
            "thirty-seven killed, the defence ministry said on Tuesday.")),
    Story("statement day (fr)",
          r("jour-1", "2024-12-02", "fr", "Agence B",
            "BAMAKO, 2 décembre - Des hommes armés ont tué sept civils dimanche dans une attaque contre le "
            "marché de Diafarabé, dans le centre du Mali, selon des élus locaux."),
          r("jour-2", "2024-12-03", "fr", "Journal D",
            "BAMAKO, 3 décembre - Sept civils ont été tués dimanche lors de l'attaque du marché de "
            "Diafarabé, dans le centre du Mali, ont confirmé des élus locaux.")),
    # controls: different events, near in place or time
    Story("control: same town, a week apart (en)",
          r("ctl-1", "2024-03-11", "en", "Wire A",
            "KADUNA, Nigeria, March 11 - Gunmen killed five villagers in a raid on Kauru in Kaduna State on "
            "Sunday, police said."),
          r("ctl-2", "2024-03-19", "en", "Wire A",
            "KADUNA, Nigeria, March 19 - Gunmen killed three villagers in a raid on Kauru in Kaduna State on "
            "Monday, police said."),
          same_event=False),
    Story("control: same day, towns far apart (fr)",
          r("ctl-3", "2024-05-13", "fr", "Agence B",
            "OUAGADOUGOU, 13 mai - Des hommes armés ont tué six civils dimanche à Djibo, dans le nord du "
            "Burkina Faso, selon des habitants."),
          r("ctl-4", "2024-05-13", "fr", "Agence B",
            "OUAGADOUGOU, 13 mai - Des hommes armés ont tué quatre civils dimanche à Gaoua, dans le "
            "sud-ouest du Burkina Faso, selon des habitants."),
          same_event=False),
    Story("control: same day and region, other kind (en)",
          r("ctl-5", "2024-06-10", "en", "Wire A",
            "MOGADISHU, June 10 - Al-Shabaab militants killed four soldiers in an attack on an army base in "
            "Afgoye, Somalia, on Sunday, an officer said."),
          r("ctl-6", "2024-06-10", "en", "Wire A",
            "MOGADISHU, June 10 - Hundreds of traders protested peacefully in Afgoye, Somalia, on Sunday "
            "against new market taxes."),
          same_event=False),
]


def article(report: Report):
    from conflictwire.models import Article

    return Article(id=report.id, text=report.text, published=date.fromisoformat(report.published),
                   language=report.language, source=report.source)


def stored_together(story: Story, extracted: dict[str, list], first_first: bool, workdir: Path) -> bool:
    """Whether some stored event holds both reports after storing them in this order."""
    from conflictwire.store import Store

    pair = [story.first, story.follow_up] if first_first else [story.follow_up, story.first]
    with Store.open(workdir / f"{story.first.id}-{int(first_first)}.db") as store:
        for report in pair:
            store.add_article(article(report), extracted[report.id])
        ids = {story.first.id, story.follow_up.id}
        return any(ids <= set(e.article_ids) for e in store.events())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-merged", type=float, default=0.0, help="fail below this merged share")
    ap.add_argument("--verbose", action="store_true", help="show the events of each miss")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from conflictwire.extract.parallel import get_extractor

    extractor = get_extractor()
    reports = [x for s in STORIES for x in (s.first, s.follow_up)]
    extracted = {x.id: extractor.extract_article(article(x)) for x in reports}
    stories = [s for s in STORIES if s.same_event]
    controls = [s for s in STORIES if not s.same_event]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for first_first, label in ((True, "first report first"), (False, "follow-up first")):
            merged = [s for s in stories if stored_together(s, extracted, first_first, Path(tmp))]
            wrong = [s for s in controls if stored_together(s, extracted, first_first, Path(tmp))]
            share = len(merged) / len(stories)
            print(f"{label}: {len(merged)}/{len(stories)} stories merged ({share:.0%}), "
                  f"{len(stories) - len(merged)} not merged; "
                  f"{len(wrong)}/{len(controls)} controls wrongly merged")
            for s in (x for x in stories if x not in merged):
                unseen = [x.id for x in (s.first, s.follow_up) if not extracted[x.id]]
                why = f" (no event extracted from {', '.join(unseen)})" if unseen else ""
                print(f"  not merged: {s.name}{why}")
                if args.verbose:
                    for x in (s.first, s.follow_up):
                        print(f"    {x.id}: {'; '.join(e.model_dump_json() for e in extracted[x.id])}")
            for s in wrong:
                print(f"  wrongly merged: {s.name}")
            failed |= share < args.min_merged or bool(wrong)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
