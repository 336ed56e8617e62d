"""Property-based fuzzing of the GeoNames importer (conflictwire/gazetteer_import.py).

Inputs: dumps of random rows, good ones (19 tab-separated columns, every field drawn from its
range, hostile text in the free fields) mixed with bad ones (too few or too many columns,
non-numeric, NaN, infinite or out-of-range coordinates, ids and populations past 64 bits or
past Python's 4300-digit limit, empty names, bad feature classes, huge fields), comments,
blank lines, CRLF, invalid UTF-8; plain or zipped (with members that are not dumps).
Properties: the import never raises on a row; each bad row is reported once as
"FILE:LINE: reason" with its own line number; every good row of class P or A is stored with
its coordinates and nothing from a bad row is. Budget: `CW_FUZZ_EXAMPLES` (tests/fuzzing.py).
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from fuzzing import fuzz
from hypothesis import example, given
from hypothesis import strategies as st

from conflictwire.extract.places.geonames_import import import_geonames

COLUMNS = 19
# the import commits to an sqlite file: in memory when the machine has /dev/shm, much faster
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
# free text: anything but the tab and line breaks that frame the fields and rows
free = st.text(st.characters(blacklist_characters="\t\r\n", blacklist_categories=("Cs",)), max_size=30)
name = free.filter(lambda t: t.strip() != "")
alternates = st.one_of(free, st.lists(free, max_size=6).map(",".join), st.just("x" * 100_000))
latitude = st.one_of(
    st.floats(-90, 90).map(repr),
    st.integers(-90, 90).map(str),
    st.sampled_from(["13.90000", "-0", "90", "-90.0", "1e1", " 12.5 "]),
)
longitude = st.one_of(st.floats(-180, 180).map(repr), st.sampled_from(["-6.10000", "180", "-180", "0"]))


@st.composite
def good_row(draw: st.DrawFn, gid: int) -> list[str]:
    other = draw(st.sampled_from(["", "x", "Africa/Bamako", "2024-01-15", "\x00", "é" * 50]))
    cols = [
        str(gid),
        draw(name),
        draw(free),
        draw(alternates),
        draw(latitude),
        draw(longitude),
        draw(st.sampled_from("PAHLRSTUV")),
        draw(st.sampled_from(["PPL", "PPLX", "ADM1", "ADM2", "ADMD", "", "X"])),
        draw(st.sampled_from(["ML", "bf", "", "XX"])),
        other,
        draw(free),
        draw(free),
        other,
        other,
        draw(st.one_of(st.integers(-5, 10**12).map(str), st.just(""), st.just(" "))),
        other,
        other,
        other,
        other,
    ]
    assert len(cols) == COLUMNS
    return cols


BAD_NUMBERS = [
    "abc",
    "",
    "1,5",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e999",
    "0x10",
    "--1",
    "١٢.٣.٤",
    "\x00",
    "12 13",
]


@st.composite
def bad_row(draw: st.DrawFn, gid: int) -> tuple[list[str], str]:
    """A row that must be refused, with the words its reason must hold."""
    cols = draw(good_row(gid))
    kind = draw(st.sampled_from(["columns", "lat", "lon", "gid", "pop", "name", "class", "range"]))
    if kind == "columns":
        count = draw(st.integers(1, 40).filter(lambda n: n != COLUMNS))
        cols = (cols * 3)[:count]
        if len(cols) == COLUMNS:  # one empty field written as nothing: still one column
            cols = cols[:-1]
        return cols, "columns"
    if kind == "lat":
        cols[4] = draw(st.sampled_from(BAD_NUMBERS))
    elif kind == "lon":
        cols[5] = draw(st.sampled_from(BAD_NUMBERS))
    elif kind == "gid":
        cols[0] = draw(st.sampled_from(["0", "-5", "abc", "", "1.5", "9" * 20, str(2**63), "9" * 5000]))
    elif kind == "pop":
        cols[14] = draw(st.sampled_from(["x", "1.5", "9" * 30, str(2**63), "9" * 5000]))
    elif kind == "name":
        cols[1] = draw(st.sampled_from(["", " ", "\x0b", "\u3000"]))
    elif kind == "class":
        cols[6] = draw(st.sampled_from(["", "PP", "  ", "P A"]))
    else:
        cols[4], cols[5] = draw(
            st.sampled_from([("90.0001", "0"), ("0", "180.5"), ("-1e308", "0"), ("0", "-200")])
        )
    return cols, ""


@st.composite
def dump(draw: st.DrawFn) -> tuple[list[bytes], dict[int, tuple[float, float, str]], set[int], set[int]]:
    """(lines, good gid -> (lat, lon, class), line numbers of bad rows, gids of bad rows)."""
    lines: list[bytes] = []
    goods: dict[int, tuple[float, float, str]] = {}
    bad_lines: set[int] = set()
    bad_gids: set[int] = set()
    for i in range(draw(st.integers(0, 15))):
        gid = 1000 + i
        kind = draw(st.sampled_from(["good", "good", "bad", "comment", "blank"]))
        if kind == "good":
            cols = draw(good_row(gid))
            goods[gid] = (float(cols[4]), float(cols[5]), cols[6].strip())
        elif kind == "bad":
            cols, _ = draw(bad_row(gid))
            bad_lines.add(len(lines) + 1)
            bad_gids.add(gid)
        elif kind == "comment":
            cols = ["#" + draw(free)]
        else:
            cols = [draw(st.sampled_from(["", " ", "\t\t", "  \t"]))]
        lines.append("\t".join(cols).encode("utf-8", errors="surrogatepass"))
    return lines, goods, bad_lines, bad_gids


def _stored(store: Path) -> dict[int, tuple[float, float, str]]:
    with sqlite3.connect(store) as db:
        return {
            gid: (lat, lon, fclass)
            for gid, lat, lon, fclass in db.execute("SELECT geonameid, lat, lon, fclass FROM places")
        }


def _check(
    result,
    display: str,
    lines: list[bytes],
    goods: dict,
    bad_lines: set[int],
    bad_gids: set[int],
    store: Path,
) -> None:
    where = re.compile(rf"^{re.escape(display)}:(\d+): (.+)$", re.DOTALL)
    reported = []
    for err in result.errors:
        m = where.match(err)
        assert m, err  # "FILE:LINE: reason"
        reported.append(int(m.group(1)))
        assert m.group(2).strip()
    assert sorted(reported) == sorted(bad_lines), (result.errors, bad_lines)
    kept = {gid: v for gid, v in goods.items() if v[2] in ("P", "A")}
    # other named features are kept as fallbacks (none of the fuzzed codes is a skipped one)
    fallbacks = {gid: v for gid, v in goods.items() if v[2] in ("H", "L", "S", "T", "V")}
    assert result.places == len(kept)
    assert result.fallbacks == len(fallbacks)
    assert result.skipped == len(goods) - len(kept) - len(fallbacks)
    stored = _stored(store)
    assert set(stored) == set(kept) | set(fallbacks)
    for gid, (lat, lon, fclass) in (kept | fallbacks).items():
        assert stored[gid] == (lat, lon, fclass)
    assert not set(stored) & bad_gids


@fuzz(0.7)
@given(dump(), st.sampled_from([b"\n", b"\r\n"]), st.booleans())
@example(
    (
        [b"\t".join([b"9" * 20, b"X", b"X", b"", b"1", b"2", b"P", b"PPL", b"ML"] + [b""] * 10)],
        {},
        {1},
        {1000},
    ),
    b"\n",
    False,
)  # was OverflowError: a geonameid past 64 bits cannot be stored
@example(
    (
        [
            b"\t".join(
                [b"1000", b"X", b"X", b"", b"1", b"2", b"P", b"PPL", b"ML"]
                + [b""] * 5
                + [b"9" * 30]
                + [b""] * 4
            )
        ],
        {},
        {1},
        {1000},
    ),
    b"\n",
    True,
)  # was OverflowError: the population
def test_import_reports_bad_rows_and_stores_good_ones(case, newline: bytes, zipped: bool) -> None:
    lines, goods, bad_lines, bad_gids = case
    with tempfile.TemporaryDirectory(dir=SCRATCH) as tmp:
        dump_path = Path(tmp) / "ML.txt"
        dump_path.write_bytes(newline.join(lines) + (newline if lines else b""))
        display = str(dump_path)
        path = dump_path
        if zipped:
            path = Path(tmp) / "ML.zip"
            with zipfile.ZipFile(path, "w") as zf:
                zf.write(dump_path, "ML.txt")
                zf.writestr("readme.txt", "not a dump\tat all")
                zf.writestr("notes.csv", "a,b")
                zf.writestr("folder/", "")
            display = f"{path}!ML.txt"
        store = Path(tmp) / "extra.sqlite"
        result = import_geonames(path, store, batch=draw_batch(len(lines)))
        assert result.lines == len(lines)
        _check(result, display, lines, goods, bad_lines, bad_gids, store)


def draw_batch(n: int) -> int:
    return max(1, n // 3)  # several flushes in one import


@fuzz(0.3)
@given(st.binary(max_size=600), st.booleans())
@example(b"\xff\xfe\x00\x00garbage\n\t\t\t", False)
@example(b"PK\x03\x04 not really a zip", False)
@example(b"\t" * 5000 + b"\n" + b"x" * 200_000, False)
def test_import_of_random_bytes(data: bytes, as_zip_member: bool) -> None:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as tmp:
        path = Path(tmp) / "XX.txt"
        path.write_bytes(data)
        display = str(path)
        if as_zip_member:
            path = Path(tmp) / "XX.zip"
            with zipfile.ZipFile(path, "w") as zf:
                zf.writestr("XX.txt", data)
            display = f"{path}!XX.txt"
        result = import_geonames(path, Path(tmp) / "extra.sqlite")
    for err in result.errors:
        assert re.match(rf"^{re.escape(display)}:\d+: \S", err), err
    assert result.places + result.skipped + result.bad_lines <= result.lines
