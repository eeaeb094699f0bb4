# SPDX-License-Identifier: MIT
"""Requests and rate-limit points of a sync and of a no-change re-run, counted
exactly (SPEC 6; bench/README.md has the same at 120/1,000/5,000 repos).

The org: 150 repos of 6 labels, 10% drifting (5 repos miss a label, 5 have a
wrong colour, 5 a stale description), so that the repo list is 2 pages and
the labels are 2 GraphQL reads of 100 and 50 repos.  The minimum a sync can
send is those 4 reads and exactly the 15 writes; a re-run of an unchanged org
sends the same 4 reads, of which the 2 repo pages come back 304 from the
ETag cache (free) and the 2 GraphQL reads cost 1 GraphQL point each (GitHub
charges GraphQL to its own budget): 0 points of the REST budget.
"""

import json
import os
import stat

import ghcase
import harness
from fake_github import FakeGitHub, Response

R = 150
LABELS = [{"name": "bug", "color": "d73a4a", "description": "Something isn't working"},
          {"name": "docs", "color": "0075ca", "description": "Documentation"},
          {"name": "feature", "color": "a2eeef", "description": "New feature or request"},
          {"name": "question", "color": "d876e3", "description": "Further information is requested"},
          {"name": "area/core", "color": "5319e7", "description": "The core engine"},
          {"name": "good first issue", "color": "7057ff", "description": "Good for newcomers"}]
TOKEN = ghcase.TOKEN


def seed(gh, r=R):
    """r repos; every 10th drifts (one of three ways). Returns the expected writes."""
    expect = []
    for i in range(r):
        name = "r%03d" % i
        labels = [dict(lb) for lb in LABELS]
        if i % 10 == 0:
            kind = (i // 10) % 3
            if kind == 0:
                labels.pop(2)
                expect.append(("POST", "/repos/acme/%s/labels" % name,
                               {"name": "feature", "color": "a2eeef",
                                "description": "New feature or request"}))
            elif kind == 1:
                labels[0]["color"] = "000000"
                expect.append(("PATCH", "/repos/acme/%s/labels/bug" % name, {"color": "d73a4a"}))
            else:
                labels[1]["description"] = "stale"
                expect.append(("PATCH", "/repos/acme/%s/labels/docs" % name,
                               {"description": "Documentation"}))
        gh.add_repo("acme", name, labels=labels)
    return expect


class TestRequests(ghcase.GitHubCase):

    def setUp(self):
        super().setUp()
        self.labels_file = self.write_file(json.dumps({"labels": LABELS}), "labels.json")

    def run_cmd(self, gh, cmd, home, token=TOKEN, extra=()):
        res = self.epi(gh, cmd, "-c", self.labels_file, "--output", "json", *extra,
                       home=home, token=token)
        return res

    @staticmethod
    def kinds(gh):
        """(repo pages, GraphQL reads, label GETs, writes) in the fake's log."""
        reqs = gh.requests
        pages = [r for r in reqs if r.method == "GET" and r.path.endswith("/repos")]
        gql = [r for r in reqs if gh.is_graphql(r)]
        lists = [r for r in reqs if r.method == "GET" and r.path.endswith("/labels")]
        return pages, gql, lists, gh.writes()

    def points(self, gh):
        return (gh.rate_limit_state()["used"], gh.rate_limit_state(resource="graphql")["used"])

    def test_sync_then_rerun_exact(self):
        gh = self.fake(graphql=True)
        expect = seed(gh)
        home = self.make_home()

        # ---- sync: the minimum, exactly
        res = self.run_cmd(gh, "sync", home)
        self.assert_rc(res, 0)
        pages, gql, lists, writes = self.kinds(gh)
        self.assertEqual((len(pages), len(gql), len(lists)), (2, 2, 0), gh.requests)
        self.assertEqual(sorted(self.write_log(gh)), sorted(expect))
        self.assertEqual(len(gh.requests), 2 + 2 + 15)
        # the two reads: 100 repos, then 50, each named once
        bodies = [r.body for r in gql]
        self.assertEqual([len(b["variables"]) // 2 for b in bodies], [100, 50])
        asked = [b["variables"]["n%d" % k] for b in bodies for k in range(len(b["variables"]) // 2)]
        self.assertEqual(sorted(asked), ["r%03d" % i for i in range(R)])
        req = res.json()["targets"][0]["requests"]
        self.assertEqual((req["total"], req["reads"], req["writes"], req["not_modified"]),
                         (19, 4, 15, 0))
        # REST points: 2 pages + 15 writes; GraphQL: 1 point per 100 repos
        self.assertEqual(self.points(gh), (17, 2))
        self.assertEqual(self.state(gh, ["r%03d" % i for i in range(R)]),
                         {"r%03d" % i: {lb["name"]: (lb["color"], lb["description"])
                                        for lb in LABELS} for i in range(R)})

        # ---- no-change re-run: 4 requests, 0 REST points
        gh.clear_requests()
        before = self.points(gh)
        res = self.run_cmd(gh, "sync", home)
        self.assert_rc(res, 0)
        pages, gql, lists, writes = self.kinds(gh)
        self.assertEqual((len(pages), len(gql), len(lists), len(writes)), (2, 2, 0, 0))
        self.assertEqual(len(gh.requests), 4)
        self.assertEqual([r.status for r in pages], [304, 304])
        self.assertTrue(all("if-none-match" in r.headers for r in pages))
        req = res.json()["targets"][0]["requests"]
        self.assertEqual((req["total"], req["reads"], req["writes"], req["not_modified"]),
                         (4, 4, 0, 2))
        after = self.points(gh)
        self.assertEqual((after[0] - before[0], after[1] - before[1]), (0, 2))

        # ---- plan (a dry run) uses the same cache: same 4, exit 0 (nothing to do)
        gh.clear_requests()
        res = self.run_cmd(gh, "plan", home)
        self.assert_rc(res, 0)
        self.assertEqual(len(gh.requests), 4)
        self.assertEqual(res.json()["targets"][0]["requests"]["not_modified"], 2)
        self.assertEqual(self.points(gh)[0], after[0])

        # ---- the cache: private, and no token in it
        cache = os.path.join(home, ".cache", "epithet")
        self.assertEqual(stat.S_IMODE(os.stat(cache).st_mode), 0o700)
        files = os.listdir(os.path.join(cache, "http"))
        self.assertEqual(len(files), 2)  # the two repo pages
        for f in files:
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(cache, "http", f)).st_mode), 0o600)
        self.assert_no_token_in_files(cache, TOKEN)

    def test_verbose_counts(self):
        gh = self.fake(graphql=True)
        seed(gh, 20)
        home = self.make_home()
        self.assert_rc(self.epi(gh, "plan", "-c", self.labels_file, home=home), 2)
        res = self.epi(gh, "plan", "-v", "-c", self.labels_file, home=home)
        self.assert_rc(res, 2)
        self.assert_in_err(res, "acme: 2 requests: 2 reads (1 not modified, from the cache), "
                                "0 writes, 0 retries")
        self.assert_in_err(res, "-> 304")

    def test_cold_cache_plan(self):
        gh = self.fake(graphql=True)
        seed(gh)
        res = self.run_cmd(gh, "plan", self.make_home())
        self.assert_rc(res, 2)
        self.assertEqual(len(gh.requests), 4)
        self.assertEqual(gh.writes(), [])
        self.assertEqual(self.points(gh), (2, 2))

    def test_without_graphql_rest_reads_and_304s(self):
        """A forge without GraphQL (old GHES, a proxy): one refused batch read, then
        one REST read per repo; once the cache is warm, a re-run's are all 304."""
        gh = self.fake()  # graphql off: /graphql answers 404
        expect = seed(gh)
        home = self.make_home()
        res = self.run_cmd(gh, "sync", home)
        self.assert_rc(res, 0)
        pages, gql, lists, writes = self.kinds(gh)
        self.assertEqual((len(pages), len(gql), len(lists)), (2, 1, R))
        self.assertEqual([r.status for r in gql], [404])
        self.assertEqual(sorted(self.write_log(gh)), sorted(expect))
        self.assertEqual(len(gh.requests), 2 + 1 + R + 15)
        # the 15 lists the sync changed come back 200 (and are cached again)...
        for changed, cost in ((15, 15), (0, 0)):
            gh.clear_requests()
            used = gh.rate_limit_state()["used"]
            res = self.run_cmd(gh, "sync", home)
            self.assert_rc(res, 0)
            self.assertEqual(len(gh.requests), 2 + 1 + R)
            self.assertEqual(res.json()["targets"][0]["requests"]["not_modified"], 2 + R - changed)
            self.assertEqual(gh.rate_limit_state()["used"] - used, cost)
        # ...and from then on a re-run is all 304s: no point at all

    def test_graphql_budget_exhausted_falls_back_to_rest(self):
        gh = self.fake(graphql=True)
        expect = seed(gh)
        gh.set_rate_limit(remaining=0, resource="graphql", reset_in=3600)
        res = self.run_cmd(gh, "sync", self.make_home())
        self.assert_rc(res, 0)
        pages, gql, lists, writes = self.kinds(gh)
        # the first batch is refused (RATE_LIMITED, HTTP 200): no more are
        # asked, and every repo is read with REST (its own budget)
        self.assertEqual((len(pages), len(gql), len(lists)), (2, 1, R))
        self.assertEqual(gql[0].status, 200)
        self.assertEqual(sorted(self.write_log(gh)), sorted(expect))

    def test_answer_not_understood_falls_back_to_rest(self):
        """A GraphQL answer epithet cannot read (a proxy's page, another schema): no
        more batches; every repo is read with REST, and the sync is exact."""
        gh = self.fake(graphql=True)
        expect = seed(gh)
        gh.graphql_handler = lambda req: Response(200, "<html>maintenance</html>",
                                                  content_type="text/html")
        res = self.run_cmd(gh, "sync", self.make_home())
        self.assert_rc(res, 0)
        pages, gql, lists, writes = self.kinds(gh)
        self.assertEqual((len(pages), len(gql), len(lists)), (2, 1, R))
        self.assertEqual(sorted(self.write_log(gh)), sorted(expect))

    def test_one_repo_gone_fails_alone(self):
        """NOT_FOUND for one repo of a batch: that repo fails, the others are synced."""
        gh = self.fake(graphql=True)
        expect = seed(gh)
        state = {"gone": False}

        def hook(req):
            if gh.is_graphql(req) and not state["gone"]:
                state["gone"] = True
                gh.delete_repo("acme", "r030")  # after the listing, before the read
            return None

        gh.hook = hook
        res = self.run_cmd(gh, "sync", self.make_home())
        self.assert_rc(res, 1)
        pages, gql, lists, writes = self.kinds(gh)
        # the batch holding r030 (the first 100) is read again repo by repo
        self.assertEqual((len(pages), len(gql), len(lists)), (2, 2, 100))
        self.assertEqual(sorted(self.write_log(gh)),
                         sorted(w for w in expect if "/r030/" not in w[1]))
        repos = {r["repo"]: r for r in res.json()["targets"][0]["repos"]}
        self.assertRegex(repos["acme/r030"]["error"], "not found")
        self.assertEqual([n for n, r in repos.items() if r["error"]], ["acme/r030"])

    def test_no_token_reads_public_repos_with_rest(self):
        gh = self.fake(graphql=True)
        seed(gh, 20)
        res = self.epi(gh, "plan", "-c", self.labels_file, "--output", "json", token=None)
        self.assert_rc(res, 2)
        pages, gql, lists, writes = self.kinds(gh)
        # GraphQL needs a token: one 401, then REST
        self.assertEqual(([r.status for r in gql], len(lists)), ([401], 20))


class TestGHESRequests(ghcase.GitHubCase):

    def test_ghes_graphql_path(self):
        gh = self.start_fake(FakeGitHub(token=TOKEN, ghes=True, graphql=True))
        expect = seed(gh, 30)
        path = self.write_file(json.dumps({"labels": LABELS}), "labels.json")
        res = self.run_epithet(["--url", gh.url, "-o", "acme", "sync", "-c", path],
                               env={"EPITHET_TOKEN": TOKEN})
        self.assert_rc(res, 0)
        self.assertEqual([r.path for r in gh.requests if r.method == "POST" and "graphql" in r.path],
                         ["/api/graphql"])
        self.assertEqual(sorted((m, p.replace("/api/v3", ""), b) for m, p, b in
                                ((r.method, r.path, r.body) for r in gh.writes())), sorted(expect))


if __name__ == "__main__":
    harness.main()
