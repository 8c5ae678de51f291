# Every target creates .venv on its own when it is missing, so each works as the
# first command on a fresh machine that has Python 3.11+.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

LINT_PATHS := scanner tests $(wildcard bench)

.PHONY: install test lint typecheck layers validate-policies unit fuzz demo readme bench clean sarif-tools

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "netwarden needs Python 3.11+ (found $$($(PYTHON) --version))" >&2; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: $(STAMP)
	$(BIN)/mypy

# The architecture in pyproject.toml ([tool.importlinter]): layers, and no import cycle.
layers: $(STAMP)
	$(BIN)/lint-imports --no-cache

# The pure core: no process started (tests that fork or run a subprocess are marked slow;
# the SARIF multitool, a .NET process, checks every SARIF a test writes only in runs that keep
# the slow tests, such as make test: here the schema check alone, tests/conftest.py).
# On every core, through pytest-xdist's workers (the runner's processes, not a test's): the
# tests are pure, share no state and write only under their own tmp_path.
unit: $(STAMP)
	$(BIN)/pytest -q -n auto -m "not slow" tests/unit

# The rule pack must pass Cloud Custodian's own validation, as `custodian validate` runs it.
validate-policies: $(STAMP)
	$(BIN)/netwarden-custodian validate policies/*.yml

# The SARIF multitool (npm) checks every SARIF a test writes against GitHub's ingestion rules.
# Installed here when npm can; without it the tests skip that check, except under CI=true,
# where they fail (tests/sarif_check.py).
SARIF_TOOL := tools/sarif/node_modules/.bin/sarif-multitool
sarif-tools:
	@if [ ! -x $(SARIF_TOOL) ]; then \
	  if command -v npm >/dev/null 2>&1; then \
	    npm ci --prefix tools/sarif --no-audit --no-fund --loglevel=error; \
	  else \
	    echo "make: npm not found; the SARIF multitool check will not run" >&2; \
	    if [ -n "$$CI" ]; then exit 1; fi; \
	  fi; \
	fi

test: lint typecheck layers validate-policies sarif-tools
	$(BIN)/pytest -q

# The differential tests (native engine against Custodian, compiled EC2 parser against
# botocore's, report.md's JSON encoder against json.dumps, the snapshot's generated shape
# checks against jsonschema, the fast YAML reader against PyYAML, the baseline's block reader
# against the full parser and its fast field check against the located checks, security-group
# rules against their plain reading, flow-log window pruning against reading every file, `policies
# list`'s table against tabulate), the exposure engine's brute-force comparison, drift's
# diff/apply round trip and the fuzzed input loaders, with thousands of generated examples
# per property; `make unit` and `make test` run the same tests with a few examples each
# (tests/unit/fuzzing.py).
fuzz: $(STAMP)
	NETWARDEN_FUZZ=1 $(BIN)/pytest -q tests/unit/policy/native tests/unit/collect/test_ec2parse.py \
	  tests/unit/exposure/test_properties.py tests/unit/report/test_jsonindent.py tests/unit/report/test_escape_fast_paths.py tests/unit/report/test_mdtable.py tests/unit/exposure/test_revert_search.py \
	  tests/unit/core/test_snapshot_schema.py tests/unit/hostile/test_fuzz_loaders.py \
	  tests/unit/core/test_fastyaml.py tests/unit/core/test_yamlio.py \
	  tests/unit/flows/test_window_pruning.py tests/unit/drift/test_properties.py \
	  tests/unit/baseline/test_blocks.py tests/unit/hostile/test_previous_run.py \
	  tests/unit/cli/test_policies_table.py tests/unit/baseline/test_field_checks.py \
	  tests/unit/resources/test_sg_rules.py tests/unit/policy/test_remediation_render.py

demo: $(STAMP)
	$(BIN)/netwarden demo -o reports/demo

# The README's excerpt of the demo's report.md (tests/integration/test_demo.py checks it).
readme: demo
	$(BIN)/python -m scanner.demo.excerpt reports/demo/report.md README.md

# BENCH_ARGS passes options to the benchmark, e.g. BENCH_ARGS='--sizes 10000,100000' to leave
# out the 1M size (about half of a full run). The README's performance section is then
# regenerated from the new bench/results.json.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.readme bench/results.json README.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
