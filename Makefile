# The two everyday commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000

.PHONY: install run test lint check lambda bench clean model evaluate tune screens-deps screens skill-package

install: $(VENV)/.installed

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
	$(PY) -m skill.devtools.skill_package

# The ASK CLI's skill package (skill-package/: manifest and model), generated from
# interaction_models/; `make model` runs it too. A test fails if it is stale.
skill-package: install
	$(PY) -m skill.devtools.skill_package

# How well the model understands phrasings it has never seen (tests/phrasings/en-GB.tsv):
# accuracy per intent, the most confused pairs, every miss; fails under the floors.
evaluate: install
	$(PY) -m skill evaluate

# Choose the generalising resolver's settings by cross-validation on the model's own
# samples (whole sample templates held out), never on the evaluation set. Minutes.
tune: install
	$(PY) -m skill.devtools.tuning

# Everything: lint, types, the model and content check, the understanding floors, then every test (the zip smoke
# test needs build/lambda.zip, so the zip is built first; the screens' render test needs the browser).
test: lint check evaluate lambda screens-deps
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

lambda: build/lambda.zip

build/lambda.zip: install requirements/lambda.txt lambda/lambda_function.py $(shell find skill -type f -not -path '*/__pycache__/*')
	$(PY) scripts/build_lambda.py --requirements requirements/lambda.txt --output $@ --directory build/lambda

# The load test of the production server (see benchmarks/load_test.py); not part of `make test`.
bench: install
	$(PY) benchmarks/load_test.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .hypothesis
