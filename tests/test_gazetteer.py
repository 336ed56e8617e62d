"""Gazetteer: folding, alternate names, countries, divisions, toponyms, GeoNames import."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from conflictwire.extract.folding import fold_name
from conflictwire.extract.places.gazetteer import Gazetteer, Place, skeleton
from conflictwire.extract.places.geonames_import import import_geonames

FIXTURE = Path(__file__).parent / "fixtures" / "geonames_sample.txt"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load(use_default_store=False)


def places(gaz: Gazetteer, name: str) -> list[Place]:
    """The entries a name matches, best first (what the geocoder ranks)."""
    return [p for p, _ in gaz.match(name)]


def test_fold_accents_case_apostrophes_hyphens():
    assert fold_name("Tibú") == fold_name("Tibu") == "tibu"
    assert fold_name("N'Djamena") == fold_name("Ndjamena") == fold_name("N’Djaména")
    assert fold_name("Pont-Sondé") == "pont sonde"
    assert fold_name("  SÉGOU ") == "segou"
    assert skeleton(fold_name("Tin Zaouatene")) == skeleton(fold_name("Tinzaouaten"))


def test_match_folds_and_finds_alternate_names(gaz: Gazetteer):
    assert any(p.iso3 == "COL" for p in places(gaz, "Tibu"))
    assert any(p.iso3 == "MLI" and p.feature_class == "P" for p in places(gaz, "Segou"))
    chad = [p for p in places(gaz, "Ndjamena") if p.iso3 == "TCD"]
    assert chad and chad[0].feature_code == "PPLC"
    # an alternate name: GeoNames lists "Mogadiscio" for Mogadishu
    assert any(p.name == "Mogadishu" for p in places(gaz, "Mogadiscio"))


def test_city_has_division_names(gaz: Gazetteer):
    kumba = next(p for p in places(gaz, "Kumba") if p.iso3 == "CMR")
    assert kumba.admin1 and kumba.population > 100000
    culiacan = next(p for p in places(gaz, "Culiacán") if p.feature_class == "P")
    assert culiacan.admin1 == "Sinaloa"


def test_countries_in_english_and_french(gaz: Gazetteer):
    assert places(gaz, "Tchad")[0].iso3 == "TCD"
    assert places(gaz, "Ivory Coast")[0].iso3 == "CIV"
    assert places(gaz, "Côte d'Ivoire")[0].iso3 == "CIV"
    mali = gaz.country("MLI")
    assert mali is not None and mali.feature_code == "PCLI"
    assert 10 < mali.latitude < 25 and -12 < mali.longitude < 4


def test_divisions_with_and_without_generic_term(gaz: Gazetteer):
    borno = [p for p in places(gaz, "Borno State") if p.iso3 == "NGA"]
    assert borno and borno[0].feature_code == "ADM1"
    assert 10 < borno[0].latitude < 14
    assert any(p.feature_code == "ADM1" and p.iso3 == "NGA" for p in places(gaz, "Borno"))


def test_find_toponyms_takes_places_and_skips_common_words(gaz: Gazetteer):
    text = (
        "Police said on Saturday that gunmen attacked Konduga in Borno State, Nigeria. "
        "Reuters reported that Hamid Karzai met the Army chief in N'Djamena."
    )
    found = [s for _, _, s in gaz.find_toponyms(text)]
    assert "Konduga" in found
    assert "Borno State" in found
    assert "Nigeria" in found
    assert "N'Djamena" in found
    for word in ("Police", "Saturday", "Reuters", "Army", "Hamid"):
        assert word not in found
    for start, end, surface in gaz.find_toponyms(text):
        assert text[start:end] == surface


def test_find_toponyms_multiword_and_french(gaz: Gazetteer):
    text = "Des hommes armés ont attaqué Téra, près de Homa Bay et à Pont-Sondé mardi."
    found = [s for _, _, s in gaz.find_toponyms(text)]
    assert "Téra" in found and "Homa Bay" in found
    assert "mardi" not in found


def test_import_adds_places_and_reports_bad_lines(tmp_path: Path):
    store = tmp_path / "extra.sqlite"
    result = import_geonames(FIXTURE, store)
    assert result.places == 3  # two populated places and one division; the stream a fallback
    assert (result.fallbacks, result.skipped) == (1, 0)
    assert result.admin_areas == 1
    assert len(result.errors) == 2
    assert result.errors[0].startswith(f"{FIXTURE}:3:")
    assert result.errors[1].startswith(f"{FIXTURE}:6:")

    gaz = Gazetteer.load(store)
    village = places(gaz, "Kourbale")
    assert village and village[0].geonameid == 99000001
    assert village[0].iso3 == "MLI" and village[0].admin1  # admin1 name from the codes
    assert places(gaz, "Kurbale")[0].geonameid == 99000001  # alternate name
    assert any(p.feature_code == "PPLX" for p in places(gaz, "Faladié Sokoro"))
    text = "Gunmen raided Kurbale on Monday."
    # a village of no recorded population is taken in a report about its country
    assert "Kurbale" in [s for _, _, s in gaz.find_toponyms(text, countries=["MLI"])]
    assert gaz.find_toponyms(text) == []
    # "Cercle de Kourbalé" is found as "Kourbalé" too: a division's name is a place name
    assert any(p.feature_code == "ADM2" for p in places(gaz, "Kourbale"))


def test_import_zip_and_reimport_is_idempotent(tmp_path: Path):
    txt = tmp_path / "ML.txt"
    shutil.copy(FIXTURE, txt)
    archive = tmp_path / "ML.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(txt, "ML.txt")
    store = tmp_path / "extra.sqlite"
    first = import_geonames(archive, store)
    second = import_geonames(archive, store)
    assert first.places == second.places == 3
    assert "ML.zip!ML.txt:3:" in first.errors[0]
    gaz = Gazetteer.load(store)
    assert len([p for p in places(gaz, "Kourbale") if p.geonameid == 99000001]) == 1


def test_import_keeps_sites_and_division_names_and_refuses_other_files(tmp_path: Path):
    from conflictwire.extract.places.geonames_import import import_files, imported

    cols = ["99100001", "Camp Tessit", "Camp Tessit", "", "15.2", "0.9", "S", "MILB", "ML", "",
            "07", "", "", "", "0", "", "300", "Africa/Bamako", "2024-01-01"]
    school = cols[:]
    school[0], school[1], school[7] = "99100002", "Ecole Tessit", "SCH"
    dump = tmp_path / "ML.txt"
    dump.write_text("\t".join(cols) + "\n" + "\t".join(school) + "\n", encoding="utf-8")
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("ML.07\tGao Region Test\tGao Region Test\t2457161\n", encoding="utf-8")
    wrong = tmp_path / "notes.txt"
    wrong.write_text("a,b,c\n" * 500, encoding="utf-8")
    store = tmp_path / "extra.sqlite"
    base, divisions, bad = import_files([dump, admin1, wrong], store)
    # the base kept, the school only as a fallback (found for its name when nothing else is)
    assert (base.places, base.sites, base.fallbacks, base.skipped) == (1, 1, 1, 0)
    assert divisions.kind == "divisions" and divisions.divisions == 1
    assert bad.not_geonames and len(bad.errors) == 1  # said once, not 500 times
    assert len(bad.summary()) == 1 and "not a GeoNames table" in bad.summary()[0]
    assert "1 sites" in base.summary()[0] or "1 site" in base.summary()[0]
    imports, counts = imported(store)
    assert [row[0] for row in imports] == ["ML.txt", "admin1CodesASCII.txt"]
    assert counts == {"ML": {"S": 1, "fallback": 1}}
    gaz = Gazetteer.load(store)
    camp = places(gaz, "Camp Tessit")
    assert camp and camp[0].feature_code == "MILB"
    assert gaz.store_countries() == ("MLI",)


def test_import_keeps_wells_localities_forests_and_finds_press_spellings(tmp_path: Path):
    def row(gid: str, name: str, fclass: str, fcode: str) -> str:
        return "\t".join([gid, name, name, "", "15.3", "0.7", fclass, fcode, "ML", "", "07", "", "",
                          "", "0", "", "300", "Africa/Bamako", "2024-01-01"])

    dump = tmp_path / "ML.txt"
    dump.write_text("\n".join([
        row("99200001", "Tamoussakar", "H", "WLL"),  # a well
        row("99200002", "Ti-n-Kerbatane", "L", "LCTY"),  # a named locality
        row("99200003", "Foulsadji", "V", "FRST"),  # a forest
        row("99200004", "Oued Tamoussakar", "H", "STM"),  # a stream: only a fallback
        row("99200005", "Diabalika", "P", "PPL"),
        row("99200006", "Kourmanta Location", "A", "ADMD"),
    ]) + "\n", encoding="utf-8")
    store = tmp_path / "extra.sqlite"
    result = import_geonames(dump, store)
    assert (result.places, result.sites, result.fallbacks, result.skipped) == (5, 3, 1, 0)
    gaz = Gazetteer.load(store)
    assert [p.feature_code for p in places(gaz, "Tamoussakar")] == ["WLL"]
    assert places(gaz, "Ti-n-Kerbatane") and places(gaz, "Foulsadji")
    # the press spells it otherwise: the store's own skeleton index finds it
    assert [(p.geonameid, q) for p, q in gaz.match("Diabalica")] == [(99200005, 0.5)]
    assert gaz.match("Diabalica", fuzzy=False) == []
    # a division is found without its administrative word
    assert [p.geonameid for p in places(gaz, "Kourmanta")] == [99200006]


def test_a_town_before_a_facility_and_the_towns_of_a_road(gaz: Gazetteer):
    found = [s for _, _, s in gaz.find_toponyms("Students of Gaoua Provincial High School marched.")]
    assert found == ["Gaoua"]  # the school's town
    found = [s for _, _, s in gaz.find_toponyms("Workers at the Mumias Sugar Company blocked roads.")]
    assert found == ["Mumias"]
    # a person's name before an airport's stays a person's
    assert gaz.find_toponyms("Crowds massed at Hamid Karzai International Airport.") == []
    # "the Ansongo-Gao axis": two towns, not one unknown name
    assert [s for _, _, s in gaz.find_toponyms("An IED hit a convoy on the Ansongo-Gao axis.")] == [
        "Ansongo", "Gao"]
    assert [s for _, _, s in gaz.find_toponyms("Protesters marched in Bobo-Dioulasso.")] == ["Bobo-Dioulasso"]


def test_a_small_town_after_in_is_a_place(gaz: Gazetteer):
    import re

    text = "Protesters armed with sticks in Boussouma attempted to attack the deputy mayor."
    assert gaz.find_toponyms(text) == []  # a small town's name alone may be a word or a person
    cue = re.compile(r"\bin\s+$")
    assert [s for _, _, s in gaz.find_toponyms(text, cue=cue)] == ["Boussouma"]


def _tiny_data(name: str):
    """An index of one place, standing for a whole build in the cache tests."""
    from array import array

    from conflictwire.extract.places import gazetteer as gz

    return gz._Data(gid=array("q", [1]), name=[name], lat=array("d", [0.0]), lon=array("d", [0.0]),
                    pop=array("q", [0]), cc=array("H", [0]), fcode=array("B", [0]), a1=array("i", [-1]),
                    a2=array("i", [-1]), strings=[], iso2s=["ML"], keys={fold_name(name): 0}, skeletons={},
                    country_rows={}, country_info={"ML": ("MLI", "Mali")}, admin_codes={}, acronyms={})


def test_index_cache_keeps_the_pickles_of_different_data(tmp_path, monkeypatch):
    """Processes of different data (two checkouts, an upgrade) each read their own pickle
    instead of rebuilding over each other's; only the most recently used few are kept."""
    from conflictwire.extract.places import gazetteer as gz

    monkeypatch.setenv("CONFLICTWIRE_CACHE_DIR", str(tmp_path))
    builds: list[str] = []
    key = {"now": "a"}
    monkeypatch.setattr(gz, "_cache_key", lambda: key["now"])
    monkeypatch.setattr(gz, "_build", lambda: builds.append(key["now"]) or _tiny_data(key["now"]))
    for k in ("a", "b", "a", "b"):
        key["now"] = k
        assert gz._load_data().name == [k]
    assert builds == ["a", "b"]  # built once each, then read back
    for k in ("c", "d", "e", "f"):
        key["now"] = k
        gz._load_data()
    kept = sorted(p.name for p in tmp_path.glob("gazetteer-*.pickle"))
    assert len(kept) == gz.KEPT_PICKLES and "gazetteer-f.pickle" in kept
    assert not list(tmp_path.glob("*.tmp*"))  # written through a temporary file, renamed


def test_places_without_a_known_division_take_their_nearest_neighbours(tmp_path):
    """GeoNames gives some villages the division code "00" (or none, or one no division
    bears): each point still gets an admin1, its nearest coded neighbour's."""
    rows = [  # geonameid, name, lat, lon, admin1 code (rows written for this test)
        (99300001, "Coded North", 14.50, -3.00, "04"),
        (99300002, "Coded South", 12.00, -6.00, "07"),
        (99300003, "Uncoded Near North", 14.45, -3.05, "00"),
        (99300004, "Uncoded Near South", 12.10, -6.10, ""),
        (99300005, "Bogus Code", 14.60, -2.90, "x43"),
    ]
    dump = tmp_path / "XX.txt"
    dump.write_text("".join(
        f"{g}\t{n}\t{n}\t\t{la}\t{lo}\tP\tPPL\tML\t\t{a1}\t\t\t\t0\t\t300\tAfrica/Bamako\t2024-01-15\n"
        for g, n, la, lo, a1 in rows), encoding="utf-8")
    admin = tmp_path / "admin1.txt"
    admin.write_text("ML.04\tMopti\tMopti\t99300101\nML.07\tKoulikoro\tKoulikoro\t99300102\n",
                     encoding="utf-8")
    store = tmp_path / "store.sqlite"
    import_geonames(admin, store)
    result = import_geonames(dump, store)
    assert result.divisions_filled == 3
    assert any("nearest neighbour" in line for line in result.summary())
    gaz = Gazetteer.load(store)
    by_name = {n: places(gaz, n)[0].admin1 for _, n, *_ in rows}
    assert by_name["Uncoded Near North"] == by_name["Bogus Code"] == by_name["Coded North"]
    assert by_name["Uncoded Near South"] == by_name["Coded South"] != by_name["Coded North"]


def test_english_division_names_from_the_aliases():
    """A division's name in its language or with diacritics is given in English as the
    press and ACLED write it, from its alternate names."""
    from conflictwire.extract.places.gazetteer import admin_terms, english_division_name

    terms = admin_terms()
    assert english_division_name("Ḩalab", ["Aleppo", "Aleppo Governorate", "حلب"], terms) == "Aleppo"
    assert english_division_name("Donetska oblast", ["Donetsk", "Donetsk Oblast"], terms) == "Donetsk"
    assert english_division_name("Shamāl Sīnā'", ["North Sinai Governorate"], terms) == "North Sinai"
    assert english_division_name("Bayrūt", ["Beirut", "محافظة بيروت"], terms) == "Beirut"
    # a name already in English, or aliases that only add an administrative word: unchanged
    assert english_division_name("Mopti", ["Mopti Region"], terms) is None
    assert english_division_name("Nairobi City", ["Nairobi County", "Kaunti ya Nairobi"], terms) is None


def test_locations_give_divisions_in_english(gaz: Gazetteer):
    from conflictwire.extract.places.geocoder import Geocoder

    geocoder = Geocoder(gaz)
    aleppo = next(p for p in places(gaz, "Aleppo") if p.iso3 == "SYR" and p.feature_class == "P")
    assert geocoder.to_location(aleppo).admin1 == "Aleppo"


def test_a_stream_hill_or_school_stands_for_a_village_only_where_nothing_else_bears_its_name(
        tmp_path: Path):
    """GeoNames lists some villages only under the lake, ruin, stream or school of their name:
    such a feature is found for the name where its country has no populated place or
    division of that name, never by a loose spelling, never for a country's name."""
    def row(gid: str, name: str, fclass: str, fcode: str, cc: str = "ML", alts: str = "") -> str:
        return "\t".join([gid, name, name, alts, "15.8", "-1.3", fclass, fcode, cc, "", "08", "", "",
                          "", "0", "", "300", "Africa/Bamako", "2024-01-01"])

    dump = tmp_path / "ML.txt"
    dump.write_text("\n".join([
        row("99400001", "Tessoumbari", "H", "LK"),  # the village's name, only as a lake's
        row("99400002", "Tessoumbari", "S", "RUIN"),
        row("99400003", "Kourmabou", "T", "HLL"),  # a hill named like a village of Mali
        row("99400004", "Kourmabou", "P", "PPL"),
        row("99400005", "Kenya", "H", "STM"),  # a stream named like a country
        row("99400006", "Lake Dourabali", "H", "LK", alts="Lac Dourabali"),  # a lake of its own
        row("99400007", "Hotel Tessoumbari", "S", "HTL"),  # not a place of events at all
    ]) + "\n", encoding="utf-8")
    store = tmp_path / "extra.sqlite"
    result = import_geonames(dump, store)
    assert (result.places, result.fallbacks, result.skipped) == (1, 5, 1)
    assert "5 other named features as fallbacks" in result.summary()[0]
    gaz = Gazetteer.load(store)
    found = gaz.match("Tessoumbari")
    assert sorted(p.feature_code for p, _ in found) == ["LK", "RUIN"]
    assert all(p.fallback and q == 1.0 for p, q in found)
    assert [p.feature_code for p in places(gaz, "Kourmabou")] == ["PPL"]  # the village, not the hill
    assert all(not p.fallback for p in places(gaz, "Kenya"))
    assert [p.feature_code for p in places(gaz, "Lac Dourabali")] == ["LK"]
    assert gaz.match("Tesoumbary") == []  # no loose spelling of a fallback
    # the toponym finder knows the name, after a cue as any small place
    import re

    text = "Two youths were wounded by an IED in Tessoumbari on Monday."
    assert [s for _, _, s in gaz.find_toponyms(text, cue=re.compile(r"\bin\s+$"))] == ["Tessoumbari"]
    # and `gazetteer find` says why it stands
    from conflictwire.extract.places.gazetteer_cli import find_command

    assert find_command("Tessoumbari", "ML", store) == 0
