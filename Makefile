# One place for set-up: a virtual environment in .venv with the CPU build of torch first
# (a plain `torch` requirement resolves to a CUDA build of several GB).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TORCH  ?= torch==2.13.0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup browser run test lint format bench sample clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(TORCH)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

## The main job: the dashboard on the bundled sample data.
run: setup
	$(BIN)/streamlit run app.py --server.headless true --browser.gatherUsageStats false

## Debian's Chromium for the real-browser test (root installs it; otherwise the test is skipped).
browser:
	@command -v chromium >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "note: chromium could not be installed; the browser test will be skipped"

## The test suite (what .ci/run calls).
test: setup browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py

sample: setup
	$(BIN)/matcher sample --out data/sample

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
