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

.PHONY: install web-test-tools test-deps translations screenshots screenshots-web run test lint bench bench-signals-simulation signals-fixtures clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	# deduce's lookup structures are built once here (about two minutes), never per run
	$(BIN)/python -m hicmonitor.woo.prepare
	touch $@

# numba's compile cache for the Knox test, filled once (about a minute) so that no run of
# `hic nabijheid analyse` compiles; redone when the kernels change.
NUMBA_STAMP := $(VENV)/.numba-cache
$(NUMBA_STAMP): $(STAMP) src/hicmonitor/analysis/nearrepeat_kernels.py
	$(BIN)/python -m hicmonitor.analysis.nearrepeat
	touch $@

install: $(STAMP) $(NUMBA_STAMP)

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

# The browser tests (tests/web) drive Debian's chromium through Playwright and inject axe-core
# from npm; both are installed here only when missing (Playwright's own browser download is
# not used).
web-test-tools:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --loglevel=error

# PNG screenshots of the web's pages for the README (docs/img/web-*.png).
screenshots-web: run web-test-tools
	$(BIN)/python scripts/web_screenshots.py --db $(DB) --uit docs/img

# The Dutch catalogue of the CLI's Typer texts (messages.mo is committed; rebuild after editing
# messages.po; needs Debian's gettext for msgfmt). A test checks that the two agree.
CATALOGUE := src/hicmonitor/cli/locale/nl/LC_MESSAGES
translations:
	@command -v msgfmt >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	msgfmt --check -o $(CATALOGUE)/messages.mo $(CATALOGUE)/messages.po

lint: install
	$(BIN)/ruff check src tests benchmarks

test: install lint web-test-tools test-deps
	@mkdir -p out
	$(BIN)/hic --db $(DB) catalogus controleer
	$(BIN)/python -m pytest -q -p no:cacheprovider

# All speed benchmarks, each reporting a ratio against a baseline measured in the same run.
# bench_load at 5 and 55 MB here (`--groottes 5,55,500` adds the 500 MB files; `--schaal 1` is
# the old 92-million-row run).
bench: install
	$(BIN)/python benchmarks/bench_load.py --groottes 5,55
	$(BIN)/python benchmarks/bench_trends.py
	$(BIN)/python benchmarks/bench_rapport.py
	$(BIN)/python benchmarks/bench_nearrepeat.py
	$(BIN)/python benchmarks/bench_woo.py
	$(BIN)/python benchmarks/bench_woo_rapport.py
	$(BIN)/python benchmarks/bench_haal.py
	$(BIN)/python benchmarks/bench_web.py --duur 10
	$(BIN)/python benchmarks/bench_signals.py
	$(BIN)/python benchmarks/bench_signalen_cli.py --herhaal 3
	$(BIN)/python benchmarks/bench_readers.py --rijen 1000000

# R's surveillance package (Debian packages; never committed) for the signals' R checks
R_SURVEILLANCE := command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(surveillance)' >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq r-base-core r-cran-surveillance >/dev/null; }

# POD and FPR of the Farrington port against R on the same simulated series (R: ~15 min CPU)
bench-signals-simulation: install
	@$(R_SURVEILLANCE)
	$(BIN)/python benchmarks/bench_signals_simulation.py --rep 10

# Regenerate the committed R fixtures of tests/signals (the tests themselves do not need R)
signals-fixtures:
	@$(R_SURVEILLANCE)
	Rscript tests/signals/r/make_fixtures.R
	Rscript tests/signals/r/simulate.R tests/signals/fixtures/simulation 2 2,3

clean:
	rm -rf $(VENV) out
