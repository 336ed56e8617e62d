"""End to end: the real `conflictwire` command, run as a subprocess.

The extractor takes several seconds to start (spaCy models, gazetteer), so every scenario
group is one run, started once per module and shared by the tests that read it. The runs
are started together (after one process has made sure the gazetteer cache is built) and
write their output to files, so the suite pays for about two or three starts, not a dozen.
Runs that never reach the extractor (usage errors, an unwritable output, a stand-in
extractor that breaks) are cheap and run in the test itself.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from conflictwire.models import EVENT_TYPES

SAMPLES = Path(__file__).resolve().parents[1] / "conflictwire" / "samples" / "reports.jsonl"
TIMEOUT = 900

# The contract's record (EVENTS.md, Output), field for field.
EVENT_FIELDS = {
    "event_id", "article_ids", "event_date", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2",
    "civilian_targeting", "location", "fatalities", "injured", "claims", "evidence",
    "confidence", "notes", "coder",  # coder: the rules, or the user's learned model (issue 15)
}
ACTOR_FIELDS = {"name", "type", "country", "mentions"}
ACTOR_TYPES = {"State forces", "Rebel group", "Political militia", "Identity militia", "Rioters",
               "Protesters", "Civilians", "External/Other forces"}
LOCATION_FIELDS = {"name", "admin1", "admin2", "country", "iso3", "latitude", "longitude",
                   "geo_precision", "geonameid"}
CLAIM_KINDS = {"responsibility", "casualties", "denial", "statement"}
# ACLED's export columns, in ACLED's order.
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
]

# Two wire reports written for these tests: a weekday to resolve against `published`, a
# named town, a toll.
EN_REPORT = {
    "id": "wire-en-bakura",
    "published": "2025-06-12",  # a Thursday
    "source": "Test wire",
    "title": "Gunmen kill 14 villagers in Nigeria's Zamfara state",
    "language": "en",
    "text": (
        "GUSAU, Nigeria, June 12 (Test wire) - Gunmen on motorcycles killed at least 14 "
        "villagers in an attack on the town of Bakura in northwest Nigeria's Zamfara state "
        "on Tuesday, police said on Thursday.\n\n"
        "The attackers stormed the town in the early hours, shooting residents and setting "
        "fire to houses, Zamfara police spokesman Yazid Abubakar said in a statement. Six "
        "other people were wounded and taken to hospital.\n\n"
        "No group has claimed responsibility for the attack."
    ),
}
FR_REPORT = {  # no `language`: detected
    "id": "wire-fr-tera",
    "published": "2025-05-08",  # a Thursday
    "source": "Agence test",
    "text": (
        "NIAMEY, 8 mai — Des hommes armés ont tué au moins sept civils lundi dans le village "
        "de Téra, dans la région de Tillabéri, dans l'ouest du Niger, a-t-on appris jeudi "
        "de sources locales.\n\n"
        "Les assaillants, arrivés à moto, ont ouvert le feu sur les habitants avant de "
        "repartir vers la frontière, selon un élu local."
    ),
}
# No publication day: `--published 2025-07-03` (a Thursday) makes "on Monday" 2025-06-30.
UNDATED_TXT = (
    "Gunmen killed nine villagers in an attack on Bokkos in Nigeria's Plateau state on "
    "Monday, a local official said.\n"
)
FILL_DAY = "2025-07-03"


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def events(self) -> list[dict]:
        return parse_jsonl(self.stdout)


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "conflictwire.cli", *map(str, args)]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CONFLICTWIRE_DEBUG", None)
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def run_cli(*args: str, cwd: Path, stdin: str | bytes | None = None, timeout: float = TIMEOUT
            ) -> Run:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run(cli_command(*args), input=data, capture_output=True, cwd=cwd,
                          env=cli_env(), timeout=timeout, check=False)
    return Run(list(args), proc.returncode, proc.stdout.decode("utf-8"),
               proc.stderr.decode("utf-8", "replace"))


def start_runs(jobs: dict[str, tuple[list[str], bytes | None]], workdir: Path) -> dict[str, Run]:
    """Start every job at once, wait for all; output goes to files, so no pipe fills up."""
    procs = {}
    for name, (args, stdin) in jobs.items():
        stdin_file = None
        if stdin is not None:
            (workdir / f"{name}.stdin").write_bytes(stdin)
            stdin_file = (workdir / f"{name}.stdin").open("rb")
        out = (workdir / f"{name}.stdout").open("wb")
        err = (workdir / f"{name}.stderr").open("wb")
        proc = subprocess.Popen(cli_command(*args), stdin=stdin_file or subprocess.DEVNULL,
                                stdout=out, stderr=err, cwd=workdir, env=cli_env())
        procs[name] = (proc, args, [f for f in (stdin_file, out, err) if f])
    runs = {}
    for name, (proc, args, files) in procs.items():
        try:
            proc.wait(timeout=TIMEOUT)
        finally:
            for f in files:
                f.close()
        runs[name] = Run(args, proc.returncode,
                         (workdir / f"{name}.stdout").read_text("utf-8"),
                         (workdir / f"{name}.stderr").read_text("utf-8", "replace"))
    return runs


def parse_jsonl(text: str) -> list[dict]:
    lines = [line for line in text.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def by_article(events: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for event in events:
        for aid in event["article_ids"]:
            out.setdefault(aid, []).append(event)
    return out


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert "Traceback" not in run.stdout


def assert_contract(event: dict, texts: dict[str, str]) -> None:
    """One event record against EVENTS.md; `texts` maps article ids to their text."""
    assert set(event) == EVENT_FIELDS, set(event) ^ EVENT_FIELDS
    assert isinstance(event["event_id"], str) and event["event_id"]
    assert event["article_ids"] and all(a in texts for a in event["article_ids"])
    if event["event_date"] is not None:
        date.fromisoformat(event["event_date"])
    assert event["time_precision"] in (1, 2, 3)
    assert event["event_type"] in EVENT_TYPES
    assert event["sub_event_type"] in EVENT_TYPES[event["event_type"]]
    expected_disorder = (
        "Political violence" if event["sub_event_type"] == "Excessive force against protesters"
        else "Demonstrations" if event["event_type"] in ("Protests", "Riots")
        else "Strategic developments" if event["event_type"] == "Strategic developments"
        else "Political violence"
    )
    assert event["disorder_type"] == expected_disorder
    for key in ("actor1", "actor2"):
        actor = event[key]
        if actor is not None:
            assert set(actor) == ACTOR_FIELDS
            assert actor["name"] and actor["type"] in ACTOR_TYPES
            assert isinstance(actor["mentions"], list)
    for key in ("assoc_actor_1", "assoc_actor_2"):
        assert isinstance(event[key], list) and all(isinstance(a, str) for a in event[key])
    assert isinstance(event["civilian_targeting"], bool)
    loc = event["location"]
    assert set(loc) == LOCATION_FIELDS
    assert loc["name"] and loc["geo_precision"] in (1, 2, 3)
    if loc["latitude"] is not None:
        assert -90 <= loc["latitude"] <= 90 and -180 <= loc["longitude"] <= 180
    assert isinstance(event["fatalities"], int) and event["fatalities"] >= 0
    assert event["injured"] is None or (isinstance(event["injured"], int) and event["injured"] >= 0)
    for claim in event["claims"]:
        assert set(claim) == {"claimant", "kind", "text", "article_id"}
        assert claim["kind"] in CLAIM_KINDS and claim["article_id"] in event["article_ids"]
    assert event["evidence"], "an event rests on at least one sentence"
    for ev in event["evidence"]:
        assert set(ev) == {"article_id", "start", "end", "text"}
        assert ev["article_id"] in event["article_ids"]
        text = texts[ev["article_id"]]
        assert 0 <= ev["start"] < ev["end"] <= len(text)
        assert text[ev["start"]:ev["end"]] == ev["text"]
    assert 0.0 <= event["confidence"] <= 1.0
    assert isinstance(event["notes"], str)


def samples() -> list[dict]:
    return parse_jsonl(SAMPLES.read_text("utf-8"))


# --- the shared runs ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def inputs(workdir) -> dict[str, Path]:
    paths = {"wire": write_jsonl(workdir / "wire.jsonl", [EN_REPORT, FR_REPORT])}
    paths["undated"] = workdir / "bokkos-note.txt"
    paths["undated"].write_text(UNDATED_TXT, encoding="utf-8")

    # A batch with broken lines around good ones.
    good_en = {**EN_REPORT, "id": "batch-good-en"}
    latin1_line = json.dumps({**FR_REPORT, "id": "batch-latin1",
                              "text": FR_REPORT["text"].replace("—", "-")}, ensure_ascii=False)
    lines = [
        json.dumps(good_en).encode(),
        b'{"id": "batch-broken", "text": "unterminated',  # line 2: not JSON
        json.dumps({"id": "batch-notext", "published": "2025-01-01"}).encode(),  # 3: no text
        json.dumps({**FR_REPORT, "id": "batch-baddate", "published": "13/45/2025"},
                   ensure_ascii=False).encode(),  # 4: bad date
        latin1_line.encode("latin-1"),  # 5: latin-1, read with a warning
    ]
    paths["batch"] = workdir / "batch.jsonl"
    paths["batch"].write_bytes(b"\n".join(lines) + b"\n")
    paths["empty"] = workdir / "empty.jsonl"
    paths["empty"].write_bytes(b"")
    paths["binary"] = workdir / "garbage.jsonl"
    paths["binary"].write_bytes(bytes(range(256)) * 64)
    paths["latin1"] = workdir / "latin1-note.txt"
    paths["latin1"].write_bytes(
        "Des hommes armés ont tué au moins cinq civils lundi à Téra, dans l'ouest du Niger, "
        "a-t-on appris jeudi.".encode("latin-1"))
    big = {"id": "big-article", "published": "2025-01-01",
           "text": "Gunmen killed five villagers in Bakura on Monday. " * 110_000}  # ~5.5 MB
    paths["big"] = write_jsonl(workdir / "big.jsonl", [big, {**EN_REPORT, "id": "after-big"}])
    paths["missing"] = workdir / "no-such-file.jsonl"
    return paths


@pytest.fixture(scope="module")
def runs(workdir, inputs) -> dict[str, Run]:
    # Build (or check) the gazetteer cache once, so the parallel runs do not all build it.
    subprocess.run([sys.executable, "-c",
                    "from conflictwire.extract.places.gazetteer import Gazetteer; Gazetteer.load()"],
                   cwd=workdir, env=cli_env(), timeout=TIMEOUT, check=True)
    wire_bytes = inputs["wire"].read_bytes()
    jobs = {
        # the bundled samples from a file and the wire reports from standard input
        "jsonl": (["extract", SAMPLES, "-"], wire_bytes),
        "table": (["extract", SAMPLES, "--format", "table"], None),
        "csv": (["extract", inputs["wire"], "--format", "csv"], None),
        "geojson": (["extract", inputs["wire"], inputs["undated"], "--format", "geojson",
                     "--published", FILL_DAY, "--output", workdir / "out" / "events.geojson"],
                    None),
        "bad": (["extract", inputs["batch"], inputs["empty"], inputs["binary"],
                 inputs["latin1"], inputs["big"], inputs["missing"]], None),
    }
    (workdir / "out").mkdir()
    return start_runs(jobs, workdir)


# --- JSON Lines: the contract ---------------------------------------------------------------


def test_jsonl_run_succeeds(runs):
    run = runs["jsonl"]
    assert run.returncode == 0, run.stderr
    assert_no_traceback(run)
    assert "8 articles read, 0 skipped" in run.stderr


def test_jsonl_events_follow_the_contract(runs):
    texts = {r["id"]: r["text"] for r in [*samples(), EN_REPORT, FR_REPORT]}
    events = runs["jsonl"].events()
    assert events
    for event in events:
        assert_contract(event, texts)
    assert len({e["event_id"] for e in events}) == len(events)


def test_sample_events_are_in_the_right_country_and_before_publication(runs):
    published = {r["id"]: date.fromisoformat(r["published"]) for r in samples()}
    countries = {
        "sample-niger-gotheye": "NER", "sample-mogadishu-car-bomb": "SOM",
        "sample-nairobi-protest": "KEN", "sample-darfur-air-strike": "SDN",
        "sample-djibo-ied": "BFA",
    }
    found = by_article(runs["jsonl"].events())
    assert "sample-quiet-football" not in found  # a football report holds no event
    for aid, iso3 in countries.items():
        assert aid in found, f"no event from {aid}"
        assert iso3 in {e["location"]["iso3"] for e in found[aid]}
        for event in found[aid]:
            day = date.fromisoformat(event["event_date"])
            assert 0 <= (published[aid] - day).days <= 31
    # "dimanche" in a report of Tuesday 18 March 2025
    gotheye = [e for e in found["sample-niger-gotheye"] if e["location"]["iso3"] == "NER"]
    assert "2025-03-16" in {e["event_date"] for e in gotheye}


def test_english_wire_report_from_stdin(runs):
    found = by_article(runs["jsonl"].events())
    assert EN_REPORT["id"] in found
    event = next(e for e in found[EN_REPORT["id"]] if e["location"]["iso3"] == "NGA")
    assert event["event_date"] == "2025-06-10"  # "on Tuesday", published Thursday 12 June
    assert event["time_precision"] == 1
    assert event["location"]["name"] == "Bakura"
    assert event["event_type"] == "Violence against civilians"
    assert event["fatalities"] == 14
    assert event["civilian_targeting"] is True


def test_french_wire_report_from_stdin(runs):
    found = by_article(runs["jsonl"].events())
    assert FR_REPORT["id"] in found
    event = next(e for e in found[FR_REPORT["id"]] if e["location"]["iso3"] == "NER")
    assert event["event_date"] == "2025-05-05"  # "lundi", published Thursday 8 May
    assert event["location"]["name"] in ("Téra", "Tera")
    assert event["fatalities"] == 7
    assert event["actor2"] and event["actor2"]["type"] == "Civilians"


# --- table (make demo), CSV, GeoJSON, --output, --published ----------------------------------


def test_table_is_readable(runs):
    run = runs["table"]
    assert run.returncode == 0, run.stderr
    assert_no_traceback(run)
    out = run.stdout
    assert "\x1b[" not in out  # no terminal colour codes when not writing to a terminal
    for header in ("Date", "Event", "Actors", "Location", "Dead/inj."):
        assert header in out
    assert "Gothèye" in out and "2025-03-16" in out and "Niger" in out
    assert "Mogadishu" in out and "Djibo" in out and "Nairobi" in out
    assert " events" in out  # the caption counts them
    assert max(len(line) for line in out.splitlines()) <= 100


def test_csv_header_is_acleds(runs):
    run = runs["csv"]
    assert run.returncode == 0, run.stderr
    assert_no_traceback(run)
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert rows[0] == ACLED_COLUMNS
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(records) >= 2
    countries = {r["country"] for r in records}
    assert {"Nigeria", "Niger"} <= countries
    bakura = next(r for r in records if r["location"] == "Bakura")
    assert bakura["event_date"] == "2025-06-10" and bakura["year"] == "2025"
    assert bakura["iso"] == "566" and bakura["fatalities"] == "14"
    assert bakura["source"] == "Test wire"


def test_geojson_written_to_output_file(runs, workdir):
    run = runs["geojson"]
    assert run.returncode == 0, run.stderr
    assert_no_traceback(run)
    assert run.stdout == ""  # everything went to the file
    doc = json.loads((workdir / "out" / "events.geojson").read_text("utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert doc["features"]
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert set(feature["properties"]) == set(ACLED_COLUMNS) - {"latitude", "longitude"}
    nigeria = [f for f in doc["features"] if f["properties"]["country"] == "Nigeria"]
    lon, lat = nigeria[0]["geometry"]["coordinates"]
    assert 2.5 < lon < 15 and 4 < lat < 14  # [longitude, latitude], inside Nigeria


def test_published_fills_missing_days_only(runs, workdir):
    doc = json.loads((workdir / "out" / "events.geojson").read_text("utf-8"))
    days = {f["properties"]["location"]: f["properties"]["event_date"] for f in doc["features"]}
    assert days.get("Bokkos") == "2025-06-30"  # "on Monday" against --published 2025-07-03
    # reports with their own publication day keep it
    assert days.get("Bakura") == "2025-06-10"
    assert "2025-05-05" in days.values()


# --- bad input ------------------------------------------------------------------------------


def test_bad_inputs_are_named_and_the_rest_is_extracted(runs, inputs):
    run = runs["bad"]
    assert run.returncode == 1
    assert_no_traceback(run)
    err = run.stderr
    batch = str(inputs["batch"])
    assert f"{batch}:2: not valid JSON" in err
    assert f"{batch}:3: " in err and "'batch-notext'" in err and "missing 'text'" in err
    assert f"{batch}:4: " in err and "published" in err and "13/45/2025" in err
    assert f"{inputs['empty']}: empty" in err
    assert f"{inputs['binary']}: binary" in err
    assert f"{inputs['big']}:1: " in err and "'big-article'" in err and "MB" in err
    assert f"{inputs['missing']}: no such file" in err
    # latin-1 is read (losslessly), with a warning naming where
    assert f"{batch}:5: not UTF-8" in err
    assert f"{inputs['latin1']}: not UTF-8" in err
    # 7 inputs skipped; the good reports still give their events
    assert "7 skipped" in err
    found = by_article(run.events())
    assert {"batch-good-en", "batch-latin1", "latin1-note", "after-big"} <= found.keys()
    assert not found.keys() & {"batch-broken", "batch-notext", "batch-baddate", "big-article"}
    latin1 = found["batch-latin1"][0]
    assert "Téra" in latin1["location"]["name"] or "Tera" in latin1["location"]["name"]
    for line in err.splitlines():
        assert len(line) < 400  # one clear line each, not a dump of the input


def test_bad_published_option_is_a_usage_error(tmp_path):
    run = run_cli("extract", SAMPLES, "--published", "2025-13-01", cwd=tmp_path, timeout=120)
    assert run.returncode == 2
    assert "--published" in run.stderr and "2025-13-01" in run.stderr
    assert_no_traceback(run)
    assert run.stdout == ""


def test_unwritable_output_is_one_line(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [EN_REPORT])
    target = tmp_path / "no-such-dir" / "events.jsonl"
    run = run_cli("extract", path, "--output", target, cwd=tmp_path, timeout=300)
    assert run.returncode == 1
    assert_no_traceback(run)
    assert f"cannot write {target}" in run.stderr


STUB = textwrap.dedent("""
    import sys
    import conflictwire.extract.pipeline as pipeline

    class Extractor:
        def __init__(self, **settings):
            if "--fail-start" in sys.argv:
                raise RuntimeError("model files are missing")

        def extract_each(self, articles):
            if any(a.id == "boom" for a in articles):
                raise ValueError("something broke\\non two lines")
            return [[] for _ in articles]

        def extract_article(self, article):
            return self.extract_each([article])[0]

        @staticmethod
        def unsupported(article):
            return None

    pipeline.Extractor = Extractor
    from conflictwire.cli import main
    sys.exit(main([a for a in sys.argv[1:] if a != "--fail-start"]))
""")


def run_stub(*args: str, cwd: Path) -> Run:
    proc = subprocess.run([sys.executable, "-c", STUB, *map(str, args)], capture_output=True,
                          cwd=cwd, env=cli_env(), timeout=300, text=True, check=False)
    return Run(list(args), proc.returncode, proc.stdout, proc.stderr)


def test_a_report_that_breaks_the_extractor_is_skipped_not_fatal(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "ok-1", "text": "x", "language": "en"},
                                              {"id": "boom", "text": "y", "language": "en"},
                                              {"id": "ok-2", "text": "z", "language": "en"}])
    run = run_stub("extract", path, cwd=tmp_path)
    assert run.returncode == 1
    assert_no_traceback(run)
    assert "article 'boom': extraction failed (ValueError: something broke on two lines)" in run.stderr
    assert "2 articles read, 1 skipped" in run.stderr


def test_an_unexpected_error_is_one_line(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "ok-1", "text": "x", "language": "en"}])
    run = run_stub("extract", path, "--fail-start", cwd=tmp_path)
    assert run.returncode == 1
    assert_no_traceback(run)
    assert run.stderr.strip() == "conflictwire: error: RuntimeError: model files are missing"


def test_the_command_line_starts_without_the_heavy_libraries():
    """Every command builds the whole parser first; it must not import the store's, the
    server's or the models' libraries (each costs a quarter to three quarters of a second,
    paid by every worker start and every short `extract`)."""
    probe = ("import sys\n"
             "from conflictwire.cli import build_parser\n"
             "build_parser()\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'fastapi', 'spacy'}))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_version_is_printed_and_matches_the_package(tmp_path):
    from conflictwire import __version__

    run = run_cli("--version", cwd=tmp_path, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == f"conflictwire {__version__}"
    assert_no_traceback(run)
