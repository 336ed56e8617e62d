from datetime import date

from conflictwire.extract.merge import merge_events
from conflictwire.models import Actor, Claim, Event, Location

TOWN = Location(name="Town", iso3="NER", country="Niger", latitude=13.5, longitude=2.1, geo_precision=1)
GROUP = Actor(name="Unidentified Armed Group (Niger)", type="Rebel group", country="NER")
CIVS = Actor(name="Civilians (Niger)", type="Civilians", country="NER")


def report(article, published, dead, day=date(2024, 5, 4), place=TOWN, kind="Attack"):
    return Event(event_id=article, article_ids=[article], event_date=day,
                 disorder_type="Political violence", event_type="Violence against civilians",
                 sub_event_type=kind, actor1=GROUP, actor2=CIVS, location=place,
                 fatalities=dead, claims=[Claim(claimant="x", kind="casualties", text=str(dead),
                                                article_id=article)],
                 published=published)


def test_reports_of_one_event_merge_with_the_latest_toll():
    merged = merge_events([report("b", date(2024, 5, 6), 31), report("a", date(2024, 5, 4), 12)])
    assert len(merged) == 1
    assert merged[0].article_ids == ["a", "b"]
    assert merged[0].fatalities == 31
    assert {c.text for c in merged[0].claims} == {"12", "31"}


def test_same_day_reports_keep_the_lower_toll():
    merged = merge_events([report("a", date(2024, 5, 5), 20), report("b", date(2024, 5, 5), 15)])
    assert merged[0].fatalities == 15


def test_other_day_or_place_stays_apart():
    far = TOWN.model_copy(update={"latitude": 14.5})
    events = [report("a", date(2024, 5, 5), 3),
              report("b", date(2024, 5, 9), 3, day=date(2024, 5, 8)),
              report("c", date(2024, 5, 5), 3, place=far)]
    assert len(merge_events(events)) == 3


def test_events_of_one_report_never_merge():
    e1 = report("a", date(2024, 5, 5), 3)
    e2 = e1.model_copy(update={"event_id": "a2"})
    assert len(merge_events([e1, e2])) == 2
