# SPDX-License-Identifier: MIT
"""Fault injection (SPEC.md 6, CONTRACTS 1.5, traps 1-3, 11-12): the real
binary against a fake GitHub that is slow, fails, drops connections, runs out
of rate limit, redirects, and points links at other hosts.

Every test checks the forge's final labels (exactly the intended ones: none
created twice, none lost), the exit status and the report. Backoff is made
fast with EPITHET_TEST_FAST_RETRY=1 (core/host/ratelimit.c); waits the server
asks for (Retry-After, a rate-limit reset) are real, so the tests give small
ones.
"""

import collections
import json
import os
import random
import re
import time
import urllib.parse

import harness
from fake_github import FakeGitHub, Response, SECONDARY_RATE_LIMIT_BODY

TOKEN = "ghp_FaultsSecretToken0123456789abcdefXYZ"
OWNER = "acme"
# EPITHET_E2E_JOBS=N (meson test e2e-faults-j8): every test against a GitHub
# Enterprise Server without write pacing (rate limiting on), with --jobs N, so
# that writes to different repos run at once (SPEC 11); the outcomes must not
# change. (api.github.com's rules would keep the writes serial.)
WRITE_JOBS = int(os.environ.get("EPITHET_E2E_JOBS") or 0)
P = "/api/v3" if WRITE_JOBS else ""  # the REST root's path on the fake
# Faults on writes name the label endpoints (a GraphQL POST is no label write).
LABEL_PATH = r"^%s/(repos|repositories)/.*/labels" % P


def target_args(gh):
    """How a run names the fake (api.github.com's rules, or a GHES)."""
    if WRITE_JOBS:
        return ["--url", gh.url] + harness.jobs_args()
    return ["--api-url", gh.api_url]

LABELS_FILE = """\
labels:
  - name: bug
    color: "d73a4a"
    description: Something isn't working
  - name: feature
    color: "a2eeef"
    description: New feature or request
  - name: docs
    color: "0075ca"
"""

# What every repo must carry after a sync of LABELS_FILE with --prune.
WANT = {
    "bug": ("d73a4a", "Something isn't working"),
    "feature": ("a2eeef", "New feature or request"),
    "docs": ("0075ca", None),
}


def label_writes(gh):
    """The label writes the fake received (not a GraphQL query sent by POST)."""
    return [w for w in gh.writes() if re.search(LABEL_PATH, w.path)]


def assert_create_checked(case, posts, requests, res):
    """The faulted create of @posts (the label POSTs, one per repo) was sent
    once, and its outcome checked by listing that repo's labels again."""
    case.assertEqual(len(posts), 2, res)
    faulted = next(w for w in posts if w.fault)
    relist = [r for r in requests if r.method == "GET" and r.seq > faulted.seq
              and r.path == faulted.path]
    case.assertTrue(relist, "the create was not checked by re-listing\n%r" % res)


class FaultCase(harness.EpithetTestCase):
    """Helpers shared by the fault tests."""

    def fake(self, **kw):
        kw.setdefault("token", TOKEN)
        if WRITE_JOBS:  # a GHES whose admin turned rate limiting on
            kw.setdefault("ghes", True)
            kw.setdefault("rate_limiting", True)
        return self.start_fake(FakeGitHub(**kw))

    def org(self, gh, n=3):
        """n repos, each needing a create, an update and a delete."""
        names = ["r%d" % i for i in range(1, n + 1)]
        for name in names:
            gh.add_repo(OWNER, name, labels=[
                {"name": "bug", "color": "000000", "description": "Something isn't working"},
                {"name": "docs", "color": "0075ca"},
                {"name": "stale", "color": "cccccc"},
            ])
        return names

    def sync(self, gh, *extra, pre=(), env=None, home=None, prune=True, json_out=True,
             timeout=120, text=LABELS_FILE):
        path = self.write_file(text)
        argv = target_args(gh) + ["-o", OWNER, "--write-interval", "0", "-y"]
        argv += list(pre)
        if json_out:
            argv += ["--output", "json"]
        argv += ["sync", "-c", path] + (["--prune"] if prune else []) + list(extra)
        e = {"EPITHET_TOKEN": TOKEN, "EPITHET_TEST_FAST_RETRY": "1"}
        e.update(env or {})
        res = self.run_epithet(argv, env=e, home=home, timeout=timeout)
        self.assert_no_token(res, TOKEN)
        self.assert_no_token_in_files(res.home, TOKEN)
        return res

    def state(self, gh, repo):
        """{name: (color, description or None)} of a repo on the fake."""
        return {lb["name"]: (lb["color"].lower(), lb["description"] or None)
                for lb in gh.labels(OWNER, repo)}

    def assert_synced(self, gh, repos, res=None):
        for r in repos:
            self.assertEqual(self.state(gh, r), WANT, "repo %s\n%r" % (r, res))

    def assert_untouched(self, gh, repo, res=None):
        self.assertEqual(self.state(gh, repo), {
            "bug": ("000000", "Something isn't working"),
            "docs": ("0075ca", None),
            "stale": ("cccccc", None)}, "repo %s\n%r" % (repo, res))

    @staticmethod
    def successful_writes(gh):
        """(method, path) of every write the forge applied (2xx), in order."""
        return [(w.method, w.path) for w in label_writes(gh) if w.status and 200 <= w.status < 300]

    def assert_each_write_once(self, gh, res=None):
        """No write was applied twice (a second create would be a duplicate)."""
        applied = self.successful_writes(gh)
        dups = [k for k, n in collections.Counter(applied).items() if n > 1]
        # several POSTs to one repo's /labels are fine if they carry different names
        posts = [(w.path, (w.body or {}).get("name")) for w in label_writes(gh)
                 if w.method == "POST" and w.status and 200 <= w.status < 300]
        self.assertEqual(len(posts), len(set(posts)), "a label was created twice\n%r" % res)
        self.assertEqual([d for d in dups if d[0] != "POST"], [],
                         "a write was applied twice\n%r" % res)

    @staticmethod
    def ops(res):
        """{(repo, op, label): status} from the JSON report."""
        out = {}
        for t in res.json()["targets"]:
            for r in t["repos"]:
                for c in r["changes"]:
                    out[(r["repo"], c["op"], c["label"])] = c["status"]
        return out

    @staticmethod
    def repo_errors(res):
        return {r["repo"]: r["error"] for t in res.json()["targets"] for r in t["repos"]}


class TestSlowAndFlaky(FaultCase):
    def test_latency_on_every_request(self):
        gh = self.fake(latency=0.03)
        repos = self.org(gh, 3)
        gh.add_fault(path=r"/labels$", method="GET", delay=0.3, times=1)  # one slow page
        res = self.sync(gh)
        self.assert_rc(res, 0)
        self.assert_synced(gh, repos, res)
        self.assert_each_write_once(gh, res)
        self.assertEqual(res.json()["summary"]["failed"], 0)

    def test_seeded_502s_on_reads_are_retried_and_the_result_is_exact(self):
        gh = self.fake()
        repos = self.org(gh, 4)
        # one repo with two pages of labels, so that page 2 can fail too
        extra = [{"name": "keep-%03d" % i, "color": "ededed"} for i in range(120)]
        gh.add_repo(OWNER, "big", labels=extra + [{"name": "stale", "color": "cccccc"}])
        rng = random.Random(20261127)
        plan = {}      # request key -> how many times it fails before it succeeds
        seen = collections.Counter()

        def hook(req):
            if req.method != "GET":
                return None
            key = (req.path, req.query)
            if key not in plan:
                # about 40% of reads fail once or twice (the host sends 4 at most)
                plan[key] = rng.choice([0, 0, 0, 1, 2])
            seen[key] += 1
            if seen[key] <= plan[key]:
                return Response(502, "<html><h1>502 Bad Gateway</h1></html>",
                                content_type="text/html")
            return None

        gh.hook = hook
        res = self.sync(gh, text=LABELS_FILE + 'keep: ["keep-*"]\n')
        self.assert_rc(res, 0)
        self.assert_synced(gh, repos, res)
        self.assertTrue(any(n for n in plan.values()), "the seed made no faults")
        failed_gets = [r for r in gh.requests if r.method == "GET" and r.status == 502]
        self.assertGreater(len(failed_gets), 0)
        # the big repo lost its stale label and nothing else: pages were all read
        big = self.state(gh, "big")
        self.assertNotIn("stale", big)
        self.assertEqual(len([n for n in big if n.startswith("keep-")]), 120)
        self.assertEqual(set(big) - {n for n in big if n.startswith("keep-")}, set(WANT))
        self.assert_each_write_once(gh, res)
        retries = res.json()["targets"][0]["requests"]["retries"]
        self.assertEqual(retries, len(failed_gets), res)

    def test_connection_resets_on_reads_are_retried(self):
        gh = self.fake()
        repos = self.org(gh, 3)
        gh.add_fault(method="GET", path=r"/labels$", drop=True, nth=1, times=2)
        gh.add_fault(method="GET", path=r"/repos$", drop=True, times=1)
        res = self.sync(gh)
        self.assert_rc(res, 0)
        self.assert_synced(gh, repos, res)
        self.assert_each_write_once(gh, res)


class TestLostAnswers(FaultCase):
    """The forge applies the write, then the answer is lost (502 or a reset)."""

    def lost(self, method, **fault):
        gh = self.fake()
        repos = self.org(gh, 2)
        f = gh.add_fault(method=method, path=LABEL_PATH, when="after", times=1, **fault)
        res = self.sync(gh)
        self.assertEqual(f.fired, 1, "the fault never fired\n%r" % res)
        self.assert_rc(res, 0)
        self.assert_synced(gh, repos, res)
        self.assert_each_write_once(gh, res)
        self.assertEqual(res.json()["summary"]["failed"], 0, res)
        self.assertEqual(set(self.ops(res).values()), {"done"}, res)
        return gh, res

    def test_post_502_after_apply_is_checked_not_repeated(self):
        gh, res = self.lost("POST", status=502, body="<html>Bad gateway</html>")
        # one create per repo, the faulted one included: never sent twice
        assert_create_checked(self, [w for w in label_writes(gh) if w.method == "POST"],
                              gh.requests, res)

    def test_post_connection_reset_after_apply_is_checked_not_repeated(self):
        gh, res = self.lost("POST", drop=True)
        self.assertEqual(len([w for w in label_writes(gh) if w.method == "POST"]), 2, res)

    def test_post_answer_with_an_unreadable_header_is_checked_not_repeated(self):
        # a header line over libcurl's limit: the answer is lost like a reset
        gh, res = self.lost("POST", status=201, body={}, headers={"X-Junk": "x" * 150000})
        self.assertEqual(len([w for w in label_writes(gh) if w.method == "POST"]), 2, res)

    def test_post_502_before_apply_is_sent_again(self):
        gh = self.fake()
        repos = self.org(gh, 2)
        gh.add_fault(method="POST", path=LABEL_PATH, status=502, body="bad gateway",
                     when="before")
        res = self.sync(gh)
        self.assert_rc(res, 0)
        self.assert_synced(gh, repos, res)
        self.assert_each_write_once(gh, res)
        self.assertEqual(len([w for w in label_writes(gh) if w.method == "POST"]), 3, res)

    def test_patch_502_after_apply(self):
        gh, res = self.lost("PATCH", status=502, body="<html>Bad gateway</html>")
        self.assertEqual(len([w for w in label_writes(gh) if w.method == "PATCH"]), 2, res)

    def test_patch_connection_reset_after_apply(self):
        self.lost("PATCH", drop=True)

    def test_rename_502_after_apply_is_not_a_failure(self):
        gh = self.fake()
        gh.add_repo(OWNER, "r1", labels=[{"name": "enhancement", "color": "a2eeef"}],
                    issues=[{"number": 1, "labels": ["enhancement"]}])
        gh.add_fault(method="PATCH", path=LABEL_PATH, when="after", status=502,
                     body="bad gateway")
        res = self.run_epithet(target_args(gh) + ["-o", OWNER, "--write-interval", "0",
                                "-y", "rename", "enhancement", "type: feature"],
                               env={"EPITHET_TOKEN": TOKEN, "EPITHET_TEST_FAST_RETRY": "1"})
        self.assert_rc(res, 0)
        self.assertEqual([lb["name"] for lb in gh.labels(OWNER, "r1")], ["type: feature"])
        self.assertEqual(gh.issue_labels(OWNER, "r1", 1), ["type: feature"])
        self.assertEqual(len(label_writes(gh)), 1, res)

    def test_delete_502_after_apply(self):
        gh, res = self.lost("DELETE", status=502, body="<html>Bad gateway</html>")
        # DELETE is idempotent: sent again, 404, and that is success
        deletes = [w for w in label_writes(gh) if w.method == "DELETE"]
        lost = next(w for w in deletes if w.status == 502)
        self.assertEqual([w.status for w in deletes if w.path == lost.path], [502, 404])

    def test_delete_connection_reset_after_apply(self):
        self.lost("DELETE", drop=True)

    def test_writes_that_keep_failing_fail_that_repo_only(self):
        gh = self.fake()
        self.org(gh, 2)
        gh.add_fault(method="POST", path=P + r"/repos/acme/r1/", status=503, body="down", times=None)
        res = self.sync(gh)
        self.assert_rc(res, 1)
        self.assert_synced(gh, ["r2"], res)
        ops = self.ops(res)
        self.assertEqual(ops[("acme/r1", "create", "feature")], "failed")
        self.assertEqual(ops[("acme/r2", "create", "feature")], "done")
        self.assertEqual(self.state(gh, "r1").get("feature"), None)
        self.assert_each_write_once(gh, res)


class TestBadAnswers(FaultCase):
    def test_truncated_label_list_fails_that_repo_with_a_clear_message(self):
        gh = self.fake()
        repos = self.org(gh, 3)

        def hook(req):
            if req.method == "GET" and req.path == P + "/repos/acme/r2/labels":
                return Response(200, b'[{"id": 1, "name": "bug", "color": "d7', content_type=
                                "application/json; charset=utf-8")
            return None

        gh.hook = hook
        res = self.sync(gh)
        self.assert_rc(res, 1)
        self.assert_synced(gh, ["r1", "r3"], res)
        self.assert_untouched(gh, "r2", res)
        self.assertFalse([w for w in label_writes(gh) if "/r2/" in w.path], res)
        err = self.repo_errors(res)["acme/r2"]
        self.assertTrue(err and "acme/r2" in err or "labels" in err, res)
        self.assertRegex(err, r"(?i)json|truncat|parse|understand|malformed", res)
        # the human report names it too
        gh.hook = hook
        res2 = self.sync(gh, json_out=False)
        self.assert_rc(res2, 1)
        self.assertIn("acme/r2", res2.err + res2.out)


class TestRateLimits(FaultCase):
    def test_primary_limit_with_a_near_reset_waits_and_finishes(self):
        gh = self.fake()
        repos = self.org(gh, 2)
        # the budget runs out just as the first write arrives, and resets soon
        emptied = []

        def hook(req):
            if req.method != "GET" and not gh.is_graphql(req) and not emptied:
                gh.set_rate_limit(remaining=0, reset_in=2)
                emptied.append(time.time())
            return None

        gh.hook = hook
        res = self.sync(gh, pre=["--max-wait", "30"])
        self.assert_rc(res, 0)
        self.assert_synced(gh, repos, res)
        self.assert_each_write_once(gh, res)
        self.assertRegex(res.err, r"rate limit exhausted; waiting \d+ s", res)
        self.assertGreaterEqual(time.time() - emptied[0], 1.0)
        limited = [r for r in gh.requests if r.status == 403]
        if WRITE_JOBS:  # each write in flight when the budget ran out: once
            self.assertLessEqual(len(limited), len(repos), res)
        else:
            self.assertEqual(len(limited), 1, res)

    @staticmethod
    def empty_budget_at_write(gh, n):
        """The primary budget is empty (for an hour) when the nth write arrives."""
        writes = []

        def hook(req):
            if req.method != "GET" and not gh.is_graphql(req):
                writes.append(req)
                if len(writes) == n:
                    gh.set_rate_limit(remaining=0, reset_in=3600)
            return None

        gh.hook = hook

    def test_primary_limit_with_a_far_reset_stops_cleanly(self):
        gh = self.fake()
        self.org(gh, 3)
        self.empty_budget_at_write(gh, 3)
        res = self.sync(gh, pre=["--max-wait", "5"])
        self.assert_rc(res, 1)
        doc = res.json()
        ops = self.ops(res)
        statuses = collections.Counter(ops.values())
        self.assertGreater(statuses["done"], 0, res)
        self.assertGreater(statuses["skipped"], 0, res)
        failed = [c for t in doc["targets"] for r in t["repos"] for c in r["changes"]
                  if c["status"] == "failed"]
        self.assertRegex(failed[0]["error"], r"rate limit exhausted.*beyond --max-wait", res)
        # exactly the writes reported done reached the forge; nothing after the stop
        applied = self.successful_writes(gh)
        self.assertEqual(len(applied), statuses["done"], res)
        refused = [w for w in label_writes(gh) if w.status == 403]
        if WRITE_JOBS:
            # the writes in flight when the budget ran out were refused too,
            # each failed once; none got through after the first refusal
            self.assertEqual(statuses["failed"], len(refused), res)
            self.assertLessEqual(len(refused), 3, res)
            self.assertFalse([w for w in label_writes(gh)
                              if w.time > refused[0].end_time and w.status != 403], res)
        else:
            self.assertEqual(statuses["failed"], 1, res)
            self.assertEqual(len(refused), 1, "writes were sent after the stop\n%r" % res)
            self.assertEqual(label_writes(gh)[-1].status, 403, res)

    def test_primary_limit_with_a_far_reset_human_report(self):
        gh = self.fake()
        self.org(gh, 3)
        self.empty_budget_at_write(gh, 3)
        res = self.sync(gh, pre=["--max-wait", "5"], json_out=False)
        self.assert_rc(res, 1)
        # what was done, what failed, what is left
        if WRITE_JOBS:  # the writes in flight when the budget ran out failed too
            m = re.search(r"Applied 2 changes, (\d) failed, (\d) not attempted", res.out)
            self.assertTrue(m, res)
            self.assertEqual(int(m.group(1)) + int(m.group(2)), 7, res)
            self.assertIn("Left to do in: acme/r1 (", res.out)
        else:
            self.assertRegex(res.out, r"Applied 2 changes, 1 failed, 6 not attempted", res)
            self.assertIn("Left to do in: acme/r2 (3), acme/r3 (3).", res.out)
        self.assertRegex(res.err, r"rate limit exhausted; it resets at .* beyond --max-wait", res)
        self.assertEqual(len(self.successful_writes(gh)), 2)

    def test_secondary_limit_with_retry_after_waits_then_writes_slower(self):
        gh = self.fake()
        repos = self.org(gh, 2)
        f = gh.add_fault(method="POST", path=LABEL_PATH, status=403,
                         body=SECONDARY_RATE_LIMIT_BODY, headers={"Retry-After": "1"})
        res = self.sync(gh)
        self.assert_rc(res, 0)
        self.assertEqual(f.fired, 1)
        self.assert_synced(gh, repos, res)
        self.assert_each_write_once(gh, res)
        self.assertIn("secondary rate limit", res.err, res)
        writes = label_writes(gh)
        i = next(k for k, w in enumerate(writes) if w.fault)
        if WRITE_JOBS:
            # other repos' writes sent before the slow-down could be known
            # are not "after it": from its retry on, writes are paced
            retry = next(w for w in writes[i + 1:]
                         if w.path == writes[i].path and w.raw_body == writes[i].raw_body)
            writes = writes[:i + 1] + [w for w in writes[i + 1:] if w.time >= retry.time]
        # waited the Retry-After before sending it again
        self.assertGreaterEqual(writes[i + 1].time - writes[i].end_time, 0.95, res)
        # and the writes after it are paced (>= 1 s apart, --write-interval was 0)
        for a, b in zip(writes[i + 1:], writes[i + 2:]):
            self.assertGreaterEqual(b.time - a.end_time, 0.9, (a, b, res))

    def test_429_secondary_without_retry_after_uses_the_fallback_wait(self):
        gh = self.fake()
        repos = self.org(gh, 1)
        gh.add_fault(method="PATCH", path=LABEL_PATH, status=429,
                     body=SECONDARY_RATE_LIMIT_BODY)
        res = self.sync(gh)
        self.assert_rc(res, 0)
        self.assert_synced(gh, repos, res)
        self.assertIn("secondary rate limit", res.err, res)

    def test_403_that_is_a_permission_error_fails_that_repo(self):
        gh = self.fake()
        self.org(gh, 3)
        gh.add_fault(method="PATCH", path=P + r"/repos/acme/r2/", status=403, times=None,
                     body={"message": "Must have admin rights to Repository.",
                           "documentation_url": "https://docs.github.com/rest"})
        res = self.sync(gh)
        self.assert_rc(res, 1)
        self.assert_synced(gh, ["r1", "r3"], res)
        ops = self.ops(res)
        self.assertEqual(ops[("acme/r2", "update", "bug")], "failed")
        # a permission error is not waited out or retried
        self.assertEqual(len([w for w in label_writes(gh) if w.status == 403]), 1, res)
        self.assertNotIn("rate limit", res.err.lower(), res)
        self.assertEqual(res.json()["targets"][0]["requests"]["retries"], 0)


class TestRedirects(FaultCase):
    def test_renamed_repo_redirects_reads_and_writes(self):
        gh = self.fake()
        repos = self.org(gh, 2)
        renamed = []

        def hook(req):
            # rename r1 once the repo list has been read: later requests use the
            # old name and get 301 (reads) and 307 (writes)
            if not renamed and "/labels" in req.path:
                gh.rename_repo(OWNER, "r1", "r1-renamed")
                renamed.append(1)
            return None

        gh.hook = hook
        res = self.sync(gh)
        self.assert_rc(res, 0)
        self.assert_synced(gh, ["r1-renamed", "r2"], res)
        statuses = collections.Counter(r.status for r in gh.requests)
        self.assertGreater(statuses[301], 0, res)
        self.assertGreater(statuses[307], 0, res)
        # every redirected write reached the repo, with its method kept (the
        # next request to where it was sent: another repo's may come between)
        for r in gh.requests:
            if r.status == 307:
                where = urllib.parse.urlsplit(r.response_headers["location"]).path
                follow = next(x for x in gh.requests if x.seq > r.seq and x.path == where)
                self.assertEqual(follow.method, r.method)
                self.assertTrue(follow.path.startswith(P + "/repositories/"), follow)
        self.assert_each_write_once(gh, res)

    def other_host(self):
        """A second fake on another port, holding the same public repo."""
        other = self.fake(token=None)
        return other

    def test_redirect_to_another_host_never_carries_the_token(self):
        gh = self.fake()
        self.org(gh, 2)
        other = self.other_host()
        other.add_repo(OWNER, "r1", labels=[
            {"name": "bug", "color": "000000", "description": "Something isn't working"},
            {"name": "docs", "color": "0075ca"},
            {"name": "stale", "color": "cccccc"}])

        def hook(req):
            if req.path.startswith(P + "/repos/acme/r1/labels"):
                q = "?" + req.query if req.query else ""
                return Response(307 if req.method != "GET" else 301,
                                {"message": "Moved Permanently"},
                                {"Location": other.url + req.path + q})
            return None

        gh.hook = hook
        res = self.sync(gh)
        # the read of r1 went to the other host without the token and worked;
        # its writes went there too and were refused there (no credentials)
        self.assertTrue(other.requests, res)
        for r in other.requests:
            self.assertNotIn("authorization", r.headers, r)
            self.assertNotIn(TOKEN, json.dumps(r.headers))
        self.assert_rc(res, 1)
        self.assert_synced(gh, ["r2"], res)
        self.assert_untouched(gh, "r1", res)
        self.assertTrue(all(w.status == 401 for w in other.writes()), other.writes())

    def test_next_link_to_another_host_is_not_followed(self):
        gh = self.fake()
        self.org(gh, 2)
        other = self.other_host()
        other.add_repo(OWNER, "r1")

        def hook(req):
            if req.method == "GET" and req.path == P + "/repos/acme/r1/labels":
                resp = Response(200, [{"id": 1, "name": "bug", "color": "000000",
                                       "description": None, "default": False}],
                                {"Link": '<%s/repos/acme/r1/labels?page=2>; rel="next"' % other.url})
                return resp
            return None

        gh.hook = hook
        res = self.sync(gh)
        self.assertEqual(other.requests, [], "a link to another host was followed\n%r" % res)
        self.assert_rc(res, 1)
        self.assertRegex(self.repo_errors(res)["acme/r1"], r"another host", res)
        self.assert_untouched(gh, "r1", res)
        self.assert_synced(gh, ["r2"], res)

    def test_redirect_loop_is_cut(self):
        gh = self.fake()
        self.org(gh, 2)

        def hook(req):
            if req.method == "GET" and req.path.startswith(P + "/repos/acme/r1/labels"):
                return Response(302, b"", {"Location": req.path + "?again=%d" % req.seq})
            return None

        gh.hook = hook
        res = self.sync(gh)
        self.assert_rc(res, 1)
        self.assertRegex(self.repo_errors(res)["acme/r1"], r"redirect", res)
        self.assert_synced(gh, ["r2"], res)
        self.assertLess(len([r for r in gh.requests if r.status == 302]), 10)


if __name__ == "__main__":
    harness.main()
