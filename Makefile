# Every target sets up what it needs itself: a fresh clone with Python 3.11 is enough.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv browser demo airflow airflow-celery docs test lint bench fuzz clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

# Headless Chromium for the browser tests (steward page, report) and pdftoppm, from Debian's packages.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null || \
		{ $(SUDO) apt-get update -q && \
		  $(SUDO) apt-get install -y -q chromium poppler-utils fonts-noto-cjk; }

demo: venv
	$(BIN)/python -m simulation.demo

# A local Airflow (standalone) with fupin's DAGs: prints the UI address and login; Ctrl-C stops.
airflow: venv
	$(BIN)/python -m simulation.local_airflow

# The production layout on this machine: API server, scheduler, dag-processor and Celery workers
# (FUPIN_CELERY_WORKERS, default 2) as separate processes, Redis db 5 as the broker; Ctrl-C stops.
airflow-celery: venv
	$(BIN)/python -m simulation.celery_airflow

# The dbt docs site of the demo's warehouse (or FUPIN_CONFIG's), served on 127.0.0.1:8081.
docs: venv
	$(BIN)/fupin docs --config $${FUPIN_CONFIG:-var/demo/fupin.yml} --serve

# CI runs `make test`: lint first, so that a lint error fails the build.
test: venv browser lint
	$(BIN)/python -m pytest -n auto --dist loadgroup

# sqlfluff's dbt templater compiles the project: it needs a reachable database (FUPIN_DBT_*,
# default the local server at 127.0.0.1:5432).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && FUPIN_DBT_DBNAME=$${FUPIN_DBT_DBNAME:-postgres} \
		../$(BIN)/sqlfluff lint models tests snapshots

bench: venv
	$(BIN)/python -m bench

# Hostile deliveries: >= 10,000 mutated files of every file feed through landing and checks.
fuzz: venv
	$(BIN)/python bench/fuzz_landing.py --deliveries 10000

clean:
	rm -rf $(VENV) var
