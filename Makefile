# One place for set-up: a virtual environment in .venv with the CPU build of torch first
# (a plain `torch` requirement resolves to a CUDA build of several GB).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TORCH  ?= torch==2.13.0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup system-deps run test lint format bench sample clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(TORCH)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

## The main job: the dashboard on the bundled sample data.
run: setup
	$(BIN)/python -m views.serve --server.headless true --browser.gatherUsageStats false

## Debian's Chromium (real-browser test) and PostgreSQL (workspace tests on a second backend).
## Installed when missing and we are root; otherwise those tests are skipped with the reason.
system-deps:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  if [ -n "$$missing" ]; then \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } || \
	    echo "note: could not install$$missing; the tests that need them will be skipped"; \
	  fi

## The test suite (what .ci/run calls).
test: setup system-deps
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
