from conflictwire.extract.classify import classify
from conflictwire.extract.detect import find_triggers


def typed(text, **who):
    defaults = dict(armed_sides=0, civilians_targeted=False, state_involved=False,
                    taker_is_state=None, protesters=False, forces_fired_on_protesters=False)
    defaults.update(who)
    return classify(find_triggers(text), **defaults)


def test_killing_of_civilians_by_one_armed_side_is_violence_against_civilians():
    assert typed("Gunmen killed 20 villagers.", armed_sides=1, civilians_targeted=True) == (
        "Violence against civilians", "Attack")


def test_killing_between_two_armed_sides_is_a_battle():
    assert typed("Militants attacked an army base, killing four soldiers.", armed_sides=2,
                 state_involved=True) == ("Battles", "Armed clash")


def test_most_specific_remote_violence_wins():
    assert typed("A suicide car bomb exploded at the checkpoint.", armed_sides=1) == (
        "Explosions/Remote violence", "Suicide bomb")


def test_territory_depends_on_who_took_it():
    text = "The army retook the town."
    assert typed(text, armed_sides=2, taker_is_state=True)[1] == "Government regains territory"
    assert typed(text, armed_sides=2, taker_is_state=False)[1] == "Non-state actor overtakes territory"


def test_protest_variants():
    assert typed("Thousands marched peacefully.", protesters=True)[1] == "Peaceful protest"
    assert typed("Police fired tear gas at protesters.", protesters=True)[1] == "Protest with intervention"
    assert typed("Protesters ransacked the office.", protesters=True)[0] == "Riots"
    assert typed("Soldiers opened fire on protesters, killing three.", protesters=True,
                 forces_fired_on_protesters=True)[1] == "Excessive force against protesters"


def test_arrests():
    assert typed("Police arrested six suspects.") == ("Strategic developments", "Arrests")
