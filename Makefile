# Two entry points: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo

.PHONY: demo test lab format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# WeasyPrint (PDF reports) needs Pango from the system; install it with apt only if missing.
# HarfBuzz's subsetter makes each PDF about three times faster to write than WeasyPrint's
# fontTools fallback (font subsetting was three quarters of a PDF's time); best effort:
# without it the PDFs are written all the same, only slower.
PANGO := $(BIN)/python -c "import weasyprint" 2>/dev/null || \
	{ apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }; \
	$(BIN)/python -c "import ctypes.util as u, sys; sys.exit(u.find_library('harfbuzz-subset') is None)" || \
	{ apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1; } || \
	  echo "note: libharfbuzz-subset0 is not installed: PDF export works but is slower"; }

# The test tools (pytest, mypy, import-linter, ...) on top of what the demo needs.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	$(PANGO)
	touch $(STAMP) $(DEMO_STAMP)

# The demo needs the package and its own dependencies only.
$(DEMO_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	$(PANGO)
	touch $(DEMO_STAMP)

# The Blekinge and Norrbotten demo reports: live APIs when reachable, else the offline
# snapshot (it says which).
DEMOS := params/blekinge-unga-lyfter.yaml params/norrbotten-arbete-halsa.yaml
demo: $(DEMO_STAMP)
	for params in $(DEMOS); do $(BIN)/collab validate $$params || exit 2; done
	for params in $(DEMOS); do $(BIN)/collab fetch $$params || exit 1; done
	for params in $(DEMOS); do $(BIN)/collab report $$params || exit 1; done
	$(BIN)/collab report params/norrbotten-arbete-halsa.yaml --kind lagesbild
	$(BIN)/collab portfolio $(DEMOS)

# JupyterLab on the notebooks, with the package's own kernel.
lab: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,lab]'
	$(BIN)/python -c "from collab_metrics.report.render import ensure_kernel; ensure_kernel()"
	$(BIN)/jupyter lab --notebook-dir=notebooks

# The layer contracts (.importlinter) fail on any import against the layer rule; mypy
# type-checks the package (configuration in pyproject.toml). The tests run in two processes
# (pytest-xdist), a test file in one of them, so a module's fixtures are made once: the
# report tests wait on kernels and subprocesses, and the suite takes 7 minutes instead of
# 10 on two cores. Two, not one per core: a report test starts workers of its own.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache build *.egg-info
