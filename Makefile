# Plain task runner. `make demo` and `make test` are the README's two set-up commands.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1

.PHONY: install demo test test-fast test-cdktn bench docs clean check-terraform cdktf-cli reliability
.PHONY: live-check constructs

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

# The CDKTF CLI (npm cdktf-cli 0.21.0), installed in the repo for the `cdktf synth` / `cdktf deploy` tests.
CDKTF_CLI := .tools/node_modules/.bin/cdktf

$(CDKTF_CLI):
	@command -v npm >/dev/null 2>&1 || { echo "npm (Node 20 or newer) is required for the CDKTF CLI" >&2; exit 1; }
	npm install --prefix .tools --no-audit --no-fund --loglevel=error cdktf-cli@0.21.0

cdktf-cli: $(CDKTF_CLI)

# The main suite (both CDKs in .venv), then the construct tests again in the cdktn-only environment.
test: install cdktf-cli
	$(PY) -m pytest
	$(MAKE) --no-print-directory test-cdktn

# A second environment with CDK Terrain alone (no cdktf), to prove the constructs need nothing of
# cdktf: the construct tests that need neither terraform nor the simulator (not e2e), on cdktn.
VENV_CDKTN ?= .venv-cdktn

$(VENV_CDKTN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV_CDKTN)
	$(VENV_CDKTN)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[cdktn,test]'
	touch $@

test-cdktn: $(VENV_CDKTN)/.installed
	TOGETHER_CDK=cdktn $(VENV_CDKTN)/bin/python -m pytest tests/together_cdk -m "not e2e"

test-fast: install
	$(PY) -m pytest -m "not e2e and not slow"

bench: install
	$(PY) -m bench

# The fault campaign and killed applies, against a simulator that honours remediation_id and one that
# ignores it (about 11 minutes per mode on 2 idle cores); see docs/reliability.md.
# FAULTS=100 KILLS=1 for a quick run.
FAULTS ?= 1000
KILLS ?= 20
reliability: install
	$(PY) -m tests.provider_shim.reliability.campaign --faults $(FAULTS) --kills $(KILLS)

# Read-only calls against the real API, each answer checked with the project's models and the
# SDK's (strict). Needs TOGETHER_API_KEY and TOGETHER_LIVE_CLUSTER_ID (TOGETHER_BASE_URL optional);
# without them it says it is skipped and succeeds. See tests/together_api/live_check.py.
live-check: $(VENV)/.installed
	$(PY) -m tests.together_api.live_check

docs: install
	$(VENV)/bin/together-remediation docs generate

# The L1 constructs of cdk/together_cdk/, generated from the provider's schema (then `make docs`).
constructs: $(VENV)/.installed
	$(PY) -m together_remediation.cdk_gen

clean:
	rm -rf $(VENV) $(VENV_CDKTN) .pytest_cache build *.egg-info
