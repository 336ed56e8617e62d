"""The learning step: reading coded events in ACLED's and UCDP's layouts, learning places,
actors and a type classifier into a model directory, and coding with it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conflictwire.cli import main
from conflictwire.extract.actors import ActorKB
from conflictwire.extract.classify import Involved
from conflictwire.extract.learned.actors import LearnedActor, learn_actors
from conflictwire.extract.learned.blend import Blender, features, guessed
from conflictwire.extract.learned.classifier import TypeClassifier
from conflictwire.extract.learned.model import LearnedModel, ModelInfo
from conflictwire.extract.learned.places import LearnedPlace, PlacesSupplement
from conflictwire.extract.learned.records import CodedEvent, RowError, read_coded
from conflictwire.extract.learned.sources import learn_sources
from conflictwire.extract.learned.victims import learn_victims, with_victims
from conflictwire.extract.places.gazetteer import Gazetteer
from conflictwire.extract.places.geocoder import Geocoder
from conflictwire.learn.blend import Coded, _fit
from conflictwire.models import Actor, Article, Event, Location

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "learn"


def _read(name: str) -> tuple[list[CodedEvent], list[RowError]]:
    items = list(read_coded(FIXTURES / name))
    return ([i for i in items if isinstance(i, CodedEvent)], [i for i in items if isinstance(i, RowError)])


# --- reading -------------------------------------------------------------------------------------

def test_current_acled_csv_rows_are_read_and_bad_rows_named_by_line():
    events, errors = _read("acled_current.csv")
    assert len(events) == 6
    first = events[0]
    assert (first.event_date, first.event_type, first.sub_event_type) == (date(2021, 3, 2), "Battles",
                                                                          "Armed clash")
    assert (first.iso3, first.location, first.admin2, first.inter1) == ("MLI", "Zorkoundi", "Douentza", 2)
    assert [str(e).split(": ")[0].rsplit(":", 1)[1] for e in errors] == ["7", "8", "9"]
    assert "not a date" in str(errors[0]) and "is not one of 'Battles'" in str(errors[1])
    assert "not numbers" in str(errors[2])


def test_older_upper_case_layout_maps_types_and_has_no_sub_types():
    events, errors = _read("acled_old.csv")
    assert [(e.event_type, e.sub_event_type) for e in events] == [("Battles", "Armed clash"), ("", "")]
    assert events[0].event_date == date(2009, 2, 14) and events[0].iso3 == "MLI"
    assert events[1].inter2 is None  # 0: no second actor
    assert len(errors) == 1 and "acled_old.csv:4" in str(errors[0]) and "Coup attempt" in str(errors[0])


def test_json_lines_with_acled_columns():
    events, errors = _read("acled.jsonl")
    assert [e.location for e in events] == ["Wassakou", "Tembelga"]
    assert events[1].assoc_actors == ["Teachers (Mali)"]
    assert [str(e).split(": ")[0] for e in errors] == [f"{FIXTURES / 'acled.jsonl'}:3",
                                                      f"{FIXTURES / 'acled.jsonl'}:4"]


def test_ucdp_ged_gives_places_and_actors_without_types():
    events, errors = _read("ucdp_ged.csv")
    assert len(events) == 2 and len(errors) == 1 and "where_prec" in str(errors[0])
    assert events[0].location == "Zorkoundi" and events[0].admin1 == "Mopti" and events[0].iso3 == "MLI"
    assert events[0].event_type == "" and events[1].actor2 == "Civilians" and events[1].inter2 == 7


def test_a_file_in_no_known_layout_is_one_clear_error(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    (error,) = list(read_coded(path))
    assert isinstance(error, RowError) and "other.csv:1" in str(error)


# --- the parts of a model ------------------------------------------------------------------------

NOTES = {
    "Armed clash": ["fighters clashed with soldiers near the village", "militants and troops exchanged fire",
                    "the army fought armed men for hours"],
    "Remote explosive/landmine/IED": ["a vehicle hit a landmine on the road",
                                      "an improvised explosive device exploded under a truck",
                                      "a roadside bomb struck a patrol"],
    "Peaceful protest": ["traders staged a peaceful march against taxes", "students demonstrated "
                         "peacefully in the capital", "women held a sit-in before the town hall"],
}


def _classifier() -> TypeClassifier:
    texts = [t for notes in NOTES.values() for t in notes for _ in range(2)]
    subs = [s for s, notes in NOTES.items() for _ in notes for _ in range(2)]
    return TypeClassifier.train(texts, subs)


def test_classifier_learns_types_from_notes_and_survives_saving(tmp_path):
    saved = _classifier()
    saved.save(tmp_path)
    loaded = TypeClassifier.load(tmp_path)
    assert loaded is not None
    event_type, p, sub, _ = loaded.predict("a landmine hit a vehicle")
    assert (event_type, sub) == ("Explosions/Remote violence", "Remote explosive/landmine/IED") and p > 0.34
    assert loaded.predict("students staged a march")[2] == "Peaceful protest"


def test_a_saved_classifier_codes_as_scikit_learn_would_without_importing_it(tmp_path):
    import subprocess
    import sys

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from conflictwire.extract.learned.classifier import prepare

    saved = _classifier()
    saved.save(tmp_path)
    loaded = TypeClassifier.load(tmp_path)
    assert loaded is not None
    reference = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, preprocessor=prepare,
                                vocabulary=loaded.vectors.vocabulary, dtype=np.float32)
    reference.idf_ = loaded.vectors.idf.astype(np.float32)
    texts = ["Gunmen attacked the village, and 12 traders were killed in the market.",
             "A roadside bomb struck an army patrol; a landmine hit a truck.", "Nothing of the kind."]
    for text, row in zip(texts, reference.transform(texts), strict=True):
        expected = (row @ loaded.weights)[0] + loaded.bias
        assert np.allclose([loaded.margins(text)[s] for s in loaded.labels], expected, atol=1e-5)
    code = ("import sys\nfrom pathlib import Path\n"
            "from conflictwire.extract.learned.classifier import TypeClassifier\n"
            f"c = TypeClassifier.load(Path({str(tmp_path)!r}))\n"
            "print(c.predict('a landmine hit a vehicle')[2], 'sklearn' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Remote", "explosive/landmine/IED", "False"]


def _model(tmp_path: Path, classifier: TypeClassifier | None, blender: Blender | None = None,
           languages: list[str] | None = None) -> LearnedModel:
    info = ModelInfo(name="t", created="2021-01-01T00:00:00Z", sources=["x.csv"], languages=languages)
    (tmp_path / "model.json").write_text(info.model_dump_json(), encoding="utf-8")
    return LearnedModel(tmp_path, info, [], [], classifier, blender)


def test_blend_keeps_the_codebook_precedence(tmp_path):
    model = _model(tmp_path, _classifier())
    protest = ["traders staged a peaceful march against taxes"]
    # means the rules found decide Explosions/Remote violence, whatever the words look like
    rules = ("Explosions/Remote violence", "Grenade")
    assert model.code(rules, protest, Involved())[0] == "Explosions/Remote violence"
    # two armed sides decide Battles
    assert model.code(("Battles", "Armed clash"), protest, Involved(armed_sides=2))[0] == "Battles"
    # elsewhere a confident classifier decides
    assert model.code(("Strategic developments", "Other"), protest, Involved()) == ("Protests",
                                                                                     "Peaceful protest")
    assert _model(tmp_path, None).code(rules, protest, Involved()) == rules


def test_blend_keeps_a_sub_type_the_report_named_and_riots(tmp_path):
    model = _model(tmp_path, _classifier())
    clash = ["fighters clashed with soldiers near the village"]
    # a sub-type read from the report decides; the classifier only refines the generic one
    assert model.code(("Battles", "Non-state actor overtakes territory"), clash, Involved()) == (
        "Battles", "Non-state actor overtakes territory")
    assert model.code(("Strategic developments", "Arrests"), clash, Involved())[0] == "Strategic developments"
    assert model.code(("Strategic developments", "Other"), clash, Involved()) == ("Battles", "Armed clash")
    # demonstrators' violence the rules read decides Riots, however peaceful the words look
    march = ["traders staged a peaceful march against taxes"]
    assert model.code(("Riots", "Violent demonstration"), march, Involved())[0] == "Riots"


CLASH, ATTACK = ("Battles", "Armed clash"), ("Violence against civilians", "Attack")


def _reads(sub: str) -> dict[str, float]:
    """Classifier margins that read a text as `sub`."""
    return {"Armed clash": -1.0, "Attack": -1.0, sub: 1.0}


def _coded(rules: tuple[str, str], gold: str, involved: Involved) -> Coded:
    event = CodedEvent(source="x.csv:2", event_type=SUB[gold], sub_event_type=gold, notes="n")
    return Coded(event, rules, "n", involved)


SUB = {"Armed clash": "Battles", "Attack": "Violence against civilians"}


def _learned_blend() -> Blender:
    """Coders who, where the rules guessed a clash between two armed sides, code what the
    classifier reads; and who keep the rules' attack on civilians whatever it reads."""
    two = Involved(armed_sides=2)
    cases = [(CLASH, "Attack", "Attack", two), (CLASH, "Armed clash", "Armed clash", two),
             (ATTACK, "Armed clash", "Attack", Involved(civilians_targeted=True)),
             (ATTACK, "Attack", "Attack", Involved(civilians_targeted=True))]
    coded = [_coded(rules, gold, involved) for rules, _, gold, involved in cases for _ in range(10)]
    margins = [_reads(reads) for _, reads, _, _ in cases for _ in range(10)]
    rows = [(i, features(m, c.rules, c.involved))
            for i, (m, c) in enumerate(zip(margins, coded, strict=True))]
    return _fit(rows, coded)


def test_blend_learns_from_the_coders_when_to_trust_the_rules_guess():
    blend = _learned_blend()
    two, civilians = Involved(armed_sides=2), Involved(civilians_targeted=True)
    assert blend.code(_reads("Attack"), CLASH, two) == ATTACK
    assert blend.code(_reads("Armed clash"), CLASH, two) == CLASH
    # the same reading of the classifier does not move an attack the coders kept
    assert blend.code(_reads("Armed clash"), ATTACK, civilians) == ATTACK


def test_blend_decides_only_the_rules_guesses_in_the_notes_languages(tmp_path):
    assert guessed(CLASH) and guessed(ATTACK)
    assert not guessed(("Explosions/Remote violence", "Grenade"))
    assert not guessed(("Violence against civilians", "Abduction/forced disappearance"))
    blend = _learned_blend()
    saved = tmp_path / "saved"
    saved.mkdir()
    blend.save(saved)
    shootings = ["gunmen shot dead villagers at a market", "armed men executed farmers in their fields",
                 "assailants killed civilians in their homes"]
    texts = NOTES["Armed clash"] + shootings
    classifier = TypeClassifier.train(texts * 2, ["Armed clash"] * 3 * 2 + ["Attack"] * 3 * 2)
    model = _model(tmp_path, classifier, Blender.load(saved), languages=["en"])
    two = Involved(armed_sides=2)
    shot = ["gunmen shot dead villagers in their fields"]
    assert model.code(CLASH, shot, two, "en") == ATTACK  # the rules guessed; the coders' blend decides
    named = ("Battles", "Non-state actor overtakes territory")
    assert model.code(named, shot, two, "en") == named  # the report named it
    remote = ("Explosions/Remote violence", "Air/drone strike")
    assert model.code(remote, shot, two, "en") == remote  # the report named the means
    assert model.code(CLASH, shot, two, "fr") == CLASH  # a language the notes were not in


def test_the_coders_word_for_an_event_the_rules_do_not_know_finds_it(tmp_path):
    """A report told in the coders' own words, which no event word of the rules matches: with
    the model the sentence is a candidate, coded as the coders would. (The word is invented,
    so that no lexicon of the rules will ever hold it.)"""
    from conflictwire.extract.pipeline import Extractor
    from conflictwire.models import Article

    killings = ["gunmen zarbled a village chief", "unknown men zarbled a teacher at home",
                "militants zarbled a councillor in the village", "armed men zarbled two herders"]
    texts = NOTES["Armed clash"] + NOTES["Peaceful protest"] + killings
    subs = ["Armed clash"] * 3 + ["Peaceful protest"] * 3 + ["Attack"] * 4
    model = _model(tmp_path, TypeClassifier.train(texts * 2, subs * 2), languages=["en"])
    text = "Unknown gunmen zarbled a village chief in Tembelga on Monday."
    ((trigger,), none) = model.triggers([text, "The minister met the governor on Monday."], "en")
    assert none == []
    assert (trigger.text, trigger.sub) == ("zarbled", "Attack")
    assert model.triggers([text], "fr") == [[]]  # not a language of the notes
    report = Article(id="r1", text=text, published=date(2021, 5, 4), language="en")
    assert Extractor().extract_article(report) == []  # the rules alone know no event word here
    (event,) = Extractor(model=model).extract_article(report)
    assert (event.event_type, event.sub_event_type) == ("Violence against civilians", "Attack")


def test_learned_place_ranks_above_a_namesake_elsewhere_in_the_country():
    gazetteer = Gazetteer.load()
    geocoder = Geocoder(gazetteer)
    namesake = geocoder.best("Kati", countries={"MLI": 1.0})
    assert namesake is not None
    lat, lon = namesake[0].latitude + 1.5, namesake[0].longitude + 1.5  # well away from it
    village = LearnedPlace(name="Kati", iso3="MLI", admin1="Mopti", admin2="Koro", latitude=lat,
                           longitude=lon, count=4)
    learned = PlacesSupplement(gazetteer, [village])
    best = Geocoder(learned).best("Kati", countries={"MLI": 1.0})
    assert best is not None and (best[0].latitude, best[0].longitude, best[0].admin2) == (lat, lon, "Koro")


def test_a_large_town_keeps_its_name_against_a_learned_village_far_from_it():
    gazetteer = Gazetteer.load()
    (town, _), *_ = Geocoder(gazetteer).candidates("Lekki", countries={"NGA": 1.0})
    assert town.population >= 100_000
    village = LearnedPlace(name="Lekki", iso3="NGA", admin1="Lagos", latitude=town.latitude,
                           longitude=town.longitude + 0.6, count=1)  # some 65 km east
    best = Geocoder(PlacesSupplement(gazetteer, [village])).best("Lekki", countries={"NGA": 1.0})
    assert best is not None and (best[0].latitude, best[0].longitude) == (town.latitude, town.longitude)


def test_a_learned_village_weighs_as_much_as_its_namesake_abroad_and_the_scene_decides():
    gazetteer = Gazetteer.load()
    (abroad, _), *_ = [(p, s) for p, s in Geocoder(gazetteer).candidates("Yoro") if p.iso3 == "HND"]
    village = LearnedPlace(name="Yoro", iso3="MLI", admin1="Mopti", latitude=14.3, longitude=-2.1, count=3)
    learned = PlacesSupplement(gazetteer, [village])
    geocoder = Geocoder(learned)
    best = geocoder.best("Yoro", countries={"MLI": 1.0})
    assert best is not None and (best[0].iso3, best[0].latitude) == ("MLI", 14.3)
    best = geocoder.best("Yoro", countries={"HND": 1.0})
    assert best is not None and best[0].iso3 == "HND"
    ours = next(p for p, _ in learned.match("Yoro") if p.iso3 == "MLI")
    assert ours.population >= abroad.population


def test_a_learned_spelling_is_not_a_town_abroad_known_by_it_only_as_another_name():
    gazetteer = Gazetteer.load()
    abroad = [(p.iso3, q) for p, q in gazetteer.match("Tiro")]
    assert ("LBN", 0.9) in abroad  # Tyre, Lebanon, of 135,000, has "Tiro" among its other names
    village = LearnedPlace(name="Tiro", iso3="BFA", admin1="Est", latitude=12.2, longitude=1.3, count=2)
    learned = PlacesSupplement(gazetteer, [village])
    assert "LBN" not in [p.iso3 for p, _ in learned.match("Tiro")]
    best = Geocoder(learned).best("Tiro")
    assert best is not None and (best[0].iso3, best[0].latitude) == ("BFA", 12.2)
    # a city known the world over by that other name stays a candidate
    bombay = PlacesSupplement(gazetteer, [LearnedPlace(name="Bombay", iso3="KEN", latitude=-1.0,
                                                       longitude=37.0)])
    assert "IND" in [p.iso3 for p, _ in bombay.match("Bombay")]


def test_a_town_a_later_sentence_names_again_is_not_a_new_event(tmp_path):
    """A learned place makes a town of the report known; a later sentence that names it with
    no day of its own ("one of the men arrested in Zorkoundi") goes back to the event there,
    not into one of its own on the day the story had reached."""
    from conflictwire.extract.pipeline import Extractor
    from conflictwire.models import Article

    village = LearnedPlace(name="Zorkoundi", iso3="MLI", admin1="Mopti", latitude=14.6, longitude=-3.9)
    info = ModelInfo(name="t", created="2021-01-01T00:00:00Z", sources=["x.csv"])
    (tmp_path / "model.json").write_text(info.model_dump_json(), encoding="utf-8")
    model = LearnedModel(tmp_path, info, [village], [], None)
    text = ("Soldiers arrested six suspected militants on Friday night in Zorkoundi, in the Mopti region, "
            "the army said on Monday. On Sunday, police arrested two other men at a checkpoint in Segou. "
            "The brother of one of the men arrested in Zorkoundi said he was a herder with no link to "
            "armed groups.")
    events = Extractor(model=model).extract_article(
        Article(id="r1", text=text, published=date(2023, 5, 15), language="en"))
    assert [(e.event_date, e.location.name if e.location else None) for e in events] == [
        (date(2023, 5, 12), "Zorkoundi"), (date(2023, 5, 14), "Ségou")]
    assert "The brother" in events[0].evidence[-1].text


def test_a_name_one_letter_from_a_learned_village_is_that_village():
    gazetteer = Gazetteer.load()
    village = LearnedPlace(name="Zorkoundiba", iso3="BFA", admin1="Est", latitude=11.9, longitude=1.2,
                           count=3)
    learned = PlacesSupplement(gazetteer, [village, LearnedPlace(name="Kora", iso3="BFA", latitude=12.0,
                                                                 longitude=1.0)])
    text = "On March 11, gunmen killed two traders at the market in Zorkoudiba."
    assert (56, 66, "Zorkoudiba") in learned.find_toponyms(text, countries=["BFA"])
    assert learned.find_toponyms(text, countries=["LBN"]) == []  # a report about another country
    ((place, quality),) = [(p, q) for p, q in learned.match("Zorkoudiba") if p.iso3 == "BFA"]
    assert (place.latitude, place.admin1) == (11.9, "Est") and quality < 0.9
    best = Geocoder(learned).best("Zorkoudiba")
    assert best is not None and best[0].latitude == 11.9
    assert learned.loosely("Zorkoundiba") == []  # its own name: the exact match
    assert learned.loosely("Zorkounbidaa") == []  # two letters off
    assert learned.loosely("Koro") == []  # short names one letter apart are other places


def test_a_remembered_match_is_the_same_and_a_callers_own():
    learned = PlacesSupplement(Gazetteer.load(), [LearnedPlace(name="Kati", iso3="MLI", latitude=14.2,
                                                               longitude=-2.5, count=4)])
    first = learned.match("Kati")
    first.clear()  # what a caller does with its list is its own
    again = learned.match("Kati")
    assert again and again == learned.match("Kati") and again[0][0].latitude == 14.2


def test_learned_place_unknown_to_the_gazetteer_is_found_in_text():
    gazetteer = Gazetteer.load()
    text = "Gunmen attacked Zorkoundi on Monday."
    assert "Zorkoundi" not in [name for _, _, name in gazetteer.find_toponyms(text)]
    learned = PlacesSupplement(gazetteer, [LearnedPlace(name="Zorkoundi", iso3="MLI", latitude=15.1,
                                                        longitude=-2.4)])
    assert (16, 25, "Zorkoundi") in learned.find_toponyms(text)


def test_a_learned_name_holding_the_gazetteers_shorter_names_is_the_place_named():
    """The gazetteer reads "Kidal" and "Ber" in "Kidal-Ber"; a village the coders coded as
    "Kidal-Ber" is what the text names. A name the coders never coded leaves them be."""
    gazetteer = Gazetteer.load()
    learned = PlacesSupplement(gazetteer, [LearnedPlace(name="Kidal-Ber", iso3="MLI", latitude=18.3,
                                                        longitude=1.2)])
    text = "Gunmen robbed traders in the area of Kidal-Ber on Monday."
    assert [name for _, _, name in gazetteer.find_toponyms(text)] == ["Kidal", "Ber"]
    assert [name for _, _, name in learned.find_toponyms(text)] == ["Kidal-Ber"]
    other = "Gunmen robbed traders in the area of Kidal-Tessit on Monday."
    assert [name for _, _, name in learned.find_toponyms(other)] == [
        name for _, _, name in gazetteer.find_toponyms(other)]


def test_learned_actor_aliases_extend_a_copy_of_the_knowledge_base(tmp_path):
    kb = ActorKB.load()
    model = _model(tmp_path, None)
    model.actors = [LearnedActor(name="Kel Tinbar Brigade", type="Rebel group", country="MLI",
                                 aliases=["KTB", "Tinbar fighters"])]
    learned = model.actor_kb(kb)
    names = {m.actor.name for m in learned.find("KTB fighters raided a market.") if m.actor}
    assert "Kel Tinbar Brigade" in names
    assert not any(m.actor and m.actor.name == "Kel Tinbar Brigade" for m in kb.find("KTB fighters raided."))


def test_a_community_militia_the_coders_coded_in_their_countries_is_theirs_there(tmp_path):
    """The knowledge base ties "Fulani militiamen" to Nigeria's militia; coders who coded the
    Fulani militias of Mali and Burkina Faso mean theirs in reports about those countries,
    and the one they coded most where the report's country is not known."""
    kb = ActorKB.load()
    nigeria = "Fulani Ethnic Militia (Nigeria)"
    ((packaged,),) = [[m.actor.name for m in kb.find("Suspected Fulani militiamen attacked a village.")
                       if m.actor]]
    assert packaged == nigeria
    model = _model(tmp_path, None)
    model.actors = [LearnedActor(name="Fulani Ethnic Militia (Mali)", type="Identity militia", country="MLI",
                                 count=25),
                    LearnedActor(name="Fulani Ethnic Militia (Burkina Faso)", type="Identity militia",
                                 country="BFA", count=5)]
    learned = model.actor_kb(kb)

    def named(country: str | None) -> list[str]:
        return [m.actor.name for m in learned.find("Suspected Fulani militiamen attacked a village.", "en",
                                                   country) if m.actor]

    assert named("MLI") == ["Fulani Ethnic Militia (Mali)"]
    assert named("BFA") == ["Fulani Ethnic Militia (Burkina Faso)"]
    assert named("NGA") == [nigeria]
    assert named(None) == ["Fulani Ethnic Militia (Mali)"]  # coded most
    assert kb.actor(nigeria, "MLI").name == nigeria  # the packaged knowledge base is as it was


def _coded_actor_events(note: str, coded: str, iso3: str, n: int) -> list[CodedEvent]:
    return [CodedEvent(source=f"f.csv:{i}", event_type="Violence against civilians", sub_event_type="Attack",
                       notes=note.format(i=i), actor1=coded, inter1=2, iso3=iso3) for i in range(n)]


def test_a_group_the_coders_code_by_another_name_is_theirs(tmp_path):
    """Notes naming ISGS (the knowledge base's "Islamic State (Sahel)") coded as another name
    are that name's; a note naming two groups, coded as the pair, says nothing of either."""
    events = (_coded_actor_events("ISGS militants raided the village of Ka{i}.", "Sahara Invented Front",
                                  "MLI", 4)
              + _coded_actor_events("JNIM and/or ISGS militants burned the school of Ko{i}.",
                                    "Pair Invented Front", "MLI", 9))
    actors = {a.name: a for a in learn_actors(events, ActorKB.load())}
    assert actors["Sahara Invented Front"].replaces == {"Islamic State (Sahel)": ["MLI"]}
    assert not actors["Pair Invented Front"].replaces
    model = _model(tmp_path, None)
    model.actors = list(actors.values())
    learned = model.actor_kb(ActorKB.load())

    def named(text: str, country: str | None) -> list[str]:
        return [m.actor.name for m in learned.find(text, "en", country) if m.actor]

    assert named("ISGS militants attacked a camp.", "MLI") == ["Sahara Invented Front"]
    assert named("ISGS militants attacked a camp.", None) == ["Sahara Invented Front"]  # at home in Mali
    assert named("Islamic State militants attacked a camp.", "MLI") == ["Sahara Invented Front"]
    assert named("Islamic State militants attacked a camp.", "NGA") == ["Islamic State West Africa Province"]


def test_a_group_at_home_elsewhere_takes_the_coders_name_only_in_their_countries(tmp_path):
    events = _coded_actor_events("ANC supporters clashed with youths in Ka{i}.", "Invented Alliance (Kenya)",
                                 "KEN", 5)
    model = _model(tmp_path, None)
    model.actors = learn_actors(events, ActorKB.load())
    learned = model.actor_kb(ActorKB.load())

    def named(country: str | None) -> list[str]:
        return [m.actor.name for m in learned.find("ANC supporters marched.", "en", country) if m.actor]

    assert named("KEN") == ["Invented Alliance (Kenya)"]
    assert named("ZAF") == named(None) == ["ANC: African National Congress"]


def _lootings(iso3: str, n: int, with_civilians: int, actor2: str = "") -> list[CodedEvent]:
    return [CodedEvent(source=f"f.csv:{i}", event_type="Strategic developments",
                       sub_event_type="Looting/property destruction", actor1="Unidentified Armed Group",
                       inter1=3,
                       actor2=f"Civilians ({iso3})" if i < with_civilians else actor2, iso3=iso3)
            for i in range(n)]


def test_civilians_as_the_other_side_are_learned_per_country_where_the_coders_code_them():
    events = (_lootings("BFA", 12, 9) + _lootings("KEN", 12, 2, actor2="Police Forces of Kenya")
              + _lootings("NER", 6, 6) + _lootings("MLI", 30, 0))  # Mali's files: no actor 2 at all
    assert learn_victims(events) == {"BFA": ["Looting/property destruction"]}


def _looting_event(iso3: str, actor2: Actor | None = None) -> Event:
    return Event(event_id="e", article_ids=["a"], disorder_type="Strategic developments",
                 event_type="Strategic developments", sub_event_type="Looting/property destruction",
                 actor1=Actor(name="JNIM: Group for Support of Islam and Muslims", type="Rebel group"),
                 actor2=actor2, location=Location(name="Djibo", country="Burkina Faso", iso3=iso3))


def test_an_event_with_no_second_side_gets_civilians_where_the_coders_code_them():
    kb = ActorKB.load()
    habits = {"BFA": ["Looting/property destruction"]}
    soldiers = Actor(name="Military Forces of Burkina Faso", type="State forces")
    found = with_victims([_looting_event("BFA"), _looting_event("BFA", soldiers), _looting_event("NER")],
                         habits, kb)
    assert [e.actor2.name if e.actor2 else None for e in found] == [
        "Civilians (Burkina Faso)", "Military Forces of Burkina Faso", None]
    assert "involving Civilians (Burkina Faso)" in found[0].notes


def _reported(iso3: str, outlets: list[str]) -> list[CodedEvent]:
    return [CodedEvent(source=f"f.csv:{i}", iso3=iso3, outlets=o) for i, o in enumerate(outlets)]


def test_an_outlet_reporting_on_one_country_gives_that_country_as_the_scenes_prior(tmp_path):
    events = (_reported("MLI", ["Invented Sahel Radio; Wire Press"] * 60 + ["Other Paper"] * 60)
              + _reported("BFA", ["Invented Faso Daily"] * 100 + ["Wire Press"] * 40
                          + ["Invented Sahel Radio"]))
    outlets = learn_sources(events)
    assert outlets == {"invented faso daily": "BFA", "invented sahel radio": "MLI", "other paper": "MLI"}
    assert learn_sources(events[:120]) == {}  # one country: a national outlet and a wire look alike
    model = _model(tmp_path, None)
    model.outlets = outlets
    country = [model.with_source_country(Article(id="a", text="t", source=source)).country
               for source in ("Invented Faso Daily", "Wire Press; Invented Sahel Radio", "Wire Press",
                              "Invented Faso Daily; Other Paper")]
    assert country == ["BFA", "MLI", None, None]
    given = Article(id="a", text="t", source="Invented Faso Daily", country="NER")
    assert model.with_source_country(given).country == "NER"


# --- the command ---------------------------------------------------------------------------------

def test_learn_show_forget(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CONFLICTWIRE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CONFLICTWIRE_MODEL", raising=False)
    folder = tmp_path / "m"
    status = main(["learn", str(FIXTURES / "acled_current.csv"), str(FIXTURES / "acled.jsonl"),
                   str(FIXTURES / "ucdp_ged.csv"), "--model", str(folder), "--until", "2021-12-31"])
    out, err = capsys.readouterr()
    assert status == 1  # bad rows were skipped, each named
    assert "acled_current.csv:7:" in err and "ucdp_ged.csv:4:" in err and "Traceback" not in err
    # Zorkoundi, Tembelga, Bamako, Wassakou; Kel Tinbar Brigade and the Dozo with "KTB"
    assert "places 4, actors 2, aliases 1" in out and "held-out tenth" in out
    assert '"KTB"' in (folder / "actors.json").read_text(encoding="utf-8")
    assert main(["learn", "--show", "--model", str(folder)]) == 0
    assert "places: 4; actors: 2 with 1 aliases" in capsys.readouterr().out
    assert main(["learn", "--forget", "--model", str(folder)]) == 0
    assert not folder.exists()
    assert main(["learn", "--show"]) == 0
    assert "rules alone" in capsys.readouterr().out


def _many_coded_events(path: Path) -> None:
    """60 invented events in ACLED's JSON Lines layout: clashes and killings of villagers
    in made-up villages, which the rules code with a guess (a generic sub-type)."""
    rows = []
    for n in range(60):
        day = date(2021, 1 + n % 12, 1 + n % 28)
        village = f"Tembel{n % 7}"
        clash = n % 2 == 0
        told = (f"Kel Tinbar Brigade fighters clashed with soldiers in {village}." if clash
                else f"gunmen killed {n % 5 + 2} villagers in {village}.")
        rows.append({
            "event_date": day.isoformat(), "country": "Mali", "iso3": "MLI", "location": village,
            "latitude": 14.0 + n / 100, "longitude": -3.0, "geo_precision": 1,
            "event_type": "Battles" if clash else "Violence against civilians",
            "sub_event_type": "Armed clash" if clash else "Attack",
            "actor1": "Kel Tinbar Brigade", "inter1": 2,
            "notes": f"On {day:%d %B %Y}, {told}"})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_learn_fits_a_blend_on_the_rules_coding_of_past_events(tmp_path, capsys):
    data, folder = tmp_path / "coded.jsonl", tmp_path / "m"
    _many_coded_events(data)
    assert main(["learn", str(data), "--model", str(folder)]) == 0
    out = capsys.readouterr().out
    info = LearnedModel.load(folder).info
    assert (folder / Blender.FILE).exists() and info.blended >= 50 and info.languages == ["en"]
    assert f"blend: {info.blended} past events the rules coded with a guess; held-out tenth: type" in out
    assert LearnedModel.load(folder).blender is not None


def test_until_leaves_later_events_out(tmp_path, capsys):
    folder = tmp_path / "m"
    main(["learn", str(FIXTURES / "acled_current.csv"), "--model", str(folder), "--until", "2021-12-31"])
    places = (folder / "places.json").read_text(encoding="utf-8")
    assert "Zorkoundi" in places and "Wassakou" not in places


# --- extraction with a learned model, end to end -------------------------------------------------

REPORT = {"id": "wire-1", "published": "2021-04-08", "source": "Test wire", "language": "en",
          "title": "Village attacked in central Mali",
          "text": "KTB fighters attacked the village of Zorkoundi in central Mali on Tuesday, "
                  "killing three villagers, local officials said."}


def _extract(tmp_path: Path, capsys, *model_options: str) -> dict:
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps(REPORT) + "\n", encoding="utf-8")
    assert main(["extract", str(articles), *model_options]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return record


def test_extract_with_a_learned_model_codes_the_place_and_actor_it_learned(tmp_path, capsys, monkeypatch):
    """`extract --model DIR` finds a village and an actor alias only the user's coded events
    know, and says which model coded the record; `--no-model` codes with the rules alone."""
    monkeypatch.setenv("CONFLICTWIRE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CONFLICTWIRE_MODEL", raising=False)  # `--model` sets it for the workers
    folder = tmp_path / "m"
    main(["learn", str(FIXTURES / "acled_current.csv"), "--model", str(folder)])
    capsys.readouterr()
    learned = _extract(tmp_path, capsys, "--model", str(folder))
    rules = _extract(tmp_path, capsys, "--no-model")
    assert rules["coder"] == "rules"
    assert learned["coder"] == LearnedModel.load(folder).coder and learned["coder"].startswith("rules+model:")
    assert (learned["location"]["name"], learned["location"]["admin2"]) == ("Zorkoundi", "Douentza")
    assert (learned["location"]["latitude"], learned["location"]["longitude"]) == (15.1234, -2.4567)
    assert rules["location"]["name"] != "Zorkoundi"
    assert learned["actor1"]["name"] == "Kel Tinbar Brigade"
    assert (rules["actor1"] or {}).get("name") != "Kel Tinbar Brigade"


def test_ingest_says_which_model_codes_and_the_store_keeps_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CONFLICTWIRE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CONFLICTWIRE_MODEL", raising=False)
    folder, db = tmp_path / "m", str(tmp_path / "events.db")
    main(["learn", str(FIXTURES / "acled_current.csv"), "--model", str(folder)])
    coder = LearnedModel.load(folder).coder
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps(REPORT) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", str(articles), "--db", db, "--model", str(folder), "--no-progress"]) == 0
    assert f"conflictwire ingest: coding as {coder}" in capsys.readouterr().err
    assert main(["events", "--db", db, "--format", "jsonl"]) == 0
    (event_id,) = [json.loads(line)["event_id"] for line in capsys.readouterr().out.splitlines()]
    assert main(["event", event_id, "--db", db]) == 0
    assert f"coded by {coder}" in capsys.readouterr().out.replace("\n", "")
    monkeypatch.delenv("CONFLICTWIRE_MODEL", raising=False)
    assert main(["ingest", str(articles), "--db", db, "--no-model", "--no-progress"]) == 0
    assert "coding with the rules alone" in capsys.readouterr().err
