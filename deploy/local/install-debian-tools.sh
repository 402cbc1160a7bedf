#!/usr/bin/env bash
# Installs Prometheus, promtool and Alertmanager from Debian packages, once, without leaving their
# daemons running (tests start their own on loopback ports).
set -euo pipefail
if command -v promtool >/dev/null && command -v prometheus >/dev/null && command -v prometheus-alertmanager >/dev/null \
   && [ -f /usr/share/prometheus/alertmanager/default.tmpl ]; then
  echo "tools: prometheus, promtool and alertmanager already installed"; exit 0
fi
SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "tools: installing prometheus and prometheus-alertmanager from Debian packages"
# policy-rc.d exiting 101 stops the packages from starting their daemons on :9090 and :9093.
printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
$SUDO chmod +x /usr/sbin/policy-rc.d
trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null
for s in prometheus prometheus-alertmanager prometheus-node-exporter; do
  $SUDO systemctl stop "$s" 2>/dev/null || $SUDO service "$s" stop 2>/dev/null || true
done
echo "tools: $(promtool --version 2>&1 | head -1)"
