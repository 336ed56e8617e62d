"""The assembly of events from whole reports written for these tests."""

from datetime import date

import pytest

from conflictwire.extract.pipeline import Extractor
from conflictwire.extract.places.gazetteer import haversine_km
from conflictwire.models import Article


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def extract(extractor, text, published="2025-04-10", lang="en", title=None):
    article = Article(id="t", text=text, published=published, language=lang, title=title)
    return extractor.extract_batch([article])


def test_background_paragraph_is_not_coded(extractor):
    events = extract(extractor, (
        "Gunmen killed seven villagers in an attack on Kadji, in Niger's Tillaberi region, on "
        "Tuesday, local officials said.\n"
        "In March 2021, more than 60 people were killed in attacks on nearby villages, and in "
        "2019 jihadists overran the Inates military camp."))
    assert len(events) == 1
    event = events[0]
    assert event.event_date == date(2025, 4, 8)
    assert (event.event_type, event.sub_event_type) == ("Violence against civilians", "Attack")
    assert event.fatalities == 7
    assert event.location.iso3 == "NER"


LAHORE = (31.55, 74.34)
KARACHI = (24.86, 67.01)
TWO_TOWNS = ("Police fired tear gas at protesters in Lahore on Tuesday. "
             "In Karachi, protesters set fire to a police van and threw stones at officers.")


def test_two_towns_on_one_day_are_two_events(extractor):
    events = {e.location.name: e for e in extract(extractor, TWO_TOWNS)}
    assert sorted(events) == ["Karachi", "Lahore"]
    for name, city in (("Lahore", LAHORE), ("Karachi", KARACHI)):
        location = events[name].location
        assert location.iso3 == "PAK" and location.geo_precision == 1
        assert haversine_km(location.latitude, location.longitude, *city) < 10, name
        assert events[name].event_date == date(2025, 4, 8)  # the Tuesday before publication
    # stones and a burnt police van: a violent demonstration (ACLED codebook)
    riot = events["Karachi"]
    assert (riot.disorder_type, riot.event_type, riot.sub_event_type) == (
        "Demonstrations", "Riots", "Violent demonstration")


def test_tear_gas_on_protesters_is_a_protest_with_intervention(extractor):
    events = {e.location.name: e for e in extract(extractor, TWO_TOWNS)}
    protest = events["Lahore"]
    assert (protest.disorder_type, protest.event_type, protest.sub_event_type) == (
        "Demonstrations", "Protests", "Protest with intervention")


def test_a_suspect_is_not_a_claimant(extractor):
    events = extract(extractor, (
        "Militants ambushed an army convoy near Mir Ali in North Waziristan on Wednesday, killing "
        "four soldiers, the military said.\n"
        "No group claimed responsibility, but suspicion fell on the Pakistani Taliban (TTP)."))
    assert len(events) == 1
    assert events[0].actor1.name == "Unidentified Armed Group (Pakistan)"
    assert events[0].fatalities == 4


def test_a_group_the_report_attributes_the_deed_to_is_the_perpetrator(extractor):
    events = extract(extractor, (
        "A roadside bomb struck an army truck near Boni, Mali, on Wednesday, killing two soldiers.\n"
        "Officials said the device was likely planted by Katiba Macina fighters."))
    assert len(events) == 1
    assert events[0].actor1.name.startswith("JNIM")


def test_an_attribution_names_no_demonstrators(extractor):
    events = extract(extractor, (
        "Hundreds of traders marched in Bamako on Wednesday against new taxes.\n"
        "Officials said the march was carried out by the JNIM's opponents in the traders' union."))
    assert all(e.event_type == "Protests" and not e.actor1.name.startswith("JNIM") for e in events)


def test_claimant_is_the_perpetrator(extractor):
    events = extract(extractor, (
        "A car bomb exploded outside a police station in Mogadishu on Monday, killing nine people, "
        "police said.\nAl-Shabaab claimed responsibility for the bombing in a statement."))
    assert len(events) == 1
    assert events[0].actor1.name == "Al Shabaab"
    assert any(c.kind == "responsibility" and c.claimant == "Al Shabaab" for c in events[0].claims)


def test_a_french_claim_that_counts_a_person_is_a_claim(extractor):
    # « une personne »: a person killed, not « personne » (nobody) claiming
    events = extract(extractor, (
        "Une attaque contre un poste de l'armée a tué une personne lundi à Djibo, au Burkina Faso.\n"
        "L'attaque, qui a tué une personne, a été revendiquée par le JNIM."), lang="fr")
    assert any(c.kind == "responsibility" and c.claimant and c.claimant.startswith("JNIM")
               for e in events for c in e.claims)


def test_a_background_word_far_off_in_a_run_on_report_leaves_the_event(extractor):
    # a report with its full stops lost: the figure "20 per cent" belongs to a later clause
    text = ("Armed cadres assaulted two shopkeepers in Aurangabad District and fled towards the "
            "forest after the villagers raised an alarm and the local police reached the spot to take the "
            "injured men to the district hospital where doctors said both were out of danger The panchayat "
            "head said the group had demanded 20 per cent of every contract in the area")
    events = extract(extractor, text, published=None)  # undated: no day says it is news
    assert [e.event_type for e in events] == ["Violence against civilians"]


def test_a_background_word_beside_the_deed_makes_it_background(extractor):
    assert extract(extractor, "Armed cadres regularly assault shopkeepers in Aurangabad District.",
                   published=None) == []


def test_where_the_wounded_were_taken_is_not_the_scene(extractor):
    events = extract(extractor, (
        "Gunmen opened fire on worshippers at a mosque in Kano on Friday, killing three people.\n"
        "Eleven wounded people were taken to a hospital in Abuja."))
    assert len(events) == 1
    assert events[0].location.name == "Kano"
    assert events[0].injured == 11


def test_the_story_day_carries_to_later_sentences(extractor):
    events = extract(extractor, (
        "Soldiers repelled an attack on their base in Djibo on Sunday.\n"
        "On Wednesday, an improvised explosive device struck an army patrol near Djibo.\n"
        "Three soldiers were killed in the blast."), published="2025-04-10")
    by_day = {e.event_date: e for e in events}
    assert date(2025, 4, 9) in by_day
    assert by_day[date(2025, 4, 9)].fatalities == 3
    assert by_day[date(2025, 4, 9)].sub_event_type == "Remote explosive/landmine/IED"


def test_sports_metaphors_give_no_event(extractor):
    assert extract(extractor, (
        "The striker fired a shot past the goalkeeper in the 20th minute as the hosts attacked, "
        "and the coach said his team fought like warriors in the final. Fans celebrated the "
        "title in the stadium after the match.")) == []


def test_french_seizure_of_a_town(extractor):
    events = extract(extractor, (
        "Les rebelles du M23 se sont emparés samedi de Goma, dans l'est de la République "
        "démocratique du Congo, après de brefs combats avec l'armée congolaise, selon des habitants."),
        published="2025-01-28", lang="fr")
    assert len(events) == 1
    event = events[0]
    assert event.sub_event_type == "Non-state actor overtakes territory"
    assert event.actor1.name.startswith("M23")
    assert event.location.name == "Goma" and event.event_date == date(2025, 1, 25)
