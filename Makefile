# Rotterdam safety assistant. `make run` runs the product, `make test` the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# Rasa 3.6 needs Python 3.10 exactly. Take python3.10 from PATH, else a pyenv install.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
RASA   := $(BIN)/rasa
MODEL  := models/veiligheid.tar.gz
SPACY  := build/spacy_nl/meta.json
STAMP  := $(VENV)/.installed
# Everything the trained model is made from: a change in any of these retrains.
MODEL_INPUTS := config.yml domain.yml $(wildcard bot/data/*.yml) wijkveiligheid/kennis/onderwerpen.yml wijkveiligheid/kennis/contactpunten.yml wijkveiligheid/kennis/teksten.yml \
	bot/importer.py bot/responses.py bot/antwoorden.py wijkveiligheid/knowledge.py bot/lineair.py bot/wijkherkenning.py bot/signaalwens.py \
	bot/onderwerp.py bot/vraagsoort.py bot/noodgeval.py bot/gesprek.py $(SPACY)

export TF_CPP_MIN_LOG_LEVEL ?= 2
# No usage events or crash reports to Rasa's makers from training, tests or the servers.
export RASA_TELEMETRY_ENABLED ?= false
export PYTHONUNBUFFERED := 1

.PHONY: run test test-fast lint install spacy train validate migrate purge staff-user evaluate benchmark load audit clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 is nodig (Rasa 3.6 werkt niet met een andere versie)."; \
	  echo "Installeer het, bijvoorbeeld met 'apt-get install python3.10 python3.10-venv' of 'pyenv install 3.10'."; \
	  exit 1; fi
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(STAMP)

# Rebuilt when the choice changes (nl_core_news_sm installed or removed).
spacy: $(STAMP)
	$(BIN)/python scripts/build_spacy.py build/spacy_nl

$(SPACY): $(STAMP)
	$(BIN)/python scripts/build_spacy.py build/spacy_nl

# Rasa fingerprints the spaCy model by its path only: force a retrain when it changed.
$(MODEL): $(MODEL_INPUTS) | $(STAMP)
	@echo "spaCy pipeline: $$(sed -n 's/.*"name":"\([^"]*\)".*/\1/p' build/spacy_nl/meta.json | head -1)"
	$(RASA) train --fixed-model-name veiligheid --out models \
		$(if $(filter $(SPACY),$?),--force,)
	mkdir -p var  # where `rasa shell` and `rasa run` keep conversations (endpoints.yml)
	touch $@

train: spacy $(MODEL)

validate: $(STAMP)
	$(RASA) data validate --fail-on-warnings

# Brings the signals database (DATABASE_URL, default var/signalen.db) to the newest schema.
migrate: $(STAMP)
	$(BIN)/alembic upgrade head

# Deletes signals older than the retention period that a beheerder set in the staff page
# (else RETENTION_DAYS, default 365) and conversations older than
# CONVERSATION_RETENTION_DAYS (default 30).
purge: $(STAMP)
	$(BIN)/wijkveiligheid-purge

# An account for the staff page; asks for the password. make staff-user NAAM=anna ROL=beheerder
staff-user: migrate
	@test -n "$(NAAM)" || { echo "Geef een naam: make staff-user NAAM=anna ROL=beheerder"; exit 2; }
	$(BIN)/python -m staff gebruiker-aanmaken --gebruikersnaam "$(NAAM)" --rol "$(or $(ROL),medewerker)"

run: spacy $(MODEL) migrate
	$(BIN)/python -m servers --model $(MODEL)

# The inner loop: lint and the unit tests, no training, no servers (about a minute).
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest tests/unit

lint: $(STAMP)
	$(BIN)/ruff check .

# Everything: lint, unit, integration (databases, servers) and browser tests, then the
# test stories against the trained model.
test: spacy $(MODEL) validate
	$(BIN)/ruff check .
	$(BIN)/pytest tests/unit tests/integration tests/browser
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out results/core

# Held-out accuracy of this pipeline and of Rasa's default pipeline, side by side; then
# whether the answers hold the facts asked for, through the real servers (answer sets).
evaluate: spacy $(MODEL)
	$(BIN)/python scripts/evaluate.py
	$(BIN)/python scripts/evaluate_antwoorden.py --model $(MODEL)

# Round-trip latency through the REST channel and the server's memory.
benchmark: spacy $(MODEL)
	$(BIN)/python scripts/benchmark.py --model $(MODEL)

# Known vulnerabilities in the pinned dependencies: pip-audit in its own venv (it does not
# fit Rasa's pins). Needs PyPI's vulnerability data; says so when it cannot reach it.
audit: $(STAMP)
	$(BIN)/python scripts/audit.py

# Whole conversations at 1, 10 and 50 at a time on PostgreSQL and Redis, beside the bare
# NLU parse time (docs/performance.md). Starts and stops everything itself.
load: spacy $(MODEL)
	$(BIN)/python scripts/load.py --model $(MODEL) $(LOAD_ARGS)

clean:
	rm -rf $(VENV) build models results logs .pytest_cache var
