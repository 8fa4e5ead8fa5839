# Everything a fresh Debian/Ubuntu machine needs: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= output

.PHONY: install run test test-fast lint bench bench-quick docs docs-full clean

install: $(STAMP)

# Re-installs only when the project's metadata changes (seconds otherwise).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The design's whole workflow on the real data (about 3 minutes on 2 cores).
# --force: a second make run replaces what the first wrote in $(OUT)/.
run: install
	$(BIN)/skfashion train --output-dir $(OUT) --force
	$(BIN)/skfashion evaluate $(OUT)/model.skf --plot $(OUT)/confusion_matrix.png --force
	$(BIN)/skfashion predict $(OUT)/model.skf --test-index 0 1 2 3 4 5 6 7 8 9 10 11 \
		--plot $(OUT)/predictions.png --force
	$(BIN)/skfashion verify $(OUT)/model.skf
	@echo "Everything is in $(OUT)/: model.skf, metrics.json, history.png,"
	@echo "confusion_matrix.png, predictions.png; TensorBoard: $(BIN)/tensorboard --logdir $(OUT)/tensorboard"

lint: install
	$(BIN)/ruff check skfashion tests benchmarks examples docs
	$(BIN)/ruff format --check skfashion tests benchmarks examples docs

test: install lint
	$(BIN)/python -m pytest -q -n 2 --durations=15

# The inner loop: everything but the tests marked slow (examples, docs build,
# fresh processes, real-data accuracy).
test-fast: install
	$(BIN)/python -m pytest -q -n 2 -m "not slow"

bench: install
	$(BIN)/python benchmarks/run.py

bench-quick: install
	$(BIN)/python benchmarks/run.py --quick

# The API reference, user guide and the examples' gallery (run in quick mode).
docs: install
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

# The same, every example on the full data: the gallery's numbers and curves
# are then the real runs' (every example trains on its full data; not timed yet).
docs-full: install
	SKFASHION_QUICK=0 $(BIN)/sphinx-build -E -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) docs/_build $(OUT)
