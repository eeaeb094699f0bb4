# SPDX-License-Identifier: MIT
"""Every command against a fake Gitea (and Forgejo) through the real binary
(issue 4; SPEC.md 2, 3, 4, 5; docs/gitea.md).

Each test runs `epithet --forge gitea --url http://127.0.0.1:PORT` with the
token in GITEA_TOKEN and checks the fake's final state and the exact writes
sent: labels are written by numeric id, colours go out as '#rrggbb', every
update carries is_archived, duplicates are reported and never picked, and a
create whose answer was lost is looked for before it is repeated."""

import glob
import json
import os
import re
import unittest

import harness
from fake_gitea import FakeGitea
from fake_github import FakeGitHub

# Long and distinctive, so that finding it anywhere is never a coincidence.
TOKEN = "gta_E2eGiteaSecret0123456789abcdefQRS"
OWNER = "acme"
BUG = {"name": "bug", "color": "d73a4a", "description": "Something isn't working"}


class GiteaCase(harness.EpithetTestCase):
    """EpithetTestCase with a fake Gitea and the usual command line."""

    def fake(self, **kw):
        kw.setdefault("token", TOKEN)
        return self.start_fake(FakeGitea(**kw))

    def epi(self, gt, *args, org=OWNER, env=None, home=None, token=TOKEN, pre=(), input=None,
            cwd=None):
        """Run epithet against gt (no write pacing)."""
        argv = ["--forge", "gitea", "--url", gt.url]
        if org:
            argv += ["-o", org]
        argv += ["--write-interval", "0"] + harness.jobs_args() + list(pre) + list(args)
        e = {"GITEA_TOKEN": token} if token else {}
        e.update(env or {})
        res = self.run_epithet(argv, env=e, home=home, input=input, cwd=cwd)
        if token:
            self.assert_no_token(res, token)
        return res

    # ---- what the fake saw ------------------------------------------------------

    @staticmethod
    def write_log(gt):
        """Every write as (method, raw path, JSON body), by repo in name order,
        each repo's in the order sent (writes to different repos may run at
        once, SPEC 11; owner-level writes first)."""
        def repo(r):
            m = re.search(r"/repos/([^/]+/[^/]+)/", r.path)
            return m.group(1) if m else ""
        return [(r.method, r.path, r.body) for r in sorted(gt.writes(), key=repo)]

    def assert_no_writes(self, gt, res=None):
        self.assertEqual(self.write_log(gt), [], "unexpected writes\n%r" % (res,))

    @staticmethod
    def gets(gt):
        return [(r.path, r.query) for r in gt.requests if r.method == "GET"]

    @staticmethod
    def names(gt, repo, owner=OWNER):
        return [lb["name"] for lb in gt.labels(owner, repo)]

    @staticmethod
    def state(gt, repo, owner=OWNER):
        """{name: (color, description, exclusive, archived)} of a repo (one per name)."""
        return {lb["name"]: (lb["color"], lb["description"], lb["exclusive"], lb["is_archived"])
                for lb in gt.labels(owner, repo)}

    @staticmethod
    def lid(gt, repo, name, owner=OWNER):
        return gt.label(owner, repo, name)["id"]

    @staticmethod
    def journals(home):
        return sorted(glob.glob(os.path.join(home, ".state", "epithet", "journal", "*.jsonl")))


def lpath(repo, lid, owner=OWNER):
    return "/api/v1/repos/%s/%s/labels/%d" % (owner, repo, lid)


def lcoll(repo, owner=OWNER):
    return "/api/v1/repos/%s/%s/labels" % (owner, repo)


# ---- list ------------------------------------------------------------------------

class TestList(GiteaCase):
    def setUp(self):
        super().setUp()
        gt = self.gt = self.fake()
        gt.add_repo("acme", "r1", labels=[dict(BUG), {"name": "docs", "color": "0075ca"}])
        gt.add_repo("acme", "r2", labels=[{"name": "Bug", "color": "ee0701",
                                           "description": "Something isn't working"}])
        gt.add_repo("acme", "r3")

    def test_list_shows_labels_and_drift(self):
        """SPEC 2: list reads every repo (labels page by page, limit=50) and shows how
        many repos carry each label and where colour or spelling drift; it writes
        nothing."""
        res = self.epi(self.gt, "list")
        self.assert_rc(res, 0)
        self.assert_no_writes(self.gt, res)
        self.assertRegex(res.out,
                         r"(?m)^[bB]ug\s+2/3\s+#(d73a4a|ee0701)  drift: 2 colours 2 spellings$")
        self.assertRegex(res.out, r"(?m)^docs\s+1/3\s+#0075ca$")
        self.assert_in_out(res, "2 labels across 3 repos.")
        self.assertEqual(sorted(self.gets(self.gt)), sorted([
            ("/api/v1/version", ""), ("/api/v1/settings/api", ""),
            ("/api/v1/orgs/acme/repos", "limit=50&page=1"),
            ("/api/v1/repos/acme/r1/labels", "limit=50&page=1"),
            ("/api/v1/repos/acme/r2/labels", "limit=50&page=1"),
            ("/api/v1/repos/acme/r3/labels", "limit=50&page=1")]))
        res = self.epi(self.gt, "list", "--output", "json")
        self.assert_rc(res, 0)
        doc = res.json()
        bug = [lb for lb in doc["labels"] if lb["name"].lower() == "bug"][0]
        self.assertEqual((bug["repos"], bug["colors"], bug["drift"]),
                         (2, {"d73a4a": 1, "ee0701": 1}, True))
        self.assertEqual([r["repo"] for r in doc["repos"]], ["acme/r1", "acme/r2", "acme/r3"])
        self.assertEqual(doc["repos"][0]["labels"][0],
                         {"name": "bug", "color": "d73a4a",
                          "description": "Something isn't working"})

    def test_list_name(self):
        """SPEC 2: list NAME shows that label in every repo, missing ones included
        (matched ignoring case)."""
        res = self.epi(self.gt, "list", "BUG")
        self.assert_rc(res, 0)
        self.assert_in_out(res, "BUG: in 2 of 3 repos\n")
        self.assertRegex(res.out, r"(?m)^  acme/r1\s+#d73a4a  bug  \"Something isn't working\"$")
        self.assertRegex(res.out, r"(?m)^  acme/r2\s+#ee0701  Bug ")
        self.assertRegex(res.out, r"(?m)^  acme/r3\s+\(missing\)$")
        self.assert_no_writes(self.gt, res)


# ---- ensure ----------------------------------------------------------------------

class TestEnsure(GiteaCase):
    def test_create_and_update_by_id(self):
        """SPEC 4 / docs/gitea.md: a create POSTs the colour as '#rrggbb'; an update is
        a PATCH of /labels/{id} (never the name) that always carries is_archived, so
        an archived label stays archived; a matching label gets no request."""
        gt = self.fake()
        gt.add_repo("acme", "r1", labels=[{"name": "bug", "color": "000000", "archived": True},
                                          {"name": "other", "color": "111111"}])
        gt.add_repo("acme", "r2")
        gt.add_repo("acme", "r3", labels=[dict(BUG)])
        gt.add_repo("acme", "r4", labels=[{"name": "bug", "color": "d73a4a",
                                           "description": "old words"}])
        res = self.epi(gt, "ensure", "bug", "--color", "D73A4A",
                       "--description", "Something isn't working")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gt), [
            ("PATCH", lpath("r1", self.lid(gt, "r1", "bug")),
             {"color": "#d73a4a", "description": "Something isn't working", "is_archived": True}),
            ("POST", lcoll("r2"), {"name": "bug", "color": "#d73a4a",
                                   "description": "Something isn't working"}),
            ("PATCH", lpath("r4", self.lid(gt, "r4", "bug")),
             {"description": "Something isn't working", "is_archived": False}),
        ])
        for repo in ("r1", "r2", "r3", "r4"):
            lb = gt.label("acme", repo, "bug")
            self.assertEqual((lb["color"], lb["description"]),
                             ("d73a4a", "Something isn't working"), repo)
        self.assertTrue(gt.label("acme", "r1", "bug")["is_archived"])
        self.assertFalse(gt.label("acme", "r4", "bug")["is_archived"])
        self.assert_in_out(res, "Plan: 1 to create, 2 to update in 3 of 4 repos.")
        # idempotent: a second run only reads
        gt.clear_requests()
        res = self.epi(gt, "ensure", "bug", "--color", "d73a4a",
                       "--description", "Something isn't working")
        self.assert_rc(res, 0)
        self.assert_no_writes(gt, res)
        self.assert_in_out(res, "Plan: no changes; 4 repos up to date.")

    def test_new_label_without_color_gets_ededed(self):
        """README ensure: a new label without --color gets ededed (Gitea requires a
        colour); an existing label's colour is left alone."""
        gt = self.fake()
        gt.add_repo("acme", "r1")
        gt.add_repo("acme", "r2", labels=[{"name": "wip", "color": "123456"}])
        res = self.epi(gt, "ensure", "wip")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gt), [("POST", lcoll("r1"),
                                               {"name": "wip", "color": "#ededed"})])
        self.assertEqual(gt.label("acme", "r2", "wip")["color"], "123456")

    def test_dry_run_exit_2_only_reads(self):
        """SPEC 2: --dry-run sends only GETs and exits 2 when there are changes."""
        gt = self.fake()
        gt.add_repo("acme", "r1")
        res = self.epi(gt, "--dry-run", "ensure", "bug")
        self.assert_rc(res, 2)
        self.assertEqual({r.method for r in gt.requests}, {"GET"})
        self.assertEqual(gt.labels("acme", "r1"), [])


# ---- delete ----------------------------------------------------------------------

class TestDelete(GiteaCase):
    def setUp(self):
        super().setUp()
        gt = self.gt = self.fake()
        gt.add_repo("acme", "r1", labels=["wontfix", "bug"],
                    issues=[{"number": 1, "labels": ["wontfix"]},
                            {"number": 2, "labels": ["wontfix", "bug"], "pull": True},
                            {"number": 3, "labels": ["bug"]}])
        gt.add_repo("acme", "r2", labels=["bug"])
        self.wid = self.lid(gt, "r1", "wontfix")

    def test_refused_off_a_terminal(self):
        """SPEC 4: without --yes off a terminal a delete is refused before any write,
        exit 1; the plan counts the issues and PRs carrying the label."""
        res = self.epi(self.gt, "delete", "wontfix")
        self.assert_rc(res, 1)
        self.assert_in_err(res, "refusing to apply")
        self.assert_in_out(res, "  - wontfix (1 issue, 1 PR) [delete: true]\n")
        self.assert_no_writes(self.gt, res)
        self.assertEqual(self.names(self.gt, "r1"), ["wontfix", "bug"])
        self.assertEqual(self.journals(res.home), [])

    def test_delete_by_id(self):
        """SPEC 4 / trap 18: the label is deleted by its numeric id; its issues lose
        it; JSON names the items that carried it."""
        res = self.epi(self.gt, "delete", "wontfix", "--yes", "--output", "json")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(self.gt), [("DELETE", lpath("r1", self.wid), None)])
        self.assertEqual(self.names(self.gt, "r1"), ["bug"])
        self.assertEqual(self.gt.issue_labels("acme", "r1", 1), [])
        self.assertEqual(self.gt.issue_labels("acme", "r1", 2), ["bug"])
        (ch,) = res.json()["targets"][0]["repos"][0]["changes"]
        self.assertEqual((ch["op"], ch["issues"], ch["pulls"], sorted(ch["items"]), ch["status"]),
                         ("delete", 1, 1, [1, 2], "done"))


# ---- rename ----------------------------------------------------------------------

class TestRename(GiteaCase):
    def test_rename_in_place_keeps_issues(self):
        """SPEC 4.2: rename is one PATCH of /labels/{id} with the new name (and
        is_archived): the label keeps its id, so issues keep it; repos with neither
        name are left alone."""
        gt = self.fake()
        gt.add_repo("acme", "r1", labels=[{"name": "enhancement", "color": "a2eeef",
                                           "description": "New feature"}],
                    issues=[{"number": 1, "labels": ["enhancement"]},
                            {"number": 2, "labels": ["enhancement"], "pull": True}])
        gt.add_repo("acme", "r2", labels=["other"])
        eid = self.lid(gt, "r1", "enhancement")
        res = self.epi(gt, "rename", "enhancement", "type: feature")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gt), [
            ("PATCH", lpath("r1", eid), {"name": "type: feature", "is_archived": False})])
        self.assertEqual(gt.labels("acme", "r1"), [
            {"id": eid, "name": "type: feature", "color": "a2eeef", "description": "New feature",
             "exclusive": False, "is_archived": False}])
        self.assertEqual(gt.issue_labels("acme", "r1", 1), ["type: feature"])
        self.assertEqual(gt.issue_labels("acme", "r1", 2), ["type: feature"])
        self.assertEqual(self.names(gt, "r2"), ["other"])
        self.assert_in_out(res, "  > enhancement -> type: feature\n")

    def test_rename_where_both_exist_merges(self):
        """SPEC 4.3: where both exist, every issue/PR carrying OLD gets NEW by id (POST
        /issues/{n}/labels {"labels": [id]}), then OLD is deleted by id; destructive,
        so refused without --yes; no issue ends up without the label."""
        gt = self.fake()
        gt.add_repo("acme", "r1", labels=["enhancement", "feature"],
                    issues=[{"number": 1, "labels": ["enhancement"]},
                            {"number": 2, "labels": ["enhancement", "feature"]},
                            {"number": 3, "labels": ["enhancement"], "pull": True},
                            {"number": 4, "labels": ["feature"]},
                            {"number": 5, "labels": []}])
        eid, fid = self.lid(gt, "r1", "enhancement"), self.lid(gt, "r1", "feature")
        res = self.epi(gt, "rename", "enhancement", "feature")
        self.assert_rc(res, 1)
        self.assert_in_err(res, "refusing to apply")
        self.assert_no_writes(gt, res)
        self.assert_in_out(res, "  = enhancement -> feature, then delete enhancement "
                                "(2 issues, 1 PR)\n")
        gt.clear_requests()
        res = self.epi(gt, "rename", "enhancement", "feature", "--yes")
        self.assert_rc(res, 0)
        w = self.write_log(gt)
        self.assertEqual(sorted(w[:-1]), [
            ("POST", "/api/v1/repos/acme/r1/issues/%d/labels" % n, {"labels": [fid]})
            for n in (1, 2, 3)])
        self.assertEqual(w[-1], ("DELETE", lpath("r1", eid), None))
        self.assertEqual(self.names(gt, "r1"), ["feature"])
        for n in (1, 2, 3, 4):
            self.assertEqual(gt.issue_labels("acme", "r1", n), ["feature"], "issue %d" % n)
        self.assertEqual(gt.issue_labels("acme", "r1", 5), [])


# ---- sync, plan, export, copy, undo --------------------------------------------------

LABELS_YML = """\
labels:
  - name: bug
    color: d73a4a
    description: Something isn't working
    aliases: [defect]
  - name: documentation
    color: "0075CA"
    aliases: [docs]
  - name: priority/high
    color: "#b60205"
    exclusive: true
  - name: wontfix
    delete: true
keep: ["release/*"]
"""


def populate(gt):
    """r1: every case at once; r2: aliases to rename; r3: already in sync."""
    gt.add_repo("acme", "r1", labels=[
        {"name": "Bug", "color": "d73a4a", "description": "Something isn't working"},
        {"name": "defect", "color": "ff0000", "description": "old defect"},
        {"name": "documentation", "color": "000000"},
        {"name": "priority/high", "color": "b60205"},
        {"name": "wontfix", "color": "ffffff"},
        {"name": "stale", "color": "eeeeee", "exclusive": True},
        {"name": "release/1.0", "color": "0e8a16"},
    ], issues=[
        {"number": 1, "labels": ["defect"]},
        {"number": 2, "labels": ["defect", "Bug"], "pull": True},
        {"number": 3, "labels": ["stale", "wontfix"]},
        {"number": 4, "labels": ["release/1.0"]},
    ])
    gt.add_repo("acme", "r2", labels=[
        {"name": "defect", "color": "d73a4a", "description": "Something isn't working"},
        {"name": "docs", "color": "0075ca", "description": "Docs"},
    ], issues=[{"number": 7, "labels": ["defect", "docs"]}])
    gt.add_repo("acme", "r3", labels=[
        dict(BUG), {"name": "documentation", "color": "0075ca"},
        {"name": "priority/high", "color": "b60205", "exclusive": True},
    ])


class SyncCase(GiteaCase):
    def setUp(self):
        super().setUp()
        self.gt = self.fake()
        populate(self.gt)
        self.ids = {(r, lb["name"]): lb["id"] for r in ("r1", "r2", "r3")
                    for lb in self.gt.labels("acme", r)}

    def labels_file(self, text=LABELS_YML, name="labels.yml"):
        return self.write_file(text, name)


class TestSync(SyncCase):
    def test_sync_aliases_delete_keep_and_prune(self):
        """SPEC 4 on Gitea: merge (issues relabelled by id, alias deleted by id), case
        fix and colour update by PATCH /labels/{id} with is_archived, scoped label made
        exclusive, delete: true by id, alias renamed in place; --prune deletes what
        the file does not list except keep; r3 untouched."""
        gt, ids = self.gt, self.ids
        path = self.labels_file()
        res = self.epi(gt, "sync", "-c", path, "--prune")
        self.assert_rc(res, 1)       # destructive, off a terminal, without --yes
        self.assert_no_writes(gt, res)
        gt.clear_requests()
        res = self.epi(gt, "sync", "-c", path, "--prune", "--yes")
        self.assert_rc(res, 0)
        w = self.write_log(gt)
        r1 = [x for x in w if x[1].startswith("/api/v1/repos/acme/r1/")]
        r2 = [x for x in w if x[1].startswith("/api/v1/repos/acme/r2/")]
        self.assertFalse([x for x in w if "/acme/r3/" in x[1]])
        self.assertEqual(len(w), len(r1) + len(r2))
        bug1 = ids["r1", "Bug"]
        self.assertEqual(sorted(r1[:2]), [
            ("POST", "/api/v1/repos/acme/r1/issues/1/labels", {"labels": [bug1]}),
            ("POST", "/api/v1/repos/acme/r1/issues/2/labels", {"labels": [bug1]})])
        self.assertEqual(r1[2:], [
            ("DELETE", lpath("r1", ids["r1", "defect"]), None),
            ("PATCH", lpath("r1", bug1), {"name": "bug", "is_archived": False}),
            ("PATCH", lpath("r1", ids["r1", "documentation"]),
             {"color": "#0075ca", "is_archived": False}),
            ("PATCH", lpath("r1", ids["r1", "priority/high"]),
             {"exclusive": True, "is_archived": False}),
            ("DELETE", lpath("r1", ids["r1", "wontfix"]), None),
            ("DELETE", lpath("r1", ids["r1", "stale"]), None),
        ])
        self.assertEqual(r2, [
            ("PATCH", lpath("r2", ids["r2", "defect"]), {"name": "bug", "is_archived": False}),
            ("PATCH", lpath("r2", ids["r2", "docs"]),
             {"name": "documentation", "is_archived": False}),
            ("POST", lcoll("r2"), {"name": "priority/high", "color": "#b60205",
                                   "exclusive": True}),
        ])
        want = {"bug": ("d73a4a", "Something isn't working", False, False),
                "documentation": ("0075ca", "", False, False),
                "priority/high": ("b60205", "", True, False)}
        self.assertEqual(self.state(gt, "r1"), dict(want, **{
            "release/1.0": ("0e8a16", "", False, False)}))
        self.assertEqual(self.state(gt, "r3"), want)
        self.assertEqual(self.state(gt, "r2"), dict(want, documentation=(
            "0075ca", "Docs", False, False)))
        # the ids survived: issues keep their labels through renames
        self.assertEqual(gt.label("acme", "r1", "bug")["id"], bug1)
        self.assertEqual(gt.issue_labels("acme", "r1", 1), ["bug"])
        self.assertEqual(gt.issue_labels("acme", "r1", 2), ["bug"])
        self.assertEqual(gt.issue_labels("acme", "r1", 3), [])
        self.assertEqual(gt.issue_labels("acme", "r1", 4), ["release/1.0"])
        self.assertEqual(gt.issue_labels("acme", "r2", 7), ["bug", "documentation"])
        # and again: nothing to do
        gt.clear_requests()
        res = self.epi(gt, "plan", "-c", path, "--prune")
        self.assert_rc(res, 0)
        self.assert_in_out(res, "Plan: no changes; 3 repos up to date.")

    def test_prune_archive(self):
        """SPEC 4 / docs/gitea.md: --prune=archive archives (PATCH /labels/{id}
        {"is_archived": true}) instead of deleting; already archived labels and kept
        ones are left alone, and an archived label stays exclusive and on its issues;
        undo un-archives."""
        gt = self.gt
        gt.add_label("acme", "r3", "old", "222222", archived=True)
        gt.add_label("acme", "r3", "area/ui", "333333", exclusive=True)
        gt.add_issue("acme", "r3", number=9, labels=["area/ui"])
        home = self.make_home()
        path = self.labels_file(LABELS_YML)
        res = self.epi(gt, "sync", "-c", path, "--prune=archive", "--yes", "-r", "acme/r3",
                       org=None, home=home)
        self.assert_rc(res, 0)
        uid = self.lid(gt, "r3", "area/ui")
        self.assertEqual(self.write_log(gt), [("PATCH", lpath("r3", uid), {"is_archived": True})])
        self.assert_in_out(res, "  - area/ui (archive)")
        self.assertEqual(self.state(gt, "r3")["area/ui"], ("333333", "", True, True))
        self.assertEqual(self.state(gt, "r3")["old"], ("222222", "", False, True))
        self.assertEqual(gt.issue_labels("acme", "r3", 9), ["area/ui"])
        gt.clear_requests()
        res = self.run_epithet(["undo", "--yes", "--write-interval", "0"],
                               env={"GITEA_TOKEN": TOKEN}, home=home)
        self.assert_rc(res, 0)
        self.assert_no_token(res, TOKEN)
        self.assertEqual(self.write_log(gt), [("PATCH", lpath("r3", uid), {"is_archived": False})])
        self.assertEqual(self.state(gt, "r3")["area/ui"], ("333333", "", True, False))

    def test_plan_exit_codes(self):
        """SPEC 2: plan is sync --dry-run: only GETs, exit 2 on drift, 0 once synced."""
        path = self.labels_file()
        res = self.epi(self.gt, "plan", "-c", path)
        self.assert_rc(res, 2)
        self.assertEqual({r.method for r in self.gt.requests}, {"GET"})
        self.assert_in_out(res, "  = defect -> bug, then delete defect (1 issue, 1 PR)\n")
        self.assert_in_out(res, "  ~ priority/high exclusive -> true\n")
        self.assertEqual(self.journals(res.home), [])
        self.assert_rc(self.epi(self.gt, "sync", "-c", path, "--yes"), 0)
        self.gt.clear_requests()
        res = self.epi(self.gt, "plan", "-c", path)
        self.assert_rc(res, 0)
        self.assert_no_writes(self.gt, res)

    def test_export_then_plan_round_trip(self):
        """SPEC 2: export writes the selection's labels as a labels file (scoped
        labels stay scoped); planning that file against the same repo changes
        nothing, and against another repo it shows the differences."""
        gt = self.gt
        out = os.path.join(self.tmpdir(), "exported.yml")
        res = self.epi(gt, "export", "--from", "acme/r3", "--out", out)
        self.assert_rc(res, 0)
        self.assert_no_writes(gt, res)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("- name: priority/high\n  color: \"b60205\"\n  exclusive: true\n", text)
        self.assertIn("- name: bug\n", text)
        res = self.epi(gt, "plan", "-c", out, "-r", "acme/r3", org=None)
        self.assert_rc(res, 0)
        res = self.epi(gt, "plan", "-c", out, "-r", "acme/r1", org=None)
        self.assert_rc(res, 2)
        self.assert_in_out(res, "  ~ priority/high exclusive -> true\n")
        self.assert_no_writes(gt, res)

    def test_copy(self):
        """SPEC 2: copy makes the source repo's labels the labels file: created and
        updated by id elsewhere (scoped flag included); extra labels stay without
        --prune."""
        gt = self.gt
        gt.add_repo("acme", "r4", labels=[{"name": "bug", "color": "000000"}, "extra"])
        res = self.epi(gt, "copy", "acme/r3", "-r", "acme/r4", org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gt), [
            ("PATCH", lpath("r4", self.lid(gt, "r4", "bug")),
             {"color": "#d73a4a", "description": "Something isn't working",
              "is_archived": False}),
            ("POST", lcoll("r4"), {"name": "documentation", "color": "#0075ca"}),
            ("POST", lcoll("r4"), {"name": "priority/high", "color": "#b60205",
                                   "exclusive": True}),
        ])
        self.assertEqual(self.state(gt, "r4"), {
            "bug": ("d73a4a", "Something isn't working", False, False),
            "extra": ("ededed", "", False, False),
            "documentation": ("0075ca", "", False, False),
            "priority/high": ("b60205", "", True, False)})

    def test_undo_recreates_and_reattaches(self):
        """SPEC 7: undo of a delete recreates the label (a new id) and puts it back on
        every issue and PR that carried it, by the new id; undoing twice changes
        nothing."""
        gt = self.fake()
        gt.add_repo("acme", "u1", labels=[{"name": "triage", "color": "fbca04",
                                           "description": "Needs a look", "exclusive": False},
                                          "bug"],
                    issues=[{"number": 1, "labels": ["triage"]},
                            {"number": 2, "labels": ["triage", "bug"], "pull": True},
                            {"number": 3, "labels": ["bug"]}])
        home = self.make_home()
        self.assert_rc(self.epi(gt, "delete", "triage", "--yes", home=home), 0)
        self.assertEqual(self.names(gt, "u1"), ["bug"])
        gt.clear_requests()
        res = self.run_epithet(["undo", "--yes", "--write-interval", "0"],
                               env={"GITEA_TOKEN": TOKEN}, home=home)
        self.assert_rc(res, 0)
        self.assert_no_token(res, TOKEN)
        new = self.lid(gt, "u1", "triage")
        w = self.write_log(gt)
        self.assertEqual(w[0], ("POST", lcoll("u1"), {"name": "triage", "color": "#fbca04",
                                                      "description": "Needs a look"}))
        self.assertEqual(sorted(w[1:]), [
            ("POST", "/api/v1/repos/acme/u1/issues/%d/labels" % n, {"labels": [new]})
            for n in (1, 2)])
        self.assertEqual(gt.issue_labels("acme", "u1", 1), ["triage"])
        self.assertEqual(sorted(gt.issue_labels("acme", "u1", 2)), ["bug", "triage"])
        self.assertEqual(gt.issue_labels("acme", "u1", 3), ["bug"])
        gt.clear_requests()
        res = self.run_epithet(["undo", "--yes", "--write-interval", "0"],
                               env={"GITEA_TOKEN": TOKEN}, home=home)
        self.assert_rc(res, 0)
        self.assert_no_writes(gt, res)
        self.assertEqual(self.names(gt, "u1"), ["bug", "triage"])


# ---- org labels ------------------------------------------------------------------------

class TestOrgLabels(GiteaCase):
    def setUp(self):
        super().setUp()
        gt = self.gt = self.fake()
        gt.add_repo("acme", "r1", labels=[{"name": "bug", "color": "000000"}])
        gt.add_repo("acme", "r2")
        gt.add_org_label("acme", "kind/bug", color="#d73a4a", exclusive=True)
        gt.add_org_label("acme", "old", color="#eeeeee")

    def assert_repos_untouched(self, res):
        # Repos are read when an org label would be created (to report a repo
        # label it would duplicate), never written.
        self.assertFalse([r.path for r in self.gt.requests if r.method != "GET"
                          and r.path.startswith("/api/v1/repos/")], "repos were written\n%r" % res)
        self.assertEqual(self.gt.labels("acme", "r1"), [
            {"id": 1, "name": "bug", "color": "000000", "description": "",
             "exclusive": False, "is_archived": False}])
        self.assertEqual(self.gt.labels("acme", "r2"), [])

    def test_org_labels_flag(self):
        """SPEC 3 / docs/gitea.md: --org-labels manages the labels once at
        /orgs/{org}/labels (by id, is_archived kept); no repo is read or written."""
        gt = self.gt
        kid = gt.org_labels("acme")[0]["id"]
        res = self.epi(gt, "--org-labels", "ensure", "kind/bug", "--color", "b60205")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gt), [
            ("PATCH", "/api/v1/orgs/acme/labels/%d" % kid,
             {"color": "#b60205", "is_archived": False})])
        gt.clear_requests()
        res = self.epi(gt, "--org-labels", "ensure", "triage", "--color", "fbca04")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gt), [
            ("POST", "/api/v1/orgs/acme/labels", {"name": "triage", "color": "#fbca04"})])
        self.assert_repos_untouched(res)
        self.assertEqual({lb["name"]: (lb["color"], lb["exclusive"])
                          for lb in gt.org_labels("acme")},
                         {"kind/bug": ("b60205", True), "old": ("eeeeee", False),
                          "triage": ("fbca04", False)})

    def test_org_label_created_over_a_repo_label_is_reported(self):
        """SPEC 4: an org label created with the name of an existing repo label would make
        a duplicate: the plan reports it, naming the repo, and creates nothing."""
        self.gt.clear_requests()
        res = self.epi(self.gt, "--org-labels", "ensure", "bug", "--color", "d73a4a")
        self.assert_rc(res, 0)
        self.assert_in_out(res, "acme/r1")
        self.assert_in_out(res, "an owner label would duplicate it")
        self.assertEqual(self.write_log(self.gt), [])

    def test_org_labels_in_a_target(self):
        """SPEC 3: `org_labels: true` on a target: a sync (with --prune) works on the
        org's labels only."""
        gt = self.gt
        ids = {lb["name"]: lb["id"] for lb in gt.org_labels("acme")}
        path = self.write_file("targets:\n  - forge: gitea\n    url: %s\n    org: acme\n"
                               "    org_labels: true\nlabels:\n"
                               "  - {name: kind/bug, color: '111111', exclusive: false}\n"
                               "  - {name: kind/feature, color: a2eeef, exclusive: true}\n"
                               % gt.url)
        res = self.run_epithet(["sync", "-c", path, "--prune", "--yes", "--write-interval", "0"],
                               env={"GITEA_TOKEN": TOKEN})
        self.assert_rc(res, 0)
        self.assert_no_token(res, TOKEN)
        self.assertEqual(self.write_log(gt), [
            ("PATCH", "/api/v1/orgs/acme/labels/%d" % ids["kind/bug"],
             {"color": "#111111", "exclusive": False, "is_archived": False}),
            ("POST", "/api/v1/orgs/acme/labels", {"name": "kind/feature", "color": "#a2eeef",
                                                  "exclusive": True}),
            ("DELETE", "/api/v1/orgs/acme/labels/%d" % ids["old"], None),
        ])
        self.assert_in_out(res, "acme (owner labels)\n")
        self.assert_repos_untouched(res)
        self.assertEqual({lb["name"]: (lb["color"], lb["exclusive"])
                          for lb in gt.org_labels("acme")},
                         {"kind/bug": ("111111", False), "kind/feature": ("a2eeef", True)})

    def test_repo_label_sharing_an_org_label_name_is_reported(self):
        """SPEC 4: a repo label sharing its name with an org label is a duplicate:
        reported on stdout, left alone, and that label fails in that repo (exit 1, as
        GitLab's shadowed labels); where only the org label exists the repo is not
        given a shadowing copy.  Nothing is written."""
        gt = self.gt
        gt.add_label("acme", "r1", "kind/bug", "000000")
        res = self.epi(gt, "ensure", "kind/bug", "--color", "b60205")
        self.assert_rc(res, 1)
        self.assertIn("acme/r1: kind/bug: 2 labels have this name", res.err)
        self.assert_no_writes(gt, res)
        self.assert_in_out(res, "acme/r1\n  ! kind/bug: 2 labels have this name (a repo label "
                                "and an owner-level label); left alone, resolve the duplicates "
                                "first\n")
        self.assert_in_out(res, "acme/r2\n  ! kind/bug is an owner-level label here; manage it "
                                "with org_labels (--org-labels)\n")
        self.assertIn("/api/v1/orgs/acme/labels", [r.path for r in gt.requests])
        # a delete is not picked either
        res = self.epi(gt, "delete", "kind/bug", "--yes")
        self.assert_rc(res, 1)
        self.assert_no_writes(gt, res)
        self.assertEqual(self.names(gt, "r1"), ["bug", "kind/bug"])
        self.assertEqual([lb["name"] for lb in gt.org_labels("acme")], ["kind/bug", "old"])


# ---- scoped labels, Gitea vs GitHub -------------------------------------------------------

class TestScoped(GiteaCase):
    def test_exclusive_honoured_on_gitea_ignored_once_on_github(self):
        """SPEC 3: `exclusive: true` makes a scoped label on Gitea (sent as
        "exclusive": true on create and update); GitHub has none, so it is ignored
        there, with ONE notice for the whole run however many repos and targets."""
        gt = self.fake()
        gt.add_repo("acme", "g1")
        gt.add_repo("acme", "g2", labels=[{"name": "priority/high", "color": "b60205"}])
        gh = self.start_fake(FakeGitHub(token="ghp_ScopedTestToken0123456789"))
        for r in ("h1", "h2"):
            gh.add_repo("acme", r)
        gh.add_repo("beta", "h3")
        path = self.write_file(
            "targets:\n"
            "  - {forge: gitea, url: '%s', org: acme, token_env: T_GITEA}\n"
            "  - {forge: github, api_url: '%s', org: acme, token_env: T_GH}\n"
            "  - {forge: github, api_url: '%s', org: beta, token_env: T_GH}\n"
            "labels:\n"
            "  - {name: priority/high, color: b60205, exclusive: true}\n"
            % (gt.url, gh.api_url, gh.api_url))
        res = self.run_epithet(["sync", "-c", path, "--write-interval", "0"],
                               env={"T_GITEA": TOKEN, "T_GH": "ghp_ScopedTestToken0123456789"})
        self.assert_rc(res, 0)
        notice = "forge 'github' has no exclusive (scoped) labels: 'exclusive' is ignored there"
        self.assertEqual(res.err.count(notice), 1, res)
        self.assertNotIn("gitea' has no exclusive", res.err)
        self.assertEqual(self.write_log(gt), [
            ("POST", lcoll("g1"), {"name": "priority/high", "color": "#b60205",
                                   "exclusive": True}),
            ("PATCH", lpath("g2", self.lid(gt, "g2", "priority/high")),
             {"exclusive": True, "is_archived": False})])
        self.assertTrue(all(lb["exclusive"] for r in ("g1", "g2")
                            for lb in gt.labels("acme", r)))
        self.assertEqual(sorted((r.method, r.path, json.dumps(r.body, sort_keys=True))
                                for r in gh.writes()),
                         sorted(("POST", "/repos/%s/labels" % r,
                                 json.dumps({"name": "priority/high", "color": "b60205"},
                                            sort_keys=True))
                                for r in ("acme/h1", "acme/h2", "beta/h3")))


# ---- pagination ------------------------------------------------------------------------

class TestPagination(GiteaCase):
    def test_repo_with_120_labels(self):
        """SPEC 6 / trap 22-23: label lists have no Link header and limit is clamped
        to 50: pages are walked by number against X-Total-Count (3 pages for 120), so a
        label on the last page is found and not created again."""
        gt = self.fake()
        gt.add_repo("acme", "big", labels=[{"name": "l%03d" % i, "color": "00ff00"}
                                           for i in range(120)])
        res = self.epi(gt, "ensure", "l119", "--color", "00ff00")
        self.assert_rc(res, 0)
        self.assert_no_writes(gt, res)
        pages = [(r.params.get("page"), r.params.get("limit")) for r in gt.requests
                 if r.path == lcoll("big")]
        self.assertEqual(pages, [("1", "50"), ("2", "50"), ("3", "50")])
        res = self.epi(gt, "list", "--output", "json")
        self.assertEqual(len(res.json()["labels"]), 120)

    def test_org_with_70_repos(self):
        """SPEC 6: the repo list is paged too (2 pages of 50): all 70 repos get the
        label, one POST each."""
        gt = self.fake()
        for i in range(70):
            gt.add_repo("acme", "r%02d" % i)
        res = self.epi(gt, "ensure", "bug", "--color", "d73a4a")
        self.assert_rc(res, 0)
        pages = [r.params.get("page") for r in gt.requests if r.path == "/api/v1/orgs/acme/repos"]
        self.assertEqual(pages, ["1", "2"])
        self.assertEqual(sorted(self.write_log(gt)),
                         sorted(("POST", lcoll("r%02d" % i), {"name": "bug", "color": "#d73a4a"})
                                for i in range(70)))
        self.assert_in_out(res, "Plan: 70 to create in 70 of 70 repos.")


# ---- Forgejo, tokens ----------------------------------------------------------------------

class TestForgejoAndTokens(GiteaCase):
    def test_forgejo(self):
        """docs/gitea.md: Forgejo answers /version with "11.0.1+gitea-1.22.0": epithet
        goes by the Gitea API after +gitea- (archived labels: is_archived is sent) and
        sends "Authorization: token ..." in lowercase, which Forgejo requires; -v
        says what it found."""
        gt = self.fake(forgejo=True)
        gt.add_repo("acme", "r1", labels=[{"name": "bug", "color": "000000"}])
        gt.add_repo("acme", "r2")
        res = self.epi(gt, "-v", "ensure", "bug", "--color", "d73a4a")
        self.assert_rc(res, 0)
        self.assert_in_err(res, "Forgejo 11.0.1+gitea-1.22.0 (Gitea API 1.22.0)")
        self.assertEqual({r.headers.get("authorization") for r in gt.requests},
                         {"token " + TOKEN})
        self.assertEqual(self.write_log(gt), [
            ("PATCH", lpath("r1", self.lid(gt, "r1", "bug")),
             {"color": "#d73a4a", "is_archived": False}),
            ("POST", lcoll("r2"), {"name": "bug", "color": "#d73a4a"})])

    def test_bad_token_exit_77(self):
        """SPEC 2: a rejected token fails at once (the first request, /version) with
        exit 77, before any plan; the token is never shown."""
        gt = self.fake()
        gt.add_repo("acme", "r1")
        wrong = "gta_WrongToken0000000000000000000000"
        for cmd in (["ensure", "bug"], ["list"], ["delete", "bug", "--yes"]):
            gt.clear_requests()
            res = self.epi(gt, *cmd, token=wrong)
            self.assert_rc(res, 77)
            self.assert_no_token(res, wrong)
            self.assert_in_err(res, "401")
            self.assertEqual([(r.method, r.path) for r in gt.requests],
                             [("GET", "/api/v1/version")])
            self.assertNotIn("Plan:", res.out)
            self.assertNotIn("0 labels across 0 repos", res.out)

    def test_token_never_in_output_or_files(self):
        """SPEC 2: the token appears in no output (-v and -vv log every request), no
        journal and no cache file; it is sent on every request."""
        gt = self.fake()
        gt.add_repo("acme", "r1", labels=["wontfix"], issues=[{"number": 1,
                                                                "labels": ["wontfix"]}])
        home = self.make_home()
        for v in ("-v", "-vv"):
            res = self.epi(gt, v, "ensure", "bug", home=home)
            self.assert_rc(res, 0)
            self.assert_in_err(res, "GET ")
        res = self.epi(gt, "-vv", "delete", "wontfix", "--yes", home=home)
        self.assert_rc(res, 0)
        res = self.run_epithet(["-vv", "undo", "--yes"], env={"GITEA_TOKEN": TOKEN}, home=home)
        self.assert_rc(res, 0)
        self.assert_no_token(res, TOKEN)
        self.assert_no_token_in_files(home, TOKEN)
        self.assertTrue(all(r.headers.get("authorization") == "token " + TOKEN
                            for r in gt.requests))


# ---- duplicates, retries ----------------------------------------------------------------------

class TestDuplicatesAndRetries(GiteaCase):
    def test_duplicate_names_reported_never_picked(self):
        """SPEC 4 / trap 20: Gitea allows two labels of one name in a repo: epithet
        reports them and leaves both alone for ensure, delete and rename, and the
        label fails in that repo (exit 1); other repos are still done."""
        gt = self.fake()
        gt.add_repo("acme", "r1", labels=[{"name": "wontfix", "color": "111111"},
                                          {"name": "wontfix", "color": "222222"}])
        gt.add_repo("acme", "r2", labels=[{"name": "wontfix", "color": "333333"}])
        before = gt.labels("acme", "r1")
        notice = "  ! wontfix: 2 labels have this name; left alone, resolve the duplicates first\n"
        res = self.epi(gt, "ensure", "wontfix", "--color", "ffffff")
        self.assert_rc(res, 1)
        self.assert_in_out(res, "acme/r1\n" + notice)
        self.assertIn("Applied 1 change, 1 failed.", res.out)
        self.assertEqual(self.write_log(gt), [
            ("PATCH", lpath("r2", self.lid(gt, "r2", "wontfix")),
             {"color": "#ffffff", "is_archived": False})])
        for cmd in (["delete", "wontfix", "--yes"], ["rename", "wontfix", "won't fix"]):
            gt.clear_requests()
            res = self.epi(gt, *cmd)
            self.assert_rc(res, 1)
            self.assert_in_out(res, "acme/r1\n" + notice)
            self.assertFalse([w for w in self.write_log(gt) if "/acme/r1/" in w[1]], res)
        self.assertEqual(gt.labels("acme", "r1"), before)
        res = self.epi(gt, "ensure", "wontfix", "--output", "json", "--dry-run")
        self.assert_rc(res, 1)
        changes = res.json()["targets"][0]["repos"][0]["changes"]
        self.assertEqual([c["op"] for c in changes], ["notice"])
        self.assertEqual(changes[0]["status"], "failed")
        self.assertEqual(res.json()["summary"]["failed"], 1)

    def test_retried_create_never_makes_a_second_label(self):
        """SPEC 4/6 / trap 20: the POST is applied but its answer lost (502): the core
        lists the labels again, finds it, and does not repeat the create: exactly one
        label of that name, and exactly one POST."""
        gt = self.fake()
        gt.add_repo("acme", "r1")
        gt.add_repo("acme", "r2")
        f = gt.add_fault(method="POST", path=r"/repos/acme/r1/labels$", when="after", status=502,
                         body='{"message":"bad gateway"}')
        res = self.epi(gt, "ensure", "bug", "--color", "d73a4a")
        self.assert_rc(res, 0)
        self.assertEqual(f.fired, 1)
        self.assertEqual([lb["name"] for lb in gt.labels("acme", "r1")], ["bug"])
        self.assertEqual(self.write_log(gt), [
            ("POST", lcoll("r1"), {"name": "bug", "color": "#d73a4a"}),
            ("POST", lcoll("r2"), {"name": "bug", "color": "#d73a4a"})])
        after = [(r.method, r.path) for r in gt.requests if r.path.startswith(lcoll("r1"))]
        self.assertEqual(after[-2:], [("POST", lcoll("r1")), ("GET", lcoll("r1"))])

    def test_create_that_did_not_land_is_sent_again(self):
        """SPEC 6: a 502 before the server applied the POST: the re-list does not find
        the label, so the create is sent once more: still exactly one label."""
        gt = self.fake()
        gt.add_repo("acme", "r1")
        gt.add_fault(method="POST", path=r"/labels$", when="before", status=502)
        res = self.epi(gt, "ensure", "bug", "--color", "d73a4a")
        self.assert_rc(res, 0)
        self.assertEqual([(r.method, r.status) for r in gt.requests if r.path == lcoll("r1")][-3:],
                         [("POST", 502), ("GET", 200), ("POST", 201)])
        self.assertEqual(self.names(gt, "r1"), ["bug"])


if __name__ == "__main__":
    harness.main()
