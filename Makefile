# hicmonitor — the two commands of the README:
#   make run    creates the environment, installs, loads the embedded data, prints the national
#               HIC table and writes the Kamerbrief and beslisnota for $(YEAR) (DOCX, PDF, HTML) to out/
#   make test   the same installation plus test tools, then lint, content check and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= out/hicmonitor.duckdb
YEAR   ?= 2023

.PHONY: install screenshots run test lint bench clean translations

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	# deduce's lookup structures are built once here (about two minutes), never per run
	$(BIN)/python -m hicmonitor.woo.prepare
	touch $@

install: $(STAMP)

# PNG renderings of the report pages for docs/ (needs Debian's poppler-utils for pdftoppm).
screenshots: run
	@command -v pdftoppm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }
	pdftoppm -r 70 -l 2 -png out/kamerbrief_$(YEAR)_*.pdf docs/img/rapport-kamerbrief
	pdftoppm -r 70 -l 3 -png out/beslisnota_$(YEAR)_*.pdf docs/img/rapport-beslisnota

run: install
	@mkdir -p out
	$(BIN)/hic --db $(DB) status
	$(BIN)/hic --db $(DB) cijfers
	$(BIN)/hic --db $(DB) rapport --jaar $(YEAR) --uit out

# The Dutch catalogue of the CLI's Typer texts (messages.mo is committed; rebuild after editing
# messages.po; needs Debian's gettext for msgfmt). A test checks that the two agree.
CATALOGUE := src/hicmonitor/cli/locale/nl/LC_MESSAGES
translations:
	@command -v msgfmt >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	msgfmt --check -o $(CATALOGUE)/messages.mo $(CATALOGUE)/messages.po

lint: install
	$(BIN)/ruff check src tests benchmarks

test: install lint
	@mkdir -p out
	$(BIN)/hic --db $(DB) catalogus controleer
	$(BIN)/python -m pytest -q -p no:cacheprovider

# All speed benchmarks, each reporting a ratio against a baseline measured in the same run.
# bench_load at 5% of full size here; `--schaal 1` is the full 92-million-row run.
bench: install
	$(BIN)/python benchmarks/bench_load.py --schaal 0.05
	$(BIN)/python benchmarks/bench_trends.py
	$(BIN)/python benchmarks/bench_rapport.py
	$(BIN)/python benchmarks/bench_nearrepeat.py
	$(BIN)/python benchmarks/bench_woo.py
	$(BIN)/python benchmarks/bench_woo_rapport.py
	$(BIN)/python benchmarks/bench_haal.py
	$(BIN)/python benchmarks/bench_readers.py --rijen 1000000

clean:
	rm -rf $(VENV) out
