"""Type: the ACLED event and sub-event type of a group of sentences about one event. The
codebook's precedence lives here and only here (`code_event`, then `classify`).

The lexicon (detect.py) votes for sub-event types or for cues; the cues are settled by
who is involved: the means decide Explosions/Remote violence whoever is hit; a killing is a
battle when two organised armed sides fight and violence against civilians when one side
is unarmed; a crowd's own violence is a riot; a seized town is a government regaining
territory or a non-state actor overtaking it depending on who took it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..data import load_data
from ..models import SUB_EVENT_TYPES
from .detect import Trigger


def _typing(name: str, before: str = "", after: str = "") -> re.Pattern[str]:
    """events.toml's [typing] word list `name` as one case-insensitive alternation, in its
    order, between `before` and `after` (a word boundary, an anchor). See events.toml for
    what each list is for."""
    return re.compile("(?i)" + before + "|".join(load_data("events.toml")["typing"][name]) + after)


# When a group of sentences holds several remote-violence words, the most specific
# means wins (a suicide car bomb is a suicide bomb, not an IED).
REMOTE_ORDER = (
    "Suicide bomb",
    "Chemical weapon",
    "Air/drone strike",
    "Remote explosive/landmine/IED",
    "Shelling/artillery/missile attack",
    "Grenade",
)
HARM = _typing("harm")  # a person harmed, not only property or shots
KILLED = _typing("killed")  # a death told
FOUND_DEAD = _typing("found_dead")  # a captive's death, not a bystander's
RIOTING_CROWD = _typing("rioting_crowd")  # a violent crowd named, not a violent act
CROWD_ARMS = _typing("crowd_arms")  # a crowd's own arms: stones, barricades, burning tyres
CROWD_AGAINST_FORCES = _typing("crowd_against_forces")  # a crowd's fight with the forces
MUTUAL = _typing("mutual")  # both sides fighting
EXCHANGE = _typing("exchange")
STREET_FIGHT = _typing("street_fight")  # crowds against the police, not armed groups
DIRECT_FIRE = _typing("direct_fire")  # direct fire between the sides, not a remote means
# Strategic developments without violence, property or arrests, in the order that decides.
QUIET_DEVELOPMENTS = ("Non-violent transfer of territory", "Headquarters or base established",
                      "Change to group/activity")
EXPLOSION = _typing("explosion", "(?:", ")$")  # only an explosion, nothing of its means
# Fighting at close range or on the ground beside any remote means, anywhere in an event's
# telling, and shooting in the sentence that tells it: the codebook's complex attack is a battle.
GROUND_FIGHT = _typing("ground_fight", r"\b(?:", r")\b")
SHOOTING = _typing("shooting", r"\b(?:", r")\b")


# What makes a riot a violent demonstration rather than mob violence: a demonstration or its
# demand told, a road blocked, or the crowd called rioters.
DEMONSTRATING = _typing("demonstrating")


def tells_demonstration(text: str) -> bool:
    """Whether an event's telling shows a demonstration (see DEMONSTRATING)."""
    return bool(DEMONSTRATING.search(text))


def tells_ground_fight(text: str, lead: bool) -> bool:
    """Whether a sentence tells close-range or ground fighting (see GROUND_FIGHT)."""
    return bool(GROUND_FIGHT.search(text) or (lead and SHOOTING.search(text)))
DEMONSTRATION = {"Peaceful protest", "intervention", "riot", "Mob violence"}
VIOLENT = set(REMOTE_ORDER) | {"Armed clash", "violence", "territory", "Abduction/forced disappearance",
                               "Sexual violence"}


def family(sub: str) -> str:
    """The family a trigger belongs to, for deciding whether two sentences can be one event."""
    if sub in DEMONSTRATION:
        return "demonstration"
    if sub in VIOLENT:
        return "violence"
    return sub


def families(triggers: Iterable[Trigger]) -> set[str]:
    return {family(t.sub) for t in triggers}


@dataclass(frozen=True)
class Involved:
    """Who the telling of an event shows taking part (read from its actors and figures)."""

    armed_sides: int = 0  # organised armed sides: state forces, named or unnamed armed groups
    civilians_targeted: bool = False
    state_involved: bool = False
    taker_is_state: bool | None = None  # who took the place, when a place changed hands
    protesters: bool = False
    forces_fired_on_protesters: bool = False  # lethal or serious force against a crowd
    casualties: bool = False  # someone was counted dead or hurt
    crowd: bool = False  # unarmed people take part as a group (youths, residents, protesters)
    peaceful: bool = False  # the telling calls the crowd peaceful
    state_acts: bool = False  # the forces are the ones who used violence, not its target
    crowd_fights: bool = False  # unorganised people are named as the ones who clash
    crowd_acts: bool = False  # unorganised people (demonstrators, residents) used the violence
    crowd_destroys: bool = False  # unorganised people are named as the ones who loot or burn
    people_act: bool = False  # unorganised people (residents, voters) used the violence
    ground_fight: bool = False  # the telling shows close-range or ground fighting (GROUND_FIGHT)
    demonstration: bool = True  # the telling shows a demonstration, a blockade or rioters (DEMONSTRATING)


CROWD = ("intervention", "riot", "Peaceful protest")


def typing_words(lead: list[Trigger], others: list[Trigger]) -> list[Trigger]:
    """The words that decide the type: those of the sentence that first tells the event (the
    lead holds the main event), with what the others say of a crowd's behaviour."""
    own = lead
    taken = next((t.start for t in own if t.sub == "territory"), None)
    if taken is not None:  # "rebels seized the city as warplanes struck": the seizure is the news
        own = [t for t in own if not (t.sub in REMOTE_ORDER and t.start > taken)]
    # a demonstration's later sentences may tell what the crowd did: burnt property or
    # running battles with the police make it a riot
    demonstrating = any(t.sub in CROWD for t in own)

    def crowd_deed(t: Trigger) -> bool:
        return t.sub == "Looting/property destruction" or bool(
            t.sub == "Armed clash" and STREET_FIGHT.search(t.text))

    # "abducted ... He was later found dead": the captive killed is the event (an attack); a
    # guard killed as a captive is taken is not
    abducted = any(t.sub == "Abduction/forced disappearance" for t in own)

    def death_of_abducted(t: Trigger) -> bool:
        return abducted and t.sub == "violence" and bool(FOUND_DEAD.search(t.text))

    return own + [t for t in others if t.sub in CROWD or (demonstrating and crowd_deed(t))
                  or death_of_abducted(t)]


def code_event(lead: list[Trigger], others: list[Trigger], who: Involved) -> tuple[str, str]:
    """(event_type, sub_event_type) of an event told by `lead` (its first sentence's words)
    and `others` (the rest), given who takes part."""
    words = typing_words(lead, others)
    if who.forces_fired_on_protesters and not any(t.sub == "riot" for t in lead):
        # a peaceful crowd shot at is excessive force: rioting told later is another scene
        words = [t for t in words if t.sub != "riot"]
    harmed = who.casualties or any(
        (t.sub == "violence" and HARM.search(t.text)) or t.sub in ("Abduction/forced disappearance",
                                                                     "Sexual violence") for t in words)
    subs = {t.sub for t in words}
    # No one harmed: a bomb found and defused is a disrupted weapon, not an explosion, and
    # burning or taking property is looting/property destruction (Strategic developments).
    # ... unless one armed side attacked the other for them ("attacked a GATIA vehicle and seized
    # arms and ammunition": a fight)
    if not harmed and "Disrupted weapons use" in subs and not (who.armed_sides >= 2 and "violence" in subs):
        return "Strategic developments", "Disrupted weapons use"
    # "youths burnt a bar": a crowd destroying property, no organised side, is mob violence
    if who.crowd_destroys and who.armed_sides == 0 and not subs & ({"Peaceful protest"} | VIOLENT):
        return "Riots", "Mob violence"
    # An armed group's ransacking or burning is property destruction, not a riot: only a
    # crowd riots.
    riot_by_crowd = "riot" in subs and (who.crowd or who.protesters or who.armed_sides == 0)
    # ... but people attacked ("raiders attack villagers and steal cattle") are its victims
    people_attacked = who.civilians_targeted and "violence" in subs
    # ... and an attack on the other side's post ("attacked the police station and burned it")
    # is a fight between two armed sides, harm or none
    sides_attacked = who.armed_sides >= 2 and "violence" in subs
    if not harmed and "Looting/property destruction" in subs and not riot_by_crowd and not people_attacked \
            and not sides_attacked \
            and not subs & {
            "Armed clash", "territory", "Peaceful protest", *REMOTE_ORDER}:
        return "Strategic developments", "Looting/property destruction"
    # Tear gas fired at people who are not demonstrating ("at farmers in their fields", "into a
    # school") is an attack on civilians.
    if "intervention" in subs and who.state_involved and who.civilians_targeted and not (
            who.protesters or subs & {"Peaceful protest", "riot"}):
        return "Violence against civilians", "Attack"
    # The means decide: a bombing of a crowd is remote violence, not a protest.
    remote = any(t.sub in REMOTE_ORDER for t in words)
    event_type, sub = classify(
        words, armed_sides=who.armed_sides, civilians_targeted=who.civilians_targeted,
        state_involved=who.state_involved, taker_is_state=who.taker_is_state,
        protesters=who.protesters and not remote, forces_fired_on_protesters=who.forces_fired_on_protesters,
        crowd=who.crowd, peaceful=who.peaceful, forces_harmed_alone=who.state_acts,
        crowd_fights=who.crowd_fights, crowd_acts=who.crowd_acts, people_act=who.people_act,
        ground_fight=who.ground_fight)
    if (event_type, sub) == ("Riots", "Violent demonstration") and not who.demonstration:
        sub = "Mob violence"
    if event_type == "Explosions/Remote violence":
        # The most specific means told anywhere in the event: "truck bombing" then "drove the
        # explosives-laden truck into the convoy" is a suicide bomb.
        told = {t.sub for t in lead + others if not t.cue}
        sub = next((x for x in REMOTE_ORDER if x in told), sub)
    return event_type, sub


def classify(
    triggers: list[Trigger],
    *,
    armed_sides: int,
    civilians_targeted: bool,
    state_involved: bool,
    taker_is_state: bool | None,
    protesters: bool,
    forces_fired_on_protesters: bool,
    crowd: bool = False,
    peaceful: bool = False,
    forces_harmed_alone: bool = False,
    crowd_fights: bool = False,
    crowd_acts: bool = False,
    people_act: bool = False,
    ground_fight: bool = False,
) -> tuple[str, str]:
    """(event_type, sub_event_type) for the triggers of one event, given who is involved."""
    subs = {t.sub for t in triggers}
    strong = {t.sub for t in triggers if not t.cue or t.weight >= 0.6}

    if protesters or "Peaceful protest" in subs:
        # Demonstrators in battles with the forces, no armed group beside them, riot
        fought = "Armed clash" in subs and armed_sides - state_involved < 1
        # Demonstrators who turn violent make a riot, whatever force then met them: excessive
        # force is lethal force against a peaceful crowd.
        if forces_fired_on_protesters and (peaceful or not ("riot" in subs or fought)):
            return "Protests", "Excessive force against protesters"
        # Demonstrators who destroy property riot (the codebook's vandalism, arson).
        if subs & {"riot", "Looting/property destruction"} or crowd_acts or fought:
            return "Riots", "Violent demonstration"
        if "intervention" in subs:
            return "Protests", "Protest with intervention"
        if not (subs & (VIOLENT - {"violence"})):
            return "Protests", "Peaceful protest"
    if "Mob violence" in subs:
        return "Riots", "Mob violence"
    # "Youths attacked election officials": violence by a crowd, no organised armed group in it
    if crowd_acts and armed_sides - state_involved < 1 and not (strong & set(REMOTE_ORDER)):
        return "Riots", "Mob violence"
    # A crowd named as violent ("riots", "rioting students", "went on the rampage") is a riot,
    # whoever died in it, unless an organised armed group is the one acting.
    rioting = any(t.sub == "riot" and RIOTING_CROWD.match(t.text) for t in triggers)
    if rioting and armed_sides - state_involved < 1 and not (strong & set(REMOTE_ORDER)):
        return "Riots", "Violent demonstration"
    # "Stones were pelted at the police", "students clashed with police, throwing stones",
    # "youths killed in confrontations with the police": a crowd's arms, or its fight with the
    # forces, no armed group beside them and the forces not the ones who harmed, is a riot
    crowd_armed = any(t.sub == "riot" and (CROWD_ARMS.search(t.text) or (
        crowd and CROWD_AGAINST_FORCES.match(t.text))) for t in triggers)
    if crowd_armed and state_involved and not forces_harmed_alone and armed_sides - state_involved < 1 \
            and not (strong & set(REMOTE_ORDER)) and "territory" not in subs:
        return "Riots", "Violent demonstration"
    # "Residents beat a thief", "attacked by voters": unorganised people's violence is a mob's
    if people_act and armed_sides - state_involved < 1 and not (strong & set(REMOTE_ORDER)):
        return "Riots", "Mob violence"
    # A complex attack: a bomb, shells or air strikes with gunfire between two organised sides
    # ("an IED detonation followed by gunfire", "fired mortars and small arms at the positions")
    # is a battle; the means decide only a one-sided attack.
    if armed_sides >= 2 and strong & set(REMOTE_ORDER) and (ground_fight or any(
            t.sub in ("violence", "Armed clash") and DIRECT_FIRE.search(t.text) for t in triggers)):
        return "Battles", "Armed clash"
    # ... and so is one told as mutual ("clashes erupted between X and Y after X fired RPGs"),
    # whether or not both sides are known
    if strong & set(REMOTE_ORDER) and any(t.sub == "Armed clash" and MUTUAL.match(t.text) for t in triggers):
        return "Battles", "Armed clash"
    # Artillery exchanged between two sides is a battle fought at range, not a one-sided attack.
    if any(t.sub == "Armed clash" and EXCHANGE.search(t.text) for t in triggers) and not (
            strong & set(REMOTE_ORDER) - {"Shelling/artillery/missile attack"}):
        return "Battles", "Armed clash"
    for sub in REMOTE_ORDER:
        if sub in strong:
            return SUB_EVENT_TYPES[sub], sub
    if "Abduction/forced disappearance" in subs:
        # the abducted killed ("abducted ..., the corpse was found", "kidnapped and beheaded"):
        # the killing is the event (ACLED codes an attack)
        killed = any(t.sub == "violence" and KILLED.search(t.text) for t in triggers)
        return "Violence against civilians", "Attack" if killed else "Abduction/forced disappearance"
    if "Sexual violence" in subs:
        return "Violence against civilians", "Sexual violence"
    if "territory" in subs and armed_sides >= 1 and taker_is_state is not None:
        if taker_is_state:
            return "Battles", "Government regains territory"
        return "Battles", "Non-state actor overtakes territory"
    if "Armed clash" in subs and armed_sides >= 2:
        return "Battles", "Armed clash"
    # "running battles between youths and police": one armed side and a crowd is a riot; so
    # are running battles with the forces when no armed group is named (street fighting).
    if "Armed clash" in subs and armed_sides < 2 and state_involved and (
            crowd or any(t.sub == "Armed clash" and STREET_FIGHT.search(t.text) for t in triggers)):
        return "Riots", "Violent demonstration"
    # "clashes between rival clans left one dead": a fight told as mutual is a battle, and the
    # people it killed are its casualties, not a side that was attacked.
    if any(t.sub == "Armed clash" and MUTUAL.search(t.text) for t in triggers):
        # "villagers clashed with sand harvesters", "supporters of two candidates clash":
        # unorganised people fighting each other is mob violence
        if crowd_fights and armed_sides == 0:
            return "Riots", "Mob violence"
        return "Battles", "Armed clash"
    # "explosions near the village", "a blast at the market": an explosion told with nothing
    # of its means and no fight is remote violence, by a device unless more is said
    # ("a policeman was killed in a remote-controlled blast": the blast is the means, whoever it hit)
    violent = [t for t in triggers if t.sub == "violence"]
    blast = any(EXPLOSION.match(t.text) for t in violent)
    shooting = any(DIRECT_FIRE.search(t.text) for t in violent)
    if blast and not shooting and not subs & {"Armed clash", "territory"}:
        if ground_fight:  # "explosions and shots involving small arms": an exchange of fire
            return "Battles", "Armed clash"
        return "Explosions/Remote violence", "Remote explosive/landmine/IED"
    if subs & {"violence", "Armed clash", "territory"}:
        if civilians_targeted and armed_sides < 2:
            return "Violence against civilians", "Attack"
        # "Soldiers beat a hospital worker", "police shot dead a youth": the forces alone
        # harmed someone no armed side stands for.
        if forces_harmed_alone and armed_sides == 1 and state_involved and "Armed clash" not in subs:
            return "Violence against civilians", "Attack"
        if armed_sides >= 2 or state_involved or "Armed clash" in subs:
            return "Battles", "Armed clash"
        return "Violence against civilians", "Attack"
    if "riot" in subs:
        return "Riots", "Violent demonstration"
    if "Arrests" in subs:
        return "Strategic developments", "Arrests"
    if "Agreement" in subs:
        return "Strategic developments", "Agreement"
    if "Disrupted weapons use" in subs:
        return "Strategic developments", "Disrupted weapons use"
    if "Looting/property destruction" in subs:
        return "Strategic developments", "Looting/property destruction"
    for sub in QUIET_DEVELOPMENTS:
        if sub in subs:
            return "Strategic developments", sub
    return "Strategic developments", "Other"
