#!/usr/bin/env bash
# Copies the files the chart embeds from their sources, because Helm cannot read outside the chart folder:
# the generated CRDs (crds/*.yaml) and the Prometheus alert rules (deploy/prometheus/alerts.yaml).
# test/unit/charts/chart-file-copies.test.ts fails whenever the copies differ from the sources.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
chart=$root/charts/agent-pacing-operator
rm -f "$chart"/files/crds/*.yaml
mkdir -p "$chart/files/crds"
cp "$root"/crds/*.yaml "$chart/files/crds/"
cp "$root/deploy/prometheus/alerts.yaml" "$chart/files/alerts.yaml"
echo "chart: copied $(ls "$root"/crds/*.yaml | wc -l) CRD file(s) and the alert rules into $chart/files"
