"""conflictwire.export: ACLED CSV layout and codes, GeoJSON, JSON Lines round trip, table."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from conflictwire.export import (
    ACLED_COLUMNS,
    interaction_code,
    region_of,
    write_events,
)
from conflictwire.models import Actor, Claim, Event, Evidence, Location

STAMP = 1_750_000_000

# ACLED's column layout, as in its data export (checked independently of the module).
ACLED_LAYOUT = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
]


def djibo() -> Event:
    return Event(
        event_id="BFA-0001",
        article_ids=["sample-djibo-ied"],
        event_date=date(2025, 9, 9),
        disorder_type="Political violence",
        event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        actor1=Actor(name="JNIM: Group for Support of Islam and Muslims", type="Rebel group",
                     mentions=["GSIM", "JNIM"]),
        actor2=Actor(name="Military Forces of Burkina Faso", type="State forces",
                     country="BFA", mentions=["soldats burkinabè"]),
        location=Location(name="Djibo", admin1="Sahel", admin2="Soum", country="Burkina Faso",
                          iso3="BFA", latitude=14.09864, longitude=-1.62665, geo_precision=2,
                          geonameid=2361177),
        fatalities=4,
        injured=3,
        claims=[Claim(claimant="JNIM", kind="responsibility", text="a revendiqué l'attaque",
                      article_id="sample-djibo-ied")],
        evidence=[Evidence(article_id="sample-djibo-ied", start=0, end=20,
                           text="OUAGADOUGOU, 10 sept")],
        confidence=0.8,
        notes="On 9 September 2025, an IED planted by JNIM hit a Burkinabe army vehicle "
              "near Djibo (Soum, Sahel). 4 soldiers were killed, 3 injured.",
        source=["Agence de presse (démo)", "Radio Omega"],
    )


def kutum() -> Event:
    return Event(
        event_id="SDN-0001",
        article_ids=["sample-darfur-air-strike"],
        event_date=date(2025, 1, 20),
        disorder_type="Political violence",
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actor1=Actor(name="Military Forces of Sudan", type="State forces", country="SDN"),
        actor2=Actor(name="Civilians (Sudan)", type="Civilians", country="SDN"),
        civilian_targeting=True,
        location=Location(name="Kutum", admin1="North Darfur", iso3="SDN", latitude=14.2,
                          longitude=24.66667, geo_precision=1),
        fatalities=14,
        injured=None,
    )


def protest_without_place() -> Event:
    return Event(
        event_id="KEN-0001",
        article_ids=["sample-nairobi-protest"],
        event_date=None,
        disorder_type="Demonstrations",
        event_type="Protests",
        sub_event_type="Peaceful protest",
        actor1=Actor(name="Protesters (Kenya)", type="Protesters", country="KEN"),
        assoc_actor_1=["Labour Group (Kenya)", "Teachers (Kenya)"],
        location=Location(name="Kenya", iso3="KEN", geo_precision=3),
    )


def events() -> list[Event]:
    return [djibo(), kutum(), protest_without_place()]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_unknown_format_lists_the_accepted_ones():
    with pytest.raises(ValueError, match="jsonl, csv, geojson, table"):
        write_events(events(), "xlsx", io.StringIO())


def test_csv_column_order_is_acled():
    out = io.StringIO()
    assert write_events(events(), "csv", out, timestamp=STAMP) == 3
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert header == ACLED_LAYOUT == list(ACLED_COLUMNS)


def test_csv_values():
    out = io.StringIO()
    write_events(events(), "csv", out, timestamp=STAMP)
    first, second, third = rows(out.getvalue())
    assert first["event_id_cnty"] == "BFA-0001"
    assert first["event_date"] == "2025-09-09" and first["year"] == "2025"
    assert first["time_precision"] == "1"
    assert (first["inter1"], first["inter2"], first["interaction"]) == ("2", "1", "12")
    assert first["iso"] == "854" and first["region"] == "Western Africa"
    assert first["country"] == "Burkina Faso"
    assert (first["admin1"], first["admin2"], first["admin3"]) == ("Sahel", "Soum", "")
    assert (first["latitude"], first["longitude"]) == ("14.09864", "-1.62665")
    assert first["geo_precision"] == "2"
    assert first["source"] == "Agence de presse (démo); Radio Omega"
    assert first["fatalities"] == "4" and first["tags"] == "injured: 3"
    assert first["civilian_targeting"] == ""
    assert first["timestamp"] == str(STAMP)
    assert second["interaction"] == "17" and second["civilian_targeting"] == "Civilian targeting"
    assert second["iso"] == "729" and second["region"] == "Northern Africa"
    assert second["country"] == "Sudan"  # from the ISO code when the location has no name
    assert second["tags"] == ""
    assert third["inter1"] == "6" and third["inter2"] == "0" and third["interaction"] == "60"
    assert third["assoc_actor_1"] == "Labour Group (Kenya); Teachers (Kenya)"
    assert third["event_date"] == "" and third["year"] == "" and third["latitude"] == ""
    assert third["region"] == "Eastern Africa" and third["iso"] == "404"


@pytest.mark.parametrize(("a", "b", "code"), [
    (1, 2, 12), (2, 1, 12), (7, 1, 17), (1, 1, 11), (6, 0, 60), (0, 3, 30), (0, 0, 0),
    (8, 8, 88),
])
def test_interaction_codes(a, b, code):
    assert interaction_code(a, b) == code


def test_regions():
    assert region_of("NER") == "Western Africa"
    assert region_of("SOM") == "Eastern Africa"
    assert region_of("COD") == "Middle Africa"
    assert region_of("SYR") == "Middle East"
    assert region_of("MEX") == "Central America"
    assert region_of("UZB") == "Caucasus and Central Asia"
    assert region_of("mmr") == "Southeast Asia"
    assert region_of(None) == "" and region_of("XXX") == ""


def test_jsonl_round_trip():
    out = io.StringIO()
    assert write_events(events(), "jsonl", out) == 3
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert list(first) == [
        "event_id", "article_ids", "event_date", "time_precision", "disorder_type",
        "event_type", "sub_event_type", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2",
        "civilian_targeting", "location", "fatalities", "injured", "claims", "evidence",
        "confidence", "notes", "coder",  # coder: which model coded it (issue 15)
    ]
    assert "soldats burkinabè" in lines[0]  # not escaped
    for line, event in zip(lines, events(), strict=True):
        back = Event.model_validate_json(line)
        assert back.model_dump() == event.model_dump()


def test_geojson_points_lon_lat_and_skips_unplaced():
    out = io.StringIO()
    assert write_events(events(), "geojson", out, timestamp=STAMP) == 2
    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert "latitude" not in feature["properties"]
        assert "longitude" not in feature["properties"]
    djibo_feature = data["features"][0]
    assert djibo_feature["geometry"]["coordinates"] == [-1.62665, 14.09864]
    assert djibo_feature["properties"]["event_id_cnty"] == "BFA-0001"
    assert djibo_feature["properties"]["fatalities"] == 4
    assert djibo_feature["properties"]["interaction"] == 12


def test_geojson_empty_is_valid():
    out = io.StringIO()
    assert write_events([], "geojson", out) == 0
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}


def test_table_fits_100_columns():
    out = io.StringIO()
    assert write_events(events(), "table", out) == 3
    text = out.getvalue()
    assert max(len(line) for line in text.splitlines()) <= 100
    for needle in ("2025-09-09", "Djibo", "Kutum", "Air/drone", "14", "Protesters"):
        assert needle in text
    assert "\x1b[" not in text  # no colour codes when the output is not a terminal


def test_table_without_events():
    out = io.StringIO()
    assert write_events([], "table", out) == 0
    assert "No events" in out.getvalue()
