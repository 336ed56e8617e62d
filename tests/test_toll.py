"""Rule 4 on sentences written for these tests."""

import pytest

from conflictwire.extract.toll import (
    attribution,
    classify_source,
    conservative_toll,
    figures,
    unquantified_loss,
)


def toll(*sentences, kind="dead", lang="en"):
    found = [f for s in sentences for f in figures(s, lang)]
    return conservative_toll(found, kind)


def test_dead_and_injured_in_one_sentence():
    s = "The blast killed nine people and wounded 14 others, a hospital official said."
    assert toll(s) == 9
    assert toll(s, kind="injured") == 14


def test_most_conservative_admissible_figure():
    assert toll("At least 31 villagers were killed, residents said.",
                "The death toll rose to 40, according to a local official.") == 31


def test_enemy_losses_claimed_by_a_party_do_not_count():
    s = "The army said 25 militants were killed in the fighting."
    assert figures(s)[0].admissible is False
    assert toll(s) is None
    claimed = "The group said in a statement on Telegram that it had killed 30 soldiers."
    assert toll(claimed) is None


def test_own_losses_count():
    assert toll("Seven soldiers were killed and three wounded, the army said.") == 7


def test_distinct_victim_groups_add_up():
    s = "The attack killed at least 20 Iraqis and 3 U.S. service members, officials said."
    assert toll(s) == 23


def test_subsets_are_not_added():
    assert toll("Gunmen killed 41 people, including 12 children, in the raid.") == 41


def test_cumulative_figures_are_not_this_events_toll():
    assert toll("The insurgency has killed more than 2,000 people since 2019.") is None


def test_vague_quantities_follow_acled():
    assert toll("Dozens of civilians were killed in the raid.") == 12


def test_french():
    s = "Au moins douze civils ont été tués et cinq autres blessés, selon une source locale."
    assert toll(s, lang="fr") == 12
    assert toll(s, kind="injured", lang="fr") == 5


def test_unquantified_losses_are_a_claim():
    assert unquantified_loss("The group said the raid caused huge human and material losses.")
    assert unquantified_loss("A quiet day at the market.") is None


def test_sources():
    assert attribution("Five were killed, according to the Red Cross.") == "the Red Cross"
    assert classify_source("the Red Cross") == "neutral"
    assert classify_source("the army spokesman") == "state"


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Police said 12 people died in the blast.", "Police"),  # a speaker opening the sentence
    ("Twelve soldiers were killed, the army said.", "the army"),
    ('"We repelled them," said Colonel Diarra.', "Colonel Diarra"),  # inverted after a quote
    ("Five died, said the governor of the region.", "the governor of the region"),
    ("It said 14 people had been buried.", "It"),  # the report is not the speaker
    ("« Nous avons repoussé l'attaque », a déclaré le colonel.", "le colonel"),
    ("Le ministère a annoncé que 12 soldats ont été tués.", "Le ministère"),
])
def test_who_speaks(sentence, speaker):
    assert attribution(sentence) == speaker


def test_a_pronoun_speaker_is_the_one_of_the_sentence_before():
    from conflictwire.extract.assemble import speaker
    from conflictwire.models import Sentence

    texts = ["The Kutum Emergency Room, a network of volunteers, said the market was hit.",
             "It said 14 people had been buried.", "They added that 30 were wounded.", "Nobody spoke."]
    sentences = [Sentence(index=i, start=0, end=len(t), text=t) for i, t in enumerate(texts)]
    assert speaker(1, sentences) == "The Kutum Emergency Room"
    assert speaker(2, sentences) == "The Kutum Emergency Room"  # two sentences back
    assert speaker(3, sentences) == ""
    alone = [Sentence(index=0, start=0, end=10, text="He said five died.")]
    assert speaker(0, alone) == ""  # nobody to stand for: unattributed, not "He"


@pytest.mark.parametrize(("sentence", "lang"), [
    ("Gunmen shot dead a police officer at a checkpoint on Sunday.", "en"),
    ("Farmer killed near his field by unknown attackers.", "en"),
    ("A trader was found dead in the market on Friday morning.", "en"),
    ("Her driver was stabbed to death outside the office.", "en"),
    ("Un douanier a été tué dans la nuit de samedi à dimanche.", "fr"),
    ("Des individus armés ont abattu un commerçant au marché de la ville.", "fr"),
])
def test_one_death_without_a_numeral(sentence, lang):
    assert toll(sentence, lang=lang) == 1


@pytest.mark.parametrize("sentence", [
    "A soldier opened fire on the crowd, police said.",  # no death told
    "An officer killed protesters near the stadium.",  # an unknown number, not one
    "The teacher was arrested on Monday.",
])
def test_no_single_death_where_none_is_told(sentence):
    assert toll(sentence) is None


def test_a_named_death_is_among_the_counted_dead():
    assert toll("The strike killed a senior commander.",
                "Security sources said the strike killed three people, among them the commander.") == 3


@pytest.mark.parametrize(("sentence", "dead"), [
    ("Militiamen killed a butcher after a dispute at the market.", 1),
    ("A suspected rustler was killed by a mob in the ward.", 1),
    ("Grenade attack kills police officer in unrest.", 1),
    ("A man was shot to death in the neighbourhood by two armed men.", 1),
    ("Two university students are lynched by a vigilante group.", 2),
    ("Soldiers killed a number of militants.", None),
    ("Militants killed the brother of the village chief in Kadji.", 1),
    ("Soldiers killed the militants in the forest.", None),
    ("Armed raiders kill ten people and steal cattle.", 10),
])
def test_one_death_told_with_any_noun(sentence, dead):
    found = [f.value for f in figures(sentence) if f.kind == "dead"]
    assert (found[0] if found else None) == dead


def test_the_first_victim_word_after_a_count_says_who_it_counts():
    found = figures("Militants shot and killed three civilians accused of spying for the security forces.")
    assert [(f.value, f.victims) for f in found] == [(3, "civilians")]


def test_the_victim_words_end_where_the_scene_begins():
    # "amid clashes with the police": the police are where it happened, not who was hurt
    found = figures("Five youths were killed and eight others wounded amid confrontations with the police.")
    got = [(f.value, f.kind, f.victims) for f in found]
    assert got == [(5, "dead", "generic"), (8, "injured", "generic")]


@pytest.mark.parametrize(("sentence", "lang", "found"), [
    ("The fighting left five injured near the market.", "en", [(5, "injured")]),
    ("The attack left three dead and five injured.", "en", [(3, "dead"), (5, "injured")]),
    ("L'attaque a fait cinq blessés.", "fr", [(5, "injured")]),
])
def test_a_verb_of_either_kind_counts_what_the_word_after_the_number_says(sentence, lang, found):
    assert [(f.value, f.kind) for f in figures(sentence, lang)] == found


def test_a_count_of_killers_is_no_toll():
    found = figures("Three militants shot dead two traders near the market.")
    assert [(f.value, f.kind) for f in found] == [(2, "dead")]


def test_reportedly_is_no_reporting_verb():
    # "militants reportedly attacked": the militants are a party, not a source
    assert attribution("Suspected militants reportedly attacked the market in Kiro.") == ""


@pytest.mark.parametrize(("sentence", "dead"), [
    ("The bus was stopped near Bankass; the driver was killed and two others wounded.", 1),
    ("Gunmen attacked the minister's convoy and killed his bodyguard.", 1),
    ("She was taken to hospital in Sevare, where the woman succumbed to her wounds.", 1),
    ("A parliamentary candidate was shot dead by armed men near Lugari.", 1),
])
def test_one_death_told_with_the_or_a_possessive(sentence, dead):
    assert [f.value for f in figures(sentence) if f.kind == "dead"] == [dead]


def test_the_militants_killed_are_no_count_of_one():
    assert [f for f in figures("Troops killed the militants in Gao.") if f.kind == "dead"] == []


@pytest.mark.parametrize(("sentence", "dead"), [
    ("12 Dozo hunters (Bambara) were killed and 5 wounded in the ambush.", 12),
    ("Four soldiers were reportedly killed near the border.", 4),
    ("Eight Dozo (Donso) hunters killed and 5 captured.", 8),
    ("7 herders, most of whom were from the Peul community, were killed by gunmen.", 7),
])
def test_an_aside_or_an_adverb_between_count_and_verb_keeps_the_count(sentence, dead):
    assert toll(sentence) == dead


@pytest.mark.parametrize("sentence", [
    "Gunmen robbed a bank in Garissa, killing a security guard in the process.",
    "A Garissa county candidate (ODM) was shot dead by armed men.",
    "Police shot dead wanted al-Shabaab member Ali Hassan in Lamu.",
    "Militants abducted a councilman, then killed him in the village.",
    "Gunmen kill missionary in Kitui.",
])
def test_one_death_told_with_more_words(sentence):
    assert toll(sentence) == 1


def test_lynching_verbs_count_and_things_are_no_toll():
    assert toll("Villagers lynched three suspected thieves in Meru.") == 3
    assert toll("A clash over land caused the death of one and several houses were destroyed.") == 1


@pytest.mark.parametrize("sentence", [
    "An electoral official, Jane Doe, was killed near the market.",
    "Police arrested and beat a man to death in Kisumu.",
    "A body has been found dumped in a pit latrine in the village.",
    "A mob kills suspected cattle rustler in Meru.",
])
def test_one_death_told_with_an_apposition_a_split_verb_or_a_body(sentence):
    assert toll(sentence) == 1


def test_acled_policy_adds_a_partys_count_of_a_group_no_other_figure_counts():
    from conflictwire.extract.toll import event_toll
    found = figures("One soldier and two assailants were killed in the attack, the army said.")
    assert event_toll(found, "dead", "conservative") == 1  # the army's count of its enemy is a claim
    assert event_toll(found, "dead", "acled") == 3
    found = figures("Eight people were killed, police said. Police said they killed four gunmen.")
    assert event_toll(found, "dead", "acled") == 8  # a count of everyone already holds them


def test_tens_is_coded_ten_as_acled_does():
    assert toll("Tens of civilians were killed in the raid.") == 10


@pytest.mark.parametrize(("sentence", "count"), [
    ("On Monday two soldiers were killed in an ambush near Gao.", 2),
    ("On Tuesday 12 people were killed in Kano.", 12),
    ("In Kano three people were killed on Friday.", 3),
])
def test_a_count_after_a_day_or_a_place_name_is_a_count_not_a_label(sentence, count):
    assert toll(sentence) == count


@pytest.mark.parametrize("sentence", [
    "Three members of the military beat to death an electrician in Ouagadougou.",
    "Two soldiers hacked to death a herder near Djibo.",
])
def test_a_count_of_the_killers_is_no_toll(sentence):
    assert toll(sentence) == 1  # the one they killed


def test_the_forces_whose_raid_it_was_are_not_its_dead():
    found = figures("Two drug suspects were killed during a police raid in Bulacan.")
    assert [(f.value, f.victims) for f in found] == [(2, "generic")]
