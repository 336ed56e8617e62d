"""Reports phrased as real news and coders' summaries are (ERROR-ANALYSIS.md's classes, on
sentences written for these tests): headline-style leads, singular deaths, and the codebook's
typing of what they tell."""

import pytest

from conflictwire.extract.pipeline import Extractor
from conflictwire.models import Article


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def extract(extractor, text, published="2025-04-10", lang="en"):
    return extractor.extract_batch([Article(id="t", text=text, published=published, language=lang)])


def only(events):
    assert len(events) == 1, [(e.event_type, e.sub_event_type) for e in events]
    return events[0]


@pytest.mark.parametrize(("text", "kind"), [
    ("Bandits kill three herders and drive away cattle near Baragoi.", "Violence against civilians"),
    ("Teachers protest over unpaid salaries in Kisumu.", "Protests"),
    ("Protests over fuel prices in Kano.", "Protests"),
])
def test_a_headline_style_lead_tells_the_news(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


def test_a_generic_sentence_after_the_lead_is_not_an_event(extractor):
    events = extract(extractor, (
        "Gunmen shot dead a village chief in Kadji on Tuesday, residents said.\n"
        "Armed groups kill civilians across the region and rarely face justice."))
    event = only(events)
    assert event.fatalities == 1


def test_a_progressive_lead_is_a_trend_not_news(extractor):
    assert extract(extractor, "Armed gangs are using landmines to protect their coca fields.") == []


def test_singular_deaths_count(extractor):
    assert only(extract(extractor, "Gunmen shot dead a police officer in Kano on Monday.")).fatalities == 1
    assert only(extract(extractor, "Un gendarme a été tué lundi à Kati par des hommes armés.",
                        lang="fr")).fatalities == 1


def test_toll_policy_acled_takes_a_partys_specific_count():
    text = "Soldiers killed 14 militants in an ambush near Kadji on Monday, the army said."
    published = "2025-04-10"
    conservative = only(extract(Extractor(), text, published))
    assert conservative.fatalities == 0  # rule 4: a party's count of its enemy's dead
    assert only(extract(Extractor(tolls="acled"), text, published)).fatalities == 14


def test_a_neutral_count_wins_over_a_partys_under_both_policies(extractor):
    text = ("Soldiers killed 14 militants in an ambush near Kadji on Monday, the army said. "
            "A local official said nine bodies had been found.")
    assert only(extract(Extractor(tolls="acled"), text)).fatalities == 9


def test_the_sources_country_is_a_prior_when_the_text_names_none(extractor):
    text = "Unknown gunmen shot dead a trader at the market on Monday."
    article = Article(id="t", text=text, published="Thu, 10 Apr 2025 08:00:00 +0000", language="en",
                      country="KE")
    event = only(extractor.extract_batch([article]))
    assert event.location.iso3 == "KEN"
    assert str(event.event_date) == "2025-04-07"


@pytest.mark.parametrize("text", [
    "Unknown gunmen shot dead a police officer at a checkpoint in Garissa, Kenya, on Monday.",
    "Suspected militants attacked a post in Djibo, Burkina Faso, on Monday, killing two soldiers.",
])
def test_killing_state_agents_is_a_battle_with_the_state(extractor, text):
    event = only(extract(extractor, text))
    assert (event.event_type, event.sub_event_type) == ("Battles", "Armed clash")
    assert event.actor2 is not None and event.actor2.type == "State forces"


def test_killing_villagers_stays_violence_against_civilians(extractor):
    event = only(extract(extractor, "Gunmen killed four villagers in Djibo, Burkina Faso, on Monday."))
    assert event.event_type == "Violence against civilians"


@pytest.mark.parametrize(("text", "sub"), [
    ("Rioting students torched a police post in Thika on Monday, and two of them died.",
     "Violent demonstration"),
    ("A suspected thief was beaten to death by an angry mob in Kakamega on Monday.", "Mob violence"),
    ("Traders protesting a new tax in Kano on Monday threw stones at police.", "Violent demonstration"),
])
def test_a_violent_crowd_is_a_riot_whoever_died(extractor, text, sub):
    event = only(extract(extractor, text))
    assert (event.event_type, event.sub_event_type) == ("Riots", sub)


def test_groups_named_as_one_or_the_other_are_one_side(extractor):
    event = only(extract(extractor, (
        "Suspected JNIM and/or Islamic State militants killed two traders near Djibo, "
        "Burkina Faso, on Monday.")))
    assert event.event_type == "Violence against civilians"
    assert event.actor2 is not None and event.actor2.type == "Civilians"
    assert event.assoc_actor_1


def test_groups_fighting_each_other_are_two_sides(extractor):
    event = only(extract(extractor, (
        "Clashes between JNIM and Islamic State militants near Djibo, Burkina Faso, on Monday "
        "left 12 fighters dead, residents said.")))
    assert event.event_type == "Battles"


@pytest.mark.parametrize(("text", "sub"), [
    ("Gunmen seized an ambulance of an aid group in Gao, Mali, on Monday.", "Looting/property destruction"),
    ("Unknown assailants burnt down a primary school near Djibo, Burkina Faso, on Monday.",
     "Looting/property destruction"),
    ("Soldiers discovered and defused an IED on the road to Boni, Mali, on Monday.",
     "Disrupted weapons use"),
])
def test_no_one_harmed_is_a_strategic_development(extractor, text, sub):
    event = only(extract(extractor, text))
    assert (event.event_type, event.sub_event_type) == ("Strategic developments", sub)


def test_an_ied_that_kills_is_an_explosion_even_if_found_later(extractor):
    event = only(extract(extractor, "An IED killed two soldiers near Boni, Mali, on Monday."))
    assert event.event_type == "Explosions/Remote violence"


def test_rebels_seizing_a_named_town_is_territory(extractor):
    event = only(extract(extractor, "M23 rebels seized Goma on Monday after brief fighting with the "
                                    "Congolese army."))
    assert event.event_type == "Battles" and "territory" in event.sub_event_type


def test_taking_a_break_is_not_territory(extractor):
    assert extract(extractor, "Soldiers took a break at the checkpoint on Monday.") == []


def test_communities_fighting_are_their_ethnic_militias(extractor):
    event = only(extract(extractor, (
        "Clashes between the Borana and Gabra communities near Moyale, Kenya, on Monday left "
        "three people dead, police said.")))
    assert event.event_type == "Battles"
    assert {event.actor1.name, event.actor2.name} == {"Borana Ethnic Militia (Kenya)",
                                                      "Gabra Ethnic Militia (Kenya)"}


def test_a_community_struck_is_its_civilians(extractor):
    event = only(extract(extractor, (
        "Gunmen killed five members of the Fulani community near Djibo, Burkina Faso, on Monday.")))
    assert event.event_type == "Violence against civilians"
    assert event.actor2.name == "Civilians (Burkina Faso)"


def test_raiders_named_by_their_group_are_its_militia(extractor):
    event = only(extract(extractor, "Pokot raiders killed two herders near Kapedo, Kenya, on Monday."))
    assert event.actor1.name == "Pokot Ethnic Militia (Kenya)"
    assert event.actor1.type == "Identity militia"


@pytest.mark.parametrize(("text", "forces"), [
    ("An Israeli air strike killed four people in Khan Younis on Monday, medics said.",
     "Military Forces of Israel"),
    ("Russian drones struck Odesa overnight, killing two civilians, officials said.",
     "Military Forces of Russia"),
    ("U.S. drones struck a compound near Jilib, Somalia, on Monday.", "Military Forces of the United States"),
])
def test_a_nationality_on_the_weapon_names_the_attacker(extractor, text, forces):
    event = only(extract(extractor, text))
    assert event.event_type == "Explosions/Remote violence"
    assert event.actor1.name == forces


def test_a_disaster_is_not_political_violence(extractor):
    assert extract(extractor, "A landslide killed 14 people in western Uganda on Monday.") == []
    assert extract(extractor, "Un accident de la route a fait 12 morts lundi près de Ségou.", lang="fr") == []


def test_deaths_in_police_firing_on_protesters_are_excessive_force(extractor):
    event = only(extract(extractor, "Two protesters died in police firing in Multan on Monday."))
    assert (event.event_type, event.sub_event_type) == ("Protests", "Excessive force against protesters")
    assert event.actor1.type == "State forces" and event.actor2.type == "Protesters"
    assert event.fatalities == 2


def test_demonstrators_who_fight_the_police_riot_whatever_the_police_fire(extractor):
    # the crowd fought: a riot, though the police then fired live rounds (rule: excessive force
    # is lethal force against a peaceful crowd)
    event = only(extract(extractor, (
        "Police and demonstrators clashed in Kisumu on Monday; the police fired live rounds and "
        "one protester was killed.")))
    assert (event.event_type, event.sub_event_type) == ("Riots", "Violent demonstration")


@pytest.mark.parametrize(("text", "lang"), [
    ("On Monday gunmen shot dead an off-duty policeman in Kano.", "en"),
    ("Unknown gunmen killed a gendarme at his home in Kaya, Burkina Faso, on Monday.", "en"),
    ("On Monday gunmen killed a retired soldier at the market in Kano.", "en"),
    ("Lundi, des hommes armés ont tué un gendarme à son domicile à Kaya.", "fr"),
])
def test_a_member_of_the_forces_struck_off_duty_is_a_civilian(extractor, text, lang):
    event = only(extract(extractor, text, lang=lang))
    assert (event.event_type, event.actor2.type) == ("Violence against civilians", "Civilians")


def test_a_member_of_the_forces_struck_on_duty_is_a_side(extractor):
    event = only(extract(extractor, "On Monday gunmen shot dead a policeman at a checkpoint in Kano."))
    assert (event.event_type, event.actor2.type) == ("Battles", "State forces")


def test_shot_by_security_forces_makes_them_the_perpetrator(extractor):
    event = only(extract(extractor, "A trader was shot by security forces in Nairobi on Monday."))
    assert event.actor1.type == "State forces"


def test_a_governors_count_of_enemy_dead_is_a_partys_claim():
    text = "Troops killed 30 bandits in Zamfara on Monday, the state governor said."
    assert only(extract(Extractor(), text)).fatalities == 0
    assert only(extract(Extractor(tolls="acled"), text)).fatalities == 30


def test_french_press_numbers_in_words_and_digits(extractor):
    event = only(extract(extractor, "Vingt-trois (23) personnes ont été tuées lundi dans l'attaque du "
                                    "village de Sobane, au Mali.", lang="fr"))
    assert event.fatalities == 23


def test_a_clause_about_another_event_lends_it_nothing(extractor):
    event = only(extract(extractor, (
        "Gunmen shot dead two soldiers in Kidal, Mali, on Monday, two days after a suicide bombing "
        "that killed 12 civilians in Gao.")))
    assert (event.event_type, event.fatalities) == ("Battles", 2)
    assert event.location.name.startswith("Kidal")


def test_a_sentence_that_comes_back_from_the_cause_tells_its_own_event(extractor):
    event = only(extract(extractor, (
        "On Monday, traders in Sikasso, Mali, protested against the arrest of two men accused of "
        "theft, the protesters burned tyres and ransacked the town hall.")))
    assert event.event_type == "Riots"  # the crowd's deeds come after the cause


def test_the_cause_of_a_protest_lends_it_no_violence(extractor):
    event = only(extract(extractor, (
        "On Monday, traders in Sikasso, Mali, protested against the killing of a trader who was "
        "shot dead by robbers.")))
    assert (event.event_type, event.fatalities) == ("Protests", 0)


def test_a_crowd_s_demand_ends_where_the_parse_ends_its_phrase(extractor):
    # no comma closes "to demand ...": the sentence's own verb comes after it
    event = only(extract(extractor, (
        "On Monday, youths protesting to demand the resignation of the mayor of Kaya set fire to his "
        "house.")))
    assert (event.event_type, event.sub_event_type) == ("Riots", "Violent demonstration")


def test_the_aftermath_of_an_event_does_not_date_it(extractor):
    # the lead's day is Saturday; the night after, blood donors queued (not the event's day)
    events = extract(extractor, (
        "At least 20 soldiers were killed when a drone attack struck a camp in Marib, Yemen, sources "
        "said on Sunday.\n"
        "The strike on Saturday hit the camp's mosque during evening prayers.\n"
        "Residents said ambulances ferried casualties for hours after the blast, and that blood donors "
        "queued outside the hospital overnight."), published="2025-04-06")
    assert [str(e.event_date) for e in events] == ["2025-04-05"]


@pytest.mark.parametrize("text", [
    "On Sunday a vigilante group shot and killed two suspected thieves in Nakuru, Kenya.",
    "On Sunday a man was killed by a band of vigilantes over suspected theft in Embu, Kenya.",
])
def test_an_unnamed_vigilante_band_dealing_its_own_justice_is_a_mob(extractor, text):
    event = only(extract(extractor, text))
    assert (event.event_type, event.sub_event_type, event.actor1.type) == ("Riots", "Mob violence", "Rioters")


@pytest.mark.parametrize("text", [
    # "causing injuries" names harm with no agent: the police before it did not do it
    "On Monday labourers threw stones at the police at a checkpoint in Barwani, causing injuries to a "
    "sub-inspector.",
    "On Monday police dispersed about 200 people who were burning debris in a street of Caracas.",
])
def test_a_crowd_s_stones_and_fires_against_the_forces_are_a_riot(extractor, text):
    assert only(extract(extractor, text)).event_type == "Riots"


def test_two_communities_militias_that_clash_are_two_sides(extractor):
    event = only(extract(extractor, "On Monday Pokot and Turkana militias clashed near Kapedo, Kenya."))
    assert (event.event_type, event.actor1.name, event.actor2.name) == (
        "Battles", "Pokot Ethnic Militia (Kenya)", "Turkana Ethnic Militia (Kenya)")


def test_raiders_killed_in_the_fighting_fought(extractor):
    event = only(extract(extractor, (
        "On Monday, Samburu raiders attacked a Turkana village in Kenya; nine raiders were killed in "
        "the fighting.")))
    assert event.event_type == "Battles"


@pytest.mark.parametrize("text", [
    "On Monday the rebels fired grenade launchers and small arms at the government positions near "
    "Avdiivka, Ukraine.",
    "On Monday monitors recorded 12 shots involving small arms near Avdiivka, Ukraine.",
    "On Monday JNIM militants ambushed an army convoy near Mopti, Mali, with an IED detonation followed "
    "by small arms fire.",
])
def test_small_arms_fired_tell_a_fight(extractor, text):
    assert only(extract(extractor, text)).event_type == "Battles"


def test_small_arms_seized_tell_no_fight(extractor):
    event = only(extract(extractor, "On Monday police seized small arms and ammunition in Kano."))
    assert event.event_type == "Strategic developments"


def test_residents_who_stone_thieves_to_death_are_a_mob(extractor):
    event = only(extract(extractor, "On Sunday residents stoned two suspected robbers to death in Embu."))
    assert (event.event_type, event.sub_event_type) == ("Riots", "Mob violence")


def test_a_crowd_that_clashes_with_police_throwing_stones_riots(extractor):
    event = only(extract(extractor, (
        "On Monday police clashed with squatters in Kisauni, Mombasa; the squatters threw stones at the "
        "officers.")))
    assert event.event_type == "Riots"


@pytest.mark.parametrize(("text", "forces"), [
    ("On Monday CRS officers fired tear gas at striking students in Ouagadougou, Burkina Faso.",
     "Police Forces of Burkina Faso"),
    ("On Saturday CRS officers fired tear gas at protesters in Paris.", "Police Forces of France"),
])
def test_the_crs_are_the_police_of_the_country_they_serve(extractor, text, forces):
    event = only(extract(extractor, text))
    assert forces in (event.actor1.name, event.actor2.name)


@pytest.mark.parametrize("text", [
    "On Monday students in Mombasa protested the killing of a student by a mob.",
    "On Monday protesters gathered in Sidon against the detention of two activists accused of rioting.",
])
def test_the_violence_a_protest_is_about_is_its_cause(extractor, text):
    event = only(extract(extractor, text))
    assert (event.event_type, event.sub_event_type) == ("Protests", "Peaceful protest")


def test_an_unknown_group_that_ambushes_police_is_an_armed_side(extractor):
    # "two civilians killed": a headline passive, the counted civilians were killed, they did not kill
    event = only(extract(extractor, (
        "On Monday an unknown group ambushed police officers near Narok, Kenya; one officer and two "
        "civilians killed in the attack.")))
    assert (event.event_type, event.actor1.name) == ("Battles", "Unidentified Armed Group (Kenya)")


def test_a_party_s_spokesman_attacked_is_a_civilian(extractor):
    event = only(extract(extractor, (
        "On Monday the ODM party spokesman was attacked by an unknown group in Kisumu, Kenya.")))
    assert (event.event_type, event.actor2.name) == ("Violence against civilians", "Civilians (Kenya)")


@pytest.mark.parametrize("text", [
    "On Monday Al Shabaab militants set on fire two police camps in Ijara, Kenya.",
    "On Monday JNIM militants attacked the gendarmerie in Balle, Mali, and seized arms, no casualties "
    "reported.",
])
def test_an_armed_group_s_attack_on_the_forces_posts_is_a_battle_harm_or_none(extractor, text):
    assert only(extract(extractor, text)).event_type == "Battles"


def test_residents_who_catch_and_burn_a_thief_are_a_mob(extractor):
    event = only(extract(extractor, (
        "On Sunday, residents of Kalundu in Kitui, Kenya, caught two suspected thieves at the market and "
        "burned them alive.")))
    assert (event.event_type, event.sub_event_type) == ("Riots", "Mob violence")


@pytest.mark.parametrize("text", [
    "Two policemen were killed and a soldier wounded in a roadside blast near Bannu, Pakistan, on Monday.",
    "At least six passengers were injured on Monday when an explosion hit a bus in Quetta, Pakistan.",
])
def test_a_blast_is_the_means_whoever_it_hits(extractor, text):
    assert only(extract(extractor, text)).event_type == "Explosions/Remote violence"


def test_a_blast_and_gunfire_together_stay_a_fight(extractor):
    event = only(extract(extractor, "Militants opened fire on a police post near Bannu, Pakistan, on Monday "
                                    "and a blast followed, killing two policemen."))
    assert event.event_type == "Battles"


def test_an_encounter_with_the_police_is_a_gunfight(extractor):
    event = only(extract(extractor, "Police killed two suspects in an alleged encounter in Kanpur, India, "
                                    "on Monday."))
    assert event.event_type == "Battles"


@pytest.mark.parametrize("text", [
    "A trader was shot dead by gunmen under Madanpur Police Station in Aurangabad, India, on Monday.",
    "Gunmen shot dead a shopkeeper within the limits of Pirabad Police Station in Karachi on Monday.",
])
def test_a_police_station_named_for_its_area_takes_no_part(extractor, text):
    event = only(extract(extractor, text))
    assert event.event_type == "Violence against civilians"
    assert not event.actor2.name.startswith("Police")


def test_an_attack_on_a_police_station_is_on_its_police(extractor):
    event = only(extract(extractor, "Maoists attacked the Bijepur Police Station in Bargarh, India, on "
                                    "Monday and fired at the policemen."))
    assert event.event_type == "Battles"


@pytest.mark.parametrize("text", [
    "A pressure bomb planted by Maoists (CPI-Maoist) exploded near a patrol in Sukma, India, on Monday.",
    "Two traders were hurt when crude bombs were hurled at a market in Dhaka, Bangladesh, on Monday.",
])
def test_the_press_s_bombs_are_explosive_devices(extractor, text):
    assert only(extract(extractor, text)).event_type == "Explosions/Remote violence"


def test_a_cause_told_of_the_subject_ends_at_its_verb(extractor):
    event = only(extract(extractor, "Pilgrims commemorating the death of a saint were attacked by gunmen "
                                    "near Djenne, Mali, on Monday."))
    assert event.event_type == "Violence against civilians"


def test_a_named_town_attacked_is_its_people_attacked(extractor):
    event = only(extract(extractor, "On Monday, Boko Haram attacked Gajiram in Borno, Nigeria, and burnt "
                                    "the health centre and several shops."))
    assert event.event_type == "Violence against civilians"


def test_a_party_attacked_is_no_town(extractor):
    event = only(extract(extractor, "On Monday, Boko Haram attacked Nigerian troops in Gajiram, Borno, and "
                                    "burnt their vehicles."))
    assert event.event_type == "Battles"


@pytest.mark.parametrize("text", [
    "A militant lobbed a Chinese hand grenade at a trader's house in Tinsukia, India, on Monday.",
    "Militants threw explosive material at the gate of an official's house in Peshawar on Monday.",
    # a unit's name is no ground fighting beside the bomb
    "A bomb planted by Maoists exploded near a Commando Battalion for Resolute Action patrol in "
    "Gaya, India, on Monday.",
])
def test_devices_thrown_or_planted_are_remote_violence(extractor, text):
    assert only(extract(extractor, text)).event_type == "Explosions/Remote violence"


@pytest.mark.parametrize("text", [
    "On May 19, militants set fire to a school in Kushtia District.",
    "Militants set fire to a school in Kushtia District on 19 May.",
])
def test_the_month_of_may_is_no_modal(extractor, text):
    event = only(extract(extractor, text, published=None))  # no day of publication: no year known
    assert event.sub_event_type == "Looting/property destruction"


def test_a_modal_may_is_no_event(extractor):
    assert extract(extractor, "Militants may attack schools in Kushtia District, the police warned.") == []


def test_posts_captured_are_territory_taken(extractor):
    event = only(extract(extractor, "Taliban fighters captured three police checkpoints in Khwaja Ghar, "
                                    "Takhar, on Monday."))
    assert event.sub_event_type == "Non-state actor overtakes territory"


@pytest.mark.parametrize(("text", "sub"), [
    ("Militants exploded a grenade at the gate of a trader's house in Imphal, India, on Monday.", "Grenade"),
    ("A powerful bomb shattered a party office in Karachi, Pakistan, on Monday, killing six people.",
     "Remote explosive/landmine/IED"),
])
def test_the_device_told_by_what_it_did(extractor, text, sub):
    assert only(extract(extractor, text)).sub_event_type == sub


@pytest.mark.parametrize(("text", "kind"), [
    ("Militants fired upon an army patrol near Handwara, India, on Monday.", "Battles"),
    ("Police exchanged heavy firing with Maoist cadres near Garu, India, on Monday.", "Battles"),
    ("Unidentified men burnt a Hindu temple in Tando Mohammad Khan, Pakistan, on Monday.",
     "Strategic developments"),
])
def test_more_of_the_press_s_verbs_and_targets(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


@pytest.mark.parametrize("text", [
    "Maoists shot dead a Bharatiya Janata Party (BJP) leader in Bijapur, India, on Monday.",
    "On Monday a local leader of the Awami League was stabbed to death by unidentified men in Rupganj, "
    "Bangladesh.",
    # the party's acronym in brackets is the same party, and in Pakistan "ANP" is no army
    "Gunmen shot dead an activist of the Awami National Party (ANP) in Karachi on Monday.",
])
def test_a_party_official_struck_is_a_civilian(extractor, text):
    event = only(extract(extractor, text))
    assert event.event_type == "Violence against civilians"
    assert event.actor2.name.startswith("Civilians")


def test_a_party_whose_people_are_arrested_stays_the_party(extractor):
    event = only(extract(extractor, "Police arrested twelve BJP workers in Kolkata, India, on Monday."))
    assert event.sub_event_type == "Arrests"
    assert event.actor2 is not None and event.actor2.name.startswith("BJP")


def test_youths_fighting_police_are_rioters(extractor):
    event = only(extract(extractor, (
        "Running battles between youths and police broke out in Kisumu, Kenya, on Monday.")))
    assert event.event_type == "Riots"  # a mob's: no demonstration is told


def test_a_community_killed_in_the_passive_is_its_civilians(extractor):
    event = only(extract(extractor, "Four people of the Marri tribe were killed in a shooting in Quetta "
                                    "on Monday."))
    assert event.actor2.name == "Civilians (Pakistan)"
    assert "Marri" not in event.actor1.name


def test_a_community_that_attacks_is_its_militia(extractor):
    event = only(extract(extractor, "Orma ethnic group attacks Pokomo villages near Garsen, Kenya."))
    assert event.actor1.name == "Orma Ethnic Militia (Kenya)"


@pytest.mark.parametrize(("text", "kind", "dead"), [
    # headline present tense: a party noun, then its verb
    ("Clan militia attacks herdsman near Wajir.", "Violence against civilians", 0),
    ("Residents demonstrate over water shortage in Nyeri.", "Protests", 0),
    ("Rebels gun down three soldiers near Beni.", "Battles", 3),
    # a noun phrase before the trigger that does not refer back to an event told
    ("On Monday hundreds went to the streets to protest against fuel prices in Kano.", "Protests", 0),
    ("Gunmen assassinated a councillor in his home in Kadji on Monday.", "Violence against civilians", 1),
    ("A shoot-out between police and a gang took place in the city centre of Kano on Monday.", "Battles", 0),
])
def test_news_phrasings_give_their_event(extractor, text, kind, dead):
    event = only(extract(extractor, text))
    assert (event.event_type, event.fatalities) == (kind, dead)


def test_a_plural_noun_before_attacks_is_not_a_headline_verb(extractor):
    assert extract(extractor, "Militia attacks have increased in the region, analysts say.") == []


def test_forces_of_no_known_country_are_still_an_armed_side(extractor):
    # no place the gazetteer knows, no country named: the gendarmes still fight back
    event = only(extract(extractor, "Unidentified gunmen attacked the gendarmerie post on Monday."))
    assert event.event_type == "Battles"
    assert event.actor2 is not None and event.actor2.type == "State forces"


def test_gunmen_said_to_be_unknown_are_not_the_group_they_attack():
    event = only(extract(Extractor(tolls="acled"), "Unknown gunmen attacked a GATIA position near Gao on "
                                                   "Monday, killing two combatants."))
    assert event.event_type == "Battles"
    assert event.actor1.name.startswith("Unidentified Armed Group")
    assert event.actor2 is not None and event.actor2.name.startswith("GATIA")
    assert event.fatalities == 2


def test_a_crowd_that_turns_violent_is_a_riot_whatever_force_met_it(extractor):
    event = only(extract(extractor, "Protesters burned tyres and threw stones at the town hall in Kati on "
                                    "Monday; gendarmes shot dead one of them."))
    assert (event.event_type, event.sub_event_type) == ("Riots", "Violent demonstration")


def test_peaceful_protesters_shot_at_is_excessive_force_though_arson_follows(extractor):
    event = only(extract(extractor, "Soldiers opened fire on peaceful protesters in Kano on Monday, killing "
                                    "four, as the city descended into arson."))
    assert event.sub_event_type == "Excessive force against protesters"


def test_roads_blocked_by_the_police_or_merely_blocked_are_no_riot(extractor):
    blocked = only(extract(extractor, "Traders protested in Kisumu on Monday and blocked the entrance "
                                      "of the county offices."))
    assert blocked.sub_event_type == "Peaceful protest"
    barricaded = only(extract(extractor, "Teachers marched through Nyeri on Monday; police barricaded "
                                         "the main road."))
    assert barricaded.event_type == "Protests"


def test_a_fight_told_as_mutual_is_a_battle_though_people_died_in_it(extractor):
    event = only(extract(extractor, "Clashes between rival clans in Wajir on Monday left one person dead "
                                    "and six people injured."))
    assert event.event_type == "Battles"
    ambush = only(extract(extractor, "Gunmen ambushed a bus near Kadji on Monday, killing five passengers."))
    assert ambush.event_type == "Violence against civilians"


@pytest.mark.parametrize(("text", "kind"), [
    ("Soldiers beat and injured a woman at a checkpoint in Kati on Monday.", "Violence against civilians"),
    ("A hospital worker was beaten by a soldier in Kati on Monday.", "Violence against civilians"),
    # the forces as the target: an attacker is implied
    ("A soldier was shot dead near Kati on Monday.", "Battles"),
    ("Five gendarmes were killed on Monday in an attack on the gendarmerie post of Kati.", "Battles"),
])
def test_forces_alone_harming_someone_unarmed_is_violence_against_civilians(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


def test_a_count_of_dead_by_a_party_does_not_make_them_fighters():
    event = only(extract(Extractor(tolls="acled"), "Five herders shot dead by armed bandits near Baragoi "
                                                   "on Monday."))
    assert (event.event_type, event.fatalities) == ("Violence against civilians", 5)


@pytest.mark.parametrize(("text", "sub"), [
    ("The army deployed 500 troops to the border town of Mandera on Monday.", "Change to group/activity"),
    ("Militants besieged the village of Kadji on Monday, residents said.", "Change to group/activity"),
    ("Rebels set up a new base near Kadji on Monday, residents said.", "Headquarters or base established"),
    ("Rebels withdrew from the town of Kadji on Monday.", "Non-violent transfer of territory"),
    ("Gunmen threatened teachers in Kadji on Monday and closed down the school.", "Other"),
])
def test_every_strategic_development_sub_type_is_found(extractor, text, sub):
    event = only(extract(extractor, text))
    assert (event.event_type, event.sub_event_type) == ("Strategic developments", sub)


@pytest.mark.parametrize(("text", "kind"), [
    ("Opposition supporters throw stones and clash with police in Kisumu after leaders had urged "
     "a boycott.", "Riots"),
    ("Hundreds of traders gathered at the city hall in Kisumu on Monday to demand lower taxes.", "Protests"),
    ("Armed men carried out a drive-by shooting against a police station in Kadji on Monday.", "Battles"),
    ("The air force targeted rebel positions near Kadji on Monday.", "Explosions/Remote violence"),
    ("Four vehicles were burnt in Kisumu on Monday.", "Strategic developments"),
])
def test_more_news_phrasings_give_their_event(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


def test_a_name_that_depends_on_the_country_is_resolved_with_the_reports():
    # the sentence names no country: the report's town does
    event = only(extract(Extractor(), "KABUL, April 8 (Wire) - Islamic State gunmen attacked a checkpoint "
                                      "near Kabul on Tuesday, killing two soldiers."))
    assert event.actor1.name == "Islamic State Khorasan Province"


def test_an_explosion_told_alone_is_remote_violence(extractor):
    event = only(extract(extractor, "Two explosions were heard near the market of Kadji on Monday, "
                                    "residents said."))
    assert event.event_type == "Explosions/Remote violence"
    mine = only(extract(extractor, "A truck ran over a landmine near Kadji on Monday, killing the driver."))
    assert mine.sub_event_type == "Remote explosive/landmine/IED"


def test_unorganised_people_fighting_each_other_is_mob_violence(extractor):
    event = only(extract(extractor, "Villagers clashed with traders over a market stall in Kadji on Monday."))
    assert (event.event_type, event.sub_event_type) == ("Riots", "Mob violence")


@pytest.mark.parametrize(("text", "sub"), [
    # demonstrators who destroy property or hurt people riot, whatever their words
    ("Students in Nyeri staged a violent protest over fees on Monday.", "Violent demonstration"),
    ("Traders protested in Kisumu on Monday and destroyed water pipes.", "Violent demonstration"),
    ("On Monday protesters in Kano blocked the highway and injured two officers.", "Violent demonstration"),
    ("A farmers' protest turns violent in Eldoret on Monday.", "Violent demonstration"),
    ("Teachers protested peacefully in Kano on Monday over unpaid salaries.", "Peaceful protest"),
])
def test_demonstrators_own_violence_makes_a_riot(extractor, text, sub):
    assert only(extract(extractor, text)).sub_event_type == sub


@pytest.mark.parametrize(("text", "sub"), [
    ("On Monday the army exchanged artillery fire with the rebels near Kibati.", "Armed clash"),
    ("On Monday troops launched a fresh offensive against militia positions near Bunia.", "Armed clash"),
    ("A hand grenade is thrown at a police vehicle in Garissa on Monday.", "Grenade"),
    ("On Monday shells fired by the rebels fell on a market in Kibati.", "Shelling/artillery/missile attack"),
    ("On Monday militants damaged a bridge by setting off explosives.", "Remote explosive/landmine/IED"),
    ("On Monday the bodies of two men were found in Kibera with bullet wounds.", "Attack"),
    ("On Monday youths burnt a bar in the old town of Gao.", "Mob violence"),
    ("On Monday gunmen took two teachers hostage near Djibo.", "Abduction/forced disappearance"),
    ("On Monday reinforcements reportedly arrived at the front near Marib.", "Change to group/activity"),
])
def test_more_phrasings_of_each_sub_type(extractor, text, sub):
    assert only(extract(extractor, text)).sub_event_type == sub


@pytest.mark.parametrize("text", [
    "On Monday about 1,500 people marched silently in Ouagadougou to mark the anniversary of the "
    "hotel attack.",
    "On Monday a march was held in Koudougou to commemorate the anniversary of the killing of a "
    "journalist in 1998.",
])
def test_a_march_that_marks_an_anniversary_is_news(extractor, text):
    # the anniversary is the march's cause: the march itself happened on Monday
    event = only(extract(extractor, text))
    assert (event.event_type, str(event.event_date)) == ("Protests", "2025-04-07")


def test_a_happening_of_the_week_before_is_the_story_s_context(extractor):
    events = extract(extractor, (
        "On Monday residents of Rosario held a peaceful march against the release of prisoners.\n"
        "The march came after riots broke out in the city's prison the previous week."))
    assert [(e.event_type, str(e.event_date)) for e in events] == [("Protests", "2025-04-07")]


def test_a_week_earlier_in_a_clause_leaves_the_sentence_its_own_day(extractor):
    event = only(extract(extractor, (
        "On Monday teachers in Kaya staged a march in solidarity with two teachers assaulted a week "
        "earlier.")))
    assert (event.event_type, str(event.event_date)) == ("Protests", "2025-04-07")


@pytest.mark.parametrize(("text", "sub"), [
    ("On Monday pro-government forces were reportedly deployed to Hadibu, Yemen.",
     "Change to group/activity"),
    ("On Monday Turkana raiders took up arms in Kapedo, Kenya.",
     "Change to group/activity"),
    ("On Monday three armed movements announced their merger into a new group in Kidal, Mali.",
     "Change to group/activity"),
    ("On Monday pupils found an unexploded bomb near a school in Isiolo, Kenya.", "Disrupted weapons use"),
])
def test_strategic_developments_of_other_phrasings(extractor, text, sub):
    assert only(extract(extractor, text)).sub_event_type == sub


def test_a_late_report_of_an_earlier_day_is_the_news(extractor):
    # the report's only event, told with its day, ten days before publication (rule 2)
    event = only(extract(extractor, "On 31 March, motorcycle taxi drivers demonstrated in Kano to demand "
                                    "lower fuel prices.", published="2025-04-10"))
    assert (event.event_type, str(event.event_date)) == ("Protests", "2025-03-31")


def test_an_earlier_day_beside_the_news_stays_background(extractor):
    events = extract(extractor, (
        "Gunmen killed two farmers in Kadji on Wednesday, residents said.\n"
        "On 12 March, protesters had marched in Kano to demand security."), published="2025-04-10")
    assert [e.event_type for e in events] == ["Violence against civilians"]



@pytest.mark.parametrize("text", [
    "On Monday armed men attacked a private security guard at a mine near Tonala, killing him.",
    "On Monday heavily armed men attacked the customs post of Markoye, killing two customs officers.",
    "On Monday militants attacked the forest guard station near Kassoum.",
])
def test_attacks_on_guards_and_customs_are_battles(extractor, text):
    # armed guards and state agents are a side: the fight is a battle (ACLED's codebook)
    event = only(extract(extractor, text))
    assert event.event_type == "Battles"
    assert event.actor1 is not None and event.actor1.name.startswith("Unidentified Armed Group")


@pytest.mark.parametrize("text", [
    "On Monday the police forces beat up a trader in Monrovia for not wearing a mask.",
    "On Monday a man was attacked by a police officer in Baragoi.",
    "On Monday a drug suspect was killed during a police raid in Bulacan.",
])
def test_the_forces_alone_harming_someone_is_violence_against_civilians(extractor, text):
    assert only(extract(extractor, text)).event_type == "Violence against civilians"


def test_a_count_before_an_active_killing_verb_counts_the_killers(extractor):
    event = only(extract(extractor, "On Monday three militants shot dead a council driver in Hola."))
    assert event.fatalities == 1
    assert event.event_type == "Violence against civilians"


def test_a_date_line_before_the_lead_leaves_it_the_lead(extractor):
    # "31 July." is a line of its own: the headline-style sentence after it states the news
    event = only(extract(extractor, "3 April. Clan militia shoots and kills a village chief in Wajir. "
                                    "The militia were believed to be cattle raiders."))
    assert (event.event_type, event.fatalities) == ("Violence against civilians", 1)


@pytest.mark.parametrize(("text", "kind"), [
    ("On Monday militants ransacked the polling station in Kobaka.", "Strategic developments"),
    ("On Monday militiamen set four houses ablaze in the village of Bidi; no casualties were "
     "reported.", "Strategic developments"),
    ("On Monday rioting youths ransacked the town hall of Kobaka.", "Riots"),
])
def test_an_armed_groups_ransacking_is_property_destruction_a_crowds_a_riot(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


@pytest.mark.parametrize(("text", "kind"), [
    ("On Monday militants ambushed an army convoy near Boni with an IED followed by gunfire, "
     "killing two soldiers.", "Battles"),
    ("On Monday the rebels fired mortars, grenade launchers and small arms at the army positions "
     "near Avdiivka.", "Battles"),
    ("On Monday an IED struck an army convoy near Boni, killing two soldiers.", "Explosions/Remote violence"),
])
def test_a_complex_attack_with_gunfire_is_a_battle(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


@pytest.mark.parametrize("text", [
    "On Monday taxi drivers violently protested the arrival of a ride-hailing app in Nairobi.",
    "On Monday protesters engaged in running battles with police in Kisumu.",
    "On Monday mutinying soldiers fired shots in the air in Gaoua.",
    "On Monday hundreds of protesters armed with clubs and machetes blocked the road to Kaya.",
])
def test_more_ways_a_demonstration_turns_violent(extractor, text):
    assert only(extract(extractor, text)).event_type == "Riots"


@pytest.mark.parametrize(("text", "sub"), [
    ("On Monday three trucks of a construction company were burned by gunmen near Niafunke.",
     "Looting/property destruction"),
    ("On Monday soldiers demolished a family's house in Jiftlik.", "Looting/property destruction"),
    ("On Monday the army launched a new operation in the north against the militant threat.",
     "Change to group/activity"),
    ("On Monday a local movement in Pouytenga established an Islamist militia.", "Change to group/activity"),
    ("On Monday police in Nairobi arrest two foreign nationals on terror charges.", "Arrests"),
])
def test_strategic_developments_told_in_other_words(extractor, text, sub):
    assert only(extract(extractor, text)).sub_event_type == sub


def test_a_people_named_as_the_victims_genitive_are_civilians(extractor):
    event = only(extract(extractor, "On Monday militants attacked the village of Kadji; 12 people of the "
                                    "Foulse community killed."))
    assert event.event_type == "Violence against civilians"


def test_a_month_told_within_it_is_this_month(extractor):
    event = only(extract(extractor, "In September at an unspecified date, gendarmes arrested and executed a "
                                    "merchant near Aribinda.", published="2025-09-15"))
    assert (event.event_type, str(event.event_date)) == ("Violence against civilians", "2025-09-01")


def test_an_early_part_of_the_month_past_is_background(extractor):
    events = extract(extractor, "Soldiers opened fire on protesters in Lagos on Tuesday, killing 12.\n"
                                "The protests began in early October after a video of police killings "
                                "circulated.", published="2025-10-22")
    assert [e.event_type for e in events] == ["Protests"]


def test_what_a_demonstration_remembers_is_not_its_day(extractor):
    event = only(extract(extractor, "On Monday students marched in Koudougou to commemorate classmates "
                                    "killed in 2011.", published="2025-04-10"))
    assert (event.event_type, event.fatalities) == ("Protests", 0)


@pytest.mark.parametrize("text", [
    "On Monday post-election violence broke out in Kisumu, leaving two dead.",
    "On Monday soldiers in Tenkodogo fired gun shots in the air in several neighbourhoods.",
    "On Monday police battled with the suspected gang in Kitale.",
    "On Monday al Shabaab militants were holding ten hostages in a mall in Nairobi.",
])
def test_events_told_as_nouns_or_in_other_verbs_are_found(extractor, text):
    assert len(extract(extractor, text)) == 1


@pytest.mark.parametrize("text", [
    "On Monday armed bandits attacked villagers near Baragoi, torched homes and stole cattle.",
    "On Monday soldiers fired tear gas at farmers working in their fields east of Khuzaa.",
    "On Monday militiamen slashed a girl to death in Pangani.",
])
def test_people_attacked_are_the_victims_whatever_else_was_taken(extractor, text):
    assert only(extract(extractor, text)).event_type == "Violence against civilians"


def test_youths_attacking_officials_are_a_mob(extractor):
    event = only(extract(extractor, "On Monday youths armed with sticks stormed the county offices in Siaya "
                                    "and beat two civil servants."))
    assert (event.event_type, event.sub_event_type) == ("Riots", "Mob violence")


def test_hired_thugs_are_an_armed_group(extractor):
    event = only(extract(extractor, "On Monday hired thugs attacked a village near Molo, killing five."))
    assert event.event_type == "Violence against civilians"
    assert event.actor1 is not None and event.actor1.name.startswith("Unidentified Armed Group")


def test_the_party_named_nearest_before_the_deed_did_it(extractor):
    # "a crowd formed ..., and the police fired": the police fired, the crowd did not riot
    event = only(extract(extractor, "On Monday a crowd formed outside the station in Sondu and the police "
                                    "shot dead a man."))
    assert event.event_type != "Riots"


@pytest.mark.parametrize(("text", "sub"), [
    ("On Monday militants abducted a trader near Douentza; his corpse was found on Tuesday.", "Attack"),
    ("On Monday militants abducted two traders near Douentza.", "Abduction/forced disappearance"),
    ("On Monday youths in Hounde protested against a mining company; security forces arrested a dozen "
     "protesters.", "Protest with intervention"),
    ("On Monday miners in Kaya protested to demand the release of colleagues. Police intervened.",
     "Protest with intervention"),
])
def test_what_followed_decides_the_sub_type(extractor, text, sub):
    assert only(extract(extractor, text)).sub_event_type == sub


def test_a_call_to_intervene_is_no_event(extractor):
    assert extract(extractor, "The minister said the government should intervene in crime-ridden "
                              "municipalities.") == []


def test_the_forces_of_two_states_are_two_sides(extractor):
    event = only(extract(extractor, "On Monday Ukrainian forces fired mortars and small arms at the "
                                    "positions of the Donbass People's Militia near Avdiivka, Ukraine."))
    assert event.event_type == "Battles"


@pytest.mark.parametrize(("text", "kind"), [
    ("On Monday more than 200 traders stormed the county offices in Malindi to protest the demolition "
     "of their stalls.", "Protests"),
    ("On Monday rowdy youths disrupted the opposition rally in Kabarnet.", "Riots"),
    ("On Monday transport in Busia was disrupted as matatu operators held a demonstration over roads.",
     "Protests"),
])
def test_storming_an_office_to_protest_is_a_protest_disrupting_a_rally_a_riot(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


def test_a_member_of_a_community_killed_is_a_civilian(extractor):
    event = only(extract(extractor, "On Monday militiamen killed a member of the Fulani community in the "
                                    "village of Gainga."))
    assert event.event_type == "Violence against civilians"


def test_gendarmes_are_a_police_force(extractor):
    event = only(extract(extractor, "Gendarmes shot dead a suspected smuggler in Kaya, Burkina Faso, "
                                    "on Monday."))
    assert event.actor1.name == "Police Forces of Burkina Faso"


@pytest.mark.parametrize("text", [
    "Youths engaged police in running battles in Kisumu, Kenya, on Monday.",
    "Opposition supporters engaged in running battles with police in Kisumu, Kenya, on Monday.",
    "Traders blocked the main road in Kano, Nigeria, setting fire to tyres, on Monday.",
])
def test_street_fighting_and_burning_tyres_are_a_riot(extractor, text):
    assert only(extract(extractor, text)).event_type == "Riots"


def test_running_battles_between_two_armed_sides_stay_a_battle(extractor):
    event = only(extract(extractor, "Soldiers and al-Shabaab militants fought running battles near Mandera, "
                                    "Kenya, on Monday."))
    assert event.event_type == "Battles"


@pytest.mark.parametrize(("text", "kind"), [
    ("Residents beat a suspected thief in Meru, Kenya, on Monday.", "Riots"),
    ("A candidate was attacked by voters in Kitui, Kenya, on Monday.", "Riots"),
    ("Three villagers killed in an attack in Mandera, Kenya, on Monday.", "Violence against civilians"),
    ("Herders attacked farmers in Baringo, Kenya, on Monday, killing two.", "Violence against civilians"),
])
def test_unorganised_people_who_attack_are_a_mob_and_victims_stay_victims(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


@pytest.mark.parametrize("text", [
    "On Monday militants killed a trader accused of collaborating with the army near Djibo.",
    "On Monday gunmen shot dead two men on suspicion of being informants for the soldiers in Djibo.",
    "On Monday militants killed the brother of an army general in Djibo.",
])
def test_a_party_that_only_describes_the_victim_takes_no_part(extractor, text):
    assert only(extract(extractor, text)).event_type == "Violence against civilians"


@pytest.mark.parametrize("text", [
    "Farmers blocked the highway in Kinangop, Kenya, on Monday to protest a wind project. "
    "During the protest a house and a vehicle were burnt down.",
    "Traders protested the closure of the market in Nakuru, Kenya, on Monday. "
    "They later engaged police in running battles.",
    "Police used tear gas to disperse rowdy traders protesting new fees in Nakuru, Kenya, on Monday.",
])
def test_a_crowd_turning_violent_later_in_the_report_makes_a_riot(extractor, text):
    assert only(extract(extractor, text)).event_type == "Riots"


def test_taking_part_in_a_car_parade_is_no_looting(extractor):
    event = only(extract(extractor, "Protesters took part in a car demonstration towards the government "
                                    "buildings in Beirut on Monday."))
    assert event.event_type == "Protests"


@pytest.mark.parametrize("text", [
    "On Monday French forces conducted an operation near Gao, Mali. Airstrikes hit three targets, "
    "followed by a ground operation by commandos that killed ten militants.",
    "On Monday militants carried out an IED and armed assault on an army convoy near Djibo, "
    "killing two soldiers.",
    "On Monday observers recorded 12 explosions and shots involving small arms near Avdiivka, Ukraine.",
])
def test_remote_means_with_ground_fighting_are_a_battle(extractor, text):
    assert only(extract(extractor, text)).event_type == "Battles"


def test_gunfire_told_after_a_bombing_keeps_it_a_bombing(extractor):
    event = only(extract(extractor, "On Monday a suicide bomber attacked a crowd near a market in Maiduguri, "
                                    "Nigeria, killing 12 civilians. Witnesses said gunfire followed the "
                                    "explosion."))
    assert (event.event_type, event.sub_event_type) == ("Explosions/Remote violence", "Suicide bomb")


def test_the_killing_a_crowd_protests_against_is_not_its_toll(extractor):
    event = only(extract(extractor, "On Monday students protested in Koudougou, Burkina Faso, against the "
                                    "killing of a fellow student by police."))
    assert (event.event_type, event.fatalities) == ("Protests", 0)


@pytest.mark.parametrize("text", [
    "Miners protested in Kaya, Burkina Faso, on Monday over unpaid wages. Police intervene.",
    "Traders protested in Kisumu, Kenya, on Monday. Police used water canons to disperse the crowd.",
])
def test_the_forces_stepping_in_told_in_other_words_is_an_intervention(extractor, text):
    assert only(extract(extractor, text)).sub_event_type == "Protest with intervention"


def test_a_captive_later_found_dead_is_an_attack_and_counts(extractor):
    event = only(extract(extractor, "On Monday a herder was abducted by gunmen near Diafarabe, Mali. "
                                    "He was later found dead."))
    assert (event.sub_event_type, event.fatalities) == ("Attack", 1)


def test_a_battle_with_one_side_named_has_an_unidentified_enemy(extractor):
    event = only(extract(extractor, "On Monday an army checkpoint was attacked near Gao, Mali; the soldiers "
                                    "repelled the attack."))
    assert event.event_type == "Battles"
    assert (event.actor1.name, event.actor2.name) == ("Unidentified Armed Group (Mali)",
                                                      "Military Forces of Mali")


@pytest.mark.parametrize(("text", "actor2"), [
    ("On Monday a mob lynched a suspected thief at a market in Meru, Kenya.", "Civilians (Kenya)"),
    ("On Monday police arrested a journalist in Nairobi, Kenya, over a post on social media.",
     "Civilians (Kenya)"),
])
def test_a_mobs_victims_and_those_arrested_are_civilians(extractor, text, actor2):
    assert only(extract(extractor, text)).actor2.name == actor2


def test_an_armed_group_attacking_a_village_attacks_civilians_even_unhurt(extractor):
    event = only(extract(extractor, "On Monday militiamen attacked and torched the hamlet of Boila, Mali, "
                                    "no casualties reported."))
    assert (event.event_type, event.sub_event_type) == ("Violence against civilians", "Attack")


@pytest.mark.parametrize(("text", "events"), [
    ("Members of the Ogiek community protest against the bid to evict them from a farm in Nakuru, Kenya.", 1),
    ("Paraguay has passed reforms expanding military powers in the fight against guerrilla insurgents.", 0),
])
def test_a_lead_has_nothing_to_refer_back_to_but_abstract_nouns_are_no_news(extractor, text, events):
    assert len(extract(extractor, text)) == events


def test_a_road_blocked_to_press_a_demand_is_a_protest(extractor):
    event = only(extract(extractor, "On Monday a group of people blocked the highway near Acapulco, Mexico, "
                                    "demanding food subsidies."))
    assert event.event_type == "Protests"


@pytest.mark.parametrize("text", [
    "On Monday ODM supporters of two candidates clashed at a party rally in Magunga, Kenya.",
    "On Monday political rivals clashed at a church meeting in Thika, Kenya.",
])
def test_a_partys_supporters_clashing_are_a_riot_not_a_battle(extractor, text):
    assert only(extract(extractor, text)).event_type == "Riots"


def test_a_gangs_members_killed_by_police_stay_a_battle(extractor):
    event = only(extract(extractor, "On Monday police shot dead five Mungiki members in Kariobangi, "
                                    "Nairobi."))
    assert event.event_type != "Protests"


@pytest.mark.parametrize(("text", "sub"), [
    ("On Monday residents stoned police officers who came to arrest a suspect in Rongo, Kenya.",
     "Mob violence"),
    ("On Monday youths protesting a fuel price rise stoned police officers in Rongo, Kenya.",
     "Violent demonstration"),
    ("On Monday rioters burned tyres on the main road in Rongo, Kenya.", "Violent demonstration"),
])
def test_a_violent_crowd_with_no_demonstration_told_is_a_mob(extractor, text, sub):
    event = only(extract(extractor, text))
    assert (event.event_type, event.sub_event_type) == ("Riots", sub)


def test_the_forces_killing_armed_robbers_fight_them(extractor):
    event = only(extract(extractor, "On Monday police shot dead five suspected carjackers in Ruiru, Kenya, "
                                    "after a car chase."))
    assert event.event_type == "Battles"


@pytest.mark.parametrize(("text", "kind"), [
    ("On Monday a truce was signed between the Pokot and Marakwet communities in Kapenguria, Kenya.",
     "Strategic developments"),
    ("On Monday workers held a sit in outside the ministry in Ouagadougou, Burkina Faso.", "Protests"),
    ("On Monday traders burnt down three villas in Watamu, Kenya, after their kiosks were demolished.",
     "Riots"),
    ("On Monday armed bandits hijacked a bus on the road to Niamey near Fada, Burkina Faso.",
     "Strategic developments"),
])
def test_common_phrasings_of_developments_protests_and_destruction(extractor, text, kind):
    assert only(extract(extractor, text)).event_type == kind


def test_a_partys_militants_in_english_are_its_fighters_in_french_its_activists():
    from conflictwire.extract.actors import ActorKB
    from conflictwire.extract.assemble import partisans
    kb = ActorKB.load()
    for text, expected in [("Militants of the ANC attacked a police station.", False),
                           ("Supporters of the ANC marched in Durban.", True)]:
        anc = next(a for a in kb.find(text, "en") if a.role == "named")
        assert partisans(text, anc) is expected, text


@pytest.mark.parametrize("text", [
    "Unknown gunmen, presumably JNIM militants, shot dead a shopkeeper in Djibo on Tuesday.",
    "Unidentified gunmen (believed to be Al Shabaab fighters) killed a trader near Mandera on Tuesday.",
])
def test_unnamed_gunmen_said_to_be_a_group_are_that_group_not_a_second_side(extractor, text):
    event = only(extract(extractor, text))
    assert event.event_type == "Violence against civilians"
    assert not event.actor1.name.startswith("Unidentified")


@pytest.mark.parametrize("text", [
    "On Tuesday, soldiers arrested six men from the village of Dori, five were found executed.",
    "On Tuesday, the gendarmerie arrested an individual near Kaya, the individual was taken to Kaya "
    "where he was tortured, he died of his wounds.",
])
def test_people_harmed_after_the_forces_arrested_them_are_attacked_by_those_forces(extractor, text):
    event = only(extract(extractor, text))
    assert (event.event_type, event.actor2.name.split(" (")[0]) == ("Violence against civilians", "Civilians")
    assert event.actor1.type == "State forces"


def test_an_officer_off_duty_after_words_about_him_is_a_civilian_struck(extractor):
    event = only(extract(extractor, "Gunmen shot dead a police officer of the county who was off-duty "
                                    "in Eldoret on Tuesday."))
    assert event.event_type == "Violence against civilians"


def test_forces_before_a_participle_with_no_object_were_harmed_not_harming(extractor):
    # a headline's passive: the police were killed, and did not attack their own post
    text = "Police officers killed when responding to attack on police post in Lamu"
    event = only(extract(extractor, text))
    assert event.event_type == "Battles"
    assert event.actor2.type == "State forces"


def test_forces_after_by_and_a_demonym_are_the_killers(extractor):
    event = only(extract(extractor, "A cleric was shot dead by suspected Ethiopian Liyu Police in Garissa "
                                    "on Sunday, hours after one person was killed and three others injured."))
    assert event.event_type == "Violence against civilians"
    assert event.actor1.type == "State forces"


def test_a_crowd_hurt_in_confrontations_with_the_police_riots(extractor):
    event = only(extract(extractor, "On Tuesday, at least five youths were killed and eight others wounded "
                                    "amid violent confrontations with the police in Orodara."))
    assert event.event_type == "Riots"


@pytest.mark.parametrize(("text", "sub"), [
    ("On Tuesday, rebel forces fired grenade launchers and heavy machine guns at army positions near "
     "Popasna.", "Shelling/artillery/missile attack"),
    ("On Tuesday, rebel forces fired grenade launchers and small arms at army positions near Popasna.",
     "Armed clash"),
    ("On Tuesday, clashes erupted near Marib after Southern Resistance fired RPGs at a fort.", "Armed clash"),
])
def test_heavy_weapons_fired_from_afar_are_shelling_unless_the_sides_fight(extractor, text, sub):
    assert only(extract(extractor, text)).sub_event_type == sub


def test_a_group_of_people_who_attack_are_a_mob_not_nobody_in_particular(extractor):
    event = only(extract(extractor, "On Tuesday, a group of people attacked a radio station in Kisumu."))
    assert (event.event_type, event.sub_event_type) == ("Riots", "Mob violence")


@pytest.mark.parametrize(("text", "sub"), [
    ("On Tuesday, militants ambushed an army convoy near Gossi, killing one soldier, and two technicals "
     "with machine guns mounted were seized.", "Armed clash"),
    ("On Tuesday, three aid workers were seized by gunmen from their residence in Mandera.",
     "Abduction/forced disappearance"),
])
def test_goods_seized_are_no_abduction_people_seized_are(extractor, text, sub):
    assert only(extract(extractor, text)).sub_event_type == sub


def test_a_past_perfect_in_a_relative_clause_does_not_push_the_main_verb_back(extractor):
    # "who had gathered" tells how the farmers came there; "protest" is the news
    event = only(extract(extractor, "Farmers who had gathered at the Bungoma market protest a delay of "
                                    "payments by the sugar company."))
    assert event.event_type == "Protests"
    assert extract(extractor, "Farmers had protested a delay of payments by the sugar company.") == []
