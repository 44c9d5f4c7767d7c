# eAkte Migration — one entry point for set-up, the local stack, tests and benchmarks.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEBS := tesseract-ocr tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-ita tesseract-ocr-eng \
        poppler-utils fonts-dejavu-core
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install system-deps run test test-unit lint synth bench samples clean

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

# Debian packages for local OCR (Tesseract deu/fra/ita/eng) and PDF rasterising (poppler).
system-deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

install: $(STAMP) system-deps

# Start the local stack on 127.0.0.1:$${EAKTE_PORT:-8080}, push the samples through it, serve until Ctrl-C.
run: install
	$(PY) -m eakte.local --samples samples

lint: install
	$(PY) -m ruff check .

test-unit: install
	$(PY) -m pytest tests/unit -q

# The whole suite: lint, fast unit tests first, then moto integration, CDK, end-to-end.
test: install
	$(PY) -m ruff check .
	$(PY) -m pytest tests/unit -q
	$(PY) -m pytest tests/integration tests/infrastructure tests/e2e -q

synth: install
	$(PY) infra/app.py

bench: install
	$(PY) bench/pipeline.py

samples: install
	$(PY) samples/generate.py --out samples

clean:
	rm -rf cdk.out .build .pytest_cache
