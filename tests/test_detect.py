from conflictwire.detect import find_triggers, has_trigger


def subs(text, lang="en"):
    return {t.sub for t in find_triggers(text, lang)}


def test_remote_violence_words():
    assert "Suicide bomb" in subs("A suicide bomber blew himself up at the gate.")
    assert "Remote explosive/landmine/IED" in subs("Their vehicle struck a roadside bomb.")
    assert "Air/drone strike" in subs("A drone strike hit the camp overnight.")
    assert "Shelling/artillery/missile attack" in subs("Artillery shells slammed into the market.")


def test_french_words():
    assert "Remote explosive/landmine/IED" in subs("Un engin explosif improvisé a visé le convoi.", "fr")
    assert "Abduction/forced disappearance" in subs("Trois enseignants ont été enlevés.", "fr")
    assert "Peaceful protest" in subs("Des milliers de manifestants ont défilé.", "fr")


def test_acronyms_are_case_sensitive():
    assert "Remote explosive/landmine/IED" in subs("An IED exploded.")
    assert not has_trigger("The plied trade was calm.")


def test_offsets():
    text = "Gunmen abducted 15 pupils."
    for t in find_triggers(text):
        assert text[t.start : t.end] == t.text


def test_quiet_sentence_has_no_trigger():
    assert not has_trigger("The central bank kept its rate unchanged on Thursday.")
