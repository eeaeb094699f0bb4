# SPDX-License-Identifier: MIT
"""A mixed estate from one labels file (issue 4; SPEC.md 2, 3, 4, 7): `targets:`
naming a GitHub org (api.github.com style, `api_url:`), a second GitHub org on
a GitHub Enterprise Server (`url:`) and a Gitea org, each with its own
`token_env`.  One plan, one report, one journal; each fake sees only its own
token; a target that cannot be reached never stops the others; the command
line's --forge/--url/--org replace the file's targets."""

import glob
import os
import re

import harness
from fake_gitea import FakeGitea
from fake_github import FakeGitHub

# Long and distinctive, so that finding any of them anywhere is never a coincidence.
GH_TOKEN = "ghp_EstateDotcomToken0123456789abcdefAAA"
GHE_TOKEN = "ghe_EstateEnterpriseToken0123456789BBB"
GT_TOKEN = "gta_EstateGiteaToken0123456789abcdefCCC"
TOKENS = {"gh": GH_TOKEN, "ghe": GHE_TOKEN, "gt": GT_TOKEN}
ENV = {"ACME_GH_TOKEN": GH_TOKEN, "PLATFORM_GHE_TOKEN": GHE_TOKEN, "ACME_GITEA_TOKEN": GT_TOKEN}

LABELS = """\
labels:
  - name: bug
    color: d73a4a
    description: Something isn't working
    aliases: [defect]
  - name: priority/high
    color: "#b60205"
    exclusive: true
  - name: wontfix
    delete: true
"""
BUG_DESC = "Something isn't working"


class EstateCase(harness.EpithetTestCase):
    def setUp(self):
        super().setUp()
        gh = self.gh = self.start_fake(FakeGitHub(token=GH_TOKEN))
        ghe = self.ghe = self.start_fake(FakeGitHub(token=GHE_TOKEN, ghes=True))
        gt = self.gt = self.start_fake(FakeGitea(token=GT_TOKEN))
        gh.add_repo("acme", "api", labels=[{"name": "bug", "color": "000000"}, "wontfix"])
        gh.add_repo("acme", "web")
        gh.add_repo("acme", "legacy-tools")                       # excluded by the target
        ghe.add_repo("platform", "core", labels=[{"name": "defect", "color": "d73a4a"}],
                     issues=[{"number": 1, "labels": ["defect"]}])
        ghe.add_repo("platform", "tools", labels=[{"name": "bug", "color": "d73a4a",
                                                    "description": BUG_DESC}])
        gt.add_repo("acme", "api", labels=[{"name": "bug", "color": "d73a4a",
                                            "description": BUG_DESC}, "wontfix"],
                    issues=[{"number": 3, "labels": ["wontfix"]}])
        gt.add_repo("acme", "docs")
        gt.add_repo("acme", "sandbox")                             # not included by the target
        self.fakes = {"gh": gh, "ghe": ghe, "gt": gt}
        self.path = self.write_file(self.targets_yaml() + LABELS)

    def targets_yaml(self):
        return ("targets:\n"
                "  - forge: github\n    api_url: %s\n    org: acme\n"
                "    token_env: ACME_GH_TOKEN\n    exclude: [\"legacy-*\"]\n"
                "  - forge: github\n    url: %s\n    org: platform\n"
                "    token_env: PLATFORM_GHE_TOKEN\n"
                "  - forge: gitea\n    url: %s\n    org: acme\n"
                "    token_env: ACME_GITEA_TOKEN\n    include: [api, docs]\n"
                % (self.gh.api_url, self.ghe.url, self.gt.url))

    def epi(self, *args, env=None, home=None):
        e = dict(ENV)
        e.update(env or {})
        res = self.run_epithet(["--write-interval", "0"] + list(args), env=e, home=home)
        for tok in TOKENS.values():
            self.assert_no_token(res, tok)
        return res

    @staticmethod
    def write_log(fake):
        """Writes as (method, raw path, body); GitHub's GraphQL reads are not writes."""
        return [(r.method, r.path, r.body) for r in fake.writes()
                if not r.path.endswith("/graphql")]

    @staticmethod
    def per_repo(log):
        """A write log as {repo: its writes, in order}: writes to different
        repos may run at once (SPEC 11), one repo's come in plan order."""
        out = {}
        for w in log:
            m = re.search(r"/repos/([^/]+/[^/]+)", w[1])
            out.setdefault(m.group(1) if m else w[1], []).append(w)
        return out

    def assert_writes(self, fake, want, msg=None):
        self.assertEqual(self.per_repo(self.write_log(fake)), self.per_repo(want), msg)

    def clear(self):
        for f in self.fakes.values():
            f.clear_requests()

    # ---- the expected outcome of a full sync ---------------------------------------

    def expected_writes(self):
        gt = self.gt
        return {
            "gh": [
                ("PATCH", "/repos/acme/api/labels/bug", {"color": "d73a4a",
                                                         "description": BUG_DESC}),
                ("POST", "/repos/acme/api/labels", {"name": "priority/high", "color": "b60205"}),
                ("DELETE", "/repos/acme/api/labels/wontfix", None),
                ("POST", "/repos/acme/web/labels", {"name": "bug", "color": "d73a4a",
                                                    "description": BUG_DESC}),
                ("POST", "/repos/acme/web/labels", {"name": "priority/high", "color": "b60205"}),
            ],
            "ghe": [
                ("PATCH", "/api/v3/repos/platform/core/labels/defect",
                 {"new_name": "bug", "description": BUG_DESC}),
                ("POST", "/api/v3/repos/platform/core/labels",
                 {"name": "priority/high", "color": "b60205"}),
                ("POST", "/api/v3/repos/platform/tools/labels",
                 {"name": "priority/high", "color": "b60205"}),
            ],
            "gt": [
                ("POST", "/api/v1/repos/acme/api/labels",
                 {"name": "priority/high", "color": "#b60205", "exclusive": True}),
                ("DELETE", "/api/v1/repos/acme/api/labels/%d" % self.gitea_id("api", "wontfix"),
                 None),
                ("POST", "/api/v1/repos/acme/docs/labels",
                 {"name": "bug", "color": "#d73a4a", "description": BUG_DESC}),
                ("POST", "/api/v1/repos/acme/docs/labels",
                 {"name": "priority/high", "color": "#b60205", "exclusive": True}),
            ],
        }

    def gitea_id(self, repo, name):
        if not hasattr(self, "_gt_ids"):
            self._gt_ids = {(r, lb["name"]): lb["id"] for r in ("api", "docs", "sandbox")
                            for lb in self.gt.labels("acme", r)}
        return self._gt_ids[repo, name]

    def assert_synced(self, which=("gh", "ghe", "gt")):
        want_gh = {"bug": ("d73a4a", BUG_DESC), "priority/high": ("b60205", None)}
        if "gh" in which:
            for repo in ("api", "web"):
                self.assertEqual({lb["name"]: (lb["color"], lb["description"] or None)
                                  for lb in self.gh.labels("acme", repo)}, want_gh, repo)
        if "ghe" in which:
            for repo in ("core", "tools"):
                self.assertEqual({lb["name"]: (lb["color"], lb["description"] or None)
                                  for lb in self.ghe.labels("platform", repo)}, want_gh, repo)
            self.assertEqual(self.ghe.issue_labels("platform", "core", 1), ["bug"])
        if "gt" in which:
            for repo in ("api", "docs"):
                self.assertEqual({lb["name"]: (lb["color"], lb["description"], lb["exclusive"])
                                  for lb in self.gt.labels("acme", repo)},
                                 {"bug": ("d73a4a", BUG_DESC, False),
                                  "priority/high": ("b60205", "", True)}, repo)
            self.assertEqual(self.gt.issue_labels("acme", "api", 3), [])


class TestEstate(EstateCase):
    def test_one_plan_one_report_then_sync(self):
        """SPEC 3/8: one labels file plans every target at once: one report grouped by
        repo (each target's repos under a line naming it, since acme/api exists on two
        forges), one summary line, exit 2, reads only.  sync applies it everywhere,
        each forge in its own dialect; a second plan exits 0."""
        self.gitea_id("api", "wontfix")           # ids before they are deleted
        res = self.epi("plan", "-c", self.path)
        self.assert_rc(res, 2)
        for f in self.fakes.values():
            self.assertEqual(self.write_log(f), [])
        out = res.out
        self.assertEqual(out.count("Plan: "), 1)
        self.assert_in_out(res, "Plan: 8 to create, 1 to update, 1 to rename, 2 to delete "
                                "in 6 of 6 repos.\n")
        heads = [line for line in out.splitlines() if line.startswith("== ")]
        self.assertEqual(len(heads), 3, out)
        self.assertTrue(heads[0].startswith("== github acme ("), heads)
        self.assertTrue(heads[1].startswith("== github platform (%s" % self.ghe.url), heads)
        self.assertEqual(heads[2], "== gitea acme (%s) ==" % self.gt.url)
        # each target's repos, in order, under its heading
        order = [line for line in out.splitlines()
                 if line.startswith("== ") or line in ("acme/api", "acme/web", "platform/core",
                                                       "platform/tools", "acme/docs")]
        self.assertEqual(order, [heads[0], "acme/api", "acme/web",
                                 heads[1], "platform/core", "platform/tools",
                                 heads[2], "acme/api", "acme/docs"])
        self.assert_in_out(res, "platform/core\n  > defect -> bug; description \"\" -> "
                                "\"Something isn't working\"\n")
        self.assert_in_out(res, "acme/docs\n  + bug  #d73a4a  \"Something isn't working\"\n"
                                "  + priority/high  #b60205\n")
        self.assertNotIn("legacy-tools", out)
        self.assertNotIn("sandbox", out)

        self.clear()
        res = self.epi("sync", "-c", self.path, "--yes")
        self.assert_rc(res, 0)
        want = self.expected_writes()
        for name, fake in self.fakes.items():
            self.assert_writes(fake, want[name], name)
        self.assert_synced()
        self.assertEqual(len(glob.glob(os.path.join(res.home, ".state", "epithet", "journal",
                                                    "*.jsonl"))), 1)
        self.clear()
        res = self.epi("plan", "-c", self.path)
        self.assert_rc(res, 0)
        self.assert_in_out(res, "Plan: no changes; 6 repos up to date.")

    def test_each_target_gets_only_its_own_token(self):
        """SPEC 2/3: each target's token comes from its own token_env: every request a
        fake receives carries its own token, and no fake ever sees another's; no
        token reaches the output, the journal or the cache."""
        home = self.make_home()
        res = self.epi("sync", "-c", self.path, "--yes", "-vv", home=home)
        self.assert_rc(res, 0)
        self.assert_no_token_in_files(home, GH_TOKEN)
        self.assert_no_token_in_files(home, GHE_TOKEN)
        self.assert_no_token_in_files(home, GT_TOKEN)
        for name, fake in self.fakes.items():
            self.assertTrue(fake.requests, name)
            others = [t for n, t in TOKENS.items() if n != name]
            for r in fake.requests:
                auth = r.headers.get("authorization", "")
                self.assertIn(TOKENS[name], auth, "%s: %r" % (name, r))
                seen = " ".join("%s: %s" % kv for kv in r.headers.items()) + \
                    r.path + r.query + r.raw_body.decode("utf-8", "replace")
                for t in others:
                    self.assertNotIn(t, seen, "%s saw another target's token: %r" % (name, r))
        self.assertEqual({r.headers.get("authorization") for r in self.gt.requests},
                         {"token " + GT_TOKEN})

    def test_json_has_one_entry_per_target(self):
        """README JSON: one document; `targets` has one entry per target of the file,
        in order, each with its forge, url, owner and repos (after its own
        include/exclude)."""
        res = self.epi("plan", "-c", self.path, "--output", "json")
        self.assert_rc(res, 2)
        doc = res.json()
        self.assertEqual((doc["command"], doc["dry_run"], doc["applied"]), ("plan", True, False))
        self.assertEqual([(t["forge"], t["url"], t["owner"], t["error"]) for t in doc["targets"]],
                         [("github", self.gh.api_url, "acme", None),
                          ("github", self.ghe.url, "platform", None),
                          ("gitea", self.gt.url, "acme", None)])
        self.assertEqual([[r["repo"] for r in t["repos"]] for t in doc["targets"]],
                         [["acme/api", "acme/web"], ["platform/core", "platform/tools"],
                          ["acme/api", "acme/docs"]])
        gitea_api = doc["targets"][2]["repos"][0]["changes"]
        self.assertEqual([(c["op"], c["label"], c.get("exclusive")) for c in gitea_api],
                         [("create", "priority/high", True), ("delete", "wontfix", None)])
        self.assertEqual((gitea_api[1]["issues"], gitea_api[1]["items"]), (1, [3]))
        self.assertEqual((doc["summary"]["repos"], doc["summary"]["repos_changed"]), (6, 6))
        for t in doc["targets"]:
            self.assertGreater(t["requests"]["reads"], 0)
            self.assertEqual(t["requests"]["writes"], 0)

    def test_plan_exits_2_when_any_target_would_change(self):
        """SPEC 2: plan over an estate exits 2 as soon as one target would change,
        even when every other is in sync, and 0 when none would."""
        self.assert_rc(self.epi("sync", "-c", self.path, "--yes"), 0)
        self.ghe.add_label("platform", "tools", "wontfix", "ffffff")
        self.clear()
        res = self.epi("plan", "-c", self.path)
        self.assert_rc(res, 2)
        self.assert_in_out(res, "platform/tools\n  - wontfix (0 issues, 0 PRs) [delete: true]\n")
        self.assert_in_out(res, "Plan: 1 to delete in 1 of 6 repos.")
        for f in self.fakes.values():
            self.assertEqual(self.write_log(f), [])
        self.assert_rc(self.epi("sync", "-c", self.path, "--yes"), 0)
        self.assert_rc(self.epi("plan", "-c", self.path), 0)

    def test_include_exclude_per_target(self):
        """SPEC 3: each target's include/exclude select its own repos (GitHub acme
        excludes legacy-*, Gitea acme includes api and docs only); --exclude on the
        command line applies to every target on top of them."""
        res = self.epi("sync", "-c", self.path, "--yes", "--exclude", "api")
        self.assert_rc(res, 0)
        self.assertEqual(self.gh.labels("acme", "legacy-tools"), [])
        self.assertEqual(self.gt.labels("acme", "sandbox"), [])
        self.assertFalse([r for f in (self.gh, self.gt) for r in f.requests
                          if "/legacy-tools/" in r.path or "/sandbox/" in r.path])
        # --exclude api: neither acme/api (GitHub nor Gitea) was touched
        self.assertFalse([w for f in self.fakes.values() for w in self.write_log(f)
                          if "/api/labels" in w[1]])
        self.assertEqual(self.gh.label("acme", "api", "bug")["color"], "000000")
        self.assertEqual({lb["name"] for lb in self.gt.labels("acme", "api")}, {"bug", "wontfix"})
        self.assertEqual({lb["name"] for lb in self.gh.labels("acme", "web")},
                         {"bug", "priority/high"})
        self.assertEqual({lb["name"] for lb in self.gt.labels("acme", "docs")},
                         {"bug", "priority/high"})
        self.assert_synced(("ghe",))

    def test_unreachable_gitea_never_stops_the_others(self):
        """SPEC 7: a target whose server is down (connection refused before the run)
        fails alone: the other targets are synced, the report names the failing
        target, exit 1."""
        self.gt.stop()
        res = self.epi("sync", "-c", self.path, "--yes")
        self.assert_rc(res, 1)
        self.assertRegex(res.err, r"error: gitea acme: cannot start: .*%s" % self.gt.url)
        want = self.expected_writes()
        self.assert_writes(self.gh, want["gh"])
        self.assert_writes(self.ghe, want["ghe"])
        self.assert_synced(("gh", "ghe"))
        self.assert_in_out(res, "Applied 8 changes.")

    def test_unreachable_ghes_never_stops_the_others_json(self):
        """SPEC 7 / README JSON: the GitHub Enterprise target is down: its entry
        carries the error and its owner, the others are synced, exit 1."""
        self.gitea_id("api", "wontfix")
        self.ghe.stop()
        res = self.epi("sync", "-c", self.path, "--yes", "--output", "json")
        self.assert_rc(res, 1)
        doc = res.json()
        t = doc["targets"][1]
        self.assertEqual((t["forge"], t["owner"], t["repos"]), ("github", "platform", []))
        self.assertIn("platform", t["error"])
        self.assertIsNone(doc["targets"][0]["error"])
        self.assertIsNone(doc["targets"][2]["error"])
        want = self.expected_writes()
        self.assert_writes(self.gh, want["gh"])
        self.assert_writes(self.gt, want["gt"])
        self.assert_synced(("gh", "gt"))
        self.assertEqual(doc["summary"]["failed"], 0)
        self.assertTrue(doc["applied"])

    def test_command_line_replaces_the_files_targets(self):
        """SPEC 3: --forge/--url/--org on the command line replace every target of the
        file (its filters and token_env go with them): only that forge is asked."""
        res = self.epi("--forge", "gitea", "--url", self.gt.url, "--org", "acme",
                       "sync", "-c", self.path, "--yes", env={"GITEA_TOKEN": GT_TOKEN})
        self.assert_rc(res, 0)
        self.assertEqual(self.gh.requests, [])
        self.assertEqual(self.ghe.requests, [])
        # the file's include: [api, docs] went with its target: sandbox is synced too
        self.assertEqual({lb["name"] for lb in self.gt.labels("acme", "sandbox")},
                         {"bug", "priority/high"})
        self.assertEqual({r.headers.get("authorization") for r in self.gt.requests},
                         {"token " + GT_TOKEN})
        self.clear()
        res = self.epi("--api-url", self.gh.api_url, "-o", "acme", "plan", "-c", self.path,
                       env={"GH_TOKEN": GH_TOKEN})
        self.assert_rc(res, 2)
        self.assertTrue(self.gh.requests)
        self.assertEqual(self.ghe.requests, [])
        self.assertEqual(self.gt.requests, [])
        self.assert_in_out(res, "acme/legacy-tools\n")     # the file's exclude is gone too
        self.assertNotIn("== ", res.out)                  # one target: no headings

    def test_undo_reverts_every_target(self):
        """SPEC 7: one journal for the whole estate; undo reverts each target with its
        own token (the journal names the token_env, never the token)."""
        before = {"gh": {r: self.gh.labels("acme", r) for r in ("api", "web")},
                  "ghe": {r: [(lb["name"], lb["color"], lb["description"] or None)
                              for lb in self.ghe.labels("platform", r)] for r in ("core", "tools")},
                  "gt": {r: [(lb["name"], lb["color"], lb["description"], lb["exclusive"])
                             for lb in self.gt.labels("acme", r)] for r in ("api", "docs")}}
        home = self.make_home()
        self.assert_rc(self.epi("sync", "-c", self.path, "--yes", home=home), 0)
        self.clear()
        res = self.epi("undo", "--yes", home=home)
        self.assert_rc(res, 0)
        self.assert_no_token_in_files(home, GH_TOKEN)
        # (an empty and a missing description are the same thing: SPEC 3)
        self.assertEqual({r: [(lb["name"], lb["color"], lb["description"] or None)
                              for lb in self.gh.labels("acme", r)] for r in ("api", "web")},
                         {r: [(lb["name"], lb["color"], lb["description"] or None) for lb in v]
                          for r, v in before["gh"].items()})
        self.assertEqual({r: [(lb["name"], lb["color"], lb["description"] or None)
                              for lb in self.ghe.labels("platform", r)] for r in ("core", "tools")},
                         before["ghe"])
        self.assertEqual({r: [(lb["name"], lb["color"], lb["description"], lb["exclusive"])
                              for lb in self.gt.labels("acme", r)] for r in ("api", "docs")},
                         before["gt"])
        self.assertEqual(self.ghe.issue_labels("platform", "core", 1), ["defect"])
        self.assertEqual(self.gt.issue_labels("acme", "api", 3), ["wontfix"])
        for name, fake in self.fakes.items():
            self.assertTrue(all(TOKENS[name] in r.headers.get("authorization", "")
                                for r in fake.requests), name)



class TestSharedPacing(harness.EpithetTestCase):
    def test_two_targets_with_one_token_share_the_write_pacing(self):
        """SPEC 6: write pacing is per token. Two targets (two orgs on one
        api.github.com-style host, one token) do not each get their own clock: the
        first write of the second target waits for the spacing after the last write
        of the first."""
        gh = self.start_fake(FakeGitHub(token=GH_TOKEN))
        for org in ("acme", "beta"):
            gh.add_repo(org, "r1")
            gh.add_repo(org, "r2")
        path = self.write_file("targets:\n"
                               "  - {forge: github, api_url: %s, org: acme}\n"
                               "  - {forge: github, api_url: %s, org: beta}\n"
                               "labels:\n  - {name: bug, color: d73a4a}\n" % (gh.api_url, gh.api_url))
        res = self.run_epithet(["sync", "-c", path, "--write-interval", "0.4"],
                               env={"GH_TOKEN": GH_TOKEN})
        self.assert_rc(res, 0)
        writes = [r for r in gh.requests if r.method == "POST" and "graphql" not in r.path]
        self.assertEqual(len(writes), 4, res)
        gaps = [b.time - a.end_time for a, b in zip(writes, writes[1:])]
        # 0.4 s apart, measured by the fake from the end of one answer to the next
        # request (a little less than the client's own clock sees): allow 50 ms.
        self.assertGreaterEqual(min(gaps), 0.35, gaps)

if __name__ == "__main__":
    harness.main()
