#!/usr/bin/env bash
# Installs the Debian packages tei-tool's PDF output and its browser and PDF
# tests need. As root it installs them with apt-get; otherwise it prints the
# command to run and carries on (the tests that need them skip with a reason).
set -u
packages=(fonts-dejavu-core fonts-noto-core poppler-utils chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null \
    || echo "warning: apt-get could not install ${missing[*]}; the tests that need them will be skipped" >&2
else
  echo "note: missing system packages: ${missing[*]}" >&2
  echo "      install them with: sudo apt-get install ${missing[*]}" >&2
fi
exit 0
