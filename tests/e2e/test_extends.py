# SPDX-License-Identifier: MIT
"""extends (issue 11; SPEC.md 9): labels files that build on others, local ones
relative to the extending file and files in a repository on a forge (the central
policy repo), read through the plugins' read_file before any other request. Later
labels and sets replace earlier ones whole; keep accumulates; targets come from the
top file only. Cycles, depth, missing bases: exit 65 with the chain."""

import os

import ghcase
import harness
from fake_gitea import FakeGitea
from ghcase import OWNER, TOKEN

GITEA_TOKEN = "gta_E2eExtendsSecret0123456789abcdefQRS"


class ExtendsCase(ghcase.GitHubCase):
    def setUp(self):
        super().setUp()
        self.gh = self.fake()
        self.gh.add_repo(OWNER, "web", labels=[{"name": "bug", "color": "000000"}])
        self.gh.add_repo(OWNER, "api", topics=["backend"])
        self.dir = self.tmpdir()

    def put(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def refused(self, top, *errors):
        """A plan of @top refused as a bad labels file: exit 65, each of
        @errors on stderr, and no request sent."""
        res = self.epi(self.gh, "plan", "-c", top)
        self.assert_rc(res, 65)
        for e in errors:
            self.assert_in_err(res, e)
        self.assert_no_requests(self.gh, res)
        return res

    def contents_gets(self, gh):
        return [(r.path, r.query) for r in gh.requests if "/contents/" in r.path]


class TestLocalBases(ExtendsCase):
    def test_override_and_accumulation(self):
        """Bases first (depth first, in order), then the file: a label given again
        replaces the earlier one whole, a set given again by name replaces it whole,
        keep accumulates. Paths are relative to the file that names them."""
        gh = self.gh
        self.put("policy/common/base.yml", """\
extends: [deeper.yml]
labels:
  - name: bug
    color: 111111
    description: from the base
  - name: docs
    color: 0075ca
sets:
  - name: backend
    topics: [backend]
    labels:
      - name: area/db
        color: 222222
keep: ["release/*"]
""")
        self.put("policy/common/deeper.yml", "labels:\n  - name: chore\n    color: 333333\n"
                 "keep: [wip]\n")
        top = self.put("teams/web.yml", """\
extends:
  - ../policy/common/base.yml
labels:
  - name: Bug
    color: d73a4a
sets:
  - name: backend
    topics: [backend]
    labels:
      - name: area/api
        color: 444444
""")
        res = self.epi(gh, "sync", "-c", top, "--yes")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [
            ("POST", "/repos/acme/api/labels", {"name": "chore", "color": "333333"}),
            ("POST", "/repos/acme/api/labels", {"name": "Bug", "color": "d73a4a"}),
            ("POST", "/repos/acme/api/labels", {"name": "docs", "color": "0075ca"}),
            ("POST", "/repos/acme/api/labels", {"name": "area/api", "color": "444444"}),
            ("POST", "/repos/acme/web/labels", {"name": "chore", "color": "333333"}),
            # replaced whole: the base's description is not kept
            ("PATCH", "/repos/acme/web/labels/bug", {"new_name": "Bug", "color": "d73a4a"}),
            ("POST", "/repos/acme/web/labels", {"name": "docs", "color": "0075ca"}),
        ])
        # keep accumulated: neither wip nor release/* is pruned
        gh.add_label(OWNER, "web", "wip", "eeeeee")
        gh.add_label(OWNER, "web", "release/2", "eeeeee")
        gh.add_label(OWNER, "web", "stale", "eeeeee")
        gh.clear_requests()
        res = self.epi(gh, "sync", "-c", top, "--yes", "--prune")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [("DELETE", "/repos/acme/web/labels/stale", None)])

    def test_error_in_a_base_names_it(self):
        base = self.put("base.yml", "labels:\n  - name: x\n    colour: '000000'\n")
        top = self.put("labels.yml", "extends: [base.yml]\nlabels: []\n")
        self.refused(top, "%s:3:5: unknown key 'colour' in a label (did you mean 'color'?)"
                     % base)

    def test_cycle(self):
        a = self.put("a.yml", "extends: [b.yml]\nlabels: []\n")
        b = self.put("b.yml", "labels: []\nextends:\n  - a.yml\n")
        self.refused(a, "%s:3:5: extends '%s': a cycle (%s -> %s -> %s)" % (b, a, a, b, a))

    def test_depth_over_eight(self):
        gh = self.gh
        for i in range(10):
            self.put("f%d.yml" % i, "extends: [f%d.yml]\nlabels: []\n" % (i + 1))
        self.put("f10.yml", "labels: []\n")
        self.refused(os.path.join(self.dir, "f0.yml"),
                     "f8.yml:1:11: extends '%s': bases more than 8 deep ("
                     % os.path.join(self.dir, "f9.yml"), "f0.yml -> ")
        # eight is fine
        self.put("f8.yml", "labels: []\n")
        res = self.epi(gh, "plan", "-c", os.path.join(self.dir, "f0.yml"))
        self.assert_rc(res, 0)

    def test_missing_base(self):
        top = self.put("labels.yml", "labels: []\nextends: [nope.yml]\n")
        self.refused(top, "%s:2:11: cannot read the base '%s' (%s -> %s): cannot open the "
                     "labels file: No such file or directory"
                     % (top, os.path.join(self.dir, "nope.yml"), top,
                        os.path.join(self.dir, "nope.yml")))

    def test_targets_in_a_base(self):
        base = self.put("base.yml", "labels: []\ntargets:\n  - org: acme\n")
        top = self.put("labels.yml", "extends: [base.yml]\nlabels: []\n")
        self.refused(top, "%s:2:1: 'targets' in a base: targets come from the top file only"
                     % base)

    def test_bad_extends_item(self):
        top = self.put("labels.yml", "labels: []\nextends:\n  - repo: acme\n    path: x.yml\n"
                       "  - {repo: acme/.github, path: x.yml, branch: main}\n")
        self.refused(top, "%s:3:11: repo 'acme' is not OWNER/NAME" % top,
                     "%s:5:39: unknown key 'branch' in a base" % top)


COMMON = """\
labels:
  - name: bug
    color: d73a4a
extends: [teams/platform.yml]
"""
PLATFORM = """\
sets:
  - name: backend
    topics: [backend]
    labels:
      - name: area/db
        color: 5319e7
"""


class TestForgeBases(ExtendsCase):
    def central(self, gh, ref=None):
        gh.add_repo(OWNER, ".github")
        gh.add_file(OWNER, ".github", "labels/common.yml", COMMON, ref=ref)
        gh.add_file(OWNER, ".github", "labels/teams/platform.yml", PLATFORM, ref=ref)

    def test_central_policy_repo_on_github(self):
        """A base in acme/.github at a ref, read through the contents API before
        anything else; its own local bases are files of the same repo and ref."""
        gh = self.gh
        self.central(gh, ref="v2")
        top = self.put("labels.yml", """\
extends:
  - repo: acme/.github
    path: labels/common.yml
    ref: v2
labels:
  - name: docs
    color: 0075ca
""")
        res = self.epi(gh, "sync", "-c", top, "--yes")
        self.assert_rc(res, 0)
        self.assertEqual([(r.method, r.path, r.query) for r in gh.requests[:2]], [
            ("GET", "/repos/acme/.github/contents/labels/common.yml", "ref=v2"),
            ("GET", "/repos/acme/.github/contents/labels/teams/platform.yml", "ref=v2")])
        self.assertEqual(len(self.contents_gets(gh)), 2)
        self.assertEqual(sorted(self.write_log(gh), key=repr), sorted([
            ("POST", "/repos/acme/.github/labels", {"name": "bug", "color": "d73a4a"}),
            ("POST", "/repos/acme/.github/labels", {"name": "docs", "color": "0075ca"}),
            ("POST", "/repos/acme/api/labels", {"name": "bug", "color": "d73a4a"}),
            ("POST", "/repos/acme/api/labels", {"name": "docs", "color": "0075ca"}),
            ("POST", "/repos/acme/api/labels", {"name": "area/db", "color": "5319e7"}),
            ("PATCH", "/repos/acme/web/labels/bug", {"color": "d73a4a"}),
            ("POST", "/repos/acme/web/labels", {"name": "docs", "color": "0075ca"}),
        ], key=repr))

    def test_default_branch_and_ghes(self):
        """No ref: the default branch (no ref= sent). Works on GitHub Enterprise
        Server: the base's forge and URL are the first target's."""
        gh = self.fake(ghes=True)
        gh.add_repo(OWNER, "web")
        self.central(gh)
        top = self.put("labels.yml", """\
extends:
  - {repo: acme/.github, path: labels/common.yml}
labels: []
targets:
  - forge: github
    url: %s
    org: acme
""" % gh.url)
        res = self.run_epithet(["--write-interval", "0", "plan", "-c", top],
                               env={"GITHUB_ENTERPRISE_TOKEN": TOKEN})
        self.assert_rc(res, 2)
        self.assertEqual([(r.path, r.query) for r in gh.requests[:2]], [
            ("/api/v3/repos/acme/.github/contents/labels/common.yml", ""),
            ("/api/v3/repos/acme/.github/contents/labels/teams/platform.yml", "")])
        self.assert_in_out(res, "+ bug")

    def test_missing_forge_base(self):
        """A forge file that cannot be read: exit 65 with the chain; only the base
        reads were sent."""
        gh = self.gh
        self.central(gh)
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: labels/nope.yml, ref: main}\n")
        res = self.epi(gh, "sync", "-c", top, "--yes")
        self.assert_rc(res, 65)
        self.assert_in_err(res, "%s:3:5: cannot read the base 'acme/.github:labels/nope.yml@main' "
                           "(%s -> acme/.github:labels/nope.yml@main): not found: " % (top, top))
        self.assertEqual([(r.method, r.path, r.query) for r in gh.requests], [
            ("GET", "/repos/acme/.github/contents/labels/nope.yml", "ref=main")])

    def test_unknown_ref(self):
        gh = self.gh
        self.central(gh)
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: labels/common.yml, ref: nope}\n")
        res = self.epi(gh, "plan", "-c", top)
        self.assert_rc(res, 65)
        self.assert_in_err(res, "No commit found for the ref nope")
        self.assertEqual(len(gh.requests), 1)

    def test_directory_is_not_a_base(self):
        gh = self.gh
        self.central(gh)
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: labels/teams}\n")
        res = self.epi(gh, "plan", "-c", top)
        self.assert_rc(res, 65)
        self.assert_in_err(res, "is a directory, not a file")

    def test_error_in_forge_base_names_it(self):
        gh = self.gh
        gh.add_repo(OWNER, ".github")
        gh.add_file(OWNER, ".github", "labels.yml", "labels:\n  - name: x\n    color: nope\n")
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: labels.yml, ref: main}\n")
        res = self.epi(gh, "plan", "-c", top)
        self.assert_rc(res, 65)
        self.assert_in_err(res, "acme/.github:labels.yml@main:3:12: color 'nope' is not 3 or 6 "
                                "hex digits")
        self.assertEqual(len(gh.requests), 1)

    def test_no_read_after_an_error(self):
        """Once the policy is known to be invalid, no more bases are read from the
        forge (a local base after it is still checked)."""
        gh = self.gh
        gh.add_repo(OWNER, ".github")
        gh.add_file(OWNER, ".github", "bad.yml", "labels:\n  - name: x\n    color: nope\n")
        gh.add_file(OWNER, ".github", "good.yml", "labels: []\n")
        self.put("local.yml", "labels:\n  - name: y\n    color: nope2\n")
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: bad.yml}\n"
                       "  - {repo: acme/.github, path: good.yml}\n"
                       "  - local.yml\n")
        res = self.epi(gh, "plan", "-c", top)
        self.assert_rc(res, 65)
        self.assert_in_err(res, "acme/.github:bad.yml:3:12: color 'nope' is not 3 or 6")
        self.assert_in_err(res, "local.yml:3:12: color 'nope2' is not 3 or 6")
        self.assertEqual([r.path for r in gh.requests], ["/repos/acme/.github/contents/bad.yml"])

    def test_top_file_sets_checked_before_any_read(self):
        """A set of the top file naming a target it does not have: refused before
        the bases are read."""
        gh = self.gh
        gh.add_repo(OWNER, ".github")
        gh.add_file(OWNER, ".github", "labels.yml", "labels: []\n")
        top = self.put("labels.yml", "labels: []\nextends: {repo: acme/.github, path: labels.yml}\n"
                       "sets:\n  - {name: s, repos: [a], targets: [nope], labels: []}\n"
                       "targets:\n  - {name: main, org: acme, api_url: %s}\n" % gh.api_url)
        res = self.epi(gh, "plan", "-c", top)
        self.assert_rc(res, 65)
        self.assert_in_err(res, "%s:4:37: set 's' names the target 'nope', but no target has "
                           "that name" % top)
        self.assertEqual(res.err.count("names the target"), 1, res.err)
        self.assert_no_requests(gh, res)

    def test_command_line_checked_before_any_read(self):
        """A bad value on the command line: refused before the bases are read."""
        gh = self.gh
        gh.add_repo(OWNER, ".github")
        gh.add_file(OWNER, ".github", "labels.yml", "labels: []\n")
        top = self.put("labels.yml", "labels: []\nextends: {repo: acme/.github, path: labels.yml}\n")
        res = self.epi(gh, "ensure", "bug", "--color", "zz", "-c", top)
        self.assert_rc(res, 65)
        self.assert_in_err(res, "--color")
        res = self.epi(gh, "copy", "nope", "-c", top)
        self.assert_rc(res, 65)
        self.assert_in_err(res, "expected OWNER/REPO")
        self.assert_no_requests(gh, res)

    def test_large_base_read_from_its_blob(self):
        """Over 1 MB GitHub sends the file without content: read from its blob."""
        gh = self.gh
        gh.add_repo(OWNER, ".github")
        body = "labels:\n  - name: big\n    color: '000000'\n" + "# padding\n" * 110000
        gh.add_file(OWNER, ".github", "big.yml", body)
        top = self.put("labels.yml", "labels: []\nextends:\n  - {repo: acme/.github, path: big.yml}\n")
        res = self.epi(gh, "plan", "-c", top)
        self.assert_rc(res, 2)
        gets = [r.path for r in gh.requests]
        self.assertEqual(gets[0], "/repos/acme/.github/contents/big.yml")
        self.assertTrue(gets[1].startswith("/repos/acme/.github/git/blobs/"), gets)
        self.assert_in_out(res, "+ big")

    def test_plugin_without_read_file(self):
        """A 1.0 plugin has no read_file: a clear error naming the forge."""
        gh = self.gh
        d = self.tmpdir()
        src = os.path.join(os.environ["EPITHET_TEST_PLUGINS"], "testforge-v1.0.so")
        dst = os.path.join(d, "testforge.so")
        with open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
        os.chmod(dst, 0o755)
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: labels.yml, forge: testforge}\n")
        path = os.environ.get("EPITHET_PLUGIN_PATH", "")
        res = self.epi(gh, "plan", "-c", top, env={"EPITHET_PLUGIN_PATH": d + ":" + path})
        self.assert_rc(res, 65)
        self.assert_in_err(res, "forge 'testforge' cannot read files from a repository (its plugin "
                                "has no read_file, ABI 1.1)")
        self.assert_no_requests(gh, res)


class TestGiteaBase(ExtendsCase):
    def test_central_policy_repo_on_gitea(self):
        gt = self.start_fake(FakeGitea(token=GITEA_TOKEN))
        gt.add_repo(OWNER, ".github")
        gt.add_repo(OWNER, "svc", topics=["backend"])
        gt.add_file(OWNER, ".github", "labels/common.yml", COMMON)
        gt.add_file(OWNER, ".github", "labels/teams/platform.yml", PLATFORM)
        top = self.put("labels.yml", """\
extends:
  - repo: acme/.github
    path: labels/common.yml
labels: []
targets:
  - forge: gitea
    url: %s
    org: acme
    include: [svc]
""" % gt.url)
        res = self.run_epithet(["--write-interval", "0", "sync", "-c", top, "--yes"],
                               env={"GITEA_TOKEN": GITEA_TOKEN})
        self.assert_rc(res, 0)
        self.assert_no_token(res, GITEA_TOKEN)
        gets = [(r.path, r.query) for r in gt.requests if "/contents/" in r.path]
        self.assertEqual(gets, [("/api/v1/repos/acme/.github/contents/labels/common.yml", ""),
                                ("/api/v1/repos/acme/.github/contents/labels/teams/platform.yml", "")])
        # the base reads come first (after the base session's own start)
        first_label = min(i for i, r in enumerate(gt.requests) if r.path.endswith("/labels") or
                          r.path.startswith("/api/v1/orgs/"))
        last_base = max(i for i, r in enumerate(gt.requests) if "/contents/" in r.path)
        self.assertLess(last_base, first_label)
        self.assertEqual(sorted(lb["name"] for lb in gt.labels(OWNER, "svc")), ["area/db", "bug"])

    def test_gitea_missing(self):
        gt = self.start_fake(FakeGitea(token=GITEA_TOKEN))
        gt.add_repo(OWNER, ".github")
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: nope.yml, forge: gitea, url: '%s'}\n" % gt.url)
        res = self.run_epithet(["--forge", "gitea", "--url", gt.url, "-o", OWNER, "plan", "-c", top],
                               env={"GITEA_TOKEN": GITEA_TOKEN})
        self.assert_rc(res, 65)
        self.assert_in_err(res, "cannot read the base 'acme/.github:nope.yml'")
        self.assertEqual([r.path for r in gt.requests if not r.path.startswith(
            ("/api/v1/version", "/api/v1/settings"))],
                         ["/api/v1/repos/acme/.github/contents/nope.yml"])


class TestBaseTokens(ExtendsCase):
    """The token for a forge base: EPITHET_TOKEN, the forge's variables, then the
    token_env of the first target of the same forge and URL, --token-file, netrc."""

    def test_token_env_of_the_target(self):
        """A platform team's token only in ACME_TOKEN (the target's token_env):
        the private acme/.github is read with it."""
        gh = self.gh
        gh.add_repo(OWNER, ".github", private=True)
        gh.add_file(OWNER, ".github", "labels/common.yml", COMMON)
        gh.add_file(OWNER, ".github", "labels/teams/platform.yml", PLATFORM)
        top = self.put("labels.yml", """\
extends:
  - {repo: acme/.github, path: labels/common.yml}
labels: []
targets:
  - forge: github
    api_url: %s
    org: acme
    token_env: ACME_TOKEN
""" % gh.api_url)
        res = self.run_epithet(["--write-interval", "0", "plan", "-c", top],
                               env={"ACME_TOKEN": TOKEN})
        self.assert_no_token(res, TOKEN)
        self.assert_rc(res, 2)
        reads = [r for r in gh.requests if "/contents/" in r.path]
        self.assertEqual([(r.path, r.headers.get("authorization")) for r in reads], [
            ("/repos/acme/.github/contents/labels/common.yml", "Bearer " + TOKEN),
            ("/repos/acme/.github/contents/labels/teams/platform.yml", "Bearer " + TOKEN)])
        self.assertIs(gh.requests[0], reads[0])
        self.assert_in_out(res, "+ bug")

    def test_first_target_of_the_same_forge_and_url(self):
        """A base with its own forge and url takes the token_env of the target
        there, not the first target's."""
        other_token = "ghp_E2eOtherServerToken0123456789abcdefUVW"
        one = self.fake(ghes=True, token=other_token)
        two = self.fake(ghes=True)
        one.add_repo(OWNER, "web")
        two.add_repo(OWNER, "api", topics=["backend"])
        two.add_repo(OWNER, ".github", private=True)
        two.add_file(OWNER, ".github", "labels/teams/platform.yml", PLATFORM)
        top = self.put("labels.yml", """\
extends:
  - {repo: acme/.github, path: labels/teams/platform.yml, forge: github, url: %s}
labels: []
targets:
  - {forge: github, url: %s, org: acme, token_env: ONE_TOKEN}
  - {forge: github, url: %s, org: acme, token_env: TWO_TOKEN}
""" % (two.url, one.url, two.url))
        res = self.run_epithet(["--write-interval", "0", "plan", "-c", top],
                               env={"ONE_TOKEN": other_token, "TWO_TOKEN": TOKEN})
        self.assert_no_token(res, TOKEN)
        self.assert_no_token(res, other_token)
        self.assertEqual([r.path for r in one.requests if "/contents/" in r.path], [])
        self.assertEqual([(r.path, r.headers.get("authorization")) for r in two.requests
                          if "/contents/" in r.path],
                         [("/api/v3/repos/acme/.github/contents/labels/teams/platform.yml",
                           "Bearer " + TOKEN)])
        self.assert_in_out(res, "+ area/db")

    def test_the_forge_variable_comes_first(self):
        """GITHUB_TOKEN (the forge's own variable) wins over the target's
        token_env, as for the target itself."""
        gh = self.gh
        gh.add_repo(OWNER, ".github", private=True)
        gh.add_file(OWNER, ".github", "labels/teams/platform.yml", PLATFORM)
        top = self.put("labels.yml", """\
extends: {repo: acme/.github, path: labels/teams/platform.yml}
labels: []
targets:
  - {forge: github, api_url: %s, org: acme, token_env: ACME_TOKEN}
""" % gh.api_url)
        res = self.run_epithet(["--write-interval", "0", "plan", "-c", top],
                               env={"GITHUB_TOKEN": TOKEN, "ACME_TOKEN": "ghp_E2eWrong"})
        self.assert_no_token(res, TOKEN)
        reads = [r for r in gh.requests if "/contents/" in r.path]
        self.assertEqual([r.headers.get("authorization") for r in reads], ["Bearer " + TOKEN])


class TestLocalForgeBase(ExtendsCase):
    def test_local_forge_repo_files(self):
        """The local forge keeps a repo's files in the directory <repo>/; a path
        leading out of it is refused."""
        org = os.path.join(self.dir, "acme")
        os.makedirs(os.path.join(org, ".github", "labels"))
        with open(os.path.join(org, ".github.json"), "w") as f:
            f.write('{"labels": []}')
        with open(os.path.join(org, "web.json"), "w") as f:
            f.write('{"labels": []}')
        with open(os.path.join(org, ".github", "labels", "common.yml"), "w") as f:
            f.write("labels:\n  - name: bug\n    color: d73a4a\n")
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: labels/common.yml, ref: main}\n")
        res = self.run_epithet(["--forge", "local", "--url", org, "sync", "-c", top, "--yes"])
        self.assert_rc(res, 0)
        with open(os.path.join(org, "web.json")) as f:
            self.assertIn('"bug"', f.read())
        os.symlink(os.path.join(org, "web.json"), os.path.join(org, ".github", "escape.yml"))
        top = self.put("labels.yml", "labels: []\nextends:\n"
                       "  - {repo: acme/.github, path: escape.yml}\n")
        res = self.run_epithet(["--forge", "local", "--url", org, "plan", "-c", top])
        self.assert_rc(res, 65)
        self.assert_in_err(res, "leads out of the repository")


if __name__ == "__main__":
    harness.main()
