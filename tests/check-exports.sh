#!/bin/sh
# SPDX-License-Identifier: MIT
# A forge plugin exports exactly one symbol, epithet_forge_plugin_v1: every
# other symbol is hidden, so plugins never clash with each other or the host.
n=0
fail=0
echo "1..$#"
for so in "$@"; do
	n=$((n + 1))
	syms=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort | tr '\n' ' ')
	if [ "$syms" = "epithet_forge_plugin_v1 " ]; then
		echo "ok $n - $(basename "$so") exports only epithet_forge_plugin_v1"
	else
		echo "not ok $n - $(basename "$so") exports: $syms"
		fail=1
	fi
done
exit $fail
