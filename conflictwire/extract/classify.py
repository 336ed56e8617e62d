"""Type: the ACLED event and sub-event type of a group of sentences about one event.

The lexicon (detect.py) votes for sub-event types or for cues; the cues are settled by
who is involved: a killing is a battle when both sides are armed and violence against
civilians when the victims are civilians; a seized town is a government regaining
territory or a non-state actor overtaking it depending on who took it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import SUB_EVENT_TYPES
from .detect import Trigger

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


def classify(
    triggers: list[Trigger],
    *,
    armed_sides: int,
    civilians_targeted: bool,
    state_involved: bool,
    taker_is_state: bool | None,
    protesters: bool,
    forces_fired_on_protesters: bool,
) -> tuple[str, str]:
    """(event_type, sub_event_type) for the triggers of one event, given who is involved."""
    subs = {t.sub for t in triggers}
    strong = {t.sub for t in triggers if not t.cue or t.weight >= 0.6}

    if protesters or "Peaceful protest" in subs:
        if forces_fired_on_protesters:
            return "Protests", "Excessive force against protesters"
        if "riot" in subs:
            return "Riots", "Violent demonstration"
        if "intervention" in subs:
            return "Protests", "Protest with intervention"
        if not (subs & (VIOLENT - {"violence"})):
            return "Protests", "Peaceful protest"
    if "Mob violence" in subs:
        return "Riots", "Mob violence"
    for sub in REMOTE_ORDER:
        if sub in strong:
            return SUB_EVENT_TYPES[sub], sub
    if "Abduction/forced disappearance" in subs:
        return "Violence against civilians", "Abduction/forced disappearance"
    if "Sexual violence" in subs:
        return "Violence against civilians", "Sexual violence"
    if "territory" in subs and armed_sides >= 1 and taker_is_state is not None:
        if taker_is_state:
            return "Battles", "Government regains territory"
        return "Battles", "Non-state actor overtakes territory"
    if "Armed clash" in subs and armed_sides >= 2:
        return "Battles", "Armed clash"
    if subs & {"violence", "Armed clash", "territory"}:
        if civilians_targeted and armed_sides < 2:
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
    return "Strategic developments", "Other"
