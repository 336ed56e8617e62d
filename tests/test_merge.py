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


def _at(name: str, lat: float, lon: float, precision: int, admin1: str = "Tillaberi") -> Location:
    return Location(name=name, iso3="NER", country="Niger", admin1=admin1, latitude=lat, longitude=lon,
                    geo_precision=precision)


def test_places_merge_by_the_reach_of_the_coarser_precision():
    """Two named towns 20 km apart are two events; a town and a report placed only near a
    place 20 km off are one; a town and its whole region are one however far the region's
    point is; a town and another region are two."""
    town = _at("Town", 13.5, 2.1, 1)
    km20 = 20 / 111.195  # degrees of latitude
    cases = [(_at("Other town", 13.5 + km20, 2.1, 1), 2), (_at("Near x", 13.5 + km20, 2.1, 2), 1),
             (_at("Tillaberi", 15.0, 1.0, 3), 1), (_at("Dosso", 13.4, 3.2, 3, admin1="Dosso"), 2)]
    for other, expected in cases:
        got = merge_events([report("a", date(2024, 5, 4), 3, place=town),
                            report("b", date(2024, 5, 5), 3, place=other)])
        assert len(got) == expected, other.name


def test_days_agree_within_the_coarser_time_precision():
    week = report("b", date(2024, 5, 12), 3, day=date(2024, 5, 1)).model_copy(update={"time_precision": 2})
    assert len(merge_events([report("a", date(2024, 5, 5), 3), week])) == 1
    ten_days_off = report("c", date(2024, 5, 15), 3, day=date(2024, 5, 14))
    assert len(merge_events([report("a", date(2024, 5, 5), 3), ten_days_off])) == 2


def test_two_reports_of_the_same_kind_a_day_apart_stay_two_events():
    from conflictwire.extract.merge import merge_events
    from conflictwire.extract.pipeline import Extractor
    from conflictwire.models import Article

    reports = [Article(id=f"r{day}", text=f"On {day} May 2020, rebels shelled villages near Kadji, Mali.",
                       published=f"2020-05-{day:02d}", language="en") for day in (5, 6)]
    events = merge_events(Extractor().extract_batch(reports))
    assert sorted(str(e.event_date) for e in events) == ["2020-05-05", "2020-05-06"]


def test_two_reports_placed_only_in_the_country_stay_apart():
    niger = Location(name="Niger", iso3="NER", country="Niger", latitude=17.6, longitude=8.1, geo_precision=3)
    events = [report("a", date(2024, 5, 5), 3, place=niger), report("b", date(2024, 5, 5), 15, place=niger)]
    assert len(merge_events(events)) == 2
