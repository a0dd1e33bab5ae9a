# Every target sets up what it needs itself: a fresh clone with Python 3.11 is enough.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv demo test lint bench fuzz clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

demo: venv
	$(BIN)/python -m simulation.demo

test: venv
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

# >= 10,000 mutated deliveries of every file feed through landing (issue 8); not in `make test`.
fuzz: venv
	$(BIN)/python bench/fuzz_landing.py --deliveries 10000

clean:
	rm -rf $(VENV) var
