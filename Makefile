# The two set-up commands of the README: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newscrawl db upgrade
	$(BIN)/newscrawl daemon

test: $(STAMP)
	$(BIN)/python -m pytest

# Benchmarks (not tests): each prints its tables and keeps them in bench/README.md.
# ~45 minutes on a 2-core machine, most of it the N=20,000 crawl; see bench/README.md.
bench: $(STAMP)
	$(BIN)/python -m bench.extraction
	$(BIN)/python -m bench.storage
	$(BIN)/python -m bench.e2e
	$(BIN)/python -m bench.incremental
	$(BIN)/python -m bench.extraction_quality

clean:
	rm -rf $(VENV) var .pytest_cache
