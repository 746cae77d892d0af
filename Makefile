# Every target creates its venv when it is missing; Python 3.10+ and make are all you need.
# DBT picks the dbt minor version (constraints/dbt-<DBT>.txt): the default development
# environment .venv is on 1.11; `make test DBT=1.12` builds and uses .venv-1.12.
PYTHON ?= python3
DBT    ?= 1.11
ifeq ($(DBT),1.11)
VENV   ?= .venv
else
VENV   ?= .venv-$(DBT)
endif
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test suite test-all test-spark lint typecheck unit integration bench install clean docs

$(STAMP): pyproject.toml constraints/dbt-$(DBT).txt scripts/install_dbt.py
	# hatchling's editable install writes a plain .pth path, which dbt's plugin discovery sees.
	# dbt 1.12 needs the --no-deps recipe of scripts/install_dbt.py (see docs/dbt-versions.md).
	$(PYTHON) scripts/install_dbt.py --venv $(VENV) --dbt $(DBT)
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/tessera demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest tests/unit -q

integration: $(STAMP)
	$(BIN)/pytest tests/integration -q

# Two workers (one per core); each test file stays on one worker so the dbt projects it
# shares between its tests are built once.
PYTEST_WORKERS ?= 2
PYTEST_DIST    ?= loadfile

test: lint typecheck suite

# The tests alone (the second CI leg runs only these: lint and types do not depend on dbt).
# pytest exits 5 when it collected nothing: for CI that is a broken suite, never a pass.
# The last line gives the wall time and the CPU time (user, system) of the test run.
suite: $(STAMP)
	@start=$$(date +%s); \
	$(BIN)/pytest tests -q -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) --ignore=tests/spark; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): failing" >&2; fi; \
	cpu=$$(mktemp); times > "$$cpu"; \
	echo "make $@: $$(( $$(date +%s) - start )) s wall; CPU user/system: $$(tail -n 1 "$$cpu")"; \
	rm -f "$$cpu"; exit $$rc

# The CI matrix: the suite on every tested dbt minor, one after the other.
test-all:
	$(MAKE) test DBT=1.11
	$(MAKE) suite DBT=1.12

# Spark 3.5 with the registry in an Iceberg catalog, end to end (tests/spark), in its own
# virtualenv: about 400 MB of packages from the index (pyspark carries Spark's jars; the
# Iceberg runtime comes from the snowpark-connect-deps-iceberg wheel, and the Jackson copy it
# expects is relocated from pyspark's own jars). Needs Java 17. Not part of `make test`.
SPARK_VENV  ?= .venv-spark
SPARK_BIN   := $(SPARK_VENV)/bin
SPARK_STAMP := $(SPARK_VENV)/.installed
SPARK_JARS  := $(SPARK_VENV)/lib/python*/site-packages/pyspark/jars

$(SPARK_STAMP): pyproject.toml constraints/dbt-1.11.txt tests/spark/shade_jackson.py
	@test -x $(SPARK_BIN)/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/python -m pip install --quiet --upgrade pip
	$(SPARK_BIN)/python -m pip install --quiet -c constraints/dbt-1.11.txt -e '.[spark]' 'pyspark==3.5.9' \
		'snowpark-connect-deps-iceberg==1.0.3' 'pytest>=8' 'pytest-timeout>=2.3'
	$(SPARK_BIN)/python tests/spark/shade_jackson.py $(SPARK_VENV)/iceberg-shaded-jackson.jar \
		$(SPARK_JARS)/jackson-core-2.*.jar $(SPARK_JARS)/jackson-databind-2.*.jar \
		$(SPARK_JARS)/jackson-annotations-2.*.jar
	@touch $(SPARK_STAMP)

# /usr/bin/time -v reports the wall time and the peak memory (maximum resident set size).
test-spark: $(SPARK_STAMP)
	@command -v java >/dev/null || { echo "make test-spark needs Java 17 (java on PATH)"; exit 2; }
	/usr/bin/time -v $(SPARK_BIN)/pytest tests/spark -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf .venv .venv-1.* .venv-spark build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache integration_tests/target integration_tests/dbt_packages
