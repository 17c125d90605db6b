# The two everyday commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
# The AWS Lambda runtime `make lambda` compiles bytecode for: python3.12 or python3.13.
RUNTIME ?= python3.12

.PHONY: install run test lint check lambda bench clean model evaluate FORCE

# Stops with a clear message on a Python older than 3.11, and rebuilds a .venv that another
# Python made (scripts/check_python.py), then installs if anything changed.
install:
	@$(PYTHON) scripts/check_python.py $(VENV)
	@$(MAKE) --no-print-directory $(VENV)/.installed

# Re-installs whenever a requirements file changes; every version is pinned there.
$(VENV)/.installed: requirements/lambda.txt requirements/web.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

run: install
	$(PY) -m skill serve --dev --port $(PORT)

lint: install
	$(PY) -m ruff check skill lambda tests benchmarks scripts
	$(PY) -m mypy

check: install
	$(PY) -m skill check

# Expand the grammar in interaction_models/grammar/ into interaction_models/en-GB.json
# (the file the Alexa console and the ASK CLI take). A test fails if you forget.
model: install
	$(PY) -m skill.devtools.grammar

# How well the model understands phrasings it has never seen (tests/phrasings/en-GB.tsv):
# accuracy per intent, the most confused pairs, every miss; fails under the floors.
evaluate: install
	$(PY) -m skill evaluate

# Everything: lint, types, the model and content check, the understanding floors, then every test (the zip smoke
# test needs build/lambda.zip, so the zip is built first).
test: lint check evaluate lambda
	$(PY) -m pytest

# The zip holds only what Lambda runs (see scripts/build_lambda.py), with bytecode for
# $(RUNTIME) when a Python of that version is found (else source only, with a warning).
# Rebuilt only when one of its inputs changes, RUNTIME included.
lambda: build/lambda.zip

LAMBDA_LEFT_OUT := skill/devtools% skill/cli.py skill/__main__.py skill/hosts/web.py skill/hosts/web_common.py \
	skill/hosts/server.py skill/hosts/verification.py skill/hosts/sdk_compat.py skill/knowledge/source-page.txt
LAMBDA_SOURCES := $(filter-out $(LAMBDA_LEFT_OUT),$(shell find skill -type f -not -path '*/__pycache__/*'))

# Rewritten only when RUNTIME changes, so that a new runtime rebuilds the zip.
build/lambda-runtime.txt: FORCE
	@mkdir -p build
	@echo $(RUNTIME) | cmp -s - $@ || echo $(RUNTIME) > $@

build/lambda.zip: requirements/lambda.txt lambda/lambda_function.py scripts/build_lambda.py $(LAMBDA_SOURCES) \
		build/lambda-runtime.txt | install
	$(PY) scripts/build_lambda.py --requirements requirements/lambda.txt --output $@ --runtime $(RUNTIME)

# The skill beside the smallest ASK SDK skill (benchmarks/side_by_side.py: cold start, warm
# cost, memory, size; JSON in build/bench/), then the load test of the production web server
# (benchmarks/load_test.py). Neither is part of `make test`.
bench: lambda
	$(PY) benchmarks/side_by_side.py --runtime $(RUNTIME)
	$(PY) benchmarks/load_test.py

FORCE:

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .hypothesis
