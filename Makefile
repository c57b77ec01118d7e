# The two jobs of a fresh checkout: `make build` publishes the flagship
# edition into dist/, `make test` runs the test suite. Both set up .venv
# from pyproject.toml (a regular, non-editable install, reinstalled each
# run so the tests never see stale code).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# -rs: list every skipped test with its reason.
PYTEST_ARGS ?= -rs

.PHONY: build test install system-packages clean

build: install
	$(BIN)/tei-tool build tei/great-purge.xml -o dist --force

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: system-packages $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[test]"
	$(BIN)/python -m pip install --quiet --no-deps --force-reinstall .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

system-packages:
	@bash scripts/system-packages.sh

clean:
	rm -rf dist build *.egg-info
