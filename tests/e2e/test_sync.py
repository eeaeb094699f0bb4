# SPDX-License-Identifier: MIT
"""Labels files against a fake GitHub (issue 3; SPEC.md 3, 4, 7, 8): sync, plan,
export, copy, aliases, merges, delete, prune and keep, undo and the journal, JSON
output.  Each test checks the forge's final state and the exact writes sent."""

import json
import os

import harness
import ghcase
from ghcase import TOKEN, label_path

LABELS_YML = """\
# the file every test of this module starts from
labels:
  - name: bug
    color: d73a4a
    description: Something isn't working
    aliases: [defect]
  - name: documentation
    color: "0075CA"
    aliases: [docs]
  - name: feature
    color: "#a2eeef"
    description: New feature or request
  - name: wontfix
    delete: true
keep: ["release/*"]
"""

# The same file in JSON, as a mapping and as the plain list (no keep) ...
LABELS = [
    {"name": "bug", "color": "d73a4a", "description": "Something isn't working",
     "aliases": ["defect"]},
    {"name": "documentation", "color": "0075CA", "aliases": ["docs"]},
    {"name": "feature", "color": "#a2eeef", "description": "New feature or request"},
    {"name": "wontfix", "delete": True},
]
# ... and the plain YAML list of the label-sync tools.
LIST_YML = """\
- name: bug
  color: d73a4a
  description: Something isn't working
  aliases:
    - defect
- name: documentation
  color: "0075CA"
  aliases: [docs]
- name: feature
  color: "#a2eeef"
  description: New feature or request
- name: wontfix
  delete: true
"""

# What a repo looks like once synced with the file above (colour, description).
SYNCED = {"bug": ("d73a4a", "Something isn't working"),
          "documentation": ("0075ca", None),
          "feature": ("a2eeef", "New feature or request")}


def populate(gh):
    """r1: every case at once; r2: aliases to rename; r3: already in sync."""
    gh.add_repo("acme", "r1", labels=[
        {"name": "Bug", "color": "d73a4a", "description": "Something isn't working"},
        {"name": "defect", "color": "ff0000", "description": "old defect"},
        {"name": "documentation", "color": "000000"},
        {"name": "wontfix", "color": "ffffff", "description": "Will not be worked on"},
        {"name": "stale", "color": "eeeeee", "description": "No activity"},
        {"name": "release/1.0", "color": "0e8a16"},
    ], issues=[
        {"number": 1, "labels": ["defect"]},
        {"number": 2, "labels": ["defect", "Bug"], "pull": True},
        {"number": 3, "labels": ["stale", "wontfix"]},
        {"number": 4, "labels": ["stale"], "pull": True},
        {"number": 5, "labels": ["release/1.0"]},
    ])
    gh.add_repo("acme", "r2", labels=[
        {"name": "defect", "color": "d73a4a", "description": "Something isn't working"},
        {"name": "docs", "color": "0075ca", "description": "Docs"},
    ], issues=[{"number": 7, "labels": ["defect", "docs"]}])
    gh.add_repo("acme", "r3", labels=[
        {"name": "bug", "color": "d73a4a", "description": "Something isn't working"},
        {"name": "documentation", "color": "0075ca"},
        {"name": "feature", "color": "a2eeef", "description": "New feature or request"},
    ])


class SyncCase(ghcase.GitHubCase):
    def setUp(self):
        super().setUp()
        self.gh = self.fake()
        populate(self.gh)

    def labels_file(self, text=LABELS_YML, name="labels.yml"):
        return self.write_file(text, name)

    def assert_synced(self, repos=("r1", "r2", "r3"), extra=None):
        for r in repos:
            st = self.state(self.gh, [r])[r]
            want = dict(SYNCED)
            want.update((extra or {}).get(r, {}))
            self.assertEqual({k: v for k, v in st.items()}, want, "repo %s" % r)


class TestSyncFiles(SyncCase):
    def check_full_sync(self, res):
        gh = self.gh
        self.assert_rc(res, 0)
        w = self.write_log(gh)
        r1 = [x for x in w if x[1].startswith("/repos/acme/r1/")]
        r2 = [x for x in w if x[1].startswith("/repos/acme/r2/")]
        self.assertFalse([x for x in w if x[1].startswith("/repos/acme/r3/")])
        # r1: the merge of defect into bug (every issue carrying defect gets bug, then
        # defect goes), the case fix, documentation's colour, feature created, wontfix
        # deleted; stale and release/1.0 left alone (no --prune)
        self.assertEqual(sorted(r1[:2]), [
            ("POST", "/repos/acme/r1/issues/1/labels", {"labels": ["bug"]}),
            ("POST", "/repos/acme/r1/issues/2/labels", {"labels": ["bug"]})])
        self.assertEqual(r1[2:], [
            ("DELETE", "/repos/acme/r1/labels/defect", None),
            ("PATCH", "/repos/acme/r1/labels/Bug", {"new_name": "bug"}),
            ("PATCH", "/repos/acme/r1/labels/documentation", {"color": "0075ca"}),
            ("POST", "/repos/acme/r1/labels", {"name": "feature", "color": "a2eeef",
                                               "description": "New feature or request"}),
            ("DELETE", "/repos/acme/r1/labels/wontfix", None),
        ])
        # r2: two renames in place (issues keep them), feature created
        self.assertEqual(r2, [
            ("PATCH", "/repos/acme/r2/labels/defect", {"new_name": "bug"}),
            ("PATCH", "/repos/acme/r2/labels/docs", {"new_name": "documentation"}),
            ("POST", "/repos/acme/r2/labels", {"name": "feature", "color": "a2eeef",
                                               "description": "New feature or request"}),
        ])
        self.assert_synced(("r1", "r3"), extra={"r1": {"stale": ("eeeeee", "No activity"),
                                                       "release/1.0": ("0e8a16", None)}})
        self.assertEqual(self.state(gh, ["r2"])["r2"], {
            "bug": ("d73a4a", "Something isn't working"),
            "documentation": ("0075ca", "Docs"),   # description left out: kept
            "feature": ("a2eeef", "New feature or request")})
        for n, labels in ((1, ["bug"]), (2, ["bug"]), (3, ["stale"]), (4, ["stale"]),
                          (5, ["release/1.0"])):
            self.assertEqual(gh.issue_labels("acme", "r1", n), labels, "issue %d" % n)
        self.assertEqual(gh.issue_labels("acme", "r2", 7), ["bug", "documentation"])

    def test_yaml_mapping_sync(self):
        """SPEC 3/4: a YAML mapping file drives sync: case fix, alias rename, merge,
        update, create, delete: true; labels the file does not name stay."""
        res = self.epi(self.gh, "sync", "-c", self.labels_file(), "--yes")
        self.check_full_sync(res)

    def test_yaml_list_sync(self):
        """SPEC 3 compatibility: the label-sync tools' top-level YAML list drives the
        same sync."""
        res = self.epi(self.gh, "sync", "-c", self.labels_file(LIST_YML), "--yes")
        self.check_full_sync(res)

    def test_json_mapping_sync(self):
        """SPEC 3: a JSON mapping (labels + keep) drives the same sync."""
        path = self.labels_file(json.dumps({"labels": LABELS, "keep": ["release/*"]}),
                                "labels.json")
        res = self.epi(self.gh, "sync", "--config", path, "--yes")
        self.check_full_sync(res)

    def test_json_list_sync_default_file(self):
        """SPEC 2/3: a JSON top-level list, found as ./labels.json when no -c is given."""
        d = self.tmpdir()
        self.write_file(json.dumps(LABELS), "labels.json", d)
        res = self.epi(self.gh, "sync", "--yes", cwd=d)
        self.check_full_sync(res)

    def test_targets_from_the_file(self):
        """SPEC 3: a file's targets say where the labels go when the command line
        does not (api_url and org here)."""
        text = ("targets:\n  - forge: github\n    api_url: %s\n    org: acme\n"
                "    exclude: [r1]\n" % self.gh.api_url) + LABELS_YML.split("\n", 1)[1]
        path = self.labels_file(text)
        res = self.run_epithet(["sync", "-c", path, "--write-interval", "0", "--yes"],
                               env={"EPITHET_TOKEN": TOKEN})
        self.assert_rc(res, 0)
        self.assertFalse([w for w in self.write_log(self.gh) if "/r1/" in w[1]])
        self.assert_synced(("r2",), extra={"r2": {"documentation": ("0075ca", "Docs")}})


class TestPlan(SyncCase):
    def test_plan_is_a_drift_check(self):
        """SPEC 2: plan is exactly sync --dry-run: only reads; exit 2 on drift; after
        a sync, exit 0 (a CI drift check).  Destructive changes need no --yes to plan."""
        path = self.labels_file()
        res = self.epi(self.gh, "plan", "-c", path)
        self.assert_rc(res, 2)
        self.assertEqual({r.method for r in self.gh.requests if not self.gh.is_graphql(r)},
                         {"GET"})
        self.assert_in_out(res, "acme/r1\n")
        self.assert_in_out(res, "  = defect -> bug, then delete defect (1 issue, 1 PR)\n")
        self.assert_in_out(res, "  - wontfix (1 issue, 0 PRs) [delete: true]\n")
        self.assert_in_out(res, "  > defect -> bug\n")
        self.assertNotIn("acme/r3", res.out)
        self.assertEqual(self.journals(res.home), [])
        self.assert_rc(self.epi(self.gh, "sync", "-c", path, "-y"), 0)
        self.gh.clear_requests()
        res = self.epi(self.gh, "plan", "-c", path)
        self.assert_rc(res, 0)
        self.assert_in_out(res, "Plan: no changes; 3 repos up to date.")
        self.assert_no_writes(self.gh, res)

    def test_plan_summary_line(self):
        """SPEC 8: one summary line counting each kind of change."""
        res = self.epi(self.gh, "plan", "-c", self.labels_file())
        self.assert_rc(res, 2)
        self.assert_in_out(res, "Plan: 2 to create, 2 to update, 2 to rename, 1 to merge, "
                                "1 to delete in 2 of 3 repos.\n")

    def test_plan_json(self):
        """README JSON: the plan as one document, checked key by key."""
        res = self.epi(self.gh, "plan", "-c", self.labels_file(), "--output", "json")
        self.assert_rc(res, 2)
        doc = res.json()
        self.assertEqual((doc["command"], doc["dry_run"], doc["applied"], doc["refused"],
                          doc["journal"]), ("plan", True, False, False, None))
        repos = {r["repo"]: r for r in doc["targets"][0]["repos"]}
        ch = repos["acme/r1"]["changes"]
        merge = ch[0]
        merge["items"] = sorted(merge["items"])
        self.assertEqual(ch, [
            {"op": "merge", "label": "defect", "into": "bug", "destructive": True, "issues": 1,
             "pulls": 1, "items": [1, 2], "status": "planned"},
            {"op": "update", "label": "Bug", "new_name": "bug", "destructive": False,
             "status": "planned"},
            {"op": "update", "label": "documentation", "old_color": "000000",
             "color": "0075ca", "destructive": False, "status": "planned"},
            {"op": "create", "label": "feature", "color": "a2eeef",
             "description": "New feature or request", "destructive": False,
             "status": "planned"},
            {"op": "delete", "label": "wontfix", "reason": "delete: true", "destructive": True,
             "issues": 1, "pulls": 0, "items": [3], "status": "planned"},
        ])
        self.assertEqual(repos["acme/r2"]["changes"], [
            {"op": "rename", "label": "defect", "new_name": "bug", "destructive": False,
             "status": "planned"},
            {"op": "rename", "label": "docs", "new_name": "documentation", "destructive": False,
             "status": "planned"},
            {"op": "create", "label": "feature", "color": "a2eeef",
             "description": "New feature or request", "destructive": False,
             "status": "planned"},
        ])
        self.assertEqual(repos["acme/r3"]["changes"], [])
        self.assertEqual(doc["summary"], {"repos": 3, "repos_changed": 2, "create": 2,
                                          "update": 2, "rename": 2, "merge": 1, "delete": 1,
                                          "archive": 0, "notice": 0, "failed": 0})
        self.assert_no_writes(self.gh, res)

    def test_applied_sync_json(self):
        """README JSON: an applied sync reports each change done, the summary counts,
        request counts and the journal path."""
        res = self.epi(self.gh, "sync", "-c", self.labels_file(), "--prune", "--yes",
                       "--output", "json")
        self.assert_rc(res, 0)
        doc = res.json()
        self.assertEqual((doc["command"], doc["dry_run"], doc["applied"], doc["refused"]),
                         ("sync", False, True, False))
        self.assertEqual(self.journals(res.home), [doc["journal"]])
        t = doc["targets"][0]
        self.assertEqual(t["requests"]["writes"], len(self.gh.writes()))
        self.assertEqual(t["requests"]["total"], len(self.gh.requests))
        repos = {r["repo"]: r for r in t["repos"]}
        statuses = {r: [(c["op"], c["label"], c["status"]) for c in v["changes"]]
                    for r, v in repos.items()}
        self.assertEqual(statuses, {
            "acme/r1": [("merge", "defect", "done"), ("update", "Bug", "done"),
                        ("update", "documentation", "done"), ("create", "feature", "done"),
                        ("delete", "wontfix", "done"), ("delete", "stale", "done")],
            "acme/r2": [("rename", "defect", "done"), ("rename", "docs", "done"),
                        ("create", "feature", "done")],
            "acme/r3": []})
        stale = repos["acme/r1"]["changes"][5]
        stale["items"] = sorted(stale["items"])
        self.assertEqual(stale, {"op": "delete", "label": "stale", "reason": "prune",
                                 "destructive": True, "issues": 1, "pulls": 1, "items": [3, 4],
                                 "status": "done"})
        self.assertEqual(doc["summary"], {"repos": 3, "repos_changed": 2, "create": 2,
                                          "update": 2, "rename": 2, "merge": 1, "delete": 2,
                                          "archive": 0, "notice": 0, "failed": 0})


class TestSyncRules(SyncCase):
    def test_idempotent_second_sync(self):
        """SPEC 6: a second sync of the same file sends no write at all."""
        path = self.labels_file()
        home = self.make_home()
        self.assert_rc(self.epi(self.gh, "sync", "-c", path, "--prune", "-y", home=home), 0)
        self.gh.clear_requests()
        res = self.epi(self.gh, "sync", "-c", path, "--prune", "-y", home=home)
        self.assert_rc(res, 0)
        self.assert_no_writes(self.gh, res)
        self.assert_in_out(res, "Plan: no changes; 3 repos up to date.")

    def test_prune_refused_off_a_terminal_changes_nothing(self):
        """SPEC 4: --prune is destructive; off a terminal without --yes the whole run
        is refused before anything changes, not even the safe changes: exit 1."""
        res = self.epi(self.gh, "sync", "-c", self.labels_file(), "--prune")
        self.assert_rc(res, 1)
        self.assert_in_err(res, "refusing to apply")
        self.assert_no_writes(self.gh, res)
        self.assertEqual(self.names(self.gh, "r1"), ["Bug", "defect", "documentation",
                                                     "wontfix", "stale", "release/1.0"])
        self.assertEqual(self.names(self.gh, "r2"), ["defect", "docs"])
        self.assertEqual(self.journals(res.home), [])

    def test_prune_with_yes_keeps_keep_globs(self):
        """SPEC 3/4: --prune deletes labels the file does not name, except those matching
        keep; the issues lose only the pruned label."""
        res = self.epi(self.gh, "sync", "-c", self.labels_file(), "--prune", "--yes")
        self.assert_rc(res, 0)
        self.assertIn(("DELETE", "/repos/acme/r1/labels/stale", None), self.write_log(self.gh))
        self.assertFalse([w for w in self.write_log(self.gh) if "release" in w[1]])
        self.assert_synced(("r1", "r3"), extra={"r1": {"release/1.0": ("0e8a16", None)}})
        self.assertEqual(self.gh.issue_labels("acme", "r1", 3), [])
        self.assertEqual(self.gh.issue_labels("acme", "r1", 5), ["release/1.0"])

    def test_keep_globs_with_empty_labels(self):
        """SPEC 3: `labels: []` with --prune deletes every label but those kept."""
        path = self.labels_file("labels: []\nkeep: ['release/*', 'd*']\n")
        res = self.epi(self.gh, "sync", "-c", path, "--prune", "--yes", pre=["-r", "acme/r1"],
                       org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.names(self.gh, "r1"), ["defect", "documentation", "release/1.0"])
        self.assertEqual(sorted(w[1] for w in self.write_log(self.gh)),
                         sorted(label_path("r1", n) for n in ("Bug", "wontfix", "stale")))

    def test_merge_relabels_every_issue(self):
        """SPEC 4.3: alias and label both exist: every issue/PR carrying the alias gets
        the label, then the alias is deleted; no issue ends up unlabelled."""
        gh = self.gh
        gh.add_repo("acme", "m", labels=["bug", "defect", "type: bug"], issues=[
            {"number": n, "labels": ["defect"] if n % 2 else ["defect", "bug"], "pull": n > 6}
            for n in range(1, 10)] + [{"number": 10, "labels": ["type: bug"]}])
        path = self.labels_file("- name: bug\n  aliases: [defect, 'type: bug']\n")
        res = self.epi(gh, "sync", "-c", path, "--yes", pre=["-r", "acme/m"], org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.names(gh, "m"), ["bug"])
        for n in range(1, 11):
            self.assertEqual(gh.issue_labels("acme", "m", n), ["bug"], "issue %d" % n)
        w = self.write_log(gh)
        self.assertEqual([x for x in w if x[0] == "DELETE"],
                         [("DELETE", "/repos/acme/m/labels/defect", None),
                          ("DELETE", "/repos/acme/m/labels/type%3A%20bug", None)])
        self.assertFalse([x for x in w if x[0] == "PATCH"])
        self.assertTrue(all(x[2] == {"labels": ["bug"]} for x in w if x[0] == "POST"))

    def test_several_aliases_first_renamed_others_merged(self):
        """SPEC 4.2: label missing, several aliases exist: the first is renamed (one
        PATCH) and the others merged into it."""
        gh = self.gh
        gh.add_repo("acme", "m", labels=["defect", "type: bug"], issues=[
            {"number": 1, "labels": ["defect"]}, {"number": 2, "labels": ["type: bug"]}])
        path = self.labels_file("- name: bug\n  aliases: [defect, 'type: bug']\n")
        res = self.epi(gh, "sync", "-c", path, "--yes", pre=["-r", "acme/m"], org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [
            ("PATCH", "/repos/acme/m/labels/defect", {"new_name": "bug"}),
            ("POST", "/repos/acme/m/issues/2/labels", {"labels": ["bug"]}),
            ("DELETE", "/repos/acme/m/labels/type%3A%20bug", None)])
        self.assertEqual(self.names(gh, "m"), ["bug"])
        self.assertEqual(gh.issue_labels("acme", "m", 1), ["bug"])
        self.assertEqual(gh.issue_labels("acme", "m", 2), ["bug"])

    def test_delete_true_refused_without_yes(self):
        """SPEC 4.5: delete: true is destructive: refused off a terminal without --yes."""
        path = self.labels_file("- name: wontfix\n  delete: true\n")
        res = self.epi(self.gh, "sync", "-c", path)
        self.assert_rc(res, 1)
        self.assert_no_writes(self.gh, res)
        res = self.epi(self.gh, "sync", "-c", path, "-y")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(self.gh), [("DELETE", "/repos/acme/r1/labels/wontfix",
                                                    None)])

    def test_description_empty_clears_missing_keeps(self):
        """SPEC 3: a field left out is left as it is; description: "" clears it; no
        request for a label that already matches (null and "" are the same)."""
        gh = self.gh
        gh.add_repo("acme", "d", labels=[{"name": "a", "color": "111111", "description": "x"},
                                         {"name": "b", "color": "222222", "description": "y"},
                                         {"name": "c", "color": "333333"}])
        path = self.labels_file("- {name: a}\n- {name: b, description: ''}\n"
                                "- {name: c, description: ''}\n")
        res = self.epi(gh, "sync", "-c", path, pre=["-r", "acme/d"], org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [("PATCH", "/repos/acme/d/labels/b",
                                               {"description": ""})])
        self.assertEqual(self.state(gh, ["d"])["d"], {"a": ("111111", "x"),
                                                      "b": ("222222", None),
                                                      "c": ("333333", None)})


class TestExportCopy(SyncCase):
    def test_export_plan_round_trip(self):
        """SPEC 2 export: the selection's labels written with --out load back as a file
        that plans no change (exit 0) against the same selection."""
        gh = self.gh
        for r in ("e1", "e2"):
            gh.add_repo("acme", r, labels=[
                {"name": "bug", "color": "d73a4a", "description": "Something isn't working"},
                {"name": "priority/high", "color": "b60205"},
                {"name": "\U0001F41B yes", "color": "000000", "description": "null"},
                {"name": "2024", "color": "0e8a16", "description": "#1: a: b"}])
        out = os.path.join(self.tmpdir(), "exported.yml")
        res = self.epi(gh, "export", "--out", out, pre=["--include", "e*"])
        self.assert_rc(res, 0)
        self.assertEqual(res.out, "")
        self.assert_no_writes(gh, res)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("# in 2 repos", text)
        self.assertIn("\U0001F41B yes", text)
        gh.clear_requests()
        res = self.epi(gh, "plan", "-c", out, pre=["--include", "e*"])
        self.assert_rc(res, 0)
        self.assert_no_writes(gh, res)
        # the file names every label: a pruning plan finds nothing either
        res = self.epi(gh, "plan", "--prune", "-c", out, pre=["--include", "e*"])
        self.assert_rc(res, 0)

    def test_export_from_one_repo(self):
        """SPEC 2: export --from OWNER/REPO writes that repo's labels (stdout), reading
        only it; the result plans no change against it."""
        res = self.epi(self.gh, "export", "--from", "acme/r2", org=None)
        self.assert_rc(res, 0)
        paths = {r.path for r in self.gh.requests}
        self.assertEqual(paths, {"/repos/acme/r2", "/repos/acme/r2/labels"})
        self.assertRegex(res.out, r'^- name: defect\n  color: "d73a4a"\n'
                                  r'  description: "?Something isn\'t working"?\n'
                                  r'- name: docs\n  color: "0075ca"\n  description: Docs\n$')
        path = self.labels_file(res.out)
        res = self.epi(self.gh, "plan", "--prune", "-c", path, pre=["-r", "acme/r2"], org=None)
        self.assert_rc(res, 0)

    def test_copy_makes_other_repos_match(self):
        """SPEC 2 copy: the source repo's labels become the labels file; other repos
        get them (created, updated); extra labels stay unless --prune."""
        gh = self.gh
        res = self.epi(gh, "copy", "acme/r3", pre=["--include", "r[12]"])
        self.assert_rc(res, 0)
        st = self.state(gh, ["r1", "r2"])
        for r in ("r1", "r2"):
            for name, (color, desc) in SYNCED.items():
                self.assertEqual(st[r][name], (color, desc), (r, name))
        self.assertIn("stale", st["r1"])   # extra labels stay
        self.assertIn("defect", st["r2"])
        gh.clear_requests()
        res = self.epi(gh, "copy", "acme/r3", "--prune", "--yes", pre=["--include", "r[12]"])
        self.assert_rc(res, 0)
        for r in ("r1", "r2"):
            self.assertEqual(self.state(gh, [r])[r], SYNCED, r)
        self.assertTrue(all(w[0] == "DELETE" for w in self.write_log(gh)))
        gh.clear_requests()
        res = self.epi(gh, "copy", "acme/r3", "--prune")
        self.assert_rc(res, 0)
        self.assert_no_writes(gh, res)


class TestUndo(SyncCase):
    def test_undo_after_prune_restores_labels_and_issues(self):
        """SPEC 7: undo after a prune recreates each label with its colour and
        description and puts it back on the same issues and PRs; the journal lives
        under $XDG_STATE_HOME/epithet/journal and names the issues."""
        gh = self.gh
        home = self.make_home()
        before = self.state(gh, ["r1"])["r1"]
        path = self.labels_file("labels: []\nkeep: ['release/*']\n")
        res = self.epi(gh, "sync", "-c", path, "--prune", "--yes", pre=["-r", "acme/r1"],
                       org=None, home=home)
        self.assert_rc(res, 0)
        self.assertEqual(self.names(gh, "r1"), ["release/1.0"])
        (jpath,) = self.journals(home)
        self.assertEqual(os.path.dirname(jpath),
                         os.path.join(home, ".state", "epithet", "journal"))
        self.assertIn(jpath, res.out)
        lines = self.journal_lines(jpath)
        items = {e["before"]["name"]: sorted(i["number"] for i in e.get("items", []))
                 for e in lines if e.get("op") == "delete"}
        self.assertEqual(items, {"Bug": [2], "defect": [1, 2], "documentation": [],
                                 "wontfix": [3], "stale": [3, 4]})
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.state(gh, ["r1"])["r1"], before)
        self.assertEqual(sorted(self.names(gh, "r1")), sorted(before))
        self.assertEqual(sorted(gh.issue_labels("acme", "r1", 1)), ["defect"])
        self.assertEqual(sorted(gh.issue_labels("acme", "r1", 2)), ["Bug", "defect"])
        self.assertEqual(sorted(gh.issue_labels("acme", "r1", 3)), ["stale", "wontfix"])
        self.assertEqual(sorted(gh.issue_labels("acme", "r1", 4)), ["stale"])
        w = self.write_log(gh)
        self.assertEqual(sorted(x[2]["name"] for x in w if x[1] == "/repos/acme/r1/labels"),
                         sorted(["Bug", "defect", "documentation", "wontfix", "stale"]))
        self.assertIn(("POST", "/repos/acme/r1/labels",
                       {"name": "stale", "color": "eeeeee", "description": "No activity"}), w)
        self.assertEqual(len(w), 5 + 6)  # five labels, six issue attachments
        # undo twice: the second changes nothing
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assert_no_writes(gh, res)
        self.assertEqual(self.state(gh, ["r1"])["r1"], before)

    def test_undo_twice_never_reaches_an_older_run(self):
        """SPEC 2/7: undoing twice changes nothing the second time, also when an older
        run is in the journal: a second `epithet undo` does not go on to revert it."""
        gh = self.gh
        home = self.make_home()
        self.assert_rc(self.epi(gh, "ensure", "older", home=home), 0)
        self.assert_rc(self.epi(gh, "ensure", "newer", home=home), 0)
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assertEqual(sorted(w[1] for w in self.write_log(gh)),
                         sorted(label_path(r, "newer") for r in ("r1", "r2", "r3")))
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assert_in_err(res, "already undone")
        self.assert_no_writes(gh, res)
        for r in ("r1", "r2", "r3"):
            self.assertIsNotNone(gh.label("acme", r, "older"))
            self.assertIsNone(gh.label("acme", r, "newer"))

    def test_undo_a_named_journal_twice(self):
        """SPEC 2: undo JOURNAL reverts that run; naming it again changes nothing."""
        gh = self.gh
        home = self.make_home()
        self.assert_rc(self.epi(gh, "ensure", "first", "--color", "111111", home=home), 0)
        (first,) = self.journals(home)
        self.assert_rc(self.epi(gh, "ensure", "second", home=home), 0)
        gh.clear_requests()
        for attempt in (1, 2):
            res = self.epi(gh, "undo", first, "--yes", home=home, org=None)
            self.assert_rc(res, 0)
            if attempt == 1:
                self.assertEqual(sorted(w[1] for w in self.write_log(gh)),
                                 sorted(label_path(r, "first") for r in ("r1", "r2", "r3")))
            else:
                self.assert_no_writes(gh, res)
            gh.clear_requests()
        self.assertIsNotNone(gh.label("acme", "r1", "second"))
        self.assertIsNone(gh.label("acme", "r1", "first"))

    def test_undo_needs_yes_off_a_terminal(self):
        """SPEC 2: undo is destructive like any other change: off a terminal it needs
        --yes, and without it changes nothing."""
        home = self.make_home()
        res = self.epi(self.gh, "ensure", "new-label", home=home)
        self.assert_rc(res, 0)
        self.gh.clear_requests()
        res = self.epi(self.gh, "undo", home=home, org=None)
        self.assert_rc(res, 1)
        self.assert_no_writes(self.gh, res)
        self.assertIsNotNone(self.gh.label("acme", "r1", "new-label"))
        res = self.epi(self.gh, "undo", "-y", home=home, org=None)
        self.assert_rc(res, 0)
        self.assertEqual(sorted(self.write_log(self.gh)), sorted(
            ("DELETE", label_path(r, "new-label"), None) for r in ("r1", "r2", "r3")))
        for r in ("r1", "r2", "r3"):
            self.assertIsNone(self.gh.label("acme", r, "new-label"))

    def test_undo_after_rename_renames_back(self):
        """SPEC 7: undo after a rename renames back in place (one PATCH per repo), so
        issues keep the label both ways."""
        gh = self.gh
        home = self.make_home()
        res = self.epi(gh, "rename", "defect", "kind/bug", pre=["-r", "acme/r2"], org=None,
                       home=home)
        self.assert_rc(res, 0)
        self.assertEqual(gh.issue_labels("acme", "r2", 7), ["kind/bug", "docs"])
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [
            ("PATCH", "/repos/acme/r2/labels/kind%2Fbug", {"new_name": "defect"})])
        self.assertEqual(gh.issue_labels("acme", "r2", 7), ["defect", "docs"])
        self.assertEqual(self.state(gh, ["r2"])["r2"]["defect"],
                         ("d73a4a", "Something isn't working"))

    def test_undo_covers_a_change_whose_outcome_was_never_written(self):
        """SPEC 7: a crash (or a second SIGINT) can leave a change in the journal with
        no outcome line; it may have landed, so undo still reverts it, and one that did
        not land undoes to nothing (undo plans against the forge as it is)."""
        gh = self.gh
        home = self.make_home()
        res = self.epi(gh, "ensure", "brand-new", "--color", "123456", pre=["-r", "acme/r2"],
                       org=None, home=home)
        self.assert_rc(res, 0)
        self.assertIn("brand-new", self.names(gh, "r2"))
        path = self.journals(home)[-1]
        with open(path, encoding="utf-8") as f:
            kept = [line for line in f if '"done"' not in line]
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(kept)
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [("DELETE", "/repos/acme/r2/labels/brand-new", None)])
        self.assertNotIn("brand-new", self.names(gh, "r2"))

    def test_undo_of_a_full_sync(self):
        """SPEC 7: undo of a sync with updates, renames, a merge and deletes brings the
        labels back as they were (merged issues keep the label they were merged into)."""
        gh = self.gh
        home = self.make_home()
        before = self.state(gh, ["r1", "r2", "r3"])
        res = self.epi(gh, "sync", "-c", self.labels_file(), "--prune", "--yes", home=home)
        self.assert_rc(res, 0)
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.state(gh, ["r1", "r2", "r3"]), before)
        self.assertEqual(sorted(gh.issue_labels("acme", "r1", 1)), ["Bug", "defect"])
        self.assertEqual(sorted(gh.issue_labels("acme", "r1", 3)), ["stale", "wontfix"])
        self.assertEqual(gh.issue_labels("acme", "r2", 7), ["defect", "docs"])
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assert_no_writes(gh, res)


class TestScale(ghcase.GitHubCase):
    def test_sync_150_repos_with_10_percent_drift(self):
        """SPEC 4/6: a sync of 150 repos where 15 drift (5 missing a label, 5 with a wrong
        colour, 5 with an alias to rename) sends exactly 15 writes after 2 repo pages
        and 150 label lists; the re-run sends zero writes."""
        gh = self.fake()
        good = [{"name": "bug", "color": "d73a4a", "description": "Broken"},
                {"name": "feature", "color": "a2eeef"},
                {"name": "question", "color": "d876e3"}]
        expect = []
        for i in range(150):
            name = "repo%03d" % i
            labels = [dict(x) for x in good]
            if i % 10 == 3 and i < 50:
                labels.pop(2)
                expect.append(("POST", "/repos/acme/%s/labels" % name,
                               {"name": "question", "color": "d876e3"}))
            elif i % 10 == 3 and i < 100:
                labels[1]["color"] = "000000"
                expect.append(("PATCH", "/repos/acme/%s/labels/feature" % name,
                               {"color": "a2eeef"}))
            elif i % 10 == 3:
                labels[0]["name"] = "defect"
                expect.append(("PATCH", "/repos/acme/%s/labels/defect" % name,
                               {"new_name": "bug"}))
            gh.add_repo("acme", name, labels=labels)
        path = self.write_file("labels:\n"
                               "  - {name: bug, color: d73a4a, description: Broken,"
                               " aliases: [defect]}\n"
                               "  - {name: feature, color: a2eeef}\n"
                               "  - {name: question, color: d876e3}\n")
        home = self.make_home()
        res = self.epi(gh, "sync", "-c", path, "--output", "json", home=home)
        self.assert_rc(res, 0)
        first = len(gh.requests)
        writes = self.write_log(gh)
        self.assertEqual(len(expect), 15)
        self.assertEqual(writes, expect)
        pages = [r for r in gh.requests if r.path.endswith("/repos")]
        lists = [r for r in gh.requests if r.method == "GET" and r.path.endswith("/labels")]
        self.assertEqual((len(pages), len(lists)), (2, 150))
        # + 1: the GraphQL batch read this fake does not answer (404), then REST
        self.assertEqual(first, 2 + 1 + 150 + 15)
        self.assertEqual(res.json()["summary"]["repos_changed"], 15)
        gh.clear_requests()
        res = self.epi(gh, "sync", "-c", path, "--output", "json", home=home)
        self.assert_rc(res, 0)
        self.assert_no_writes(gh, res)
        second = len(gh.requests)
        nm = res.json()["targets"][0]["requests"]["not_modified"]
        print("\n[measure] sync of 150 repos, 15 drifting: %d requests (2 repo pages + 150 label"
              " lists + %d writes); idempotent re-run: %d requests, 0 writes (%d answered 304"
              " Not Modified)" % (first, len(writes), second, nm))
        self.assertEqual(second, 2 + 1 + 150)


if __name__ == "__main__":
    harness.main()
