# bindcore: the commands the README gives.
#   make install   .venv with the torch stack, the core and every plugin under plugins/ (editable)
#   make demo      the main job: train the quickstart run on ShapeWorld and print its evaluation
#   make test      the whole test suite (installs first)
#   make bench     speed benchmarks (print tables)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TORCH := torch==2.14.1 torchvision==0.29.1 torchaudio==2.11.0
PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(wildcard plugins/*/pyproject.toml))
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast bench clean

install: $(STAMP)

$(STAMP): pyproject.toml $(wildcard plugins/*/pyproject.toml) Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check $(TORCH)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]' $(addprefix -e ,$(PLUGIN_DIRS))
	touch $(STAMP)

demo: install
	$(VENV)/bin/bindcore train configs/train/quickstart.yaml

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

bench: install
	$(PY) benchmarks/embed_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache runs
