# Plain task runner. `make demo` and `make test` are the README's two set-up commands.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1

.PHONY: install demo test test-fast bench docs clean check-terraform

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: check-terraform $(VENV)/.installed

check-terraform:
	@command -v terraform >/dev/null 2>&1 || { echo "terraform (1.5 or newer) is required on PATH: https://developer.hashicorp.com/terraform/install" >&2; exit 1; }

demo: install
	$(VENV)/bin/together-remediation demo

test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not e2e and not slow"

bench: install
	$(PY) -m bench

docs: install
	$(VENV)/bin/together-remediation docs generate

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
