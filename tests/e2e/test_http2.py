# SPDX-License-Identifier: MIT
"""HTTP/2 and TLS (SPEC 11, issue 14: "Writes reuse keep-alive connections
... HTTP/2 where offered"; docs/testing.md "HTTP/2 and TLS").

epithet asks libcurl for HTTP/2 over TLS (CURL_HTTP_VERSION_2TLS). The fake
GitHub speaks plain HTTP/1.1, so here nghttpx terminates TLS in front of it
(tests/fakes/tls_front.py: ALPN h2 and http/1.1, a throwaway self-signed
certificate made in the test's temp dir, trusted with --cacert). The fake is
a GitHub Enterprise Server (--url https://127.0.0.1:PORT), unpaced, so writes
to different repos run at once. Each test checks the fake's exact final
state and requests, and nghttpx's access log: the protocol each request
came over (ALPN) and the client connections (distinct client ports).

Without nghttpx (package nghttp2-proxy) or openssl the tests skip.
EPITHET_E2E_JOBS (meson runs this file with the default 4 and with 8) sets --jobs.
"""

import collections
import json
import os

import harness
import tls_front
from fake_github import FakeGitHub

TOKEN = "ghp_Http2SecretToken0123456789abcdefXYZ"
OWNER = "acme"
JOBS = int(os.environ.get("EPITHET_E2E_JOBS", "4"))

LABELS = [{"name": "bug", "color": "d73a4a", "description": "Something isn't working"},
          {"name": "docs", "color": "0075ca", "description": "Documentation"},
          {"name": "feature", "color": "a2eeef", "description": "New feature or request"}]
WANT = {lb["name"]: (lb["color"], lb["description"]) for lb in LABELS}
API = "/api/v3"


def seed(gh, n, every=10):
    """n repos of LABELS; every @every-th drifts one of three ways.
    Returns the writes a sync must send, as (method, path, body)."""
    expect = []
    for i in range(n):
        name = "r%03d" % i
        labels = [dict(lb) for lb in LABELS]
        if i % every == 0:
            kind = (i // every) % 3
            if kind == 0:
                labels.pop(2)
                expect.append(("POST", API + "/repos/acme/%s/labels" % name, dict(LABELS[2])))
            elif kind == 1:
                labels[0]["color"] = "000000"
                expect.append(("PATCH", API + "/repos/acme/%s/labels/bug" % name,
                               {"color": "d73a4a"}))
            else:
                labels[1]["description"] = "stale"
                expect.append(("PATCH", API + "/repos/acme/%s/labels/docs" % name,
                               {"description": "Documentation"}))
        gh.add_repo(OWNER, name, labels=labels)
    return expect


def key(method, path, body):
    return (method, path, json.dumps(body, sort_keys=True))


class Http2Case(harness.EpithetTestCase):

    def setUp(self):
        super().setUp()
        why = tls_front.missing()
        if why:
            self.skipTest(why)
        self.labels_file = self.write_file(json.dumps({"labels": LABELS}), "labels.json")

    def fake(self, **kw):
        return self.start_fake(FakeGitHub(token=TOKEN, ghes=True, graphql=True, **kw))

    def front(self, gh, alpn=("h2", "http/1.1"), options=()):
        front = tls_front.TlsFront(gh.port, self.tmpdir(), alpn=alpn, options=options)
        front.start()
        self.addCleanup(front.stop)
        return front

    def epi(self, front, *args, jobs=JOBS, home=None):
        argv = ["--url", front.url, "--cacert", front.cacert, "-o", OWNER,
                "--write-interval", "0", "-j", str(jobs), "--output", "json"] + list(args)
        res = self.run_epithet(argv, env={"EPITHET_TOKEN": TOKEN}, home=home)
        self.assert_no_token(res, TOKEN)
        return res

    def sync(self, front, *extra, jobs=JOBS, home=None):
        return self.epi(front, "-y", "sync", "-c", self.labels_file, *extra, jobs=jobs, home=home)

    # ---- what the fake and the front end saw -------------------------------------

    def state(self, gh, repos):
        return {r: {lb["name"]: (lb["color"], lb["description"] or None)
                    for lb in gh.labels(OWNER, r)} for r in repos}

    def assert_exact(self, gh, repos, res):
        """Every repo holds exactly the labels file's labels."""
        self.assertEqual(self.state(gh, repos), {r: WANT for r in repos}, res)

    def assert_writes(self, gh, expect, res):
        """The fake received exactly the expected writes, each once."""
        got = collections.Counter(key(r.method, r.path, r.body) for r in gh.writes())
        self.assertEqual(got, collections.Counter(key(*w) for w in expect), res)

    def log(self, gh, front, res):
        """The access log, checked against the fake's: the same requests, one
        line each (nghttpx passed each on once, and nothing else)."""
        reqs = gh.requests
        entries = front.entries(len(reqs))
        seen = collections.Counter((e.method, e.path, e.status) for e in entries)
        # (a connection the fake dropped unanswered, status 0, is a 502
        # from nghttpx)
        fake = collections.Counter((r.method, r.path + ("?" + r.query if r.query else ""),
                                    r.status or 502) for r in reqs)
        self.assertEqual(seen, fake, res)
        # and every request carried the token to the fake (HTTP/2 headers
        # are lower case: the fake sees "authorization" either way)
        self.assertTrue(all(r.headers.get("authorization", "").endswith(TOKEN) for r in reqs),
                        [r for r in reqs if not r.headers.get("authorization")])
        return entries

    def assert_alpn(self, entries, alpn, res):
        self.assertEqual({e.alpn for e in entries}, {alpn}, res)

    @staticmethod
    def reported(res):
        return res.json()["targets"][0]["requests"]

    @staticmethod
    def kinds(gh):
        """(repo pages, GraphQL reads, REST label reads) in the fake's log."""
        reqs = gh.requests
        return (sum(1 for r in reqs if r.method == "GET" and r.path.endswith("/repos")),
                sum(1 for r in reqs if gh.is_graphql(r)),
                sum(1 for r in reqs if r.method == "GET" and r.path.endswith("/labels")))

    def sync_org(self, n, alpn=("h2", "http/1.1"), home=None):
        """Sync n seeded repos through a front end offering @alpn. The final
        state is exact; the fake got exactly the minimum (the repo list,
        one GraphQL read per 100 repos, the writes) and nghttpx passed it
        on, every request over alpn[0], on at most --jobs connections (one
        a thread: the readers and writers are --jobs threads, each request
        on a pooled handle that keeps its own connection, core/host/pool.c;
        libcurl multiplexes HTTP/2 streams only within one handle, not
        across threads), as many as epithet reports.
        Returns (gh, front, res, expect)."""
        gh = self.fake()
        expect = seed(gh, n)
        front = self.front(gh, alpn=alpn)
        res = self.sync(front, home=home)
        self.assert_rc(res, 0)
        self.assert_exact(gh, ["r%03d" % i for i in range(n)], res)
        reads = -(-n // 100)
        self.assertEqual(self.kinds(gh), (reads, reads, 0), gh.requests)
        self.assert_writes(gh, expect, res)
        self.assertEqual(len(gh.requests), 2 * reads + len(expect), gh.requests)
        rq = self.reported(res)
        self.assertEqual((rq["total"], rq["reads"], rq["writes"], rq["retries"]),
                         (2 * reads + len(expect), 2 * reads, len(expect), 0), res)
        entries = self.log(gh, front, res)
        self.assert_alpn(entries, alpn[0], res)
        self.assertLessEqual(front.connections(entries), JOBS, entries)
        self.assertEqual(rq["connections"], front.connections(entries), res)
        return gh, front, res, expect


class TestSyncOverHttp2(Http2Case):

    def test_sync_minimum_requests_over_h2(self):
        # 150 repos: 2 pages of the repo list (the second from the Link
        # header, an https URL of the front end), 2 GraphQL reads, 15 writes
        self.sync_org(150)

    def test_rerun_is_304s_over_h2(self):
        """The ETag cache over HTTP/2 (header names arrive in lower case):
        a re-run of an unchanged org sends the reads only; the pages come
        back 304."""
        home = self.make_home()
        gh, front, _, _ = self.sync_org(150, home=home)
        gh.clear_requests()
        front.clear()
        res = self.sync(front, home=home)
        self.assert_rc(res, 0)
        self.assertEqual(self.kinds(gh), (2, 2, 0), gh.requests)
        self.assertEqual(gh.writes(), [], res)
        pages = [r for r in gh.requests if r.path.endswith("/repos")]
        self.assertEqual([r.status for r in pages], [304, 304], res)
        self.assertEqual(self.reported(res)["not_modified"], 2, res)
        entries = self.log(gh, front, res)
        self.assert_alpn(entries, "h2", res)
        self.assertEqual(self.reported(res)["connections"], front.connections(entries), res)


class TestParallelWritesOverHttp2(Http2Case):

    def test_jobs_4_writes_land_once(self):
        # 8 repos, 4 writes each (an update, two creates, a delete with
        # --prune); the fake takes 50 ms a request so that writes sent
        # together are served together
        gh = self.fake()
        repos = ["p%d" % i for i in range(8)]
        expect = []
        for r in repos:
            gh.add_repo(OWNER, r, labels=[{"name": "bug", "color": "000000",
                                           "description": "Something isn't working"},
                                          {"name": "stale", "color": "cccccc"}])
            base = API + "/repos/acme/%s/labels" % r
            expect += [("PATCH", base + "/bug", {"color": "d73a4a"}),
                       ("POST", base, dict(LABELS[1])), ("POST", base, dict(LABELS[2])),
                       ("DELETE", base + "/stale", None)]
        gh.latency = 0.05
        front = self.front(gh)
        res = self.sync(front, "--prune", jobs=4)
        self.assert_rc(res, 0)
        self.assert_exact(gh, repos, res)
        self.assert_writes(gh, expect, res)
        for r in repos:
            names = [lb["name"] for lb in gh.labels(OWNER, r)]
            self.assertEqual(len(names), len(set(names)), "a duplicate in %s" % r)
        self.assertGreaterEqual(gh.max_writes_in_flight, 2, "no two writes were ever in flight")
        self.assertLessEqual(gh.max_writes_in_flight, 4)
        self.assertEqual(res.json()["summary"]["failed"], 0, res)
        entries = self.log(gh, front, res)
        self.assert_alpn(entries, "h2", res)
        self.assertLessEqual(front.connections(entries), 4, entries)
        self.assertEqual(self.reported(res)["connections"], front.connections(entries), res)


class TestGoaway(Http2Case):

    def test_connections_recycled_with_goaway(self):
        """The server ends each HTTP/2 connection after 3 streams (GOAWAY,
        as large frontends recycle connections): a write caught by it is
        checked, never sent blindly; every write lands once."""
        gh = self.fake()
        expect = seed(gh, 60, every=2)
        front = self.front(gh, options=["--frontend-max-requests=3"])
        repos = ["r%03d" % i for i in range(60)]
        res = self.sync(front)
        self.assert_rc(res, 0)
        self.assert_exact(gh, repos, res)
        self.assert_writes(gh, expect, res)
        self.assertEqual(res.json()["summary"]["failed"], 0, res)
        # beyond the minimum only reads: a write refused by the GOAWAY (a
        # stream past its last one) never reached the fake, and was looked
        # for before it was sent again (core/host/keepalive.c, 5.)
        extra = [r for r in gh.requests[2:] if r.method == "GET"]
        self.assertEqual(len(gh.requests), 2 + len(expect) + len(extra), gh.requests)
        entries = self.log(gh, front, res)
        self.assert_alpn(entries, "h2", res)
        self.assertGreater(front.connections(entries), len(entries) // 4, entries)
        self.assertEqual(self.reported(res)["connections"], front.connections(entries), res)


class TestLostAnswerOverHttp2(Http2Case):

    def lost(self, method):
        """The fake applies the first @method label write, then drops its
        connection to nghttpx without answering; nghttpx answers the stream
        502. The write is checked, not sent blindly again; the state is exact."""
        gh = self.fake()
        expect = seed(gh, 30)
        f = gh.add_fault(method=method, path=r"/labels", when="after", drop=True)
        front = self.front(gh)
        res = self.sync(front)
        self.assertEqual(f.fired, 1, res)
        self.assert_rc(res, 0)
        self.assert_exact(gh, ["r%03d" % i for i in range(30)], res)
        self.assertEqual(res.json()["summary"]["failed"], 0, res)
        entries = self.log(gh, front, res)
        self.assert_alpn(entries, "h2", res)
        self.assertIn((method, 502), [(e.method, e.status) for e in entries], entries)
        return gh, expect, res

    def test_create(self):
        gh, expect, res = self.lost("POST")
        # the create reached the fake once: its outcome was looked for
        # (the repo's labels read again) and found
        self.assert_writes(gh, expect, res)
        faulted = next(r for r in gh.writes() if r.fault)
        self.assertTrue([r for r in gh.requests if r.method == "GET" and r.seq > faulted.seq
                         and r.path == faulted.path], gh.requests)

    def test_update(self):
        gh, expect, res = self.lost("PATCH")
        self.assert_writes(gh, expect, res)


class TestHttp11Fallback(Http2Case):

    def test_front_end_without_h2(self):
        """A TLS server that offers only http/1.1 in ALPN: the same requests
        and the same final state, over HTTP/1.1."""
        self.sync_org(30, alpn=("http/1.1",))


class TestPlanOverHttp2(Http2Case):

    def test_plan_sends_no_write(self):
        gh = self.fake()
        expect = seed(gh, 150)
        before = self.state(gh, ["r%03d" % i for i in range(150)])
        front = self.front(gh)
        res = self.epi(front, "plan", "-c", self.labels_file)
        self.assert_rc(res, 2)  # changes pending
        self.assertEqual(gh.writes(), [], res)
        self.assertEqual(self.kinds(gh), (2, 2, 0), gh.requests)
        self.assertEqual(len(gh.requests), 4, gh.requests)
        self.assertEqual(self.state(gh, sorted(before)), before)
        doc = res.json()
        self.assertEqual(sum(len(r["changes"]) for r in doc["targets"][0]["repos"]),
                         len(expect), res)
        entries = self.log(gh, front, res)
        self.assert_alpn(entries, "h2", res)
        # 2 GETs of the repo list (the second at the Link header's URL) and
        # 2 GraphQL reads (POSTs), nothing else
        self.assertEqual(sorted((e.method, e.path.split("?")[0].endswith("/repos")
                                 if e.method == "GET" else e.path) for e in entries),
                         [("GET", True), ("GET", True),
                          ("POST", "/api/graphql"), ("POST", "/api/graphql")], entries)
        rq = self.reported(res)
        self.assertEqual((rq["total"], rq["writes"]), (4, 0), res)
        self.assertEqual(rq["connections"], front.connections(entries), res)
        self.assertLessEqual(rq["connections"], JOBS, res)

    def test_verbose_plan_keeps_the_token_out(self):
        """-v logs every request and answer: over HTTP/2 too, never the token."""
        gh = self.fake()
        seed(gh, 5)
        front = self.front(gh)
        res = self.run_epithet(["--url", front.url, "--cacert", front.cacert, "-o", OWNER, "-v",
                                "plan", "-c", self.labels_file], env={"EPITHET_TOKEN": TOKEN})
        self.assert_rc(res, 2)
        self.assert_no_token(res, TOKEN)
        self.assert_in_err(res, "acme: 2 requests")
        self.assertEqual(gh.writes(), [], res)


class TestCertificate(Http2Case):

    def test_untrusted_certificate_sends_nothing(self):
        """Without --cacert the self-signed certificate is refused: a clear
        error, nothing reaches the fake (verification is never off)."""
        gh = self.fake()
        seed(gh, 3)
        front = self.front(gh)
        res = self.run_epithet(["--url", front.url, "-o", OWNER, "--output", "json", "-y",
                                "sync", "-c", self.labels_file], env={"EPITHET_TOKEN": TOKEN})
        self.assert_no_token(res, TOKEN)
        self.assert_rc(res, 1)
        self.assertRegex(res.json()["targets"][0]["error"],
                         "^cannot list the repositories of 'acme': GET https://127.0.0.1:%d/"
                         ".*: SSL certificate problem: self-signed certificate$" % front.port)
        self.assertEqual(gh.requests, [], res)
        self.assertEqual(front.entries(), [], res)


if __name__ == "__main__":
    harness.main()
