# Quick start: `make demo` and `make test`; each builds .venv first when it is absent.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: venv demo test lint audit score acled satp bench vendor screenshot clean

venv: $(BIN)/conflictwire

$(BIN)/conflictwire: pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The main job on the bundled sample reports: ingest them into the embedded store
# (./conflictwire.db; a second run adds nothing), show the events table, then serve the
# dashboard over them (it prints its address; Ctrl-C stops it).
PORT ?= 8000
demo: venv
	$(BIN)/conflictwire ingest conflictwire/samples/reports.jsonl
	$(BIN)/conflictwire events
	$(BIN)/conflictwire serve --port $(PORT)

test: venv
	$(BIN)/ruff check conflictwire tests benchmarks docs
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check conflictwire tests benchmarks docs

# Score the annotated corpus with the shared scorer (needs ../shared).
# The installed dependencies against the known vulnerabilities of PyPI's advisory service;
# fails on any (a package the service cannot look up is listed as skipped).
audit: venv
	$(BIN)/pip-audit --skip-editable --progress-spinner off

score: venv
	$(PY) ../shared/eval/score.py --articles ../shared/corpus/dev > /tmp/cw-articles.jsonl
	$(BIN)/conflictwire extract /tmp/cw-articles.jsonl --format jsonl > /tmp/cw-events.jsonl
	$(PY) ../shared/eval/score.py --gold ../shared/corpus/dev --pred /tmp/cw-events.jsonl --misses

# The real-data measures behind README "Quality" (need ../shared): ACLED records' notes
# scored against ACLED's own coding (EVERY=4: one record in 4), and the SATP reports' labels.
EVERY ?= 4
acled: venv
	$(BIN)/python benchmarks/acled.py --every $(EVERY)

satp: venv
	$(BIN)/python benchmarks/satp.py

bench: venv
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/ingest.py --limit 200
	$(BIN)/python benchmarks/alerts.py

# The dashboard's third-party scripts, styles and outlines, from the npm packages pinned in
# web/package.json, into conflictwire/serve/static/vendor (committed: the app serves them offline).
vendor:
	web/vendor.sh

# docs/dashboard.png, taken in headless Chromium over the sample reports.
screenshot: venv
	$(BIN)/python docs/screenshot.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
