"""The event store on its own: schema and migrations, merging across runs, deduplication,
transactions, queries. Events are built by hand here (no extractor), so these are fast;
tests/test_ingest.py runs the real extractor and the command line."""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from conflictwire.models import Actor, Article, Claim, Event, Evidence, Location
from conflictwire.store import Near, Store
from conflictwire.store.db import Box, Filters, content_hash, resolve_url

ROOT = Path(__file__).resolve().parents[1]

JNIM = Actor(name="JNIM: Group for Support of Islam and Muslims", type="Rebel group")
ARMY = Actor(name="Military Forces of Mali", type="State forces", country="MLI")
BAMAKO = Location(name="Bamako", country="Mali", iso3="MLI", admin1="Bamako", latitude=12.65, longitude=-8.0,
                  geo_precision=1)
DISTRICT = Location(name="Bamako", country="Mali", iso3="MLI", admin1="Bamako", latitude=12.7, longitude=-7.9,
                    geo_precision=3)  # the capital district: somewhere in it
GAO = Location(name="Gao", country="Mali", iso3="MLI", admin1="Gao", latitude=16.27, longitude=-0.04,
               geo_precision=1)


def article(ident: str, published: str = "2024-09-17", text: str | None = None,
            url: str | None = None) -> Article:
    return Article(id=ident, text=text or f"Report {ident}: fighting in Bamako.", published=published,
                   url=url, language="en", source="Test wire")


def event(ident: str, article_id: str, *, day: str = "2024-09-17", fatalities: int = 0,
          published: str | None = None, location: Location = BAMAKO, event_type: str = "Battles",
          actor2: Actor | None = ARMY,
          claim: str | None = None) -> Event:
    return Event(
        event_id=ident, article_ids=[article_id], event_date=date.fromisoformat(day),
        disorder_type="Political violence", event_type=event_type,
        sub_event_type="Armed clash" if event_type == "Battles" else "Attack",
        actor1=JNIM, actor2=actor2, location=location, fatalities=fatalities,
        claims=[Claim(claimant="army", kind="casualties", text=claim, article_id=article_id)]
        if claim else [],
        evidence=[Evidence(article_id=article_id, start=0, end=10, text=f"evidence {article_id}")],
        confidence=0.7, published=date.fromisoformat(published or day), source=["Test wire"],
    )


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "events.db") as s:
        yield s


def dump(store: Store) -> list[dict]:
    return [e.model_dump(mode="json") for e in store.events()]


# --- opening and migrations ---------------------------------------------------------------------

def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "conflictwire" / "store" / "migrations"))
    (head,) = ScriptDirectory.from_config(config).get_heads()
    return head


def test_open_creates_schema_at_head_and_reopening_is_a_no_op(tmp_path):
    path = tmp_path / "sub" / "events.db"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"articles", "events", "event_articles", "actors", "claims", "revisions",
                "alembic_version"} <= tables
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(_head(),)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "ix_events_match" in indexes
    with Store.open(path) as again:
        assert again.counts()["articles"] == 0


def test_resolve_url(monkeypatch, tmp_path):
    monkeypatch.delenv("CONFLICTWIRE_DB", raising=False)
    assert resolve_url(None) == "sqlite:///conflictwire.db"
    monkeypatch.setenv("CONFLICTWIRE_DB", str(tmp_path / "x.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_a_bad_database_url_is_a_store_error():
    from conflictwire.store import StoreError

    with pytest.raises(StoreError):
        Store.open("postgresql://nobody@127.0.0.1:1/none")


# --- merging across runs ----------------------------------------------------------------------

def test_two_reports_of_one_event_merge_with_rule_8_and_a_revision(store):
    store.add_article(article("a", "2024-09-17"), [event("e2", "a", fatalities=2, claim="two dead")])
    result = store.add_article(article("b", "2024-09-19"),
                               [event("e1", "b", fatalities=5, published="2024-09-19", claim="five dead")])
    assert result.updated == ["e2"] and result.created == []
    [merged] = store.events()
    assert merged.event_id == "e2"  # the id it was first given, though the newcomer's is smaller
    assert merged.article_ids == ["a", "b"]
    assert merged.fatalities == 5  # the most recently published report's toll
    assert {c.text for c in merged.claims} == {"two dead", "five dead"}
    details = store.event("e2")
    assert details["aliases"] == ["e1"]
    assert [r["id"] for r in details["reports"]] == ["a", "b"]
    assert details["reports"][0]["evidence"][0]["text"] == "evidence a"
    [revision] = details["revisions"]
    assert revision["article_id"] == "b"
    assert revision["changes"]["fatalities"] == {"from": 2, "to": 5}
    assert revision["changes"]["article_ids"] == {"from": ["a"], "to": ["a", "b"]}
    assert revision["changes"]["merged"] == {"from": "e1", "to": "e2"}
    assert "event_id" not in revision["changes"]
    by_alias = store.event("e1")
    assert by_alias["event"].event_id == "e2" and by_alias["requested_id"] == "e1"
    with store.engine.connect() as conn:  # the children rows are the surviving event's
        assert conn.execute(sa.text("SELECT count(*) FROM actors WHERE event_id='e1'")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM actors WHERE event_id='e2'")).scalar() == 2
        assert conn.execute(sa.text("SELECT count(*) FROM claims WHERE event_id='e2'")).scalar() == 2


def test_a_later_report_splits_off_the_reports_it_shows_were_another_event(store):
    """A village clash (3 dead) and a district report (7 dead) merge; a third report places a
    clash with 7 dead 20 km away: the district report was that one."""
    east = BAMAKO.model_copy(update={"name": "Kati", "longitude": -7.8})
    store.add_article(article("a"), [event("e-village", "a", fatalities=3)])
    store.add_article(article("b"), [event("e-district", "b", fatalities=7, location=DISTRICT)])
    assert store.event("e-district")["event"].event_id == "e-village"
    result = store.add_article(article("c"), [event("e-kati", "c", fatalities=7, location=east)])
    assert result.updated == ["e-village"] and result.created == ["e-district"]
    kept, parted = store.event("e-village"), store.event("e-district")
    assert kept["event"].article_ids == ["a"] and kept["event"].fatalities == 3
    assert parted["event"].event_id == "e-district" and parted["event"].article_ids == ["b", "c"]
    assert parted["event"].location.name == "Kati"  # the most precise of its reports
    assert store.event("e-kati")["event"].event_id == "e-district"
    assert kept["revisions"][-1]["changes"]["split"] == {"from": "e-village", "to": "e-district"}
    assert parted["revisions"][-1]["changes"]["split"] == {"from": "e-village", "to": "e-district"}
    assert kept["aliases"] == [] and parted["aliases"] == ["e-kati"]


def test_the_lower_toll_stands_when_two_reports_are_published_the_same_day(store):
    store.add_article(article("a"), [event("e1", "a", fatalities=9)])
    store.add_article(article("b"), [event("e2", "b", fatalities=4)])
    assert [e.fatalities for e in store.events()] == [4]


def test_location_sharpens_when_a_later_report_names_the_town(store):
    store.add_article(article("a"), [event("e1", "a", location=DISTRICT)])
    store.add_article(article("b"), [event("e2", "b", location=BAMAKO)])
    [merged] = store.events()
    assert merged.location.name == "Bamako" and merged.article_ids == ["a", "b"]


def test_events_that_are_not_the_same_stay_apart(store):
    store.add_article(article("a"), [event("e1", "a")])
    store.add_article(article("b"), [event("e2", "b", day="2024-09-20")])  # three days later
    store.add_article(article("c"), [event("e3", "c", location=GAO)])  # 900 km away
    store.add_article(article("d"), [event("e4", "d", event_type="Violence against civilians")])
    assert len(store.events()) == 4


def test_events_of_one_article_never_merge_with_each_other(store):
    result = store.add_article(article("a"), [event("e1", "a"), event("e2", "a")])
    assert result.created == ["e1", "e2"]
    assert len(store.events()) == 2
    # and a later report merges with one of them, not both
    store.add_article(article("b"), [event("e3", "b")])
    assert sorted(len(e.article_ids) for e in store.events()) == [1, 2]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_the_merged_record_does_not_depend_on_the_order_of_arrival(tmp_path, order):
    reports = [
        (article("a", "2024-09-17"), [event("e3", "a", fatalities=1, location=DISTRICT, claim="one")]),
        (article("b", "2024-09-18"), [event("e1", "b", fatalities=6, published="2024-09-18", claim="six")]),
        (article("c", "2024-09-18"), [event("e2", "c", fatalities=4, published="2024-09-18", claim="four")]),
    ]
    first_id = reports[order[0]][1][0].event_id
    with Store.open(tmp_path / f"{order}.db") as s:
        for i in order:
            s.add_article(*reports[i])
        got = dump(s)
        assert all(s.event(i)["event"].event_id == first_id for i in ("e1", "e2", "e3"))
    with Store.open(tmp_path / "ref.db") as ref:
        for r in reports:
            ref.add_article(*r)
        # the same record whatever the order, under the id the event was first given
        assert got == [dict(e, event_id=first_id) for e in dump(ref)]
    assert len(got) == 1 and got[0]["fatalities"] == 4


# --- deduplication and transactions ---------------------------------------------------------------

def test_an_article_is_stored_once_by_url_text_or_id(store):
    assert store.add_article(article("a", url="http://x/1"), [event("e1", "a")]).stored
    again = store.add_article(article("a", url="http://x/1"), [event("e1", "a")])
    assert not again.stored and "same URL" in again.reason
    same_text = store.add_article(article("b", text=" Report a:  fighting in Bamako. "), [event("e9", "b")])
    assert not same_text.stored and "same text" in same_text.reason
    other = store.add_article(article("a", text="Something else entirely."), [])
    assert not other.stored and "already used" in other.reason
    assert store.counts() == {"articles": 1, "events": 1, "event_articles": 1, "revisions": 0}
    assert content_hash("a  b\n") == content_hash("a b")


def test_an_article_without_events_is_stored_and_not_extracted_again(store):
    assert store.add_article(article("a"), []).stored
    assert store.known(article("a")) is not None


def test_one_article_is_one_transaction(store, monkeypatch):
    store.add_article(article("a"), [event("e1", "a")])
    calls = {"n": 0}
    original = Store._link

    def failing_link(conn, event_id, article_id, own):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        original(conn, event_id, article_id, own)

    monkeypatch.setattr(Store, "_link", staticmethod(failing_link))
    before = dump(store)
    with pytest.raises(RuntimeError):
        store.add_article(article("b"), [event("e2", "b"), event("e9", "b", location=GAO)])
    assert dump(store) == before
    assert store.counts() == {"articles": 1, "events": 1, "event_articles": 1, "revisions": 0}


# --- queries ------------------------------------------------------------------------------------

@pytest.fixture
def filled(store):
    store.add_article(article("a"), [event("e1", "a", fatalities=3)])
    civilians = Actor(name="Civilians (Mali)", type="Civilians")
    store.add_article(article("b", "2024-10-02"), [event("e2", "b", day="2024-10-01", location=GAO,
                                                          event_type="Violence against civilians",
                                                          actor2=civilians)])
    nig = Location(name="Niamey", country="Niger", iso3="NER", latitude=13.51, longitude=2.11,
                   geo_precision=1)
    store.add_article(article("c", "2024-11-05"), [event("e3", "c", day="2024-11-05", location=nig)])
    return store


def ids(events) -> list[str]:
    return [e.event_id for e in events]


def test_query_filters(filled):
    assert ids(filled.events()) == ["e1", "e2", "e3"]
    assert ids(filled.events(country="mli")) == ["e1", "e2"]
    assert ids(filled.events(type="violence against civilians")) == ["e2"]
    assert ids(filled.events(type="Armed clash")) == ["e1", "e3"]
    assert ids(filled.events(since=date(2024, 10, 1))) == ["e2", "e3"]
    assert ids(filled.events(until=date(2024, 10, 1))) == ["e1", "e2"]
    assert ids(filled.events(actor="civilians")) == ["e2"]
    assert ids(filled.events(actor="JNIM", country="NER")) == ["e3"]
    assert ids(filled.events(actor="100%_")) == []
    assert ids(filled.events(near=Near(12.6, -8.0, 50))) == ["e1"]
    assert ids(filled.events(near=Near.parse("16,-1,200"))) == ["e2"]
    assert ids(filled.events(near=Near.parse("14,-3,1000"))) == ["e1", "e2", "e3"]


def test_several_types_text_search_and_map_box(filled):
    both = ("Armed clash", "Violence against civilians")
    assert ids(filled.query(Filters(types=both))) == ["e1", "e2", "e3"]
    assert ids(filled.query(Filters(types=("violence against civilians",)))) == ["e2"]
    assert ids(filled.query(Filters(text="niamey"))) == ["e3"]
    assert ids(filled.query(Filters(text="GAO jnim"))) == ["e2"]  # every word, any case
    assert ids(filled.query(Filters(text="gao niamey"))) == []
    assert ids(filled.query(Filters(text="100%_"))) == []  # LIKE wildcards are literal
    sahel = Box.parse("-10,10,3,17")
    assert ids(filled.query(Filters(box=sahel))) == ["e1", "e2", "e3"]
    assert ids(filled.query(Filters(box=Box(-1, 15, 1, 17)))) == ["e2"]
    assert ids(filled.query(Filters(box=Box(359, 10, 362.5, 17)))) == ["e2", "e3"]  # a view past 180°
    assert ids(filled.query(Filters(box=Box(-400, -80, 400, 80)))) == ["e1", "e2", "e3"]
    for bad in ("1,2,3", "0,20,1,10", "a,b,c,d"):
        with pytest.raises(ValueError):
            Box.parse(bad)


@contextlib.contextmanager
def store_at_revision(path: Path | str, revision: str) -> Iterator[sa.Connection]:
    """A store (a SQLite path or a database URL) made by an earlier schema (migrations up to
    `revision`), to fill by hand."""
    from alembic import command
    from alembic.config import Config

    engine = sa.create_engine(resolve_url(path))
    config = Config()
    config.set_main_option("script_location", str(ROOT / "conflictwire" / "store" / "migrations"))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            yield conn
    finally:
        engine.dispose()


def test_upgrading_a_store_fills_the_search_column(tmp_path):
    path = tmp_path / "old.db"
    with store_at_revision(path, "0001") as conn:
        old = event("e1", "a", location=GAO).model_dump(mode="json")
        conn.execute(sa.text("INSERT INTO events (event_id, record, event_type, sub_event_type, fatalities, "
                             "created_at, updated_at) VALUES ('e1', :r, 'Battles', 'Armed clash', 0, "
                             "'2024-09-17', '2024-09-17')"), {"r": json.dumps(old)})
    with Store.open(path) as store:
        assert ids(store.query(Filters(text="gao"))) == ["e1"]


@pytest.fixture(params=["sqlite", "postgresql"])
def old_store(request, tmp_path) -> Path | str:
    return tmp_path / "old.db" if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_upgrading_a_store_gives_merged_reports_ids_back_as_aliases(old_store):
    """A store of the previous schema (0003) where a merge renamed an event to its smallest
    member id: after the upgrade the id it had first is an alias that finds it again."""
    path = old_store
    with store_at_revision(path, "0003") as conn:
        merged = event("e1", "b").model_copy(update={"article_ids": ["a", "b"]}).model_dump(mode="json")
        conn.execute(sa.text("INSERT INTO articles (id, content_hash, text, ingested_at) VALUES "
                             "('a', 'ha', 'x', '2024-09-17'), ('b', 'hb', 'y', '2024-09-18')"))
        conn.execute(sa.text("INSERT INTO events (event_id, record, event_date, iso3, event_type, "
                             "sub_event_type, fatalities, created_at, updated_at) VALUES ('e1', :r, "
                             "'2024-09-17', 'MLI', 'Battles', 'Armed clash', 0, '2024-09-17', '2024-09-17')"),
                     {"r": json.dumps(merged)})
        for art, own in (("a", "e2"), ("b", "e1")):
            conn.execute(sa.text("INSERT INTO event_articles (event_id, article_id, evidence, record) "
                                 "VALUES ('e1', :a, '[]', :r)"),
                         {"a": art, "r": json.dumps(event(own, art).model_dump(mode="json"))})
    with Store.open(path) as store:
        found = store.event("e2")
        assert found["event"].event_id == "e1" and found["aliases"] == ["e2"]
        store.add_article(article("c"), [event("e3", "c")])  # merges under the id it has now
        assert store.event("e3")["event"].event_id == "e1"


def test_upgrading_a_store_keeps_which_coder_made_each_event(old_store):
    """A store of the previous schema (0004): a record that names a learned model keeps it in
    the new coder column; records from before `coder` existed were coded by the rules."""
    with store_at_revision(old_store, "0004") as conn:
        learned = event("e1", "a").model_copy(update={"coder": "rules+model:sahel@0123abcd"})
        before_coders = event("e2", "b").model_dump(mode="json")
        del before_coders["coder"]
        for ident, record in (("e1", learned.model_dump(mode="json")), ("e2", before_coders)):
            conn.execute(sa.text("INSERT INTO events (event_id, record, event_type, sub_event_type, "
                                 "fatalities, created_at, updated_at) VALUES (:e, :r, 'Battles', "
                                 "'Armed clash', 0, '2024-09-17', '2024-09-17')"),
                         {"e": ident, "r": json.dumps(record)})
    with Store.open(old_store) as store:
        assert store.event("e1")["coder"] == "rules+model:sahel@0123abcd"
        assert store.event("e2")["coder"] == "rules"


def test_ingest_stores_the_coder(store):
    coded = event("e1", "a").model_copy(update={"coder": "rules+model:sahel@0123abcd"})
    store.add_article(article("a"), [coded])
    assert store.event("e1")["coder"] == "rules+model:sahel@0123abcd"


def test_near_parsing():
    assert Near.parse("12.5,-8,30") == Near(12.5, -8.0, 30.0)
    for bad in ("12,8", "x,y,z", "91,0,5", "0,0,-1"):
        with pytest.raises(ValueError):
            Near.parse(bad)


def test_unknown_event_is_none(filled):
    assert filled.event("nope") is None
