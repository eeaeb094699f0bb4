# SPDX-License-Identifier: MIT
"""A mixed estate of all three forges from one labels file (issue 12;
spec-gitlab.md "Mixed estates"): targets naming a GitHub org, a Gitea org and
a GitLab group with subgroups (org_labels: true), each with its own
token_env. One plan for every target; plan exits 2 when any would change; a
destructive change anywhere refuses the whole run without --yes; a failing
target never stops the others; each fake sees only its own token and the
exact writes meant for it."""

import harness
from fake_gitea import FakeGitea
from fake_github import FakeGitHub
from fake_gitlab import FakeGitLab

GH_TOKEN = "ghp_MixedGitHubToken0123456789abcdefAAA"
GT_TOKEN = "gta_MixedGiteaToken0123456789abcdefBBB"
GL_TOKEN = "glpat-MixedGitLabToken0123456789abCCC"
GL2_TOKEN = "glpat-MixedGitLabProjects0123456789DDD"
ENV = {"ACME_GH_TOKEN": GH_TOKEN, "ACME_GITEA_TOKEN": GT_TOKEN,
       "ACME_GITLAB_TOKEN": GL_TOKEN, "ACME_GITLAB_PROJECTS": GL2_TOKEN}

LABELS = """\
labels:
  - name: bug
    color: d73a4a
    aliases: [defect]
  - name: wontfix
    delete: true
"""


class MixedCase(harness.EpithetTestCase):
    def setUp(self):
        super().setUp()
        gh = self.gh = self.start_fake(FakeGitHub(token=GH_TOKEN))
        gt = self.gt = self.start_fake(FakeGitea(token=GT_TOKEN))
        gl = self.gl = self.start_fake(FakeGitLab(token=GL_TOKEN, read_only_tokens=[GL2_TOKEN]))
        gh.add_repo("acme", "api", labels=[{"name": "bug", "color": "d73a4a"}])
        gt.add_repo("acme", "api", labels=[{"name": "defect", "color": "d73a4a"}])
        gl.add_group("acme/platform/backend")
        gl.add_group_label("acme/platform", "wontfix", "#eeeeee")
        self.svc = gl.add_project("acme/platform/backend", "svc",
                                  labels=[{"name": "docs", "color": "#0075CA"}])
        self.fakes = (gh, gt, gl)

    def targets(self, gl_org="acme/platform", extra=""):
        return ("targets:\n"
                "  - forge: github\n    api_url: %s\n    org: acme\n    token_env: ACME_GH_TOKEN\n"
                "  - forge: gitea\n    url: %s\n    org: acme\n    token_env: ACME_GITEA_TOKEN\n"
                "  - forge: gitlab\n    url: %s\n    org: %s\n    token_env: ACME_GITLAB_TOKEN\n"
                "    org_labels: true\n%s"
                % (self.gh.api_url, self.gt.url, self.gl.url, gl_org, extra))

    def epi(self, *args, text=None):
        path = self.write_file((text or self.targets()) + LABELS)
        res = self.run_epithet(["--write-interval", "0", "-c", path] + list(args),
                               env=dict(ENV, EPITHET_TEST_FAST_RETRY="1"))
        for tok in ENV.values():
            self.assert_no_token(res, tok)
        return res

    def writes(self):
        return [[(r.method, r.path, r.body) for r in f.writes() if not r.path.endswith("/graphql")]
                for f in self.fakes]

    def test_one_plan_exit_2_and_refusal_without_yes(self):
        res = self.epi("plan")
        self.assert_rc(res, 2)
        self.assertIn("acme/api", res.out)
        self.assertIn("> defect -> bug", res.out)
        self.assertIn("acme/platform (owner labels)", res.out)
        self.assertIn("- wontfix", res.out)
        self.assertEqual(self.writes(), [[], [], []])
        # the destructive group-label delete refuses the whole run, everywhere
        res = self.epi("sync")
        self.assert_rc(res, 1)
        self.assertEqual(self.writes(), [[], [], []])

    def test_sync_writes_each_forge_its_own_way(self):
        res = self.epi("-y", "sync")
        self.assert_rc(res, 0)
        gt_id = [lb for lb in self.gt.labels("acme", "api") if lb["name"] == "bug"][0]["id"]
        wf = [r for r in self.gl.requests if r.method == "DELETE"]
        gh_w, gt_w, gl_w = self.writes()
        self.assertEqual(gh_w, [])
        self.assertEqual(gt_w, [("PATCH", "/api/v1/repos/acme/api/labels/%d" % gt_id,
                                 {"name": "bug", "is_archived": False})])
        # the group target: bug created once at acme/platform, wontfix deleted there
        self.assertEqual([(w[0], w[1]) for w in gl_w], [
            ("POST", "/api/v4/groups/acme%2Fplatform/labels"),
            ("DELETE", wf[0].path)])
        self.assertEqual(self.gl.group_labels("acme/platform"), [
            {"id": self.gl.group_labels("acme/platform")[0]["id"], "name": "bug",
             "color": "#d73a4a", "description": None}])
        # every request carried its own forge's token and no other
        for fake, tok in ((self.gh, GH_TOKEN), (self.gt, GT_TOKEN), (self.gl, GL_TOKEN)):
            for r in fake.requests:
                auth = r.headers.get("authorization", "")
                self.assertTrue(auth.endswith(tok), (fake, auth))
        res = self.epi("plan")
        self.assert_rc(res, 0)

    def test_project_label_shadowed_by_the_group_label_is_a_notice(self):
        """The group label bug would duplicate the project label bug of
        acme/platform/backend/svc: reported, not created, the rest done."""
        self.gl.add_label("acme/platform/backend/svc", "Bug", "#D73A4A")
        res = self.epi("-y", "sync")
        self.assert_rc(res, 0)
        self.assertIn("1 repo already have a repo label of this name (acme/platform/backend/svc)",
                      res.out)
        self.assertEqual(self.gl.group_labels("acme/platform"), [])    # wontfix deleted
        self.assertEqual(self.gl.label("acme/platform/backend/svc", "Bug")["color"], "#D73A4A")
        self.assertEqual(len(self.writes()[1]), 1)

    def test_a_failing_target_does_not_stop_the_others(self):
        res = self.epi("-y", "sync", text=self.targets(gl_org="nope"))
        self.assert_rc(res, 1)
        gh_w, gt_w, gl_w = self.writes()
        self.assertEqual(len(gt_w), 1)       # Gitea still renamed defect -> bug
        self.assertEqual(gl_w, [])
        self.assertIn("nope", res.err + res.out)

    def test_read_only_token_fails_its_target_only(self):
        text = self.targets().replace("ACME_GITLAB_TOKEN", "ACME_GITLAB_PROJECTS")
        res = self.epi("-y", "sync", text=text)
        self.assert_rc(res, 1)
        self.assertEqual(len(self.writes()[1]), 1)
        self.assertIn("api scope", res.out + res.err)


if __name__ == "__main__":
    harness.main()
