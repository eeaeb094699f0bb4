#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/run.py: requests, rate-limit points, time and memory of epithet at org
scale, against the fake GitHub (tests/fakes/fake_github.py) on 127.0.0.1.

For each size R it seeds an org of R repos x L labels (default 30) where 10%
of the repos drift (each of those misses one label, has one wrong colour and
one stale description: 3 writes), serves it with a set latency per request
(default 30 ms), and runs the real binary:

  sync     the first sync (cold cache): reads + exactly the writes needed
  re-run   the same sync again (warm cache): nothing to change
  plan     a dry run on the warm cache

and prints, next to the theoretical minimum: requests (repo-list pages,
GraphQL reads, REST label reads, writes, 304s), rate-limit points (REST
"core" and "graphql", as the fake charges them by GitHub's rules), wall time
TCP connections the fake accepted, and peak RSS of the epithet process (GNU time's %M when /usr/bin/time is
there, else the last VmHWM seen in /proc: a lower bound).

Minimum for R repos and W writes: sync = ceil(R/100) repo pages +
ceil(R/100) GraphQL reads + W writes; re-run and plan = the same reads, no
write, and 0 REST points (the pages come back 304 from the ETag cache;
GraphQL is charged to its own budget, 1 point per 100 repos).

Usage (from the source tree, after `meson compile -C build`):

  python3 bench/run.py                      # R = 120, 1000, 5000
  python3 bench/run.py --repos 120 --mode dotcom
  python3 bench/run.py --repos 120 --compare-rest   # GraphQL vs REST + 304s
  python3 bench/run.py --pacing             # writes paced as on api.github.com
  python3 bench/run.py --tls                # through nghttpx: TLS, HTTP/2

Modes: "ghes" (default) talks to the fake as GitHub Enterprise Server
(--url; no write caps, so that 1,500 writes at R=5000 do not take 3 hours)
with rate limiting turned on; "dotcom" uses --api-url, i.e. api.github.com's
rules: at most 80 writes a minute and 500 an hour whatever --write-interval
says, so keep R <= 260 there (W <= 80). Every run but --pacing passes
--write-interval 0. Standard library only.

--tls puts nghttpx in front of the fake (tests/fakes/tls_front.py; package
nghttp2-proxy): TLS with ALPN h2, a throwaway self-signed certificate passed
with --cacert. The "conns" column then counts the client's connections to
nghttpx (distinct client ports in its access log), the mode gets "/h2"
(or "/tls" where ALPN chose http/1.1).
"""

import argparse
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "fakes"))
from fake_github import FakeGitHub  # noqa: E402
import tls_front  # noqa: E402

TOKEN = "ghp_BenchToken0123456789abcdefghijklmnop"
OWNER = "bench"


def label_set(n):
    return [{"name": "area/component-%02d" % i,
             "color": "%06x" % ((i * 0x3f1d7 + 0x1234) % 0xffffff),
             "description": "Issues about component %d of the product" % i} for i in range(n)]


def seed(gh, repos, labels, drift):
    """repos x labels; every round(1/drift)-th repo drifts 3 ways. Returns W."""
    every = max(1, round(1 / drift)) if drift > 0 else 0
    writes = 0
    for i in range(repos):
        ls = [dict(x) for x in labels]
        if every and i % every == 0 and len(ls) >= 3:
            ls.pop(0)                       # missing: a create
            ls[0]["color"] = "000000"       # wrong colour: an update
            ls[1]["description"] = "stale"  # stale description: an update
            writes += 3
        gh.add_repo(OWNER, "repo-%05d" % i, labels=ls)
    return writes


def seed_writes(gh, repos, labels, writes):
    """repos x labels with exactly `writes` writes to make: 3 in each of
    the first repos (a missing label, a wrong colour, a stale description),
    the rest in the next one. Returns W."""
    left = writes
    for i in range(repos):
        ls = [dict(x) for x in labels]
        n = min(3, left)
        if n >= 1:
            ls.pop(0)
        if n >= 2:
            ls[0]["color"] = "000000"
        if n >= 3:
            ls[1]["description"] = "stale"
        left -= n
        gh.add_repo(OWNER, "repo-%05d" % i, labels=ls)
    return writes - left


def bench_home(labels):
    """A fresh HOME for the runs and the labels file in it: (home, path)."""
    home = tempfile.mkdtemp(prefix="epithet-bench-")
    lf = os.path.join(home, "labels.json")
    with open(lf, "w") as f:
        json.dump({"labels": labels}, f)
    return home, lf


def peak_rss_kib(proc_pid, done):
    """Poll VmHWM of a pid (fallback when GNU time is missing)."""
    best = [0]

    def poll():
        while not done.is_set():
            try:
                with open("/proc/%d/status" % proc_pid) as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            best[0] = max(best[0], int(line.split()[1]))
            except OSError:
                return
            time.sleep(0.005)

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    return best, t


class Runner:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.join(args.build, "core", "epithet")
        self.plugins = os.path.join(args.build, "plugins", "github")
        if not os.access(self.bin, os.X_OK):
            sys.exit("bench: no %s: build first (meson setup %s && meson compile -C %s)"
                     % (self.bin, args.build, args.build))
        self.gnu_time = shutil.which("time") if os.path.exists("/usr/bin/time") else None
        if self.gnu_time and subprocess.run([self.gnu_time, "-f", "%M", "true"],
                                            capture_output=True).returncode != 0:
            self.gnu_time = None

    def epithet(self, gh, home, argv, mode, extra=(), front=None):
        base = front.url if front else gh.url
        if mode == "ghes":
            target = ["--url", base]
        else:
            target = ["--api-url", base + gh.api_url[len(gh.url):]]
        if front:
            target += ["--cacert", front.cacert]
        cmd = [self.bin] + target + ["-o", OWNER, "--output", "json", "-j", str(self.args.jobs)] \
            + list(extra) + argv
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
               "XDG_CACHE_HOME": os.path.join(home, ".cache"),
               "XDG_STATE_HOME": os.path.join(home, ".state"),
               "XDG_CONFIG_HOME": os.path.join(home, ".config"),
               "LC_ALL": "C.UTF-8", "EPITHET_TOKEN": TOKEN, "EPITHET_PLUGIN_PATH": self.plugins}
        rss_file = os.path.join(home, "rss")
        wrap = os.environ.get("EPITHET_BENCH_WRAP")  # e.g. "valgrind --tool=massif"
        if wrap:
            cmd = shlex.split(wrap) + cmd
        if self.gnu_time:
            cmd = [self.gnu_time, "-f", "%M %U %S", "-o", rss_file] + cmd
        out = open(os.path.join(home, "out"), "w+")
        err = open(os.path.join(home, "err"), "w+")
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        done = threading.Event()
        hwm = None
        if not self.gnu_time:
            hwm, poller = peak_rss_kib(p.pid, done)
        rc = p.wait()
        wall = time.monotonic() - t0
        done.set()
        out.seek(0)
        err.seek(0)
        text, errtext = out.read(), err.read()
        out.close()
        err.close()
        cpu = None
        if self.gnu_time:
            with open(rss_file) as f:
                fields = f.read().split()[-3:]
            rss, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
        else:
            rss = hwm[0]
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        return rc, doc, wall, rss, cpu, errtext

    def measure(self, gh, home, label, argv, mode, extra=(), front=None):
        gh.clear_requests()
        gh.max_writes_in_flight = 0
        core0 = gh.rate_limit_state()["used"]
        gql0 = gh.rate_limit_state(resource="graphql")["used"]
        conns0 = gh.connections
        if front:
            front.clear()
        rc, doc, wall, rss, cpu, err = self.epithet(gh, home, argv, mode, extra, front)
        reqs = gh.requests
        entries = front.entries(len(reqs)) if front else None
        row = {
            "run": label, "rc": rc, "time_s": round(wall, 3), "rss_kib": rss, "cpu_s": cpu,
            "requests": len(reqs),
            "repo_pages": sum(1 for r in reqs if r.method == "GET" and r.path.endswith("/repos")),
            "graphql": sum(1 for r in reqs if gh.is_graphql(r)),
            "label_gets": sum(1 for r in reqs if r.method == "GET" and r.path.endswith("/labels")),
            "writes": len(gh.writes()),
            "not_modified": sum(1 for r in reqs if r.status == 304),
            "core_points": gh.rate_limit_state()["used"] - core0,
            "graphql_points": gh.rate_limit_state(resource="graphql")["used"] - gql0,
            "write_times": [r.time for r in gh.writes()],
            "writes_in_flight": gh.max_writes_in_flight,
            "connections": front.connections(entries) if front else gh.connections - conns0,
            "alpn": sorted({e.alpn for e in entries}) if front else None,
        }
        if doc and "targets" in doc:  # list's JSON is the labels, not a run
            row["reported"] = doc["targets"][0]["requests"]
            row["estimate"] = doc["targets"][0].get("estimate")
        if rc not in (0, 2):
            sys.stderr.write("bench: %s exited %d\n%s\n" % (label, rc, err[-2000:]))
        return row


def minimum(repos, writes, run):
    pages = max(1, math.ceil(repos / 100))
    batches = math.ceil(repos / 100) if repos >= 2 else 0
    reads = pages + batches + (1 if repos == 1 else 0)
    if run == "sync":
        return {"requests": reads + writes, "core_points": pages + writes, "graphql_points": batches}
    return {"requests": reads, "core_points": 0, "graphql_points": batches}


def scenario(runner, repos, mode, args, graphql=True, runs=("sync", "re-run", "plan")):
    labels = label_set(args.labels)
    gh = FakeGitHub(token=TOKEN, ghes=(mode == "ghes"), rate_limiting=True,
                    latency=args.latency / 1000.0, graphql=graphql,
                    rate_limit=100000, graphql_rate_limit=100000)
    writes = seed(gh, repos, labels, args.drift)
    home, lf = bench_home(labels)
    rows = []
    gh.start()
    front = start_front(gh, home, args)
    try:
        wi = ["--write-interval", str(args.write_interval)]
        for run in runs:
            argv = {"sync": ["sync", "-y", "-c", lf], "re-run": ["sync", "-y", "-c", lf],
                    "plan": ["plan", "-c", lf], "list": ["list"]}[run]
            row = runner.measure(gh, home, run, argv, mode, wi, front)
            row["min"] = minimum(repos, writes if run == "sync" else 0,
                                 "sync" if run == "sync" else "rerun")
            row.update({"repos": repos, "mode": mode, "graphql_on": graphql})
            rows.append(row)
    finally:
        stop(gh, front, home)
    return rows


def start_front(gh, workdir, args):
    """With --tls: nghttpx in front of the running fake, else None."""
    if not args.tls:
        return None
    return tls_front.TlsFront(gh.port, workdir).start()


def stop(gh, front, home):
    if front:
        front.stop()
    gh.stop()
    shutil.rmtree(home, ignore_errors=True)


def mode_name(r):
    """ghes, dotcom; "-" with GraphQL off; "/h2" or "/tls" (HTTP/1.1) with --tls."""
    name = r["mode"] + ("" if r["graphql_on"] else "-")
    if r.get("alpn"):
        name += "/h2" if r["alpn"] == ["h2"] else "/tls"
    return name


def ratio(a, b):
    return "%.2f" % (a / b) if b else ("1.00" if a == 0 else "inf")


def print_rows(rows):
    head = ("R", "mode", "run", "requests", "min", "ratio", "pages", "gql", "GETlbl", "writes",
            "304", "conns", "core pts", "min", "gql pts", "time s", "cpu s", "RSS MiB")
    fmt = "%6s %-6s %-7s %8s %6s %5s %5s %4s %6s %6s %5s %5s %8s %5s %7s %7s %6s %7s"
    if any(r.get("alpn") for r in rows):
        fmt = fmt.replace("%-6s", "%-9s", 1)
    print(fmt % head)
    for r in rows:
        m = r["min"]
        print(fmt % (r["repos"], mode_name(r), r["run"],
                     r["requests"], m["requests"], ratio(r["requests"], m["requests"]),
                     r["repo_pages"], r["graphql"], r["label_gets"], r["writes"],
                     r["not_modified"], r["connections"], r["core_points"], m["core_points"],
                     r["graphql_points"],
                     "%.2f" % r["time_s"], "-" if r["cpu_s"] is None else "%.2f" % r["cpu_s"],
                     "%.1f" % (r["rss_kib"] / 1024.0)))


def pacing(runner, args):
    """Writes on api.github.com rules: >= the spacing apart, <= 80 in any minute."""
    repos = args.pacing_repos
    labels = label_set(args.labels)
    gh = FakeGitHub(token=TOKEN, rate_limiting=True, latency=args.latency / 1000.0, graphql=True)
    writes = seed(gh, repos, labels, args.drift)
    home, lf = bench_home(labels)
    gh.start()
    front = start_front(gh, home, args)
    try:
        row = runner.measure(gh, home, "sync", ["sync", "-y", "-c", lf], "dotcom",
                             ["--write-interval", str(args.pacing_interval)], front)
    finally:
        stop(gh, front, home)
    starts = sorted(r for r in row["write_times"])
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    per_minute = max((sum(1 for t in starts if s <= t < s + 60) for s in starts), default=0)
    est = (row.get("estimate") or {}).get("seconds")
    print("pacing: %d repos, %d writes (expected %d), --write-interval %s: smallest gap %.3f s, "
          "most writes in any 60 s: %d, took %.1f s (estimated %s s), rc %d"
          % (repos, row["writes"], writes, args.pacing_interval, min(gaps) if gaps else 0.0,
             per_minute, row["time_s"], "-" if est is None else "%.1f" % est, row["rc"]))
    return {"repos": repos, "writes": row["writes"], "interval": args.pacing_interval,
            "min_gap_s": min(gaps) if gaps else None, "max_per_minute": per_minute,
            "time_s": row["time_s"], "estimate_s": est, "rc": row["rc"]}


def jobs_sweep(runner, args):
    """Parallel writes (SPEC 11): one sync of W writes over R repos against
    a GitHub Enterprise Server without rate limiting (no pacing), at each
    --jobs; wall time against the network bound W x latency / jobs + the
    reads (repo pages and GraphQL reads, one latency each)."""
    labels = label_set(args.labels)
    rows = []
    for jobs in (int(x) for x in args.jobs_sweep.split(",") if x.strip()):
        gh = FakeGitHub(token=TOKEN, ghes=True, rate_limiting=False,
                        latency=args.latency / 1000.0, graphql=True)
        writes = seed_writes(gh, args.sweep_repos, labels, args.sweep_writes)
        home, lf = bench_home(labels)
        gh.start()
        front = start_front(gh, home, args)
        try:
            saved, runner.args.jobs = runner.args.jobs, jobs
            row = runner.measure(gh, home, "sync", ["sync", "-y", "-c", lf], "ghes",
                                 ["--write-interval", "0"], front)
            runner.args.jobs = saved
        finally:
            stop(gh, front, home)
        m = minimum(args.sweep_repos, writes, "sync")
        reads = m["requests"] - writes
        lat = args.latency / 1000.0
        row.update({"jobs": jobs, "repos": args.sweep_repos, "w": writes, "min": m,
                    "reads_s": reads * lat, "bound_s": writes * lat / jobs + reads * lat,
                    "target_s": 1.2 * writes * lat / jobs + reads * lat})
        row.pop("write_times", None)
        rows.append(row)
    print("parallel writes: GHES fake without rate limiting%s, %d repos, %g ms a request; "
          "bound = W x latency / jobs + reads x latency; target = 1.2 x W x latency / jobs "
          "+ reads x latency" % (" behind nghttpx (TLS, h2)" if args.tls else "",
                                 args.sweep_repos, args.latency))
    fmt = "%4s %6s %8s %6s %5s %9s %11s %7s %7s %8s %7s %7s"
    print(fmt % ("jobs", "writes", "requests", "min", "ratio", "in flight", "connections",
                 "wall s", "bound s", "target s", "cpu s", "RSS MiB"))
    for r in rows:
        print(fmt % (r["jobs"], r["writes"], r["requests"], r["min"]["requests"],
                     ratio(r["requests"], r["min"]["requests"]), r["writes_in_flight"],
                     r["connections"], "%.2f" % r["time_s"], "%.2f" % r["bound_s"],
                     "%.2f" % r["target_s"], "-" if r["cpu_s"] is None else "%.2f" % r["cpu_s"],
                     "%.1f" % (r["rss_kib"] / 1024.0)))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repos", default="120,1000,5000", help="comma-separated sizes")
    ap.add_argument("--labels", type=int, default=30)
    ap.add_argument("--drift", type=float, default=0.1, help="share of repos that drift")
    ap.add_argument("--latency", type=float, default=30.0, help="ms per request")
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--mode", choices=("ghes", "dotcom"), default="ghes")
    ap.add_argument("--write-interval", default="0", help="seconds (default 0: no pacing)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="meson build dir")
    ap.add_argument("--compare-rest", action="store_true",
                    help="also run each size with GraphQL off (REST + 304s)")
    ap.add_argument("--pacing", action="store_true",
                    help="also run a paced sync on api.github.com rules")
    ap.add_argument("--pacing-repos", type=int, default=300)
    ap.add_argument("--pacing-interval", default="0.25")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--jobs-sweep", metavar="J,J,...",
                    help="only the parallel-writes runs, at these --jobs (e.g. 1,4,8)")
    ap.add_argument("--sweep-repos", type=int, default=120)
    ap.add_argument("--sweep-writes", type=int, default=308)
    ap.add_argument("--tls", action="store_true",
                    help="through nghttpx (TLS, ALPN h2) with --cacert (package nghttp2-proxy)")
    ap.add_argument("--runs", default="sync,re-run,plan",
                    help="which runs, of sync,re-run,plan,list (a re-run, plan or list alone is cold)")
    a = ap.parse_args(argv)
    runs = tuple(x for x in a.runs.split(",") if x.strip())
    if a.tls and tls_front.missing():
        sys.exit("bench: --tls: " + tls_front.missing())
    runner = Runner(a)
    if a.jobs_sweep:
        rows = jobs_sweep(runner, a)
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"jobs": rows}, f, indent=1)
        return 1 if [r for r in rows if r["rc"] != 0] else 0
    rows = []
    for r in (int(x) for x in a.repos.split(",") if x.strip()):
        t0 = time.monotonic()
        rows += scenario(runner, r, a.mode, a, runs=runs)
        if a.compare_rest:
            rows += scenario(runner, r, a.mode, a, graphql=False, runs=runs)
        sys.stderr.write("bench: R = %d took %.0f s (seeding the fake included)\n"
                         % (r, time.monotonic() - t0))
    print("fake GitHub%s, %d labels a repo, %d%% of repos drifting (3 writes each), %g ms a "
          "request, -j %d; min = the fewest requests / REST points possible"
          % (" behind nghttpx (TLS)" if a.tls else "", a.labels, round(a.drift * 100),
             a.latency, a.jobs))
    print_rows(rows)
    result = {"rows": rows}
    if a.pacing:
        result["pacing"] = pacing(runner, a)
    if a.json:
        for row in rows:
            row.pop("write_times", None)
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    bad = [r for r in rows if r["rc"] not in (0, 2)]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
