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

.PHONY: install screenshots test-deps run test lint bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	# deduce's lookup structures are built once here (about two minutes), never per run
	$(BIN)/python -m hicmonitor.woo.prepare
	touch $@

install: $(STAMP)

# Debian packages some tests use: LibreOffice (the DOCX as LibreOffice sets it: no stranded
# heading, no broken word) and poppler-utils (pdftoppm). Without them those tests are skipped.
test-deps:
	@command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libreoffice-writer-nogui poppler-utils >/dev/null; }

# PNG renderings of the report pages for docs/: the PDFs, and the DOCX as LibreOffice prints it.
screenshots: run test-deps
	pdftoppm -r 70 -l 2 -png out/kamerbrief_$(YEAR)_*.pdf docs/img/rapport-kamerbrief
	pdftoppm -r 70 -l 3 -png out/beslisnota_$(YEAR)_*.pdf docs/img/rapport-beslisnota
	soffice -env:UserInstallation=file://$(CURDIR)/out/lo-profile --headless --convert-to pdf --outdir out/docx-pdf out/kamerbrief_$(YEAR)_*.docx >/dev/null
	pdftoppm -r 70 -l 2 -png out/docx-pdf/kamerbrief_$(YEAR)_*.pdf docs/img/rapport-kamerbrief-docx

run: install
	@mkdir -p out
	$(BIN)/hic --db $(DB) status
	$(BIN)/hic --db $(DB) cijfers
	$(BIN)/hic --db $(DB) rapport --jaar $(YEAR) --uit out

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

clean:
	rm -rf $(VENV) out
