# SPDX-License-Identifier: MIT
"""Sets (issue 11; SPEC.md 9): labels for the repos a set selects, through the real
binary against a fake GitHub. Each repo is planned against its own desired labels
(the top-level ones and its sets'), pruned against them, and a conflict between two
places fails that repo alone. Bad sets are refused before any request (exit 65,
file:line:column)."""

import ghcase
import harness
from ghcase import OWNER

POLICY = """\
labels:
  - name: bug
    color: d73a4a
sets:
  - name: frontend
    repos: ["web-*", "acme/design-system"]
    labels:
      - name: area/ui
        color: 1d76db
  - name: backend
    topics: [backend]
    labels:
      - name: area/db
        color: 5319e7
      - name: bug
        color: d73a4a
keep: ["release/*"]
"""


def populate(gh):
    gh.add_repo(OWNER, "web-app", labels=[{"name": "bug", "color": "d73a4a"}])
    gh.add_repo(OWNER, "design-system")
    gh.add_repo(OWNER, "api", topics=["backend"], labels=[
        {"name": "bug", "color": "d73a4a"},
        {"name": "area/ui", "color": "1d76db"},     # no set gives it to a backend repo
        {"name": "release/1.0", "color": "0e8a16"},  # keep is global
    ])
    gh.add_repo(OWNER, "tools")


NAMED = """\
labels: []
sets:
  - name: ui
    repos: ["web-*"]
    targets: [main]
    labels:
      - name: area/ui
        color: 1d76db
targets:
  - name: main
    api_url: %s
    org: acme
  - name: other
    api_url: %s
    org: beta
"""


class SetsCase(ghcase.GitHubCase):
    def setUp(self):
        super().setUp()
        self.gh = self.fake()
        populate(self.gh)

    def policy(self, text=POLICY):
        return self.write_file(text)


class TestSelection(SetsCase):
    def test_each_repo_gets_its_sets(self):
        """A set selects by glob (NAME, or OWNER/NAME with a '/') or by topic; a repo's
        desired labels are the top-level ones plus its sets', in file order."""
        gh = self.gh
        res = self.epi(gh, "sync", "-c", self.policy(), "--yes")
        self.assert_rc(res, 0)
        self.assertEqual(sorted(self.write_log(gh), key=repr), sorted([
            ("POST", "/repos/acme/api/labels", {"name": "area/db", "color": "5319e7"}),
            ("POST", "/repos/acme/design-system/labels", {"name": "bug", "color": "d73a4a"}),
            ("POST", "/repos/acme/design-system/labels", {"name": "area/ui", "color": "1d76db"}),
            ("POST", "/repos/acme/tools/labels", {"name": "bug", "color": "d73a4a"}),
            ("POST", "/repos/acme/web-app/labels", {"name": "area/ui", "color": "1d76db"}),
        ], key=repr))
        # in file order, per repo
        w = [x[2]["name"] for x in self.write_log(gh) if x[1] == "/repos/acme/design-system/labels"]
        self.assertEqual(w, ["bug", "area/ui"])
        self.assertEqual(self.names(gh, "api"), ["bug", "area/ui", "release/1.0", "area/db"])

    def test_prune_is_per_repo(self):
        """--prune prunes each repo against its own labels: area/ui goes from the
        backend repo no set gives it to, and stays where the frontend set gives it;
        keep stays global."""
        gh = self.gh
        gh.add_label(OWNER, "web-app", "stale", "eeeeee")
        res = self.epi(gh, "sync", "-c", self.policy(), "--prune", "--yes")
        self.assert_rc(res, 0)
        deletes = sorted(x[1] for x in self.write_log(gh) if x[0] == "DELETE")
        self.assertEqual(deletes, ["/repos/acme/api/labels/area%2Fui",
                                   "/repos/acme/web-app/labels/stale"])
        self.assertEqual(sorted(self.names(gh, "api")), ["area/db", "bug", "release/1.0"])
        self.assertEqual(sorted(self.names(gh, "web-app")), ["area/ui", "bug"])

    def test_plan_names_the_sets(self):
        """The plan names each repo's sets: human on the repo's line, JSON "sets"."""
        gh = self.gh
        path = self.policy()
        res = self.epi(gh, "plan", "-c", path)
        self.assert_rc(res, 2)
        self.assert_in_out(res, "acme/api  [sets: backend]\n")
        self.assert_in_out(res, "acme/design-system  [sets: frontend]\n")
        self.assert_in_out(res, "acme/tools\n")
        res = self.epi(gh, "plan", "-c", path, "--output", "json")
        self.assert_rc(res, 2)
        sets = {r["repo"]: r["sets"] for r in res.json()["targets"][0]["repos"]}
        self.assertEqual(sets, {"acme/api": ["backend"], "acme/design-system": ["frontend"],
                                "acme/tools": [], "acme/web-app": ["frontend"]})
        self.assert_no_writes(gh, res)

    def test_sets_limited_to_named_targets(self):
        """`targets` in a set: only the repos of the targets with those names."""
        gh = self.gh
        gh.add_repo("beta", "web-beta")
        path = self.policy(NAMED % (gh.api_url, gh.api_url))
        res = self.run_epithet(["--write-interval", "0", "sync", "-c", path, "--yes"],
                               env={"EPITHET_TOKEN": ghcase.TOKEN})
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [
            ("POST", "/repos/acme/web-app/labels", {"name": "area/ui", "color": "1d76db"})])


class TestCommandLineTargets(SetsCase):
    """--org/--repo replace the file's targets: the command line's target keeps the
    name of the file's target on the same forge, URL and owner; a set for named
    targets that applies nowhere because of it is said, once, on stderr."""

    def setUp(self):
        super().setUp()
        self.gh.add_repo("beta", "web-beta")
        self.gh.add_repo("gamma", "web-gamma")
        self.path = self.policy(NAMED % (self.gh.api_url, self.gh.api_url))

    def test_org_of_a_named_target(self):
        gh = self.gh
        res = self.epi(gh, "sync", "-c", self.path, "--yes")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [
            ("POST", "/repos/acme/web-app/labels", {"name": "area/ui", "color": "1d76db"})])
        self.assertNotIn("applies to no repo", res.err)

    def test_repo_of_a_named_target(self):
        """--repo OWNER/NAME stands for the target of that org."""
        gh = self.gh
        res = self.epi(gh, "plan", "-c", self.path, "--output", "json", org=None,
                       pre=("--repo", "acme/web-app", "--repo", "acme/tools"))
        self.assert_rc(res, 2)
        sets = {r["repo"]: r["sets"] for r in res.json()["targets"][0]["repos"]}
        self.assertEqual(sets, {"acme/web-app": ["ui"], "acme/tools": []})
        res = self.epi(gh, "plan", "-c", self.path, org=None, pre=("--repo", "beta/web-beta"))
        self.assert_rc(res, 0)
        self.assertNotIn("applies to no repo", res.err)
        self.assert_no_writes(gh, res)

    def test_no_named_target_there_is_said(self):
        """An owner no named target works on: the set applies nowhere, and the run
        says so once (not with --quiet); the rest goes on."""
        gh = self.gh
        for args in (("plan",), ("sync", "--yes")):
            res = self.epi(gh, *args, "-c", self.path, org="gamma")
            self.assert_rc(res, 0)
            self.assert_no_writes(gh, res)
            self.assertEqual(res.err.count("applies to no repo"), 1, res.err)
            self.assert_in_err(res, "%s:3:5: set 'ui' applies to no repo in this run: it is only "
                               "for the targets 'main', and the command line's target replaces "
                               "the file's without being one of them (no named target of the "
                               "file has this forge, URL and owner)" % self.path)
        res = self.epi(gh, "plan", "-c", self.path, "--quiet", org="gamma")
        self.assert_rc(res, 0)
        self.assertEqual(res.err, "")

    def test_another_url_is_another_target(self):
        """The same org on another URL is not the file's target."""
        other = self.fake()
        other.add_repo(OWNER, "web-app")
        res = self.epi(other, "plan", "-c", self.path)
        self.assert_rc(res, 0)
        self.assert_in_err(res, "set 'ui' applies to no repo in this run")
        self.assertEqual(self.reads(self.gh), [])

class TestConflicts(SetsCase):
    def test_conflict_fails_that_repo_alone(self):
        """The same label from two places with different fields: that repo fails
        (both places named: file, line and column), nothing is written to it; the other
        repos are done; exit 1."""
        gh = self.gh
        path = self.write_file(POLICY.replace('keep: ["release/*"]\n', "") + """\
  - name: design
    repos: ["design-*"]
    labels:
      - name: AREA/UI
        color: ff0000
""")
        res = self.epi(gh, "sync", "-c", path, "--yes")
        self.assert_rc(res, 1)
        self.assert_in_err(res, "acme/design-system: label 'AREA/UI' is given twice with "
                                "different fields, at %s:8:9 (set 'frontend') and at %s:20:9 "
                                "(set 'design'); nothing is written to this repo" % (path, path))
        self.assertFalse([x for x in self.write_log(gh) if "/design-system/" in x[1]])
        self.assertEqual(sorted(x[1] for x in self.write_log(gh)), [
            "/repos/acme/api/labels", "/repos/acme/tools/labels", "/repos/acme/web-app/labels"])
        self.assertEqual(self.names(gh, "design-system"), [])

    def test_conflict_json(self):
        gh = self.gh
        path = self.write_file(POLICY.replace('keep: ["release/*"]\n', "") + "  - name: x\n    repos: [tools]\n    labels:\n"
                               "      - name: bug\n        color: '000000'\n")
        res = self.epi(gh, "plan", "-c", path, "--output", "json")
        self.assert_rc(res, 1)
        repos = {r["repo"]: r for r in res.json()["targets"][0]["repos"]}
        self.assertIn("label 'bug' is given twice", repos["acme/tools"]["error"])
        self.assertIn("(top-level labels)", repos["acme/tools"]["error"])
        self.assertEqual(repos["acme/tools"]["changes"], [])
        self.assertIsNone(repos["acme/api"]["error"])

    def test_identical_twice_is_fine(self):
        """backend gives bug exactly as the top level does: no conflict."""
        gh = self.gh
        res = self.epi(gh, "plan", "-c", self.policy())
        self.assertNotIn("given twice", res.err)


class TestBadSets(SetsCase):
    def bad(self, text, where, message):
        gh = self.gh
        path = self.write_file(text)
        gh.clear_requests()
        res = self.epi(gh, "sync", "-c", path, "--yes")
        self.assert_rc(res, 65)
        self.assert_in_err(res, "%s:%s: %s" % (path, where, message))
        self.assert_no_requests(gh, res)
        return res

    def test_set_without_selectors(self):
        self.bad("labels: []\nsets:\n  - name: s\n    labels: []\n", "3:5",
                 "set 's' selects no repos: give 'repos' (globs, like --include) or 'topics'")

    def test_set_name_after_bad_selectors(self):
        """The set's name is still right after the selectors' own errors (each of
        which shows text of the file): it was read after being freed."""
        res = self.bad("labels: []\nsets:\n  - name: s\n    repos: [true, false]\n"
                       "    topics: [true]\n", "3:5",
                       "set 's' selects no repos: give 'repos' (globs, like --include) or 'topics'")
        self.assert_in_err(res, "3:5: set 's' has no 'labels'")
        self.assert_in_err(res, "4:19: an item of 'repos' must be text, not the boolean false")

    def test_set_without_labels(self):
        self.bad("labels: []\nsets:\n  - name: s\n    repos: [a]\n", "3:5",
                 "set 's' has no 'labels'")

    def test_set_without_name(self):
        self.bad("labels: []\nsets:\n  - repos: [a]\n    labels: []\n", "3:5",
                 "this set has no 'name'")

    def test_duplicate_set_names(self):
        self.bad("labels: []\nsets:\n  - {name: s, repos: [a], labels: []}\n"
                 "  - {name: s, topics: [b], labels: []}\n", "4:5",
                 "set 's' is given twice (first at line 3)")

    def test_unknown_key_with_hint(self):
        self.bad("labels: []\nsets:\n  - name: s\n    repo: [a]\n    labels: []\n", "4:5",
                 "unknown key 'repo' in a set (did you mean 'repos'?)")

    def test_unknown_top_key_with_hint(self):
        self.bad("labels: []\nset: []\n", "2:1",
                 "unknown key 'set' in the file (did you mean 'sets'?)")

    def test_duplicate_target_names(self):
        gh = self.gh
        self.bad("labels: []\ntargets:\n  - {name: t, org: acme, api_url: %s}\n"
                 "  - {name: t, org: beta, api_url: %s}\n" % (gh.api_url, gh.api_url), "4:5",
                 "target 't' is given twice (first at line 3)")

    def test_unknown_target_in_set(self):
        gh = self.gh
        self.bad("labels: []\nsets:\n  - name: s\n    repos: [a]\n    targets: [main, nope]\n"
                 "    labels: []\ntargets:\n  - {name: main, org: acme, api_url: %s}\n"
                 % gh.api_url, "5:21",
                 "set 's' names the target 'nope', but no target has that name")

    def test_bad_label_in_a_set(self):
        self.bad("labels: []\nsets:\n  - name: s\n    repos: [a]\n    labels:\n"
                 "      - name: x\n        color: nope\n", "7:16",
                 "color 'nope' is not 3 or 6 hex digits")

    def test_same_label_twice_in_one_set(self):
        self.bad("labels: []\nsets:\n  - name: s\n    repos: [a]\n    labels:\n"
                 "      - name: x\n      - name: X\n", "7:15",
                 "label 'X' is the same label as 'x' at line 6")


if __name__ == "__main__":
    harness.main()
