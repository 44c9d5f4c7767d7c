# eAkte Migration — one entry point for set-up, the local stack, tests and benchmarks.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEBS := tesseract-ocr tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-ita tesseract-ocr-eng \
        poppler-utils fonts-dejavu-core chromium
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install system-deps run test test-unit test-web lint synth bench samples clean web redrive ops train calibrate

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

# Debian packages for local OCR (Tesseract deu/fra/ita/eng), PDF rasterising (poppler) and the
# headless browser of the web tests (chromium).
system-deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

install: $(STAMP) system-deps

# The web app (web/): npm ci when the lockfile changed, vite build -> web/dist when a source changed.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.js web/package.json
# `npm install` with the committed lockfile, not `npm ci`: npm 11 here writes a lockfile without
# rollup's other-platform optional packages and then refuses `npm ci` on it ("Missing: @rollup/...").
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm install --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npx vite build --logLevel warn

web: web/dist/index.html

# Front-end unit and component tests (vitest, happy-dom).
test-web: web/node_modules/.package-lock.json
	cd web && npx vitest run

# Start the local stack on 127.0.0.1:$${EAKTE_PORT:-8080}, push the samples through it, serve until Ctrl-C.
run: install web
	$(PY) -m eakte.local --samples samples

lint: install
	$(PY) -m ruff check .
	$(PY) -m mypy

test-unit: install
	$(PY) -m pytest tests/unit -q

# The whole suite: lint and type check, fast unit tests first, then moto integration, CDK, end-to-end.
test: install web
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest tests/unit -q
	cd web && npx vitest run
	$(PY) -m pytest tests/integration tests/infrastructure tests/e2e -q

synth: install
	$(PY) infra/app.py

bench: install
	$(PY) bench/pipeline.py
	$(PY) bench/exchange.py
	nice -n 10 $(PY) bench/recognition.py
	nice -n 10 $(PY) bench/identity.py --through-ocr --out bench/results/identity-ocr.json
	$(PY) bench/identity.py --profile legacy --out bench/results/identity-legacy.json
	$(PY) bench/identity.py --seeds 1-20 --frontier --out bench/results/identity-seeds.json
	$(PY) bench/identity_name_alone.py
	$(PY) bench/search.py --out bench/results/search.json

# Retrain the document-type model (layers/eakte/python/eakte/recognition/model.json.gz) on the
# generated corpus (OCR cached in .cache/ocr/), plus exported corrections: make train CORRECTIONS=c.jsonl
train: install
	nice -n 10 $(PY) -m samples.train_classifier $(if $(CORRECTIONS),--corrections $(CORRECTIONS))
	nice -n 10 $(PY) -m samples.calibrate_review

# Choose the review threshold on the held-out split and its hard variants for the shipped model
# (writes layers/eakte/python/eakte/recognition/calibration.json; rule in samples/calibrate_review.py)
calibrate: install
	nice -n 10 $(PY) -m samples.calibrate_review

# Move dead-lettered messages back to their stage queues once the cause is fixed (e.g. the federal
# endpoint is back): `make redrive STAGE=forward ENDPOINT=<AWS emulation URL that make run prints>`;
# without ENDPOINT it talks to AWS with the credentials of the environment.
redrive: install
	$(PY) -m eakte.local.redrive $(if $(ENDPOINT),--endpoint $(ENDPOINT)) $(if $(STAGE),--stage $(STAGE))

# The ops overview of the running local stack (`make run`): queues, DLQs, documents per status,
# recent failures with correlation ids. `make ops WATCH=5` refreshes every five seconds.
ops: install
	$(PY) -m eakte.local.ops $(if $(WATCH),--watch $(WATCH))

samples: install
	$(PY) samples/generate.py --out samples

clean:
	rm -rf cdk.out .build .pytest_cache web/dist test-artifacts
