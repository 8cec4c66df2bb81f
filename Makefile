# arcadence — set-up, build, test, demo and benchmarks.
# Every target installs the system packages it needs first (Debian; apt-get as root).

SWIFT ?= swift
APT_PACKAGES := libsqlite3-dev libcairo2-dev zlib1g-dev fonts-dejavu-core
DB ?= Data/arcadence.sqlite
BIN := .build/release/arcadence

.PHONY: deps build release test demo sample gallery charts bench bench-charts browser-check lint \
	report-check \
	format clean

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

## test: the whole test suite. Its temporary stores and folders go under one fresh folder
## (TMPDIR, which NSTemporaryDirectory reads), removed afterwards whatever the result, so
## repeated runs do not fill /tmp. Mode 1777 like /tmp: the hardening tests run the CLI as
## user nobody, who must reach the stores in it.
test: deps
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/arcadence-tests.XXXXXX") || exit 1; \
	trap 'rm -rf "$$tmp"' EXIT; trap 'exit 130' INT TERM; chmod 1777 "$$tmp"; \
	echo "$(SWIFT) test   (temporary files: $$tmp, removed afterwards)"; \
	TMPDIR="$$tmp" $(SWIFT) test

# The committed gallery, drawn from a store holding Data/sample ($(1)): Charts/*.png|svg,
# Charts/simulation/ and Charts/backtest/. The one list of what `make demo` and
# `make gallery` write into tracked paths, so both write the same bytes.
define draw_gallery
	rm -f Charts/*.png Charts/*.svg
	rm -rf Charts/simulation Charts/backtest
	$(BIN) charts --db $(1) --out Charts --format png,svg
	$(BIN) simulate Scenarios/weekly-calls.yaml --db $(1) --out Charts/simulation
	$(BIN) backtest --db $(1) --cutoff 2026-08-03 --horizon 90 --out Charts/backtest
endef

## demo: sample data into the store, KPIs for the latest quarter, and the rest of the main job.
## Writes $(DB) and Charts/dashboard/ (both ignored by git) and the gallery (Charts/, tracked:
## the same bytes as `make gallery`, so a clean checkout stays clean); ends with one demo user
## per role for `arcadence serve` (passwords printed once) and how to start it
demo: release
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN) import Data/sample --db $(DB)
	$(BIN) kpis --db $(DB)
	$(BIN) scorecard --db $(DB)
	$(BIN) review --db $(DB)
	$(call draw_gallery,$(DB))
	$(BIN) dashboard --db $(DB) --out Charts/dashboard
	$(call demo_users,$(DB))

# One user per role for `arcadence serve` on the store $(1): the rep R01 (team East), a manager
# of East, leadership, an analyst and an admin. Each password is generated, printed once here
# and kept only as a bcrypt hash in the store (ignored by git): nothing is written elsewhere.
define demo_users
	@echo
	@echo "Demo users for arcadence serve (passwords shown once, not saved anywhere else):"
	@$(BIN) users add demo-rep --role rep --rep R01 --db $(1)
	@$(BIN) users add demo-manager --role manager --team East --db $(1)
	@$(BIN) users add demo-leadership --role leadership --db $(1)
	@$(BIN) users add demo-analyst --role analyst --db $(1)
	@$(BIN) users add demo-admin --role admin --db $(1)
	@echo
	@echo "Start the server:  $(BIN) serve --db $(1)"
	@echo "then open          http://127.0.0.1:8080/ and log in as one of the users above."
endef

## gallery: regenerate the committed chart gallery (Charts/, Charts/simulation/,
## Charts/backtest/) from Data/sample; run it after a change to the charts or the simulator
## and commit the result (`make charts` is the same)
gallery: release
	rm -f .build/sample.sqlite .build/sample.sqlite-wal .build/sample.sqlite-shm
	$(BIN) import Data/sample --db .build/sample.sqlite
	$(call draw_gallery,.build/sample.sqlite)

## charts: the same as `make gallery`
charts: gallery

## browser-check: load every dashboard page in headless Chromium (installs it if missing), then
## `arcadence serve` end to end in Chromium driven by Selenium (installs chromium-driver and
## selenium if missing): logins per role, scope, CSV downloads, logout
browser-check: release
	rm -rf .browser-check && mkdir -p .browser-check
	$(BIN) import Data/sample --db .browser-check/store.sqlite
	$(BIN) dashboard --db .browser-check/store.sqlite --out .browser-check/site
	$(BIN) review --db .browser-check/store.sqlite --format html --out .browser-check/site/review-standalone.html
	python3 .ci/browser-check.py .browser-check/site .browser-check/screenshots
	python3 .ci/serve-check.py $(BIN) .browser-check .browser-check/screenshots

## report-check: scheduled reports end to end: `arcadence reports send-due` against a local
## SMTP sink (aiosmtpd with STARTTLS and AUTH, installed from pip when missing) and an HTTP
## sink for the webhook: messages arrive, parse, hold only the subscriber's data; a failing
## sink is retried and audited, and the next run sends
report-check: release
	mkdir -p .report-check
	python3 Tests/report-check/report-check.py $(BIN) .report-check

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

## lint: swift format, and no function over 80 lines in Sources unless it says why
lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests
	python3 Tools/long-functions.py --check 80 Sources > /dev/null

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build .bench
