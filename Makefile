# Every target creates .venv on its own when it is missing, so each works as the
# first command on a fresh machine that has Python 3.11+.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

LINT_PATHS := scanner tests $(wildcard bench)

.PHONY: install test lint typecheck validate-policies unit fuzz demo bench clean

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

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

# The rule pack must pass Cloud Custodian's own validation, as `custodian validate` runs it.
validate-policies: $(STAMP)
	$(BIN)/netwarden-custodian validate policies/*.yml

test: lint typecheck validate-policies
	$(BIN)/pytest -q

# The native engine's differential tests with thousands of generated examples per property.
fuzz: $(STAMP)
	NETWARDEN_FUZZ=1 $(BIN)/pytest -q tests/unit/policy/native

demo: $(STAMP)
	$(BIN)/netwarden demo -o reports/demo

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
