# Keras 3 Layers course. Quick start: `make lab` (open the course) and `make test` (run every test).
# Both create .venv and install the pinned set from pyproject.toml when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# Parallel workers for `make test` (pytest-xdist) and the grading batch; default: every core.
JOBS   ?= $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
# Jupyter refuses to run as root without this flag (containers, CI machines); harmless otherwise.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help lab test install backends notebooks matrix check-notebooks lint clean
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[course,test,site]'
	touch $@

install: $(STAMP)  ## create .venv and install the pinned course set

# The student view (classroom/views/student): nbgrader's Assignments tab where an exchange exists (a hub),
# no instructor tools.
STUDENT_VIEW = $(abspath classroom/views/student)$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))

lab: $(STAMP)  ## open the course in JupyterLab, on its front page (notebooks/00_index.ipynb); student view
	JUPYTER_CONFIG_PATH=$(STUDENT_VIEW) $(BIN)/jupyter lab --ServerApp.root_dir=. --port=$(PORT) $(ALLOW_ROOT) notebooks/00_index.ipynb

test: $(STAMP)  ## run every test: notebooks, structure, freshness, lint, Colab path, browser, grading
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup --junitxml=test-artifacts/junit.xml --ignore=tests/test_site.py
	@# The website is built from the notebooks the first run executed, so it is tested after them.
	$(BIN)/python -m pytest tests/test_site.py --junitxml=test-artifacts/junit-site.xml

backends: $(STAMP)  ## add the optional JAX, Flax and PyTorch (CPU) backends
	$(BIN)/python -m pip install -q -e '.[course,test,site,backends]'

notebooks: $(STAMP)  ## regenerate the index page and notebooks/*.ipynb from their text sources
	$(BIN)/python tools/api_index.py build
	$(BIN)/python tools/notebooks.py build
	$(BIN)/python tools/syllabus.py build

matrix: $(STAMP)  ## run every notebook on every backend it supports; print the notebook x backend table
	-$(BIN)/python -m pytest tests/test_notebooks.py -q -n $(JOBS) --junitxml=test-artifacts/notebooks.xml
	$(BIN)/python tools/matrix.py test-artifacts/notebooks.xml --record
	$(BIN)/python tools/api_index.py build
	$(BIN)/python tools/notebooks.py build
	$(BIN)/python tools/syllabus.py build

lint: $(STAMP)  ## ruff over helpers, tests, tools and notebook sources
	$(BIN)/ruff check .

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache

-include mk/*.mk
