# SPDX-License-Identifier: MIT
"""Concurrent writes (SPEC 11, include/epithet/forge.h "Threading"): writes to
different repos run at once, up to --jobs, when the plugin allows it
(EPITHET_CAP_CONCURRENT_WRITES, ABI 1.1) and writes are not paced; one repo's
writes come one at a time, in plan order, never beside a read of that repo.
A plugin built against the 1.0 headers never sees two writes at once.

The local plugin is used as built by tests/plugins/localtrace.c: unchanged,
its methods wrapped to log "begin|end W|R REPO" in the order they happen.
Overlap is judged from that order (a counter of writes begun and not ended),
never from times. A GitHub and a Gitea fake count the writes they are
serving at once the same way (fakeforge.max_writes_in_flight).
"""

import json
import os
import shutil

import harness
from fake_gitea import FakeGitea
from fake_github import FakeGitHub

TEST_PLUGINS = os.environ.get("EPITHET_TEST_PLUGINS", "")
TOKEN = "ghp_ParallelSecretToken0123456789abcdefXYZ"
OWNER = "acme"
REPOS = ["r1", "r2", "r3", "r4"]

LABELS_FILE = """\
labels:
  - name: bug
    color: "d73a4a"
  - name: feature
    color: "a2eeef"
  - name: docs
    color: "0075ca"
"""

BEFORE = [{"name": "bug", "color": "000000"}, {"name": "stale", "color": "cccccc"}]
AFTER = [("bug", "d73a4a"), ("docs", "0075ca"), ("feature", "a2eeef")]


def overlap(lines):
    """(most writes in flight at once, problems) from a trace's lines."""
    writing, reading, most, problems = set(), {}, 0, []
    for line in lines:
        what, kind, repo = line.split(" ", 2)
        if kind == "W" and what == "begin":
            if repo in writing:
                problems.append("two writes to %s at once" % repo)
            if reading.get(repo):
                problems.append("a write to %s during a read of it" % repo)
            writing.add(repo)
            most = max(most, len(writing))
        elif kind == "W":
            writing.discard(repo)
        elif what == "begin":
            if repo in writing:
                problems.append("a read of %s during a write to it" % repo)
            reading[repo] = reading.get(repo, 0) + 1
        else:
            reading[repo] -= 1
    return most, problems


class LocalTraceCase(harness.EpithetTestCase):
    def setUp(self):
        super().setUp()
        if not TEST_PLUGINS:
            self.skipTest("EPITHET_TEST_PLUGINS is not set")
        self.org = os.path.join(self.tmpdir(), OWNER)
        os.mkdir(self.org)
        for r in REPOS:
            with open(os.path.join(self.org, r + ".json"), "w", encoding="utf-8") as f:
                json.dump({"labels": BEFORE}, f)
        self.labels = self.write_file(LABELS_FILE)
        self.trace = os.path.join(self.tmpdir(), "trace")

    def plugin_dir(self, variant):
        """A plugin path holding only the traced local plugin, as local.so."""
        d = self.tmpdir()
        shutil.copy(os.path.join(TEST_PLUGINS, "localtrace%s.so" % variant),
                    os.path.join(d, "local.so"))
        return d

    def sync(self, variant, *extra):
        env = {"EPITHET_PLUGIN_PATH": self.plugin_dir(variant), "EPITHET_LOCAL_TRACE": self.trace}
        res = self.run_epithet(["--forge", "local", "--url", self.org, "-y", "--output", "json",
                                *extra, "sync", "-c", self.labels], env=env)
        self.assert_rc(res, 0)
        with open(self.trace, encoding="utf-8") as f:
            lines = f.read().splitlines()
        for r in REPOS:
            with open(os.path.join(self.org, r + ".json"), encoding="utf-8") as f:
                got = sorted((lb["name"], lb["color"]) for lb in json.load(f)["labels"])
            self.assertEqual(got, sorted(AFTER + [("stale", "cccccc")]), r)
        writes = [ln for ln in lines if ln.startswith("begin W")]
        self.assertEqual(len(writes), 3 * len(REPOS), lines)
        self.assert_plan_order(res)
        return lines

    def assert_plan_order(self, res):
        """The journal has each repo's changes in the order of its plan."""
        doc = res.json()
        planned = {r["repo"].split("/")[1]: [(c["op"], c["label"]) for c in r["changes"]]
                   for r in doc["targets"][0]["repos"]}
        journalled = {}
        with open(doc["journal"], encoding="utf-8") as f:
            for e in map(json.loads, f):
                if "op" in e:
                    journalled.setdefault(e["repo"], []).append(
                        (e["op"], e["after"]["name"] or e["before"]["name"]))
        self.assertEqual(journalled, planned)


class TestLocalWrites(LocalTraceCase):
    def test_abi_1_1_plugin_writes_repos_at_once(self):
        most, problems = overlap(self.sync("", "--jobs", "4"))
        self.assertEqual(problems, [])
        self.assertGreaterEqual(most, 2, "no two writes were ever in flight")
        self.assertLessEqual(most, 4)

    def test_jobs_bound_the_writes_in_flight(self):
        most, problems = overlap(self.sync("", "--jobs", "2"))
        self.assertEqual(problems, [])
        self.assertEqual(most, 2)

    def test_jobs_1_writes_one_at_a_time(self):
        most, problems = overlap(self.sync("", "--jobs", "1"))
        self.assertEqual((most, problems), (1, []))

    def test_paced_writes_go_one_at_a_time(self):
        most, problems = overlap(self.sync("", "--jobs", "4", "--write-interval", "0.01"))
        self.assertEqual((most, problems), (1, []))

    def test_abi_1_0_plugin_never_sees_two_writes(self):
        res = self.run_epithet(["plugins", "--output", "json"],
                               env={"EPITHET_PLUGIN_PATH": self.plugin_dir("-v1.0")})
        self.assert_rc(res, 0)
        found = [p for p in res.json()["plugins"] if p.get("name") == "local"]
        self.assertEqual(found[0]["abi"], "1.0")
        most, problems = overlap(self.sync("-v1.0", "--jobs", "8"))
        self.assertEqual((most, problems), (1, []))


class TestForgeWrites(harness.EpithetTestCase):
    """The fakes count the writes they serve at once (with latency, so
    that writes sent together are seen together)."""

    def seed(self, fake, owner=OWNER):
        for r in REPOS:
            fake.add_repo(owner, r, labels=list(BEFORE))

    def run_sync(self, argv, env):
        res = self.run_epithet(argv + ["-y", "sync", "-c", self.write_file(LABELS_FILE),
                                       "--prune"], env=env)
        self.assert_no_token(res, TOKEN)
        self.assert_rc(res, 0)
        return res

    def test_gitea_writes_repos_at_once(self):
        gt = self.start_fake(FakeGitea(token=TOKEN))
        self.seed(gt)
        gt.latency = 0.1
        self.run_sync(["--forge", "gitea", "--url", gt.url, "-o", OWNER, "--jobs", "4"],
                      {"GITEA_TOKEN": TOKEN})
        self.assertGreaterEqual(gt.max_writes_in_flight, 2)
        self.assertLessEqual(gt.max_writes_in_flight, 4)
        self.assertEqual(len(gt.writes()), 4 * len(REPOS))
        for r in REPOS:
            self.assertEqual(sorted(lb["name"] for lb in gt.labels(OWNER, r)),
                             ["bug", "docs", "feature"])

    def test_ghes_without_pacing_writes_repos_at_once(self):
        gh = self.start_fake(FakeGitHub(token=TOKEN, ghes=True))
        self.seed(gh)
        gh.latency = 0.1
        self.run_sync(["--url", gh.url, "-o", OWNER, "--jobs", "4"], {"EPITHET_TOKEN": TOKEN})
        self.assertGreaterEqual(gh.max_writes_in_flight, 2)
        self.assertLessEqual(gh.max_writes_in_flight, 4)

    def test_api_github_com_rules_keep_writes_serial(self):
        """--api-url: api.github.com's rules, paced (80 a minute), even at
        --write-interval 0 and --jobs 8."""
        gh = self.start_fake(FakeGitHub(token=TOKEN))
        self.seed(gh)
        gh.latency = 0.05
        self.run_sync(["--api-url", gh.api_url, "-o", OWNER, "--write-interval", "0",
                       "--jobs", "8"], {"EPITHET_TOKEN": TOKEN})
        self.assertEqual(gh.max_writes_in_flight, 1)
        self.assertEqual(len([w for w in gh.writes() if "/labels" in w.path]), 4 * len(REPOS))


if __name__ == "__main__":
    harness.main()
