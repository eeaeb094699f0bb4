# SPDX-License-Identifier: MIT
"""Keep-alive for writes, and idempotent writes retried (SPEC.md 11; issue 14;
core/host/keepalive.c; docs/testing.md "Keep-alive and lost answers").

Writes go out on reused connections. The fakes count the TCP connections they
accept and tag each request with the connection it came on; epithet reports
the connections it opened in the JSON `requests` block. The server here
closes idle connections, recycles them after a few requests (politely or
not), and applies a write then closes without answering on a connection that
was already used. Every test checks the exact final state, that nothing was
created twice (Gitea allows duplicate names) and nothing lost.

EPITHET_E2E_JOBS (meson runs this file with 4, the default, and with 8) sets --jobs.
"""

import collections
import os
import re

import harness
from fake_gitea import FakeGitea
import test_faults
from test_faults import assert_create_checked
from fake_github import FakeGitHub

TOKEN = "ghp_KeepAliveSecretToken0123456789abcdXYZ"
OWNER = "acme"
LABEL_PATH = r"^/(api/v1/)?(repos|repositories)/.*/labels"
JOBS = os.environ.get("EPITHET_E2E_JOBS", "4")

# The labels file and the state it makes are the fault suite's.
LABELS_FILE = test_faults.LABELS_FILE
WANT = test_faults.WANT


def label_writes(fake):
    return [w for w in fake.writes() if re.search(LABEL_PATH, w.path)]


class KeepAliveCase(harness.EpithetTestCase):
    forge = "github"

    def fake(self, **kw):
        kw.setdefault("token", TOKEN)
        cls = FakeGitea if self.forge == "gitea" else FakeGitHub
        return self.start_fake(cls(**kw))

    # n repos, each needing a create, an update and a delete (with --prune)
    org = test_faults.FaultCase.org

    def target(self, fake):
        if self.forge == "gitea":
            return ["--forge", "gitea", "--url", fake.url]
        return ["--api-url", fake.api_url]

    def sync(self, fake, interval="0", extra=()):
        path = self.write_file(LABELS_FILE)
        argv = self.target(fake) + ["-o", OWNER, "--write-interval", interval, "-j", JOBS,
                                    "-y", "--output", "json"] + list(extra) + \
            ["sync", "-c", path, "--prune"]
        env = {"EPITHET_TOKEN": TOKEN, "EPITHET_TEST_FAST_RETRY": "1"}
        res = self.run_epithet(argv, env=env)
        self.assert_no_token(res, TOKEN)
        return res

    def state(self, fake, repo):
        return {lb["name"]: (lb["color"].lower().lstrip("#"), lb["description"] or None)
                for lb in fake.labels(OWNER, repo)}

    def assert_exact(self, fake, repos, res):
        """The final state is exact; no label was created twice; no write was
        applied twice; the report says every change was done."""
        for r in repos:
            names = [lb["name"] for lb in fake.labels(OWNER, r)]
            self.assertEqual(len(names), len(set(names)), "a duplicate in %s\n%r" % (r, res))
            self.assertEqual(self.state(fake, r), WANT, "repo %s\n%r" % (r, res))
        applied = [(w.method, w.path, (w.body or {}).get("name") if w.method == "POST" else None)
                   for w in label_writes(fake) if w.status and 200 <= w.status < 300]
        twice = [k for k, n in collections.Counter(applied).items() if n > 1]
        self.assertEqual(twice, [], "applied twice\n%r" % res)
        self.assertEqual(res.json()["summary"]["failed"], 0, res)

    @staticmethod
    def reported(res):
        return res.json()["targets"][0]["requests"]


class TestReuse(KeepAliveCase):
    def test_writes_reuse_one_connection(self):
        fake = self.fake()
        repos = self.org(fake, 3)
        res = self.sync(fake)
        self.assert_rc(res, 0)
        self.assert_exact(fake, repos, res)
        writes = label_writes(fake)
        self.assertEqual(len(writes), 9, res)
        # before keep-alive for writes, each of the 9 had a connection of its own;
        # now each writer thread keeps one (where writes to different repos may
        # overlap, SPEC 11: one thread per repo, at most --jobs)
        writers = min(int(JOBS), len(repos)) if self.forge == "gitea" else 1
        self.assertLessEqual(len({w.conn for w in writes}), writers + 1, writes)
        self.assertEqual(self.reported(res)["connections"], fake.connections, res)
        self.assertLessEqual(fake.connections, int(JOBS) + 1, res)

    def test_server_closing_idle_connections(self):
        # the server drops a connection idle for 0.15 s; writes come 0.3 s apart
        fake = self.fake()
        fake.idle_timeout = 0.15
        repos = self.org(fake, 2)
        res = self.sync(fake, interval="0.3")
        self.assert_rc(res, 0)
        self.assert_exact(fake, repos, res)
        writes = label_writes(fake)
        self.assertEqual(len(writes), 6, res)
        # the closed connections were noticed before use: a new one each time
        self.assertEqual(len({w.conn for w in writes}), 6, writes)
        self.assertEqual(self.reported(res)["connections"], fake.connections, res)
        self.assertEqual(self.reported(res)["retries"], 0, res)

    def test_server_recycling_connections_politely(self):
        fake = self.fake()
        fake.conn_max_requests = 2
        repos = self.org(fake, 3)
        res = self.sync(fake)
        self.assert_rc(res, 0)
        self.assert_exact(fake, repos, res)
        self.assertEqual(len(label_writes(fake)), 9, res)
        per_conn = collections.Counter(r.conn for r in fake.requests)
        self.assertLessEqual(max(per_conn.values()), 2, per_conn)
        self.assertEqual(self.reported(res)["connections"], fake.connections, res)

    def test_server_recycling_connections_silently(self):
        # closed after 2 answers without "Connection: close": the client finds
        # out on reuse; a write caught by it is checked, never sent blindly
        fake = self.fake()
        fake.conn_max_requests = 2
        fake.conn_close_header = False
        repos = self.org(fake, 3)
        res = self.sync(fake)
        self.assert_rc(res, 0)
        self.assert_exact(fake, repos, res)
        self.assertEqual(self.reported(res)["connections"], fake.connections, res)


class TestLostAnswerOnAReusedConnection(KeepAliveCase):
    def lost(self, method):
        """The forge applies the first @method label write, then closes the
        (already used) connection without answering."""
        fake = self.fake()
        repos = self.org(fake, 2)
        seen = []

        def reused(req):
            return any(r.conn == req.conn and r.seq < req.seq for r in fake.requests)

        # the first such write that comes on a used connection (with writes
        # to different repos at once, SPEC 11, one may come on a new one)
        f = fake.add_fault(method=method, path=LABEL_PATH, when="after", drop=True,
                           match=lambda req: reused(req) and not seen.append(True))
        res = self.sync(fake)
        self.assertEqual(f.fired, 1, res)
        self.assertEqual(seen[0], True, "no write came on a used connection")
        self.assert_rc(res, 0)
        self.assert_exact(fake, repos, res)
        return fake, res

    def test_create(self):
        fake, res = self.lost("POST")
        # one create per repo, the lost one included: libcurl's own resend was
        # stopped, and the core found the label by listing the repo again
        assert_create_checked(self, [w for w in label_writes(fake) if w.method == "POST"],
                              fake.requests, res)

    def test_update(self):
        fake, res = self.lost("PATCH")
        self.assertEqual(len([w for w in label_writes(fake) if w.method == "PATCH"]), 2, res)

    def test_delete_is_sent_again(self):
        # DELETE is idempotent: libcurl may resend it; a 404 then is success
        fake, res = self.lost("DELETE")
        deletes = [w for w in label_writes(fake) if w.method == "DELETE"]
        self.assertIn(len(deletes), (2, 3), res)


class TestGiteaReuse(TestReuse):
    forge = "gitea"


class TestGiteaLostAnswer(TestLostAnswerOnAReusedConnection):
    """Gitea allows two labels of one name: a resent create would make one."""
    forge = "gitea"


class TestIdempotentLabelling(KeepAliveCase):
    """ABI 1.1 EPITHET_HTTP_IDEMPOTENT: adding a label to an issue during a
    merge is a POST, retried after a 502 like a GET."""

    def merge(self, when):
        fake = self.fake()
        fake.add_repo(OWNER, "r1", labels=[{"name": "enhancement", "color": "a2eeef"},
                                           {"name": "feature", "color": "00ff00"}],
                      issues=[{"number": 1, "labels": ["enhancement"]},
                              {"number": 2, "labels": ["enhancement"]}])
        f = fake.add_fault(method="POST", path=r"/issues/1/labels$", status=502,
                           body="<html>502 Bad Gateway</html>", when=when)
        argv = self.target(fake) + ["-o", OWNER, "--write-interval", "0", "-j", JOBS, "-y",
                                    "--output", "json", "rename", "enhancement", "feature"]
        res = self.run_epithet(argv, env={"EPITHET_TOKEN": TOKEN, "EPITHET_TEST_FAST_RETRY": "1"})
        self.assert_no_token(res, TOKEN)
        self.assertEqual(f.fired, 1, res)
        self.assert_rc(res, 0)
        self.assertEqual([lb["name"] for lb in fake.labels(OWNER, "r1")], ["feature"])
        for n in (1, 2):
            self.assertEqual(fake.issue_labels(OWNER, "r1", n), ["feature"], "issue %d" % n)
        self.assertEqual(self.reported(res)["retries"], 1, res)
        prefix = "/api/v1" if self.forge == "gitea" else ""
        issue = prefix + "/repos/acme/r1/issues/%d/labels"
        writes = [(w.method, w.path, w.status) for w in fake.writes()]
        # the 502 is followed by the same POST again, at once; then the other
        # issue, then the alias is deleted: nothing else
        i = writes.index(("POST", issue % 1, 502))
        self.assertEqual(writes[i + 1], ("POST", issue % 1, 200), res)
        self.assertEqual(sorted(writes[:3]), [("POST", issue % 1, 200), ("POST", issue % 1, 502),
                                              ("POST", issue % 2, 200)], res)
        self.assertEqual([(m, s) for m, _, s in writes[3:]], [("DELETE", 204)], res)
        return fake, res

    def test_502_before_applying_is_retried(self):
        self.merge("before")

    def test_502_after_applying_is_retried(self):
        self.merge("after")


class TestGiteaIdempotentLabelling(TestIdempotentLabelling):
    forge = "gitea"


if __name__ == "__main__":
    harness.main()
