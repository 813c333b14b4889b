#!/usr/bin/env bash
# Installs the Debian packages Tianping's demo and test suite use, when running
# as root on Debian/Ubuntu and they are missing. Elsewhere it only reports.
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in chromium fonts-noto-cjk gettext postgresql libpango-1.0-0 libpangoft2-1.0-0; do
  have "$pkg" || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; }
else
  echo "Missing system packages (install them with your package manager): ${need[*]}" >&2
fi
