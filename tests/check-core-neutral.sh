#!/bin/sh
# SPDX-License-Identifier: MIT
# The core never names a forge (SPEC.md 5): every forge-specific fact lives
# in a plugin. This fails when a forge's name or token variable shows up in
# core/ (comments included: they drift into code).
src=${1:?usage: check-core-neutral.sh SOURCE_ROOT}
if grep -rniE 'github|gitea|forgejo|gitlab|GH_TOKEN|GH_ENTERPRISE' "$src/core"; then
	echo "core/ names a forge (above): move it into the plugin" >&2
	exit 1
fi
echo "1..1"
echo "ok 1 - core/ names no forge"
