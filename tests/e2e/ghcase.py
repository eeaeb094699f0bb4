# SPDX-License-Identifier: MIT
"""ghcase: helpers shared by the GitHub end-to-end tests (not a test module).

    import ghcase

    class TestX(ghcase.GitHubCase):
        def test_y(self):
            gh = self.fake()                       # FakeGitHub, token TOKEN
            gh.add_repo("acme", "r1")
            res = self.epi(gh, "ensure", "bug")    # --api-url, -o acme, --write-interval 0
            self.assertEqual(self.write_log(gh), [("POST", "/repos/acme/r1/labels",
                                                   {"name": "bug", "color": "ededed"})])
"""

import glob
import json
import os
import urllib.parse

import harness
from fake_github import FakeGitHub  # noqa: F401 (re-exported for the tests)

# Long and distinctive, so that finding it anywhere is never a coincidence.
TOKEN = "ghp_E2eSecretToken0123456789abcdefXYZ"
OWNER = "acme"


def q(name):
    """A label name as one percent-encoded path segment (RFC 3986 unreserved kept)."""
    return urllib.parse.quote(name, safe="")


def label_path(repo, name, owner=OWNER):
    return "/repos/%s/%s/labels/%s" % (owner, repo, q(name))


class GitHubCase(harness.EpithetTestCase):
    """EpithetTestCase with a fake GitHub and the usual command line."""

    def fake(self, **kw):
        kw.setdefault("token", TOKEN)
        return self.start_fake(FakeGitHub(**kw))

    def epi(self, gh, *args, org=OWNER, env=None, home=None, token=TOKEN, pre=(), input=None,
            cwd=None):
        """Run epithet against gh (api.github.com style at gh.api_url, no pacing)."""
        argv = ["--api-url", gh.api_url]
        if org:
            argv += ["-o", org]
        argv += ["--write-interval", "0"] + list(pre) + list(args)
        e = {"EPITHET_TOKEN": token} if token else {}
        e.update(env or {})
        res = self.run_epithet(argv, env=e, home=home, input=input, cwd=cwd)
        if token:
            self.assert_no_token(res, token)
        return res

    # ---- what the fake saw ------------------------------------------------------

    @staticmethod
    def write_log(gh):
        """Every write as (method, raw path, JSON body), in order."""
        return [(r.method, r.path, r.body) for r in gh.writes()]

    @staticmethod
    def reads(gh):
        return [r for r in gh.requests if r.method in ("GET", "HEAD")]

    def assert_no_writes(self, gh, res=None):
        self.assertEqual(self.write_log(gh), [], "unexpected writes\n%r" % (res,))

    def assert_no_requests(self, gh, res=None):
        self.assertEqual(gh.requests, [], "requests were sent\n%r" % (res,))

    def names(self, gh, repo, owner=OWNER):
        return [lb["name"] for lb in gh.labels(owner, repo)]

    def state(self, gh, repos, owner=OWNER):
        """{repo: {name: (color, description or None)}} of the given repos."""
        return {r: {lb["name"]: (lb["color"], lb["description"] or None)
                    for lb in gh.labels(owner, r)} for r in repos}

    def journals(self, home):
        return sorted(glob.glob(os.path.join(home, ".state", "epithet", "journal", "*.jsonl")))

    def journal_lines(self, path):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
