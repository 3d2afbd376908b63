# Thin targets over the cartkg CLI. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test report golden mutate mutate-python bench bench-import fmt release clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

## build, validate and store the graph, then summarise it (counts, trials by status and phase, the newest)
run: $(STAMP_RUN)
	$(BIN)/cartkg build
	$(BIN)/cartkg stats

## write the built graph as a static site into site/ (open site/index.html)
report: $(STAMP_RUN)
	$(BIN)/cartkg report -o site

## install with the test extras and run the tests
test: $(STAMP_TEST)
	$(BIN)/python -m pytest

## speed and memory benchmarks at 10k and 100k triples (LARGE=1 adds 1M), as ratios to
## baselines measured in the same run
bench: $(STAMP_TEST)
	$(BIN)/python benchmarks/run.py $(if $(LARGE),--large,)

## import 10,000 synthetic ClinicalTrials.gov records: records per second and peak memory
bench-import: $(STAMP_TEST)
	$(BIN)/python benchmarks/import_ctgov.py --no-trace

## build, check and write a dated release into dist/ (VERSION=YYYY-MM-DD, default today)
release: $(STAMP_RUN)
	$(BIN)/cartkg release --out dist $(if $(VERSION),--version $(VERSION),)

## run the stored queries' golden cases on the fixture graph again; rewrite and show what changed
## (SLUGS="a b" for only some queries); review the diff before committing it
golden: $(STAMP_TEST)
	$(BIN)/python tools/golden.py $(SLUGS)

## mutation check of the stored queries and shapes (not run by CI): every mutant that no test
## kills is listed; PYTEST=1 confirms each survivor against the test files that name it
mutate: $(STAMP_TEST)
	$(BIN)/python tools/mutate.py $(if $(PYTEST),--pytest,)

## mutation check of the criteria parser, the resolver and the matcher with mutmut (not run by
## CI): builds the graph once, then `mutmut results` lists survivors. The whole list takes hours
## on two cores; FUNCS="cartkg.matching.engine.x__sex_result* ..." runs only those functions
mutate-python: $(STAMP_TEST)
	$(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	$(BIN)/cartkg build
	CARTKG_TEST_STORE=$(CURDIR)/.cartkg/store $(BIN)/mutmut run $(FUNCS)
	$(BIN)/mutmut results

## rewrite every Turtle file in canonical form
fmt: $(STAMP_RUN)
	$(BIN)/cartkg fmt
	$(BIN)/ruff format src tests benchmarks tools 2>/dev/null || true

clean:
	rm -rf .cartkg dist build site mutants .pytest_cache .ruff_cache src/*.egg-info
