"""Choosing an event's scene (issue 14, rule 6), on sentences written for these tests and a
small GeoNames-format fixture of villages and neighbourhoods the packaged cities500 lacks
(tests/fixtures/geonames_scene.txt, admin1_scene.txt, admin2_scene.txt: rows written for
these tests, points and division codes as GeoNames gives them, CC BY 4.0)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictwire.extract.pipeline import Extractor
from conflictwire.extract.places.gazetteer import Gazetteer
from conflictwire.extract.places.geocoder import haversine_km
from conflictwire.extract.places.geonames_import import import_geonames
from conflictwire.extract.places.scene import _party_countries
from conflictwire.models import Article, Location

FIXTURES = Path(__file__).parent / "fixtures"
NAIROBI = (-1.28333, 36.81667)


@pytest.fixture(scope="module")
def extractor(tmp_path_factory: pytest.TempPathFactory) -> Extractor:
    store = tmp_path_factory.mktemp("scene") / "extra.sqlite"
    for name in ("admin1_scene.txt", "admin2_scene.txt", "geonames_scene.txt"):
        import_geonames(FIXTURES / name, store)
    return Extractor(gazetteer=Gazetteer.load(store))


def scene(extractor: Extractor, text: str) -> Location:
    """The place of the one (or first) event of a report."""
    events = extractor.extract_batch([Article(id="t", text=text, published="2025-03-10", language="en")])
    assert events, text
    return events[0].location


def near(location: Location, lat: float, lon: float, km: float = 25.0) -> bool:
    return haversine_km(location.latitude, location.longitude, lat, lon) <= km


# (report, country, the scene's point, geo_precision or None when either is right)
SCENES = {
    # the packaged gazetteer's nearest spelling of the village is Bāneh, Iran
    "IED in the area of a village": (
        "Two soldiers were killed when an IED exploded in the area of Banh, in northern Burkina "
        "Faso, on Saturday.", "BFA", (13.79265, -2.70945), 2),
    "between two towns": (
        "A peacekeeper from Egypt was killed when his convoy struck a mine between Boni and "
        "Douentza in central Mali on Sunday.", "MLI", (15.07658, -2.21976), 2),
    # two villages called Fafa, in Mali's Gao region and in Niger: the bracket decides
    "district and region in brackets": (
        "On 2 March, militants killed two herders in Fafa (Ansongo, Gao).", "MLI", (15.3177, 0.7446), None),
    # the bracket's town (Ansongo) is the village's district, not the scene
    "a village and its district in brackets": (
        "On 2 March, militants killed two herders in the area of Kelessi (Ansongo, Gao).", "MLI", (16.0, 0.2),
        2),
    # a Honduran department of 600,000 bears the name: not a city known the world over, so the
    # people's name (Dogon, Mali) decides
    "a village of a people's country over a division abroad": (
        "Militants attacked the Dogon village of Yoro on Sunday, killing one.", "MLI",
        (14.27934, -2.13542), 1),
    # "X in Y": Y is the area X lies in, the scene only when X is not found
    "a village in a district named after its town": (
        "Gunmen killed two herders in Kelessi in Gao on Monday.", "MLI", (16.0, 0.2), 1),
    # a part of a town GeoNames lacks is the town, not a namesake abroad (Milan)
    "an area in a town": (
        "Hundreds of protesters at the Milano area in Gao town marched to the governor's office.", "MLI",
        (16.27167, -0.04447), None),
    # journalists who protest are people of the event; those told something are the source
    "journalists' own protest": (
        "Journalists in Nyeri and Kiambu gathered on Monday to protest a proposed media law, a union "
        "official told reporters in Nairobi.", "KEN", (-0.42013, 36.94759), None),
    "grenade attack in a neighbourhood of the capital": (
        "Three people were wounded in a grenade attack on a bus stop in Eastleigh, Nairobi, on "
        "Friday night.", "KEN", NAIROBI, None),
    "an actor's nationality": (
        "Militants fired mortar shells at the camp in Timbuktu that harbours French troops, "
        "wounding two soldiers.", "MLI", (16.7735, -3.0074), None),
    "a source's city and a hospital town": (
        "Gunmen killed two herdsmen in the area of Doro, Mali, on Tuesday. The wounded were taken "
        "to the hospital in Gao, a local official told reporters in Bamako.", "MLI", (16.15, -0.35), 2),
    # a town of India has "Tonka" among its names; the user imported Mali's villages
    "a village of the imported country over a town abroad": (
        "Gunmen attacked the gendarmerie post in Tonka on Monday and seized a motorbike.", "MLI",
        (16.06, -3.77), 1),
    # "Dogon" also names a village of Cameroon: here it is a people
    "a people's name before 'village'": (
        "Militiamen attacked the Dogon village of Lema on Sunday, killing four.", "MLI", (14.2, -3.0), 1),
    # a road named by its two towns: the first, about there
    "an axis between two towns": (
        "An IED struck a convoy of peacekeepers on the Aguelhok-Tessalit axis on Sunday.", "MLI",
        (19.46, 0.86), 2),
    # GeoNames knows the village only as a lake and a ruin of its name; the packaged
    # gazetteer's nearest spellings are towns abroad
    "a village known only by its lake": (
        "Two youths were wounded when their vehicle was struck by an IED in Tessoumbari on Monday.",
        "MLI", (15.81, -1.30), None),
    "a weapon's name": (
        "An explosion involving either an IED or a Grad rocket was reported in Gao on Friday.", "MLI",
        (16.27, -0.04), 1),
}


@pytest.mark.parametrize("case", SCENES)
def test_the_scene_is_the_place_the_words_put_the_event(extractor: Extractor, case: str):
    text, iso3, (lat, lon), precision = SCENES[case]
    loc = scene(extractor, text)
    assert loc.iso3 == iso3
    assert near(loc, lat, lon)
    assert precision is None or loc.geo_precision == precision


def test_a_bracket_gives_the_region(extractor: Extractor):
    assert scene(extractor, SCENES["district and region in brackets"][0]).admin1 == "Gao"


def test_a_town_far_from_the_named_state_is_another_town_of_that_name(extractor: Extractor):
    # "Jesús María" names towns in several Mexican states; the report names Sinaloa, and a
    # capital named for another matter must not pull the choice to the homonym near it
    loc = scene(extractor, "Soldiers clashed with gunmen in Jesus Maria, in the northern state of "
                           "Sinaloa, on Thursday, killing ten. The president is due in Mexico City "
                           "for a summit next week.")
    assert loc.admin1 == "Sinaloa"
    assert near(loc, 25.0894, -107.4523)


def test_a_national_outlet_gives_its_country(extractor: Extractor):
    # a note that names no place: the outlet "(Kenya)" says which country it is about
    text = "Teachers marched through the town to protest unpaid salaries; police fired tear gas."
    events = extractor.extract_batch([Article(id="t", text=text, published="2025-03-10", language="en",
                                              source="The Star (Kenya)")])
    assert events and events[0].location.iso3 == "KEN"
    assert events[0].location.geo_precision == 3
    finder = extractor.scenes
    assert finder._source_country("Daily Times (Burkina Faso)") == "BFA"
    assert finder._source_country("Mali Weekly") == "MLI"
    # an international outlet named after its home country reports on the world
    assert finder._source_country("Radio France Internationale") is None
    assert finder._source_country("Reuters") is None


def test_a_communitys_label_says_nothing_of_the_country(extractor: Extractor):
    kb = extractor.kb
    fulani = [m for m in kb.find("Fulani militiamen attacked the village.") if m.role == "named"]
    assert fulani and fulani[0].actor.country  # the knowledge base files it under one country
    assert _party_countries(kb, fulani[0]) == ()  # Fulani live in a dozen countries
    named = [m for m in kb.find("Dan Na Ambassagou fighters attacked the village.") if m.role == "named"]
    assert named and _party_countries(kb, named[0]) == ("MLI",)
    # a branch named by its country is a sign of it; a force abroad is not
    branch = [m for m in kb.find("Islamic State Somalia fighters attacked the base.") if m.role == "named"]
    assert branch and _party_countries(kb, branch[0]) == ("SOM",)
    barkhane = [m for m in kb.find("Operation Barkhane struck a convoy.") if m.role == "named"]
    assert barkhane and barkhane[0].actor.name == "Military Forces of France"  # ACLED's name for it
    un = [m for m in kb.find("MINUSMA peacekeepers were attacked.") if m.role == "named"]
    assert un and _party_countries(kb, un[0]) == ()
    # a group operating in several countries is a sign of each of them
    jnim = [m for m in kb.find("JNIM militants attacked the village.") if m.role == "named"]
    assert jnim and set(_party_countries(kb, jnim[0])) >= {"MLI", "BFA", "NER"}
    shabaab = [m for m in kb.find("Al-Shabaab militants attacked the village.") if m.role == "named"]
    assert shabaab and set(_party_countries(kb, shabaab[0])) >= {"SOM", "KEN"}


def test_a_distance_and_bearing_from_a_town_move_the_point(extractor: Extractor):
    # "some 60 kilometres north of Banikoara": about 60 km north of the town, not in it
    loc = scene(extractor, "Nine rangers were killed on Tuesday when their vehicle struck a mine in a "
                           "park some 60 kilometres (40 miles) north of the town of Banikoara, Benin.")
    assert loc.iso3 == "BEN" and loc.geo_precision == 2
    assert near(loc, 11.84, 2.44, km=10)


def test_an_unknown_place_with_its_district_in_brackets_is_in_that_district(extractor: Extractor):
    loc = scene(extractor, "On 3 March, gunmen killed three herders in Tinzawatenkafi (Ansongo, Gao).")
    assert loc.iso3 == "MLI" and loc.geo_precision == 2  # a part of the district, not the region
    assert near(loc, 15.66, 0.50)


@pytest.mark.parametrize(("region", "point"), [("Mopti", (14.9, -3.2)), ("Gao", (16.0, 0.2))])
def test_the_division_after_a_comma_chooses_the_homonym(extractor: Extractor, region: str, point):
    loc = scene(extractor, f"Unknown gunmen attacked the village of Kelessi, {region}, on Monday, "
                           "killing a shopkeeper.")
    assert near(loc, *point)


@pytest.mark.parametrize("text", [
    "Police shot dead two suspects in the Eastleigh neighbourhood of Nairobi on Sunday.",
    "A grenade exploded at a bus stop in Eastleigh, Nairobi, on Friday, wounding three.",
])
def test_a_neighbourhood_of_a_city_is_in_that_city(text: str):
    # the packaged gazetteer alone has no Eastleigh in Nairobi, only the English town: the
    # neighbourhood is Nairobi's, about there, never the namesake elsewhere (rule 6)
    loc = scene(Extractor(gazetteer=Gazetteer.load(use_default_store=False)), text)
    assert loc.iso3 == "KEN" and near(loc, *NAIROBI) and loc.geo_precision == 2


def test_the_start_of_a_route_is_the_scene(extractor: Extractor):
    loc = scene(extractor, "Militants ambushed a bus travelling from Garsen to Lamu on Tuesday, killing two.")
    assert loc.iso3 == "KEN" and loc.geo_precision == 2
    assert near(loc, -2.27, 40.12)


@pytest.mark.parametrize("text", [
    "Gunmen abducted a local official between Deou and Oursi on Sunday.",
    "Gunmen burned the primary school of a hamlet in the department of Deou on Sunday.",
])
def test_village_after_between_or_a_division_word_is_read_without_a_country(text):
    """A small place's name (no country named) is taken after "between ... and" or "the
    department of", as after "in": the event gets its country rather than none."""
    location = scene(Extractor(gazetteer=Gazetteer.load(use_default_store=False)), text)
    assert location.iso3 == "BFA", location


@pytest.mark.parametrize(("text", "country"), [
    # a country's civilians and police are at home; raiders cross borders
    ("Ethiopian raiders kill Kenyan fishermen", "KEN"),
    # a peacekeeper serves abroad: his nationality is not the scene's country
    ("One Egyptian peacekeeper was killed when Malian soldiers and the convoy struck a mine.", "MLI"),
    # "Boni" is also one of Bonn's alternate names: not in a report about Mali
    ("Militants ambushed an army patrol on the outskirts of Boni, in central Mali, killing two "
     "soldiers.", "MLI"),
])
def test_the_reports_country_over_nationalities_abroad_and_namesakes(text, country):
    location = scene(Extractor(gazetteer=Gazetteer.load(use_default_store=False)), text)
    assert location.iso3 == country, location


@pytest.mark.parametrize(("text", "country"), [
    ("Pokot raiders killed two herders and stole cattle.", "KEN"),
    ("Unknown gunmen killed a Dogon farmer and wounded his son.", "MLI"),
])
def test_a_peoples_name_gives_the_report_its_country(text, country):
    """A report that names no place but a people living in one country is about that country
    (a weak sign, beside the place names; place_peoples.toml)."""
    location = scene(Extractor(gazetteer=Gazetteer.load(use_default_store=False)), text)
    assert location.iso3 == country, location


def test_a_peoples_name_is_a_word_of_its_own():
    from conflictwire.extract.places.scene import _peoples_pattern

    assert [m.group(1) for m in _peoples_pattern().finditer("Dogons and Tuaregs met in Bobo-Dioulasso")] \
        == ["Dogon", "Tuareg"]


@pytest.mark.parametrize(("text", "country"), [
    # a village of one name in two imported countries and nothing to tell them apart: no
    # country rather than an arbitrary one
    ("Gunmen killed two civilians in the village of Tiarkoye.", None),
    # the armed group operates in both: still nothing to choose by
    ("JNIM militants killed two civilians in the village of Tiarkoye.", None),
    # the words name the country, or another place of the report lies in one of them
    ("Gunmen killed two Malian villagers in the village of Tiarkoye.", "MLI"),
    ("Gunmen killed two civilians in the village of Tiarkoye, 20 km from Boni.", "MLI"),
    # a group that operates in one of them (al-Shabaab: Somalia, Kenya, Ethiopia)
    ("Al-Shabaab militants killed two civilians in the village of Dalamo.", "KEN"),
])
def test_a_village_shared_by_imported_countries_is_placed_by_the_reports_signs(
        extractor: Extractor, text: str, country: str | None):
    location = scene(extractor, text)
    assert location.iso3 == country, location


def test_a_bracket_names_a_division_by_its_english_name():
    from conflictwire.extract.places.gazetteer import Place
    from conflictwire.extract.places.scene import _within

    def town(iso3: str, admin1: str) -> Place:
        return Place(1, "Rafah", 31.3, 34.2, iso3[:2], iso3, iso3, "P", "PPL", 1000, admin1, None)

    egypt, gaza = town("EGY", "Shamāl Sīnā'"), town("PSE", "Rafah")
    english = {"Shamāl Sīnā'": "North Sinai"}.get
    inside = _within([(gaza, 0.9), (egypt, 0.8)], "Rafah, North Sinai", lambda n: english(n, n))
    assert [p.iso3 for p, _ in inside] == ["PSE", "EGY"]  # "Rafah" names Gaza's division too
    inside = _within([(gaza, 0.9), (egypt, 0.8)], "North Sinai", lambda n: english(n, n))
    assert [p.iso3 for p, _ in inside] == ["EGY"]


def test_a_facility_named_after_a_person_is_one_place_or_none(extractor: Extractor):
    # an imported village is called Kenyatta; the conference centre is named after a president
    gaz = extractor.geocoder.gazetteer
    text = "Police fired tear gas at protesters outside the Kenyatta International Conference Centre."
    assert all(name != "Kenyatta" for _, _, name in gaz.find_toponyms(text, countries=["KEN"]))
    location = scene(extractor, text.removesuffix(".") + " in Nairobi on Monday.")
    assert near(location, *NAIROBI), location
    # a facility named by its town is in the town
    found = gaz.find_toponyms("Students of Garissa University College marched.")
    assert [name for _, _, name in found] == ["Garissa"]


# Two imported villages called Tendeli, in Mali's Kayes and Mopti regions (14.4, -11.4 and
# 14.3, -3.6); Nakoli lies beside the Mopti one, Sirabala beside the Kayes one.
TENDELI_MOPTI, TENDELI_KAYES = (14.3, -3.6), (14.4, -11.4)


@pytest.mark.parametrize(("text", "point"), [
    # a people that lives in one of the regions (place_homelands.toml: the Dogon, Mopti)
    ("Militiamen attacked and torched the Dogon hamlet of Tendeli on Sunday.", TENDELI_MOPTI),
    # a group that operates in one of them (Katiba Macina: Mopti, Ségou)
    ("Katiba Macina militants abducted two traders in the village of Tendeli on Sunday.", TENDELI_MOPTI),
    # another place of the report lies beside one of them
    ("Gunmen killed a herder between Tendeli and Nakoli on Sunday.", TENDELI_MOPTI),
    ("Gunmen killed a herder between Tendeli and Sirabala on Sunday.", TENDELI_KAYES),
])
def test_namesake_villages_of_one_country_are_told_apart_by_the_report(
        extractor: Extractor, text: str, point: tuple[float, float]):
    location = scene(extractor, text)
    assert near(location, *point), location


@pytest.mark.parametrize(("text", "country"), [
    # Bonnut, France, has "Boni" among its alternate names; Mali's Boni bears it as its own
    ("Airstrikes by France were reported southeast of Boni on Sunday, likely targeting Katiba "
     "Serma militants.", "MLI"),
    # Parma, Ohio, is found by a loose spelling of "Pama", a town of Burkina Faso
    ("Suspected JNIM militants abducted two women, one of them an American, at a checkpoint near "
     "Pama on Sunday.", "BFA"),
])
def test_a_place_bearing_the_name_as_its_own_beats_an_alternate_name_abroad(
        extractor: Extractor, text: str, country: str):
    assert scene(extractor, text).iso3 == country


@pytest.mark.parametrize("text", [
    # a village no gazetteer has, of a people that lives in one region (the Dogon: Mopti)
    "Militiamen attacked the Dogon village of Zorokorou on Sunday, killing four.",
    # a group that operates in Mopti and Ségou, and a people of Mopti: Mopti
    "Katiba Macina militants clashed with Dogon hunters near Zorokorou on Sunday.",
])
def test_an_unknown_village_of_a_peoples_homeland_is_placed_in_its_region(extractor: Extractor, text: str):
    location = scene(extractor, text)
    assert (location.iso3, location.admin1, location.geo_precision) == ("MLI", "Mopti", 3), location


def test_an_unknown_place_of_a_groups_stronghold_is_placed_in_its_region(extractor: Extractor):
    # the MSA is a movement of Mali's Ménaka region
    location = scene(extractor, "MSA militiamen clashed with gunmen on motorbikes in the area of Zorokorou.")
    assert (location.iso3, location.admin1, location.geo_precision) == ("MLI", "Ménaka", 3), location
