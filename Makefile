# The two commands of the README, and what they need. Each target installs what it uses
# into .venv on first run, so a fresh clone needs only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CODE := functions devtools tests bench
export SAM_CLI_TELEMETRY := 0
# sam validate needs a region and some credentials even though it calls nothing.
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: local test lint bench screenshots clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

## local: the whole service on localhost (moto), with the sample articles published
local: $(INSTALLED)
	$(BIN)/syndicate local --demo

## test: linters, the template checks and the whole test suite (unit, integration, build, e2e)
test: lint
	$(BIN)/pytest

## lint: code style, types, import contracts, dead code, and the template checks; all must be clean
lint: $(INSTALLED)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/mypy $(CODE)
	$(BIN)/lint-imports --no-cache
	$(BIN)/vulture --min-confidence 80 functions devtools bench vulture_allowlist.py
	$(BIN)/cfn-lint --append-rules cfn_lint_serverless.rules -- template.yaml
	AWS_ACCESS_KEY_ID=$${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=$${AWS_SECRET_ACCESS_KEY:-testing} \
		$(BIN)/sam validate --lint --template template.yaml

## bench: the benchmarks of bench/ (figures go into the README)
bench: $(INSTALLED)
	$(BIN)/python -m bench

## screenshots: the site's pages and the welcome email of `make local` in headless Chromium, into docs/screenshots/ (the README shows them)
screenshots: $(INSTALLED)
	SYNDICATE_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/e2e/test_site_browser.py -k test_screenshots -q

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache
