#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Print 'N passed, N failed' over every test case meson ran.

meson's summary counts test programs; this counts the cases inside them, from
meson's testlog.txt: TAP lines (cmocka, the check scripts) and the closing
lines of Python unittest modules. A program with neither counts as one case.

    count-tests.py [--extra PASSED FAILED] TESTLOG...

sums several logs (each stage of .ci/run writes one) and, with --extra,
cases counted elsewhere (the fuzz runs)."""
import re
import sys

args = sys.argv[1:]
passed = failed = skipped = 0
if args[:1] == ["--extra"]:
    passed, failed = int(args[1]), int(args[2])
    args = args[3:]
sections = []
for path in args:
    text = open(path, encoding="utf-8", errors="replace").read()
    sections += re.split(r"(?m)^=+ \d+/\d+ =+$", text)[1:]
for sec in sections:
    result = re.search(r"(?m)^result:\s+(.*)$", sec)
    ok = result and result.group(1).strip() in ("exit status 0", "passed")
    tap_ok = len(re.findall(r"(?m)^ok \d+", sec))
    tap_bad = len(re.findall(r"(?m)^not ok \d+", sec))
    ran = re.findall(r"(?m)^Ran (\d+) tests? in", sec)
    if tap_ok or tap_bad:
        passed += tap_ok
        failed += tap_bad
        if not ok and not tap_bad:
            failed += 1  # every case passed but the program failed (a crash, a leak)
    elif ran:
        n = int(ran[-1])
        m = re.search(r"(?m)^FAILED \((.*)\)", sec)
        bad = sum(int(x) for x in re.findall(r"(?:failures|errors)=(\d+)", m.group(1))) if m else 0
        sk = re.search(r"(?m)^(?:OK|FAILED) \(.*skipped=(\d+)", sec)
        s = int(sk.group(1)) if sk else 0
        passed += n - bad - s
        failed += bad
        if not ok and not bad:
            failed += 1
        skipped += s
    elif re.search(r"(?m)^result:\s+skipped", sec):
        skipped += 1
    elif ok:
        passed += 1
    else:
        failed += 1
print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
