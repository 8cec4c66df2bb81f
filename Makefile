# arcadence — set-up, build, test, demo and benchmarks.
# Every target installs the system packages it needs first (Debian; apt-get as root).

SWIFT ?= swift
APT_PACKAGES := libsqlite3-dev libcairo2-dev zlib1g-dev fonts-dejavu-core
DB ?= Data/arcadence.sqlite
BIN := .build/release/arcadence

.PHONY: deps build release test demo sample charts bench bench-charts browser-check lint format clean

## deps: install missing system packages (apt-get update first, as root or with sudo)
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: the whole test suite
test: deps
	$(SWIFT) test

## demo: sample data into the store, KPIs for the latest quarter, and the rest of the main job
demo: release
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN) import Data/sample --db $(DB)
	$(BIN) kpis --db $(DB)
	$(BIN) scorecard --db $(DB)
	$(BIN) review --db $(DB)
	$(BIN) charts --db $(DB) --out Charts --format png,svg
	$(BIN) dashboard --db $(DB) --out Charts/dashboard
	$(BIN) simulate Scenarios/weekly-calls.yaml --db $(DB) --out Charts/simulation

## charts: regenerate the chart gallery in Charts/ from Data/sample
charts: release
	rm -f .build/sample.sqlite*
	$(BIN) import Data/sample --db .build/sample.sqlite
	rm -f Charts/*.png Charts/*.svg
	$(BIN) charts --db .build/sample.sqlite --out Charts --format png,svg
	$(BIN) simulate Scenarios/weekly-calls.yaml --db .build/sample.sqlite --out Charts/simulation
	$(BIN) backtest --db .build/sample.sqlite --cutoff 2026-08-03 --horizon 90 --out Charts/backtest

## browser-check: load every dashboard page in headless Chromium (installs it if missing)
browser-check: release
	rm -rf .browser-check && mkdir -p .browser-check
	$(BIN) import Data/sample --db .browser-check/store.sqlite
	$(BIN) dashboard --db .browser-check/store.sqlite --out .browser-check/site
	$(BIN) review --db .browser-check/store.sqlite --format html --out .browser-check/site/review-standalone.html
	python3 .ci/browser-check.py .browser-check/site .browser-check/screenshots

## bench: timings at scale (50,000 customers × 24 months, cached in .bench/)
bench: release
	bash Benchmarks/run.sh

## bench-charts: the chart set drawn by arcadence and by matplotlib from the same chart data
bench-charts: release
	@[ -f $(DB) ] || $(BIN) import Data/sample --db $(DB)
	DB=$(DB) bash Benchmarks/matplotlib/run.sh

## sample: regenerate the committed sample dataset (deterministic)
sample: release
	rm -rf Data/sample
	$(BIN) generate --out Data/sample --customers 1500 --months 18 --seed 7

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build .bench
