# SPDX-License-Identifier: MIT
"""Every command against a fake GitLab through the real binary (issue 12;
shared/spec-gitlab.md; docs/gitlab.md).

Each test runs `epithet --forge gitlab --url http://127.0.0.1:PORT` with the
token in GITLAB_TOKEN against a group "acme" with a subgroup "acme/platform",
and checks the fake's final state and the exact requests sent: projects are
written by numeric id, labels by id, colours go out as '#rrggbb', nothing is
ever sent for "exclusive", inherited group labels are never written from a
project, a merge relabels issues and merge requests with the title GitLab
stores, and faults (502, a write whose answer is lost, a truncated body,
429) lose nothing, also at --jobs 8 (e2e-gitlab-faults-j8 runs TestTalking with
EPITHET_E2E_JOBS=8), and writes to different projects overlap on a self-managed
instance but never with gitlab.com's rules (--api-url)."""

import glob
import os
import re

import harness
from fake_gitlab import FakeGitLab

TOKEN = "glpat-E2eGitLabSecret0123456789abcdefXYZ"
RO_TOKEN = "glpat-E2eReadOnly0123456789abcdefXYZ"
API = "/api/v4"


class GitLabCase(harness.EpithetTestCase):
    """EpithetTestCase with a fake GitLab: acme (label kind::bug), acme/platform
    (label team), projects acme/platform/api, acme/web, acme/platform/old
    (archived), acme/fork (a fork), other/shared (shared with acme)."""

    def setUp(self):
        super().setUp()
        gl = self.gl = self.start_fake(FakeGitLab(token=TOKEN, read_only_tokens=[RO_TOKEN]))
        gl.add_group("acme/platform")
        gl.add_group_label("acme", "kind::bug", "red", "A defect")
        gl.add_group_label("acme/platform", "team", "#00F")
        self.api = gl.add_project(
            "acme/platform", "api",
            labels=[{"name": "bug", "color": "#D73A4A", "description": "Something isn't working"},
                    {"name": "old-bug", "color": "#F0A"},
                    {"name": "stale", "color": "#cccccc"}],
            issues=[{"iid": 1, "labels": ["old-bug", "kind::bug"]},
                    {"iid": 2, "labels": ["stale"], "state": "closed"}],
            merge_requests=[{"iid": 1, "labels": ["old-bug"], "state": "merged"},
                            {"iid": 2, "labels": ["stale"]}],
            files={"labels.yml": "labels:\n  - name: bug\n    color: d73a4a\n"})
        self.web = gl.add_project("acme", "web", labels=[{"name": "bug", "color": "red"}])
        self.old = gl.add_project("acme/platform", "old", archived=True,
                                  labels=[{"name": "stale", "color": "#cccccc"}])
        self.fork = gl.add_project("acme", "fork", fork=True)
        gl.add_group("other")
        gl.add_project("other", "shared", shared_with=["acme"])

    def epi(self, *args, org="acme", env=None, home=None, token=TOKEN, pre=(), var="GITLAB_TOKEN",
            input=None, api_url=False):
        argv = ["--forge", "gitlab", "--url" if not api_url else "--api-url",
                self.gl.url if not api_url else self.gl.api_url] + harness.jobs_args()
        if org:
            argv += ["-o", org]
        argv += list(pre) + list(args)
        e = {var: token} if token else {}
        e["EPITHET_TEST_FAST_RETRY"] = "1"
        e.update(env or {})
        res = self.run_epithet(argv, env=e, home=home, input=input)
        if token:
            self.assert_no_token(res, token)
            self.assert_no_token_in_files(res.home, token)
        return res

    def labels_file(self, text):
        return self.write_file(text)

    # ---- what the fake saw --------------------------------------------------------

    def writes(self):
        return [(r.method, r.path, r.body) for r in self.gl.writes()]

    def gets(self):
        return [(r.path, r.query) for r in self.gl.requests if r.method == "GET"]

    def assert_no_writes(self, res=None):
        self.assertEqual(self.writes(), [], "unexpected writes\n%r" % (res,))

    def state(self, project):
        return {lb["name"]: (lb["color"], lb["description"]) for lb in self.gl.labels(project)}

    def lid(self, project, name):
        return self.gl.label(project, name)["id"]

    def lpath(self, p, lid=None):
        return "%s/projects/%d/labels%s" % (API, p.id, "" if lid is None else "/%d" % lid)


def plist(q):
    return ("%s/groups/acme/projects" % API,
            "include_subgroups=true&with_shared=false&order_by=id&sort=asc&per_page=100&page=1") \
        if q is None else q


LABELS_Q = "with_counts=true&per_page=100&page=1"


# ---- list / export ------------------------------------------------------------------------

class TestRead(GitLabCase):
    def test_list_reads_subgroups_and_never_shared_or_archived(self):
        """spec-gitlab: --org GROUP manages the group's projects and its subgroups',
        not those shared with it; archived ones are not read without --archived,
        forks are skipped; an inherited label shows once (not as a duplicate)."""
        res = self.epi("list")
        self.assert_rc(res, 0)
        self.assert_no_writes(res)
        self.assertRegex(res.out, r"(?m)^bug\s+2/2\s+#(d73a4a|ff0000)  drift: 2 colours 2 descriptions$")
        self.assertRegex(res.out, r"(?m)^kind::bug\s+2/2\s+#ff0000")
        self.assertNotIn("shared", res.out)
        self.assertEqual(sorted(self.gets()), sorted([
            plist(None),
            ("%s/projects/%d/labels" % (API, self.api.id), LABELS_Q),
            ("%s/projects/%d/labels" % (API, self.web.id), LABELS_Q),
            # who holds api's inherited labels: acme's own (acme/platform: by elimination)
            ("%s/groups/acme/labels" % API, "include_ancestor_groups=false&per_page=100&page=1"),
        ]))

    def test_repo_with_nested_path_and_globs(self):
        """--repo acme/platform/api splits at the last '/'; --exclude with a '/'
        matches the full path."""
        res = self.epi("list", "--output", "json", org=None,
                       pre=["--repo", "acme/platform/api"])
        self.assert_rc(res, 0)
        self.assertEqual([r["repo"] for r in res.json()["repos"]], ["acme/platform/api"])
        self.assertIn(("%s/projects/acme%%2Fplatform%%2Fapi" % API, ""), self.gets())
        res = self.epi("list", "--output", "json", pre=["--exclude", "acme/platform/*"])
        self.assertEqual([r["repo"] for r in res.json()["repos"]], ["acme/web"])
        res = self.epi("list", "--output", "json", pre=["--archived", "--forks"])
        self.assertEqual(sorted(r["repo"] for r in res.json()["repos"]),
                         ["acme/fork", "acme/platform/api", "acme/platform/old", "acme/web"])

    def test_extends_a_file_in_a_nested_project(self):
        """A labels file extending a base kept in a GitLab project (read_file: the
        raw file, its path one escaped segment), the project named by its full path."""
        self.gl.add_project("acme/platform", "policy",
                            files={"labels/common.yml": "labels:\n  - name: triage\n    color: fbca04\n"})
        top = self.labels_file("extends:\n  - repo: acme/platform/policy\n    path: labels/common.yml\n"
                               "labels: []\n")
        res = self.epi("plan", "-c", top, org=None, pre=["--repo", "acme/web"])
        self.assert_rc(res, 2)
        self.assertIn("+ triage  #fbca04", res.out)
        self.assertIn(("%s/projects/acme%%2Fplatform%%2Fpolicy/repository/files/labels%%2Fcommon.yml/raw"
                       % API, ""), self.gets())
        top = self.labels_file("extends:\n  - repo: acme/platform/policy\n    path: nope.yml\n"
                               "labels: []\n")
        res = self.epi("plan", "-c", top, org=None, pre=["--repo", "acme/web"])
        self.assert_rc(res, 65)
        self.assertIn("cannot read the base 'acme/platform/policy:nope.yml'", res.err)

    def test_export_one_project(self):
        out = os.path.join(self.tmpdir(), "out.yml")
        res = self.epi("export", "--from", "acme/platform/api", "--out", out)
        self.assert_rc(res, 0)
        text = open(out, encoding="utf-8").read()
        self.assertIn("name: old-bug", text)
        self.assertIn('color: "ff00aa"', text)      # "#F0A", normalised
        self.assertIn("name: stale", text)

    def test_colours_compare_normalised(self):
        """A label coloured "red" matches ff0000, "#F0A" matches ff00aa: no write."""
        res = self.epi("plan", "-c", self.labels_file("labels:\n  - name: bug\n    color: ff0000\n"),
                       org=None, pre=["--repo", "acme/web"])
        self.assert_rc(res, 0)
        f = self.labels_file("labels:\n  - name: bug\n    color: ff0000\n"
                             "  - name: old-bug\n    color: FF00AA\n")
        res = self.epi("plan", "-c", f, org=None, pre=["--repo", "acme/platform/api"])
        self.assert_rc(res, 2)
        self.assertIn("~ bug color d73a4a -> ff0000", res.out)
        self.assertNotIn("old-bug", res.out)


# ---- ensure / delete / rename ------------------------------------------------------------------

class TestCommands(GitLabCase):
    def test_ensure_creates_by_id_and_skips_inherited(self):
        res = self.epi("-y", "ensure", "feature", "--color", "A2EEEF", "--description", "New")
        self.assert_rc(res, 0)
        self.assertEqual(sorted(self.writes()), sorted([
            ("POST", self.lpath(self.api), {"name": "feature", "color": "#a2eeef", "description": "New"}),
            ("POST", self.lpath(self.web), {"name": "feature", "color": "#a2eeef", "description": "New"}),
        ]))
        # an inherited label is never copied into a project, nor written from it
        self.gl.clear_requests()
        res = self.epi("-y", "ensure", "team", "--color", "000000")
        self.assert_rc(res, 0)
        self.assertIn("team is an owner-level label of acme/platform here", res.out)
        self.assertEqual(self.writes(), [("POST", self.lpath(self.web), {"name": "team", "color": "#000000"})])

    def test_delete_counts_every_state_then_undo(self):
        """Destructive plans count issues and merge requests in every state (with_counts
        leaves out merged and closed MRs); undo recreates and relabels each kind."""
        res = self.epi("delete", "old-bug")
        self.assert_rc(res, 1)           # refused without --yes, nothing sent
        self.assertIn("- old-bug (1 issue, 1 PR)", res.out)
        self.assert_no_writes(res)
        home = self.make_home()
        res = self.epi("-y", "delete", "old-bug", home=home)
        self.assert_rc(res, 0)
        lid = None
        self.assertEqual([w[0] for w in self.writes()], ["DELETE"])
        self.assertNotIn("old-bug", self.state("acme/platform/api"))
        self.assertIn(("%s/projects/%d/merge_requests" % (API, self.api.id),
                       "labels=old-bug&state=all&scope=all&per_page=100&page=1"), self.gets())
        self.gl.clear_requests()
        res = self.epi("-y", "undo", home=home, org=None)
        self.assert_rc(res, 0)
        lid = self.lid("acme/platform/api", "old-bug")
        self.assertEqual(self.writes(), [
            ("POST", self.lpath(self.api), {"name": "old-bug", "color": "#ff00aa"}),
            ("PUT", "%s/projects/%d/issues/1" % (API, self.api.id), {"add_labels": "old-bug"}),
            ("PUT", "%s/projects/%d/merge_requests/1" % (API, self.api.id), {"add_labels": "old-bug"}),
        ])
        self.assertTrue(lid)
        self.assertEqual(self.gl.issue_labels("acme/platform/api", 1), ["kind::bug", "old-bug"])
        self.assertEqual(self.gl.issue_labels("acme/platform/api", 1, pull=True), ["old-bug"])
        res = self.epi("-y", "undo", home=home, org=None)   # twice: nothing more
        self.assertEqual(len(self.writes()), 3)

    def test_rename_in_place(self):
        lid = self.lid("acme/platform/api", "old-bug")
        res = self.epi("-y", "rename", "old-bug", "defect")
        self.assert_rc(res, 0)
        self.assertEqual(self.writes(), [("PUT", self.lpath(self.api, lid), {"new_name": "defect"})])
        self.assertEqual(self.lid("acme/platform/api", "defect"), lid)
        self.assertEqual(self.gl.issue_labels("acme/platform/api", 1, pull=True), ["defect"])

    def test_case_only_rename_is_one_put(self):
        lid = self.lid("acme/platform/api", "bug")
        res = self.epi("-y", "ensure", "Bug", org=None, pre=["--repo", "acme/platform/api"])
        self.assert_rc(res, 0)
        self.assertEqual(self.writes(), [("PUT", self.lpath(self.api, lid), {"new_name": "Bug"})])

    def test_exclusive_is_the_name(self):
        """'exclusive' is never sent and never drifts: a '::' name is scoped, and
        exclusive: true on another name gets a notice."""
        f = self.labels_file("labels:\n  - name: bug\n    color: d73a4a\n    exclusive: true\n"
                             "  - name: kind::bug\n    color: ff0000\n    exclusive: false\n")
        res = self.epi("plan", "-c", f, org=None, pre=["--repo", "acme/platform/api"])
        self.assert_rc(res, 0)
        self.assertIn("bug: 'exclusive: true' means nothing on forge 'gitlab', where a label is "
                      "scoped by a '::' in its name", res.err)
        self.assertIn("kind::bug: the '::' in its name makes it scoped on forge 'gitlab'", res.err)
        res = self.epi("-y", "ensure", "prio::high", "--color", "b60205", org=None,
                       pre=["--repo", "acme/web"])
        self.assert_rc(res, 0)
        self.assertEqual(self.writes(), [("POST", self.lpath(self.web),
                                          {"name": "prio::high", "color": "#b60205"})])

    def test_comma_in_a_name_is_refused(self):
        """Names with a comma are invalid on GitLab: 65 before any request."""
        res = self.epi("-y", "ensure", "a,b")
        self.assert_rc(res, 65)
        self.assertIn("the name 'a,b' contains ','", res.err)
        self.assertEqual(self.gl.requests, [])
        f = self.labels_file("labels:\n  - name: ok\n  - name: x,y\n")
        res = self.epi("plan", "-c", f)
        self.assert_rc(res, 65)
        self.assertIn(":3:", res.err)
        self.assertEqual(self.gl.requests, [])


# ---- sync / plan / copy ----------------------------------------------------------------------------

SYNC = """\
labels:
  - name: bug
    color: d73a4a
    description: Something isn't working
  - name: defect
    color: "123456"
    aliases: [old-bug]
  - name: Feature
    color: a2eeef
  - name: kind::bug
    color: "111111"
    exclusive: true
keep: ["st*"]
"""


class TestSync(GitLabCase):
    def test_plan_then_sync_with_aliases_prune_keep(self):
        f = self.labels_file(SYNC)
        res = self.epi("plan", "--prune", "-c", f)
        self.assert_rc(res, 2)
        self.assertIn("kind::bug is an owner-level label of acme here; left alone", res.out)
        self.assert_no_writes(res)
        res = self.epi("-y", "sync", "--prune", "-c", f)
        self.assert_rc(res, 0)
        lid = self.lid("acme/platform/api", "defect")
        self.assertEqual(self.state("acme/platform/api"), {
            "bug": ("#D73A4A", "Something isn't working"),
            "defect": ("#123456", None),
            "Feature": ("#a2eeef", None),
            "stale": ("#cccccc", None),            # kept
        })
        api_writes = [w for w in self.writes() if "/projects/%d/" % self.api.id in w[1]]
        self.assertEqual(api_writes, [
            ("PUT", self.lpath(self.api, lid), {"new_name": "defect", "color": "#123456"}),
            ("POST", self.lpath(self.api), {"name": "Feature", "color": "#a2eeef"}),
        ])
        # the web project: bug updated, nothing for kind::bug (inherited), nothing sent for exclusive
        self.assertEqual(self.state("acme/web")["bug"], ("#d73a4a", "Something isn't working"))
        self.assertEqual(self.gl.group_labels("acme")[0]["color"], "red")
        self.assertFalse(any("exclusive" in (w[2] or {}) for w in self.writes()))
        self.assertFalse(any("/groups/" in w[1] for w in self.writes()))
        # the archived project was never written
        self.assertFalse(any("/projects/%d/" % self.old.id in w[1] for w in self.writes()))
        self.gl.clear_requests()
        res = self.epi("plan", "--prune", "-c", f)
        self.assertIn(res.rc, (0,), res)

    def test_merge_uses_the_stored_title(self):
        """A merge adds the canonical label with the title GitLab stores ("bug"),
        not the file's spelling ("BUG"), which add_labels would create anew."""
        f = self.labels_file("labels:\n  - name: BUG\n    aliases: [old-bug]\n")
        bug = self.lid("acme/platform/api", "bug")
        res = self.epi("-y", "sync", "-c", f, org=None, pre=["--repo", "acme/platform/api"])
        self.assert_rc(res, 0)
        self.assertEqual(self.state("acme/platform/api").keys(), {"BUG", "stale"})
        self.assertEqual(self.lid("acme/platform/api", "BUG"), bug)
        self.assertEqual(self.gl.issue_labels("acme/platform/api", 1), ["BUG", "kind::bug"])
        self.assertEqual(self.gl.issue_labels("acme/platform/api", 1, pull=True), ["BUG"])
        puts = [w for w in self.writes() if "/issues/" in w[1] or "/merge_requests/" in w[1]]
        titles = {w[2]["add_labels"] for w in puts}
        self.assertEqual(len(titles), 1)
        self.assertEqual(len(puts), 2)

    def test_duplicates_by_case_are_reported_not_written(self):
        """spec-gitlab: two labels of one project differing only by case are a
        duplicate: neither is written, the project's other labels are done, exit 1
        (plan too: the duplicate fails before any write)."""
        self.gl.add_label("acme/web", "BUG", "#000000")
        f = self.labels_file("labels:\n  - name: bug\n    color: '00ff00'\n  - name: docs\n    color: '0075ca'\n")
        res = self.epi("plan", "-c", f, org=None, pre=["--repo", "acme/web"])
        self.assert_rc(res, 1)
        self.assert_no_writes(res)
        res = self.epi("-y", "sync", "-c", f, org=None, pre=["--repo", "acme/web"])
        self.assert_rc(res, 1)
        self.assertIn("acme/web\n  ! bug: 2 labels have this name; left alone, resolve the "
                      "duplicates first\n", res.out)
        self.assertIn("acme/web: bug: 2 labels have this name", res.err)
        self.assertIn("Applied 1 change, 1 failed.", res.out)
        self.assertEqual(self.writes(), [("POST", self.lpath(self.web), {"name": "docs", "color": "#0075ca"})])
        self.assertEqual({k: v[0] for k, v in self.state("acme/web").items()},
                         {"bug": "red", "BUG": "#000000", "docs": "#0075ca"})

    def test_project_label_shadowing_an_inherited_label_fails_it(self):
        """spec-gitlab: a group label created after a same-titled project label
        shows twice in the project's list: a duplicate, neither written (the
        project's other labels, and other projects, are done), exit 1."""
        self.gl.add_group_label("acme/platform", "Bug", "#123123")
        f = self.labels_file("labels:\n  - name: bug\n    color: '00ff00'\n  - name: docs\n    color: '0075ca'\n")
        web_bug = self.lid("acme/web", "bug")
        res = self.epi("-y", "sync", "-c", f)
        self.assert_rc(res, 1)
        self.assertIn("acme/platform/api\n  ! bug: 2 labels have this name (a repo label and an "
                      "owner-level label); left alone, resolve the duplicates first\n", res.out)
        self.assertEqual(sorted(self.writes()), sorted([
            ("POST", self.lpath(self.api), {"name": "docs", "color": "#0075ca"}),
            ("PUT", self.lpath(self.web, web_bug), {"color": "#00ff00"}),
            ("POST", self.lpath(self.web), {"name": "docs", "color": "#0075ca"}),
        ]))
        self.assertEqual(self.state("acme/platform/api")["bug"][0], "#D73A4A")
        self.assertEqual([(x["name"], x["color"]) for x in self.gl.group_labels("acme/platform")],
                         [("Bug", "#123123"), ("team", "#00F")])

    def test_org_labels_over_a_project_label_is_a_notice(self):
        """spec-gitlab: with --org-labels, a group label that would duplicate a
        project label is reported and left alone, a notice: the group's other
        labels are done and the exit status stays 0."""
        f = self.labels_file("labels:\n  - name: bug\n    color: '00ff00'\n  - name: docs\n    color: '0075ca'\n")
        res = self.epi("-y", "sync", "-c", f, org="acme/platform", pre=["--org-labels"])
        self.assert_rc(res, 0)
        self.assertIn("bug: 1 repo already have a repo label of this name (acme/platform/api)", res.out)
        self.assertEqual(self.writes(), [
            ("POST", "%s/groups/acme%%2Fplatform/labels" % API, {"name": "docs", "color": "#0075ca"})])
        self.assertEqual(self.state("acme/platform/api")["bug"][0], "#D73A4A")

    def test_copy_from_a_project(self):
        res = self.epi("-y", "copy", "acme/platform/api", org=None, pre=["--repo", "acme/web"])
        self.assert_rc(res, 0)
        self.assertEqual(set(self.state("acme/web")), {"bug", "old-bug", "stale"})

    def test_org_labels_are_group_labels(self):
        """--org-labels keeps the labels once, as labels of the --org group."""
        f = self.labels_file("labels:\n  - name: kind::bug\n    color: '111111'\n"
                             "  - name: priority::high\n    color: b60205\n")
        res = self.epi("-y", "sync", "-c", f, org="acme/platform", pre=["--org-labels"])
        self.assert_rc(res, 0)
        self.assertEqual(self.writes(), [
            ("POST", "%s/groups/acme%%2Fplatform/labels" % API, {"name": "priority::high", "color": "#b60205"})])
        self.assertIn("kind::bug is an owner-level label of acme here", res.out)
        self.gl.clear_requests()
        f = self.labels_file("labels:\n  - name: kind::bug\n    color: '111111'\n")
        res = self.epi("-y", "sync", "-c", f, pre=["--org-labels"])
        self.assert_rc(res, 0)
        kb = self.gl.group_labels("acme")[0]["id"]
        self.assertEqual(self.writes(), [
            ("PUT", "%s/groups/acme/labels/%d" % (API, kb), {"color": "#111111"})])

    def test_group_labels_merge_across_projects_and_undo(self):
        """--org-labels: a merge relabels the issues and merge requests of every
        project of the group and its subgroups (each in its own project, with the
        stored title), then deletes the alias; the delete's plan counts them in every
        state; undo recreates the alias and relabels them."""
        gl = self.gl
        old = gl.add_group_label("acme", "type::defect", "#ee0701")
        gl.add_group_label("acme", "type::bug", "#d73a4a")
        gl.add_item("acme/platform/api", 3, ["type::defect"])
        gl.add_item("acme/platform/api", 3, ["type::defect"], pull=True, state="merged")
        gl.add_item("acme/web", 7, ["type::defect"], state="closed")
        f = self.labels_file("labels:\n  - name: type::bug\n    aliases: [type::defect]\n")
        res = self.epi("plan", "-c", f, pre=["--org-labels"])
        self.assert_rc(res, 2)
        self.assertIn("= type::defect -> type::bug, then delete type::defect (2 issues, 1 PR)", res.out)
        home = self.make_home()
        self.gl.clear_requests()
        res = self.epi("-y", "sync", "-c", f, pre=["--org-labels"], home=home)
        self.assert_rc(res, 0)
        self.assertEqual(sorted(self.writes()), sorted([
            ("PUT", "%s/projects/%d/issues/3" % (API, self.api.id), {"add_labels": "type::bug"}),
            ("PUT", "%s/projects/%d/merge_requests/3" % (API, self.api.id), {"add_labels": "type::bug"}),
            ("PUT", "%s/projects/%d/issues/7" % (API, self.web.id), {"add_labels": "type::bug"}),
            ("DELETE", "%s/groups/acme/labels/%d" % (API, old.id), None),
        ]))
        self.assertEqual(self.writes()[-1][0], "DELETE")   # only once every item has it
        self.assertIn(("%s/groups/acme/merge_requests" % API,
                       "labels=type%3a%3adefect&state=all&scope=all&per_page=100&page=1"),
                      self.gets())
        self.assertEqual(gl.issue_labels("acme/platform/api", 3, pull=True), ["type::bug"])
        self.assertEqual(gl.issue_labels("acme/web", 7), ["type::bug"])
        self.gl.clear_requests()
        res = self.epi("-y", "undo", home=home, org=None)
        self.assert_rc(res, 0)
        self.assertEqual(gl.issue_labels("acme/web", 7), ["type::bug", "type::defect"])
        self.assertEqual(gl.issue_labels("acme/platform/api", 3, pull=True),
                         ["type::bug", "type::defect"])
        self.assertIn("type::defect", [x["name"] for x in gl.group_labels("acme")])

# ---- tokens and exit statuses -------------------------------------------------------------------------

class TestTokens(GitLabCase):
    def test_token_variables(self):
        for var in ("GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN", "EPITHET_TOKEN"):
            self.gl.clear_requests()
            res = self.epi("list", var=var)
            self.assert_rc(res, 0)
            self.assertEqual(self.gl.requests[0].headers.get("authorization"), "Bearer " + TOKEN)

    def test_rejected_token_is_77(self):
        res = self.epi("list", token="glpat-wrong-token-xyz")
        self.assert_rc(res, 77)
        self.assertIn("401", res.err + res.out)

    def test_read_api_token_plans_and_fails_writes(self):
        f = self.labels_file("labels:\n  - name: feature\n    color: a2eeef\n")
        res = self.epi("plan", "-c", f, token=RO_TOKEN)
        self.assert_rc(res, 2)
        res = self.epi("-y", "sync", "-c", f, token=RO_TOKEN)
        self.assert_rc(res, 1)
        self.assertIn("api scope", res.out + res.err)
        self.assertEqual(self.gl.export_state()["projects"][0]["labels"][0]["name"], "bug")

    def test_gitlab_host_variable(self):
        res = self.run_epithet(["--forge", "gitlab", "-o", "acme", "list"],
                               env={"GITLAB_TOKEN": TOKEN, "GITLAB_HOST": self.gl.url})
        self.assert_rc(res, 0)
        self.assertRegex(res.out, r"(?m)^bug\s+2/2")


# ---- pagination and faults -------------------------------------------------------------------------------

class TestTalking(GitLabCase):
    def test_pages_of_100_and_no_totals_past_the_limit(self):
        for i in range(230):
            self.gl.add_label("acme/web", "l%03d" % i, "#000000")
        self.gl.totals_limit = 100      # behave as past 10,000: no X-Total, no rel=last
        res = self.epi("list", "--output", "json", org=None, pre=["--repo", "acme/web"])
        self.assert_rc(res, 0)
        self.assertEqual(len(res.json()["repos"][0]["labels"]), 232)  # and kind::bug
        pages = [q for p, q in self.gets() if p.endswith("/projects/%d/labels" % self.web.id)]
        self.assertEqual(pages, ["with_counts=true&per_page=100&page=%d" % n for n in (1, 2, 3)])

    def test_502_on_reads_is_retried(self):
        self.gl.add_fault(method="GET", path=r"/labels$", status=502,
                          body="<html><body>502 Bad Gateway</body></html>", times=2)
        res = self.epi("list")
        self.assert_rc(res, 0)
        self.assertRegex(res.out, r"(?m)^bug\s+2/2")

    def test_create_whose_answer_is_lost_is_not_repeated(self):
        """A POST applied but answered 502: the core lists again and finds it (GitLab
        would answer a repeated create with 409)."""
        self.gl.add_fault(method="POST", path=r"/labels$", status=502, body="<html>502</html>",
                          when="after", times=1)
        res = self.epi("-y", "ensure", "feature", "--color", "a2eeef", org=None,
                       pre=["--repo", "acme/web"])
        self.assert_rc(res, 0)
        posts = [w for w in self.writes() if w[0] == "POST"]
        self.assertEqual(len(posts), 1)
        self.assertEqual(self.state("acme/web")["feature"], ("#a2eeef", None))

    def test_truncated_body_fails_that_project_only(self):
        self.gl.add_fault(method="GET", path=r"/projects/%d/labels$" % self.web.id, status=200,
                          body=b'[{"id":1,"name":"bu', headers={"Content-Type": "application/json"},
                          times=None)
        f = self.labels_file("labels:\n  - name: feature\n    color: a2eeef\n")
        res = self.epi("-y", "sync", "-c", f)
        self.assert_rc(res, 1)
        self.assertRegex(res.out + res.err, r"acme/web.*(JSON|json)")
        self.assertEqual(self.writes(), [("POST", self.lpath(self.api), {"name": "feature", "color": "#a2eeef"})])

    def test_429_with_retry_after(self):
        self.gl.add_fault(method="GET", path=r"/labels$", status=429, body="Retry later\n",
                          headers={"Content-Type": "text/plain", "Retry-After": "1",
                                   "RateLimit-Remaining": "0",
                                   "RateLimit-Reset": "1"}, times=1)
        res = self.epi("list")
        self.assert_rc(res, 0)
        self.assertIn("rate limit", res.err.lower())

    def test_429_without_headers_backs_off(self):
        self.gl.rate_headers = False
        self.gl.add_fault(method="POST", path=r"/labels$", status=429, body="Retry later\n",
                          headers={"Content-Type": "text/plain"}, times=1, decorate=False)
        res = self.epi("-y", "ensure", "feature", "--color", "a2eeef", org=None,
                       pre=["--repo", "acme/web"])
        self.assert_rc(res, 0)
        self.assertEqual(len([w for w in self.writes() if w[0] == "POST"]), 2)
        self.assertIn("feature", self.state("acme/web"))
        self.assertIn("rate limited (429) without a time to wait; backing off 1 s", res.err)

    def test_lost_answers_in_many_projects_lose_nothing(self):
        """Creates answered 502 after they were made, in projects written at
        once: each is found by listing again, none is made twice."""
        for n in range(4):
            self.gl.add_project("acme", "p%d" % n, labels=[{"name": "bug", "color": "#000000"}])
        self.gl.add_fault(method="POST", path=r"/labels$", status=502, body="<html>502</html>",
                          when="after", times=3)
        f = self.labels_file(PAR_LABELS)
        res = self.epi("-y", "sync", "-c", f, "--prune")
        self.assert_rc(res, 0)
        for n in range(4):
            self.assertEqual(self.state("acme/p%d" % n), PAR_AFTER)
        posts = [(w[1], w[2]["name"]) for w in self.writes() if w[0] == "POST"]
        self.assertEqual(len(posts), len(set(posts)))
        self.assertEqual(len(posts), 2 * 6)     # docs, feature in p0-p3, api and web


PAR_LABELS = """\
labels:
  - name: bug
    color: d73a4a
  - name: feature
    color: a2eeef
  - name: docs
    color: 0075ca
"""
PAR_AFTER = {"bug": ("#d73a4a", None), "feature": ("#a2eeef", None), "docs": ("#0075ca", None)}


class TestParallelWrites(GitLabCase):
    """SPEC 11: a self-managed GitLab (--url) takes writes to different projects
    at once, each project's in plan order; gitlab.com's rules (--api-url, see
    docs/gitlab.md) keep them one at a time, --write-interval 0 or not."""

    def seed(self):
        names = []
        for n in range(4):
            self.gl.add_project("acme", "p%d" % n, labels=[{"name": "bug", "color": "#000000"},
                                                          {"name": "stale", "color": "#cccccc"}])
            names.append("acme/p%d" % n)
        self.gl.latency = 0.05
        return names

    def sync(self, *pre, api_url=False):
        res = self.epi("-y", "sync", "-c", self.labels_file(PAR_LABELS), "--prune",
                       org=None, pre=["--repo", "acme/p0", "--repo", "acme/p1", "--repo", "acme/p2",
                                      "--repo", "acme/p3"] + list(pre), api_url=api_url)
        self.assert_rc(res, 0)
        return res

    def per_project(self, names):
        """Each project's writes, in the order the fake saw them."""
        ids = {self.gl.project(n).id: n for n in names}
        seen = {n: [] for n in names}
        for method, path, body in self.writes():
            m = re.match(r"%s/projects/(\d+)/labels" % API, path)
            self.assertTrue(m, path)
            seen[ids[int(m.group(1))]].append((method, body.get("name") if body else None))
        return seen

    # One project's plan, in order: bug recoloured, feature and docs made, stale pruned.
    PLAN = [("PUT", None), ("POST", "feature"), ("POST", "docs"), ("DELETE", None)]

    def check_final(self, names):
        for n in names:
            self.assertEqual(self.state(n), PAR_AFTER)

    def test_self_managed_writes_projects_at_once_in_plan_order(self):
        names = self.seed()
        self.sync("--jobs", "4")
        self.assertGreaterEqual(self.gl.max_writes_in_flight, 2)
        self.assertLessEqual(self.gl.max_writes_in_flight, 4)
        self.check_final(names)
        for n, seen in self.per_project(names).items():
            self.assertEqual(seen, self.PLAN, n)

    def test_gitlab_com_rules_keep_writes_serial(self):
        names = self.seed()
        self.sync("--jobs", "8", "--write-interval", "0", api_url=True)
        self.assertEqual(self.gl.max_writes_in_flight, 1)
        self.check_final(names)
        for n, seen in self.per_project(names).items():
            self.assertEqual(seen, self.PLAN, n)


if __name__ == "__main__":
    harness.main()
