#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, and nothing else:
#   poppler-utils               pdftotext, pdfinfo, pdfdetach: read back rendered PDFs and Factur-X files
#   qpdf                        checks the structure of Factur-X files
#   libxml2-utils               xmllint, to hold CII e-invoices to their XML Schema
#   chromium chromium-driver    the browser tests of the Jira panels
# Idempotent and silent when everything is present. As root it installs
# what is missing; otherwise it tries passwordless sudo, and failing that
# prints the exact command to run and exits 1.
set -euo pipefail

packages=(poppler-utils qpdf libxml2-utils chromium chromium-driver)

missing=()
for p in "${packages[@]}"; do
	# dpkg -s succeeds for removed-but-configured packages too; require "install ok installed".
	if ! dpkg -s "$p" 2>/dev/null | grep -qx 'Status: install ok installed'; then
		missing+=("$p")
	fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root=(sudo -n)
else
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	echo "deps: install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
