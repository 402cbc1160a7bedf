# Agent Pacing Operator. `make demo` runs the product locally; `make test` runs every test.
# Every target runs with a Node.js >= 22.19 first on PATH (a project-local Node 24 where the machine's is older).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
NODE_BIN := $(shell bash deploy/local/ensure-node.sh)
export PATH := $(NODE_BIN):$(PATH)
CLUSTER_DIR := $(CURDIR)/.cache/cluster
JEST := node --experimental-vm-modules node_modules/jest/bin/jest.js

.PHONY: help deps build lint bench bench-scale bench-shards bench-cycle bench-io bench-fuzz crds chart-sync chart-lint image kind-up kind-deploy kind-down control-plane tools cluster-up cluster-down demo test test-unit test-chaos test-operator test-alerts test-wiring test-integration clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.installed ## install the npm packages (npm ci)

build: deps ## compile TypeScript to dist/ and bundle the operator into dist/operator/pacing-operator.mjs
	npx tsc -p tsconfig.build.json
	@chmod +x dist/src/cli/main.js
	node deploy/build/bundle-operator.mjs

lint: deps ## type-check, eslint and prettier
	npx tsc -p tsconfig.json --noEmit
	npx eslint .
	npx prettier --check .

crds: build ## regenerate crds/*.yaml and docs/crd-reference.md from the zod schemas in src/api
	node dist/src/cli/main.js crds --out crds --docs docs/crd-reference.md
	bash charts/sync-chart-files.sh

CHART := charts/agent-pacing-operator
HELM = $(CURDIR)/.cache/control-plane/helm-$(shell . deploy/local/versions.env; echo $$HELM_VERSION)/helm

chart-sync: ## copy crds/ and deploy/prometheus/alerts.yaml into the Helm chart (Helm cannot read outside it)
	bash charts/sync-chart-files.sh

chart-lint: control-plane ## helm lint --strict the chart
	$(HELM) lint --strict $(CHART)

image: ## docker build the operator image as agent-pacing-operator:dev (needs Docker)
	docker build -t agent-pacing-operator:dev .

kind-up: ## create a kind cluster for the operator (needs Docker and kind)
	bash deploy/kind/kind.sh up

kind-deploy: ## docker build, kind load and helm install the operator into the kind cluster (HELM_ARGS=...)
	HELM_ARGS="$(HELM_ARGS)" bash deploy/kind/kind.sh deploy

kind-down: ## delete the kind cluster
	bash deploy/kind/kind.sh down

DURATION ?= 300
demo: deps build control-plane ## run the whole product locally with a live view (make demo DURATION=60)
	node dist/operator/pacing-operator.mjs demo --duration $(DURATION)

bench: build ## pacing benchmark: every scenario × every policy × 10 seeds, plus the 10,000-target decision timing; writes bench/results/
	node dist/src/cli/main.js bench --seeds 10 --scenarios test/bench/scenarios --out bench/results

SCALE_SIZES ?= 1000,10000,30000
bench-scale: deps build control-plane ## scale benchmark: N PacingTargets on a real control plane, reference servers, operator (SCALE_SIZES=1000 quick; SCALE_REPLICAS/SCALE_SHARDS)
	npx tsc --ignoreConfig --module nodenext --moduleResolution nodenext --target es2024 --lib es2024 --strict --skipLibCheck --types node --outDir dist/bench --rootDir . test/bench/scale/scale-bench.ts
	SCALE_SIZES=$(SCALE_SIZES) node dist/bench/test/bench/scale/scale-bench.js

bench-shards: deps ## sharding benchmark: per-replica cycle figures of 30,000 targets on 3 shards vs 10,000 on one
	npx tsc --ignoreConfig --module nodenext --moduleResolution nodenext --target es2024 --lib es2024 --strict --skipLibCheck --types node --outDir dist/bench --rootDir . test/bench/shard-cycle-bench.ts
	node dist/bench/test/bench/shard-cycle-bench.js

bench-cycle: build ## cycle benchmark: the 10,000-target pacing cycle against the reference servers, without Kubernetes (CYCLE_TARGETS, CYCLE_ROUNDS, CYCLE_GC=operator|idle|major|none)
	npx tsc --ignoreConfig --module nodenext --moduleResolution nodenext --target es2024 --lib es2024 --strict --skipLibCheck --types node --outDir dist/bench --rootDir . test/bench/cycle-bench.ts
	node --max-old-space-size=256 --max-semi-space-size=16 --expose-gc dist/bench/test/bench/cycle-bench.js

bench-io: deps ## I/O benchmark: exchange codec CPU and bytes per target, 50,000-agent snapshot validation
	npx tsc --ignoreConfig --module nodenext --moduleResolution nodenext --target es2024 --lib es2024 --strict --skipLibCheck --types node --outDir dist/bench --rootDir . test/bench/io-bench.ts
	node dist/bench/test/bench/io-bench.js

FUZZ_RUNS ?= 10000
bench-fuzz: deps ## fuzz every parser of outside input with FUZZ_RUNS cases per property (loopback clients: 300); prints cases and wall time per parser family
	@mkdir -p .cache && rm -f .cache/fuzz-report.jsonl
	PACING_FUZZ_RUNS=$(FUZZ_RUNS) PACING_FUZZ_REPORT=$(CURDIR)/.cache/fuzz-report.jsonl $(JEST) --selectProjects unit --runInBand --testPathPatterns=test/unit/fuzz
	node test/support/fuzz-summary.mjs .cache/fuzz-report.jsonl

control-plane: ## build (once) kube-apiserver, kubectl, etcd and helm from the Go module proxy
	bash deploy/local/build-all.sh

tools: ## install Prometheus, promtool and Alertmanager from Debian packages (daemons not started)
	bash deploy/local/install-debian-tools.sh

cluster-up: control-plane ## start a local control plane in the background; writes .cache/kubeconfig
	@kc=$$(bash deploy/local/control-plane.sh up $(CLUSTER_DIR)); cp "$$kc" .cache/kubeconfig; \
	echo "export KUBECONFIG=$(CURDIR)/.cache/kubeconfig"; \
	echo "export PATH=$$(bash deploy/local/control-plane.sh bin-dir):\$$PATH   # kubectl $(shell . deploy/local/versions.env; echo $$K8S_VERSION)"

cluster-down: ## stop the local control plane and remove its data
	bash deploy/local/control-plane.sh down $(CLUSTER_DIR)
	rm -f .cache/kubeconfig

test-wiring: deps control-plane ## Kubernetes wiring story, including a kube-apiserver restart, on its own control plane
	$(JEST) test/integration/kubernetes-wiring.test.ts --selectProjects=integration

test-alerts: deps tools ## alert rules (promtool), the Prometheus -> Alertmanager -> webhook path and the operator alarm e2e
	$(JEST) test/integration/prometheus-rules.test.ts test/integration/alarm-notifications.test.ts test/integration/alarm-events.test.ts test/e2e/operator-alarms.test.ts --selectProjects integration --runInBand

test-chaos: deps control-plane build ## chaos: kill -9/SIGSTOP of the leader, rolling restart, kube-apiserver and etcd restarts, engagement latency, stats stall, credentials rotation (all tiers, own control plane)
	PACING_CHAOS=full PACING_TEST_SKIP_BUILD=1 $(JEST) --selectProjects chaos --runInBand

test-unit: deps ## unit tests (no control plane needed)
	$(JEST) --selectProjects unit

test-operator: deps control-plane build ## the operator as a child process: examples, lifecycle, leader election, faults
	PACING_TEST_SKIP_BUILD=1 $(JEST) test/integration/operator- --selectProjects integration --runInBand

test-integration: deps control-plane tools build ## integration tests against a real kube-apiserver
	PACING_TEST_SKIP_BUILD=1 $(JEST) --selectProjects integration --runInBand

test: deps control-plane tools build ## every test: unit, then integration against a real kube-apiserver
	PACING_TEST_SKIP_BUILD=1 $(JEST) --runInBand

clean: ## remove build output (keeps the control-plane cache)
	rm -rf dist coverage
