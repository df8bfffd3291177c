# ecomcase: the only entry point. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SECONDARY:

CASE ?= alibaba
# Notebooks 02-04 depend only on 01: run two at a time (JOBS=1 for one at a time).
JOBS ?= 2
MAKEFLAGS += --jobs=$(JOBS)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
BYTECODE := $(VENV)/.bytecode
LOCK := requirements.lock

NOTEBOOKS := 01_data_cleaning 02_strategic_analysis 03_internationalization_timeline 04_fuzzy_evaluation
REPORTS := reports/$(CASE)
BUILD := $(REPORTS)/.build
EXECUTED := $(REPORTS)/notebooks
SRC := $(shell find src/ecomcase -type f \( -name '*.py' -o -name '*.j2' \) 2>/dev/null)
RAW_DIR := data/raw/$(CASE)
PARAMS_FILE := params/$(CASE).yaml
# `make validate`'s check, passed: the gate before any notebook runs.
VALIDATED := $(BUILD)/validated
# Generated from the case's datapackage.json: RAW_INPUTS (every declared file; a missing
# one stops make with its name) and PROCESSED_OUTPUTS (notebook 01's files).
INPUTS_MK := $(BUILD)/inputs.mk
nb_params = $(BUILD)/params/$(1).json
executed = $(EXECUTED)/$(1).ipynb

.PHONY: help all test lab clean validate verify check-page new-company bench lint lock fuzz FORCE

# Only the goals that build a case read (and, when stale, regenerate) the inputs file.
ifneq ($(filter all check-page reports/%,$(MAKECMDGOALS)),)
-include $(INPUTS_MK)
endif
MISSING_INPUTS := $(filter-out $(wildcard $(RAW_INPUTS)),$(RAW_INPUTS))
ifneq ($(MISSING_INPUTS),)
$(error $(MISSING_INPUTS): missing, but $(RAW_DIR)/datapackage.json declares it; restore it (git checkout -- FILE) or remove its resource; `make validate CASE=$(CASE)` lists every problem)
endif
MISSING_PROCESSED := $(filter-out $(wildcard $(PROCESSED_OUTPUTS)),$(PROCESSED_OUTPUTS))

## help: list the targets (default)
help:
	@echo "ecomcase: make TARGET [CASE=$(CASE)]"
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /'

$(VENV_STAMP): $(LOCK) pyproject.toml
	@echo "[ecomcase] building $(VENV) from $(LOCK) (first use only) ..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r $(LOCK) > $(VENV)/pip.log 2>&1 \
		|| { cat $(VENV)/pip.log; exit 1; }
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . >> $(VENV)/pip.log 2>&1 \
		|| { cat $(VENV)/pip.log; exit 1; }
	@touch $@

# The package's bytecode, written once after its sources change, even where
# PYTHONDONTWRITEBYTECODE is set: every step and kernel imports it (0.1-0.2 s each
# when compiled anew). compileall rewrites only what changed.
$(BYTECODE): $(SRC) $(VENV_STAMP)
	@$(PY) -m compileall -q src/ecomcase > /dev/null
	@touch $@

## all: run the four notebooks for CASE and build reports/CASE/ (index.html, manifest, claims)
all: $(REPORTS)/index.html

# A missing params file: let the package say what is wrong (unknown case, known cases).
$(PARAMS_FILE): | $(VENV_STAMP)
	@$(PY) -m ecomcase params --case $(CASE)

# A missing datapackage.json: validate says what is missing and stops.
$(RAW_DIR)/datapackage.json: | $(VENV_STAMP)
	@$(PY) -m ecomcase validate --case $(CASE)

$(INPUTS_MK): $(RAW_DIR)/datapackage.json | $(VENV_STAMP)
	@$(PY) -m ecomcase inputs --case $(CASE)

# Params and every declared raw file, all problems listed at once; nothing runs before it
# passes. Then (same process) the params are split per notebook: a notebook's file changes
# only when its parameters do, so only that notebook reruns.
$(VALIDATED): $(PARAMS_FILE) $(RAW_DIR)/datapackage.json $(RAW_INPUTS) $(wildcard notebooks/*.ipynb) $(SRC) $(VENV_STAMP) $(BYTECODE)
	@$(PY) -m ecomcase validate --case $(CASE) --stamp $@

$(BUILD)/params/%.json: $(VALIDATED) ;

# A deleted processed file reruns notebook 01 (and so everything after it).
$(call executed,01_data_cleaning): notebooks/01_data_cleaning.ipynb $(call nb_params,01_data_cleaning) $(RAW_INPUTS) $(SRC) $(VENV_STAMP) $(if $(MISSING_PROCESSED),FORCE) | $(VALIDATED)
	@$(PY) -m ecomcase run --case $(CASE) --notebook 01_data_cleaning

FORCE:

$(EXECUTED)/%.ipynb: notebooks/%.ipynb $(BUILD)/params/%.json $(call executed,01_data_cleaning) $(SRC) | $(VALIDATED)
	@$(PY) -m ecomcase run --case $(CASE) --notebook $*

$(REPORTS)/index.html: $(foreach nb,$(NOTEBOOKS),$(call executed,$(nb))) $(RAW_INPUTS) $(PARAMS_FILE) | $(VALIDATED)
	@$(PY) -m ecomcase report --case $(CASE)

## validate: check CASE's params and raw data without running notebooks
validate: $(VENV_STAMP)
	@$(PY) -m ecomcase validate --case $(CASE)

## verify: rebuild CASE in a temporary folder and list every output that differs from its manifest
verify: $(VENV_STAMP)
	@$(PY) -m ecomcase verify --case $(CASE)

## check-page: open reports/CASE/index.html and numbers.html in headless Chromium at 400 and 1400 px (width, images, links, anchors, console; screenshots)
check-page: $(REPORTS)/index.html
	@$(PY) -m ecomcase check-page --case $(CASE)

## test: unit, property, notebook and end-to-end tests (builds .venv on first use)
test: $(VENV_STAMP)
	$(VENV)/bin/ruff check src tests tools
	$(PY) -m pytest

## fuzz: the validator's property test with 10,000 malformed inputs (make test runs 2,000)
fuzz: $(VENV_STAMP)
	ECOMCASE_FUZZ_EXAMPLES=10000 $(PY) -m pytest tests/test_validate_fuzz.py -q -s

## lint: ruff on src/ and tests/
lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check src tests

## lock: re-resolve requirements.lock for Python 3.11-3.13 (uv --universal) and rewrite environment.yml
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--no-header --annotation-style line -o $(LOCK)
	$(PYTHON) tools/environment_from_lock.py

## lab: JupyterLab on the project's venv (as root too, as in most containers: with --allow-root)
lab: $(VENV_STAMP)
	@if [ "$$(id -u)" = 0 ]; then \
		echo "[ecomcase] running as root (a container or CI?): starting JupyterLab with --allow-root;" \
			"its token is all that stands between the port and a root shell" >&2; \
		allow_root=--allow-root; \
	fi; \
	ECOMCASE_CASE=$(CASE) exec $(VENV)/bin/jupyter lab --notebook-dir=notebooks $(LAB_ARGS) $$allow_root

## clean: remove generated files (reports/, data/processed/); never data/raw/
clean:
	rm -rf reports/*/ data/processed/*/

## new-company: scaffold params/NAME.yaml and data/raw/NAME/ for another company (docs/adapting.md)
new-company: $(VENV_STAMP)
	@$(PY) -m ecomcase new-company --case "$(NAME)"

## bench: time a full rebuild against the one-process floor, no-op, one change, Monte Carlo; memory
bench: $(VENV_STAMP)
	@$(PY) tools/bench.py --case $(CASE)
