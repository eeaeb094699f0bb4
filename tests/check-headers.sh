#!/bin/sh
# SPDX-License-Identifier: MIT
# Every public header compiles on its own, as a third-party plugin author
# includes it: C99 and C11, pedantic, warnings as errors, and as C++11 when
# a C++ compiler is there (CXX, else c++).
cc=${CC:-cc}
inc=${1:?usage: check-headers.sh INCLUDE_DIR HEADER...}
shift
n=0
fail=0
cxx=${CXX:-c++}
command -v "$cxx" >/dev/null 2>&1 || cxx=
per=2
[ -n "$cxx" ] && per=3
echo "1..$(( $# * per ))"
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
	if [ -n "$cxx" ]; then
		n=$((n + 1))
		if printf '#include <epithet/%s>\nint main() { return 0; }\n' "$h" |
			$cxx -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$inc" -x c++ -fsyntax-only - 2>/tmp/hdr.$$; then
			echo "ok $n - $h alone, C++11 -pedantic -Werror"
		else
			echo "not ok $n - $h alone, C++11"
			sed 's/^/# /' /tmp/hdr.$$
			fail=1
		fi
	fi
done
rm -f /tmp/hdr.$$
exit $fail
