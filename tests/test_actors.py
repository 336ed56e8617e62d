"""Actor stage: named actors, generic nouns with their country, ACLED naming."""

from __future__ import annotations

import pytest

from conflictwire.extract.actors import ActorKB, tokenize
from conflictwire.extract.folding import fold_marks

JNIM = "JNIM: Group for Support of Islam and Muslims"


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return ActorKB.load()


def named(kb: ActorKB, text: str, lang: str = "en", country: str | None = None) -> list[str]:
    return [m.actor.name for m in kb.find(text, lang, country) if m.actor]


def generic(kb: ActorKB, text: str, lang: str = "en") -> list[tuple[str, str, str | None]]:
    return [(m.text, m.role, m.country) for m in kb.find(text, lang) if m.role != "named"]


def test_load_is_cached(kb: ActorKB) -> None:
    assert ActorKB.load() is kb
    assert len(kb.entries) > 300
    assert len(kb.countries) > 240


def test_fold_keeps_length() -> None:
    text = "Jama’at Nusrat — l’armée “malienne” à Ségou"
    assert len(fold_marks(text)) == len(text)
    assert fold_marks("Ségou") == "Segou"


def test_tokenize_splits_elision_and_possessive() -> None:
    keys = [t.key for t in tokenize("l'armée du Mali's U.S. troops")]
    assert keys == ["l", "armee", "du", "mali", "'s", "us", "troops"]


@pytest.mark.parametrize("alias", [
    "JNIM", "GSIM", "Group for Support of Islam and Muslims",
    "Jama'at Nusrat al-Islam wal-Muslimin", "Jama’at Nusrat al-Islam wal Muslimeen",
    "Jamaat Nusrat al Islam wal Muslimin", "Groupe de soutien à l’islam et aux musulmans",
])
def test_jnim_aliases_resolve_to_one_name(kb: ActorKB, alias: str) -> None:
    assert named(kb, f"On Monday {alias} fighters raided the camp.") == [JNIM]


def test_component_unit_folds_into_parent(kb: ActorKB) -> None:
    assert named(kb, "Des éléments de la katiba Macina ont été interpellés.", "fr") == [JNIM]


def test_resolve_alias(kb: ActorKB) -> None:
    actor = kb.resolve("ISWAP")
    assert actor is not None and actor.name == "Islamic State West Africa Province"
    assert actor.type == "Rebel group"
    houthis = kb.resolve("Ansar Allah")
    assert houthis is not None and houthis.country == "YEM"
    assert kb.resolve("the weather") is None


def test_acronyms_are_case_sensitive(kb: ActorKB) -> None:
    assert named(kb, "The ADF attacked a village near Beni.") == ["ADF: Allied Democratic Forces"]
    assert named(kb, "Their adf report and the jnim note were filed.") == []
    # "IS" the group, not the verb; not in an all-caps headline either
    assert named(kb, "It is unclear. This is the island.") == []
    assert named(kb, "WHAT IS NEXT FOR THE SAHEL") == []
    assert named(kb, "An IS cell claimed the bombing.") == ["Islamic State"]


def test_no_match_inside_words(kb: ActorKB) -> None:
    assert named(kb, "The hamastring and Talibanesque slogans, transmitted nightly.") == []
    assert kb.countries_in("Chadwick met Omaniac fans in Malibu.") == []


def test_generic_name_depends_on_country(kb: ActorKB) -> None:
    text = "Islamic State fighters stormed the base."
    assert named(kb, text, country="NGA") == ["Islamic State West Africa Province"]
    assert named(kb, text, country="MLI") == ["Islamic State (Sahel)"]
    assert named(kb, text, country="AFG") == ["Islamic State Khorasan Province"]
    assert named(kb, text) == ["Islamic State"]
    # an alias that only means something in one country
    pakistan = ["Military Forces of Pakistan"]
    assert named(kb, "Rangers dispersed the crowd.", country="PAK") == pakistan
    assert named(kb, "Rangers dispersed the crowd.", country="BEN") == []


def test_national_forces_acronyms(kb: ActorKB) -> None:
    assert named(kb, "Les FAMa ont repris Kidal.", "fr") == ["Military Forces of Mali"]
    assert named(kb, "The ISPR said four soldiers died.") == ["Military Forces of Pakistan"]
    assert named(kb, "L'ANT a repoussé l'attaque.", "fr") == ["Military Forces of Chad"]
    assert named(kb, "ENDF drones struck the town.") == ["Military Forces of Ethiopia"]
    assert named(kb, "Tatmadaw jets bombed the village.") == ["Military Forces of Myanmar"]


def test_demonym_qualified_nouns_english(kb: ActorKB) -> None:
    got = generic(kb, "Nigerian troops and Kenyan police clashed with unidentified gunmen.")
    assert got == [("Nigerian troops", "military", "NGA"), ("Kenyan police", "police", "KEN"),
                   ("unidentified gunmen", "unidentified", None)]
    assert generic(kb, "Mali's army said the soldiers of Niger helped.") == [
        ("Mali's army", "military", "MLI"), ("soldiers of Niger", "military", "NER")]
    assert generic(kb, "Russian forces advanced.") == [("Russian forces", "military", "RUS")]
    assert generic(kb, "The forces advanced.") == []  # too vague without a country


def test_demonym_qualified_nouns_french(kb: ActorKB) -> None:
    got = generic(kb, "L'armée tchadienne et des soldats tchadiens ont tué des assaillants.", "fr")
    assert got == [("armée tchadienne", "military", "TCD"),
                   ("soldats tchadiens", "military", "TCD"),
                   ("assaillants", "unidentified", None)]
    assert generic(kb, "La police du Niger et les forces de l'ordre de la RDC.", "fr") == [
        ("police du Niger", "police", "NER"), ("forces de l'ordre de la RDC", "police", "COD")]
    assert generic(kb, "des villageois et la gendarmerie nationale burkinabè", "fr") == [
        ("villageois", "civilians", None), ("gendarmerie nationale burkinabè", "police", "BFA")]


def test_plural_demonym_alone_is_civilians(kb: ActorKB) -> None:
    assert generic(kb, "The blast killed 60 Afghans.") == [("Afghans", "civilians", "AFG")]
    assert generic(kb, "Des Maliens ont fui.", "fr") == [("Maliens", "civilians", "MLI")]


def test_us_forces(kb: ActorKB) -> None:
    assert named(kb, "U.S. troops and the Pentagon") == ["Military Forces of the United States"] * 2
    assert generic(kb, "American soldiers were wounded.") == [
        ("American soldiers", "military", "USA")]


def test_state_forces_and_generic_naming(kb: ActorKB) -> None:
    assert kb.state_forces("USA").name == "Military Forces of the United States"
    assert kb.state_forces("NGA", "police").name == "Police Forces of Nigeria"
    assert kb.state_forces("MOZ", "government").name == "Government of Mozambique"
    assert kb.state_forces("MLI").type == "State forces"
    assert kb.country_names("USA") == "the United States"
    assert kb.country_names("MLI") == "Mali"
    a = kb.generic_actor("unidentified", "NER")
    assert (a.name, a.type, a.country) == ("Unidentified Armed Group (Niger)", "Political militia",
                                           "NER")
    assert kb.generic_actor("civilians", "COD").name == "Civilians (Democratic Republic of Congo)"
    assert kb.generic_actor("protesters", "KEN").type == "Protesters"
    assert kb.generic_actor("rioters", "PAK").name == "Rioters (Pakistan)"
    assert kb.generic_actor("military", "TCD").name == "Military Forces of Chad"
    assert kb.generic_actor("civilians", None).name == "Civilians"


def test_no_alias_is_a_label(kb: ActorKB) -> None:
    # "SNA (Syria)" is a label the matcher skips, never a surface form: a dead alias
    labels = [a for e in kb.entries.values() for a in e.aliases if "(" in a]
    assert labels == []


def test_generic_mention_names_its_generic_actor(kb: ActorKB) -> None:
    (m,) = kb.find("Villagers fled.")
    assert m.actor is None and m.role == "civilians" and m.country is None
    assert kb.generic_actor(m.role, m.country or "BFA").name == "Civilians (Burkina Faso)"


def test_demonym_country(kb: ActorKB) -> None:
    assert kb.demonym_country("malienne") == "MLI"
    assert kb.demonym_country("Maliennes") == "MLI"
    assert kb.demonym_country("Burkinabè") == "BFA"
    assert kb.demonym_country("South Sudanese") == "SSD"
    assert kb.demonym_country("Nigerien") == "NER"
    assert kb.demonym_country("Nigerian") == "NGA"
    assert kb.demonym_country("polish") is None  # English demonyms need a capital
    assert kb.demonym_country("table") is None


def test_countries_in_french(kb: ActorKB) -> None:
    text = "Au Tchad, en RDC, en Côte d’Ivoire et au Burkina Faso, l'armée malienne"
    found = [(iso, text[s:e]) for iso, s, e in kb.countries_in(text)]
    assert found == [("TCD", "Tchad"), ("COD", "RDC"), ("CIV", "Côte d’Ivoire"),
                     ("BFA", "Burkina Faso"), ("MLI", "malienne")]


def test_countries_in_english_exclusions(kb: ActorKB) -> None:
    text = ("From Latin America to Niger State in Nigeria, "
            "the Democratic Republic of Congo and the US")
    found = [(iso, text[s:e]) for iso, s, e in kb.countries_in(text)]
    assert found == [("NGA", "Nigeria"), ("COD", "Democratic Republic of Congo"), ("USA", "US")]
    assert kb.countries_in("let us go") == []


def test_countries_in_answers_the_same_when_asked_again(kb: ActorKB) -> None:
    # the answers are kept per text: a caller changing its list changes no later answer
    text = "Kenyan police crossed into Somalia."
    first = kb.countries_in(text)
    first.clear()
    again = [(iso, text[s:e]) for iso, s, e in kb.countries_in(text)]
    assert again == [("KEN", "Kenyan"), ("SOM", "Somalia")]


def test_mentions_do_not_cross_punctuation(kb: ActorKB) -> None:
    text = "The National Liberation Army (ELN) guerrillas left Mali. Soldiers came."
    got = [(m.text, m.role) for m in kb.find(text)]
    assert got == [("National Liberation Army", "named"), ("ELN", "named"),
                   ("guerrillas", "unidentified"), ("Soldiers", "military")]


# --- distinct groups stay distinct (rivals are never aliases of one another) -------------

@pytest.mark.parametrize(("text", "want"), [
    ("Los Tlacos clashed with Los Ardillos near Chilapa.", ["Los Tlacos", "Los Ardillos"]),
    ("Guerreros Unidos gunmen ambushed La Nueva Familia Michoacana members.",
     ["Guerreros Unidos", "La Nueva Familia Michoacana"]),
    ("Los Viagras and Carteles Unidos fought La Familia Michoacana.",
     ["Los Viagras", "Carteles Unidos", "La Familia Michoacana"]),
    ("The Knights Templar attacked the town.", ["Knights Templar Cartel"]),
    ("The Juarez Cartel and the Tijuana Cartel feuded with the BLO.",
     ["Juarez Cartel", "Tijuana Cartel", "Beltran Leyva Organization"]),
    ("Comando Vermelho gunmen fought Terceiro Comando Puro in Rio.",
     ["CV: Red Command", "TCP: Pure Third Command"]),
    ("Police blamed the New IRA, not the UVF or the Ulster Defence Association.",
     ["New IRA", "UVF: Ulster Volunteer Force", "UDA: Ulster Defence Association"]),
    ("KFOR soldiers separated Kosovo Police officers and protesters.",
     ["KFOR: Kosovo Force", "Police Forces of Kosovo"]),
    ("The PFLP and the DFLP claimed the rocket fire.",
     ["PFLP: Popular Front for the Liberation of Palestine",
      "DFLP: Democratic Front for the Liberation of Palestine"]),
    ("NSCN-IM cadres clashed with NSCN-K militants.",
     ["NSCN-IM: National Socialist Council of Nagaland (Isak-Muivah)",
      "NSCN-K: National Socialist Council of Nagaland (Khaplang)"]),
    ("CCC supporters and MDC-T youths fought in Harare.",
     ["CCC: Citizens Coalition for Change", "MDC-T: Movement for Democratic Change (Tsvangirai)"]),
    ("The BLF and the Sindhudesh Revolutionary Army claimed attacks.",
     ["BLF: Baloch Liberation Front", "SRA: Sindhudesh Revolutionary Army"]),
    ("The Stability Support Apparatus fought the 444th Brigade and the Rada Special Deterrence Force.",
     ["SSA: Stability Support Apparatus", "444th Brigade", "Rada: Special Deterrence Force"]),
    ("The Central Reserve Police and the Sudanese army entered Omdurman.",
     ["Police Forces of Sudan", "Military Forces of Sudan"]),
    ("SKM and KMM leaders joined BKU farmers at the border.",
     ["SKM: Samyukt Kisan Morcha", "KMM: Kisan Mazdoor Morcha", "BKU: Bharatiya Kisan Union"]),
    ("EUFOR and EUTM Mali trainers left; EUCAP Sahel stayed; Operation Aspides escorted ships.",
     ["EUFOR", "EUTM: European Union Training Mission", "EUCAP: European Union Capacity Building Mission",
      "Operation Aspides"]),
])
def test_distinct_groups_stay_distinct(kb: ActorKB, text: str, want: list[str]) -> None:
    assert named(kb, text) == want


def test_libyan_militias_are_not_the_army(kb: ActorKB) -> None:
    got = named(kb, "Nawasi Brigade fighters clashed with Misrata militias and Zawiya militias.")
    assert got == ["Nawasi Brigade", "Misrata Militia", "Zawiya Militia"]
    assert "Military Forces of Libya" not in got


def test_emergency_response_rooms_are_not_resistance_committees(kb: ActorKB) -> None:
    assert named(kb, "RSF fighters killed three Emergency Response Rooms volunteers.") == [
        "RSF: Rapid Support Forces"]


@pytest.mark.parametrize("phrase", ["Boko Haram collaborator", "PTI workers", "Kokang troops"])
def test_role_phrases_are_not_aliases(kb: ActorKB, phrase: str) -> None:
    assert all(phrase not in e.aliases for e in kb.entries.values())


def test_no_alias_twice(kb: ActorKB) -> None:
    assert [e.name for e in kb.entries.values() if len(set(e.aliases)) != len(e.aliases)] == []


# --- names resolved with the report's country -------------------------------------------

@pytest.mark.parametrize(("country", "want"), [
    ("IND", "Police Forces of India"), ("PAK", "Police Forces of Pakistan")])
def test_punjab_police_by_country(kb: ActorKB, country: str, want: str) -> None:
    assert named(kb, "Punjab Police arrested two smugglers near the border.", country=country) == [want]


def test_country_names_elsewhere_are_the_generic_role(kb: ActorKB) -> None:
    # no country known, or another one: the police (or forces) of the report's country
    got = [(m.text, m.role, m.country) for m in kb.find("Punjab Police arrested two men.")]
    assert got == [("Punjab Police", "police", None)]
    got = [(m.text, m.role, m.country) for m in kb.find("SWAT stormed the house in Nairobi.",
                                                        country="KEN")]
    assert got == [("SWAT", "police", "KEN")]
    assert named(kb, "SWAT operatives rescued the hostages.", country="NGA") == ["Police Forces of Nigeria"]
    got = [(m.role, m.country) for m in kb.find("Central Security Forces were deployed.",
                                                country="TUN")]
    assert got == [("police", "TUN")]
    assert named(kb, "Central Security Forces dispersed the crowd.", country="EGY") == [
        "Police Forces of Egypt"]
    assert named(kb, "The State Security Service arrested him in Cairo.", country="EGY") == [
        "Police Forces of Egypt"]
    assert named(kb, "The State Security Service arrested him in Abuja.", country="NGA") == [
        "Military Forces of Nigeria"]


def test_international_coalition_only_in_syria_and_iraq(kb: ActorKB) -> None:
    text = "The international coalition carried out an air strike."
    assert named(kb, text, country="SYR") == ["Global Coalition Against Daesh"]
    assert named(kb, text, country="YEM") == []
    assert named(kb, text) == []


def test_uda_by_country(kb: ActorKB) -> None:
    assert named(kb, "UDA members attacked the rally in Nakuru.") == ["UDA: United Democratic Alliance"]
    assert named(kb, "The UDA denied involvement in the Belfast shooting.", country="GBR") == [
        "UDA: Ulster Defence Association"]


def test_jem_in_capitals_by_country(kb: ActorKB) -> None:
    assert named(kb, "JEM militants attacked the camp in Pulwama.", country="IND") == [
        "JeM: Jaish-e-Mohammed"]
    assert named(kb, "JEM fighters entered El Fasher.", country="SDN") == [
        "JEM: Justice and Equality Movement"]
    assert named(kb, "JEM fighters entered El Fasher.") == ["JEM: Justice and Equality Movement"]
    assert named(kb, "JeM claimed the attack.") == ["JeM: Jaish-e-Mohammed"]


def test_four_letter_acronym_not_in_capital_headline(kb: ActorKB) -> None:
    assert named(kb, "DEADLY RAID ON VILLAGE LEAVES TEN DEAD", country="FRA") == []
    assert named(kb, "RAID officers stormed a flat in Saint-Denis.") == ["Police Forces of France"]


@pytest.mark.parametrize(("text", "iso"), [
    ("Tatmadaw jets bombed the village.", "MMR"),
    ("Myanmar Police Force officers fired on the crowd.", "MMR"),
    ("Islamic Emirate forces raided the house.", "AFG"),
    ("Giants Brigades repelled the attack.", "YEM"),
])
def test_curated_state_names_are_those_state_forces_generates(kb: ActorKB, text: str, iso: str) -> None:
    (name,) = named(kb, text)
    kind = "police" if name.startswith("Police") else "military"
    assert name == kb.state_forces(iso, kind).name


@pytest.mark.parametrize(("text", "want"), [
    ("Islamic State's Afghan branch claimed the bombing.", "Islamic State Khorasan Province"),
    ("The Islamic State group's Afghanistan affiliate said it fired the rockets.",
     "Islamic State Khorasan Province"),
    ("Islamic State's Somali branch attacked Puntland forces.", "Islamic State (Somalia)"),
    ("Al-Qaeda's Yemeni branch claimed the ambush.", "AQAP: Al Qaeda in the Arabian Peninsula"),
])
def test_branch_named_by_its_country(kb: ActorKB, text: str, want: str) -> None:
    assert named(kb, text)[0] == want


def test_acronyms_side_by_side_are_not_a_headline(kb: ActorKB) -> None:
    assert named(kb, "JNIM militants shot three MNLA (CMA) officers in Kidal.") == [
        JNIM, "MNLA: National Movement for the Liberation of Azawad",
        "CSP-PSD: Permanent Strategic Framework for Peace, Security and Development"]
    assert named(kb, "Presumed AQIM (JNIM) militants fired two shells.") == [
        "AQIM: Al Qaeda in the Islamic Maghreb", JNIM]


@pytest.mark.parametrize(("text", "mention"), [
    ("Armed men attacked the convoy.", "Armed men"),
    ("Heavily armed men attacked the convoy.", "Heavily armed men"),
    ("The armed group attacked the convoy.", "armed group"),
    ("Unidentified individuals attacked the convoy.", "Unidentified individuals"),
])
def test_a_modifier_that_begins_a_noun_is_part_of_it(text, mention):
    found = ActorKB.load().find(text, "en")
    assert [(a.text, a.role) for a in found] == [(mention, "unidentified")]


def test_a_militia_known_in_one_country_is_named_for_the_one_it_acts_in():
    kb = ActorKB.load()
    known = next(a.actor for a in kb.find("Fulani militiamen attacked", "en") if a.actor)
    assert kb.identity_militia(known, "MLI").name == "Fulani Ethnic Militia (Mali)"
    assert kb.identity_militia(known, known.country).name == known.name


@pytest.mark.parametrize(("country", "name"), [
    ("UKR", "NAF: United Armed Forces of Novorossiya"),
    ("NGA", "Military Forces of Nigeria"),
])
def test_an_acronym_two_forces_share_is_read_with_the_reports_country(country, name):
    found = ActorKB.load().find("NAF forces fired at the positions.", "en", country)
    assert [a.actor.name for a in found if a.actor] == [name]


def test_a_forces_name_is_no_people():
    found = ActorKB.load().find("They fired at the positions of the Donbass People's Militia.", "en", "UKR")
    assert all(a.role != "identity" for a in found)
