# wall capture: two commands do everything on a fresh Debian machine.
#   make demo   install what is missing, then run the pipeline on the samples -> outputs/demo/
#   make test   install what is missing, then run the test suite (what CI runs)
#   make check  the fast tier for everyday work: ruff + import layers + unit tests, under a minute
SHELL := /bin/bash
PY      := .venv/bin/python
CAPTURE := .venv/bin/capture
WORKSHOP := samples/residence-achats-durables/workshop.yaml
SAMPLES  := samples/residence-achats-durables/set
APT_PACKAGES := tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng libzbar0 fonts-dejavu-core \
	fonts-comic-neue fonts-humor-sans fonts-breip fonts-dancingscript chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test check install system-deps lint bench clean
.DEFAULT_GOAL := demo

# System packages: only touch apt when one is actually missing (keeps re-runs fast and offline).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Debian's own python3 needs python3-venv for this; install it only if venv creation fails.
.venv/bin/activate:
	python3 -m venv .venv || { rm -rf .venv; $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv .venv; }
	$(PY) -m pip install -q --upgrade pip

# Re-install the package only when its declaration changes.
.venv/.installed: pyproject.toml .venv/bin/activate
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

# The better OCR models (capture/io/model_files.py): from the npm registry, hashes pinned. Without
# them (offline) everything still runs on Debian's tessdata_fast, a little less accurately.
MODELS := .venv/share/capture/tessdata/fra.traineddata
$(MODELS): .venv/.installed
	$(CAPTURE) models --install || echo "warning: OCR models not installed; using Tesseract's own"

install: system-deps .venv/.installed $(MODELS)

demo: install
	@if [ ! -d "$(SAMPLES)/photos" ] || [ -z "$$(ls -A $(SAMPLES)/photos 2>/dev/null)" ]; then \
		$(CAPTURE) samples $(WORKSHOP) --out $(SAMPLES) --count 4 --seed 1 --level medium --megapixels 6; \
	fi
	$(CAPTURE) kit $(WORKSHOP) --out outputs/demo/kit
	$(CAPTURE) run $(SAMPLES)/photos --workshop $(WORKSHOP) --out outputs/demo

# Both tiers spread the tests over every core (pytest-xdist); `-m "not slow"` leaves out the
# tests that render or analyse whole photos, run the CLI on sets or start a browser.
test: install
	.venv/bin/lint-imports
	$(PY) -m pytest -n auto --dist loadfile tests

check: install
	.venv/bin/ruff check .
	.venv/bin/lint-imports
	$(PY) -m pytest -n auto --dist loadfile -m "not slow" tests

lint: install
	.venv/bin/ruff check .

clean:
	rm -rf outputs/demo .pytest_cache
