# Everything a fresh Debian/Ubuntu machine needs: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= output

.PHONY: install data run test test-torch test-fast test-lowest lint bench bench-long bench-quick tables docs docs-full clean

install: $(STAMP)

# Re-installs only when the project's metadata changes (seconds otherwise).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[tensorflow,test]"
	touch $(STAMP)

# The real dataset, where it is missing: Debian's package as root where apt-get
# exists (no internet needed), else a download; without either, one line says how.
FETCH := from skfashion import fetch_fashion_mnist as f; f(subset="all"
data: install
	@$(BIN)/python -c '$(FETCH), download_if_missing=False)' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's package dataset-fashion-mnist"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist; \
	  else \
	    $(BIN)/python -c '$(FETCH))' 2>/dev/null || { echo "The data could not be downloaded: run" \
	      "'sudo apt-get install dataset-fashion-mnist', or see docs/install.rst"; exit 1; }; \
	  fi; }

# The design's whole workflow on the real data.
# --force: a second make run replaces what the first wrote in $(OUT)/.
run: install data
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

# The whole suite on TensorFlow, then the backend tests and the check suite
# on JAX (Keras picks its backend once per process).
test: install lint data
	$(BIN)/python -m pytest -q -n 2 --durations=15
	KERAS_BACKEND=jax $(BIN)/python -m pytest -q -n 2 -m backends -p no:cacheprovider

# The backend tests and the check suite on PyTorch, and model files between
# it and TensorFlow. Not part of make test: PyTorch's CPU wheel is 754 MB
# installed, and a third backend's check suite would take make test past
# 15 minutes on 2 cores (see docs/decisions: Keras backends).
test-torch: install data
	$(BIN)/python -m pip install --quiet -e ".[torch]"
	KERAS_BACKEND=torch $(BIN)/python -m pytest -q -n 2 -m backends -p no:cacheprovider
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider tests/test_backends.py -k cross_backends

# The inner loop: everything but the tests marked slow (examples, docs build,
# fresh processes, real-data accuracy).
test-fast: install data
	$(BIN)/python -m pytest -q -n 2 -m "not slow"

# The core of the suite on the lowest versions pyproject.toml allows (uv's
# lowest-direct resolution) and the oldest Python it allows: run it before
# changing a lower bound. Not part of make test (it downloads those versions).
LOWEST := .venv-lowest
LOWEST_PYTHON ?= $(or $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10)),python3.10)
LOWEST_TESTS := tests/test_base.py tests/test_classifier.py tests/test_networks.py \
	tests/test_data.py tests/test_inference.py tests/test_callbacks.py tests/test_compat.py \
	tests/test_persistence.py tests/test_datasets.py tests/test_preprocessing.py \
	tests/test_photos.py tests/test_plotting.py tests/test_onnx.py tests/test_cli.py \
	tests/test_common.py tests/test_validation.py
test-lowest: install data
	rm -rf $(LOWEST)
	$(BIN)/uv venv --quiet --python $(LOWEST_PYTHON) $(LOWEST)
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct \
		-e ".[tensorflow,pandas,dask]" "pytest>=8" "pytest-xdist>=3.5"
	$(BIN)/uv pip list --python $(LOWEST)/bin/python | grep -iE "^(numpy|scikit-learn|keras|tensorflow-cpu|tensorboard|joblib|matplotlib|pillow|pandas|dask|onnx|onnxruntime) " || true
	$(LOWEST)/bin/python -m pytest -q -n 2 -m "not slow" -p no:cacheprovider $(LOWEST_TESTS)

bench: install
	$(BIN)/python benchmarks/run.py

# And the long sections: the presets' full fits (benchmarks/run.py LONG).
bench-long: install
	$(BIN)/python benchmarks/run.py --long

bench-quick: install
	$(BIN)/python benchmarks/run.py --quick

# The README's results table and docs/results.rst, from benchmarks/results/.
tables: install
	$(BIN)/python benchmarks/tables.py

# The API reference, user guide and the examples' gallery (run in quick mode).
docs: install
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

# The same, every example on the full data: the gallery's numbers and curves
# are then the real runs' (every example trains on its full data; not timed yet).
docs-full: install
	SKFASHION_QUICK=0 $(BIN)/sphinx-build -E -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) docs/_build $(OUT)
