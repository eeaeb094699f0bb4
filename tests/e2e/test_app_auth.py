# SPDX-License-Identifier: MIT
"""GitHub App authentication (issue 13; SPEC.md 10) against the fake GitHub,
which verifies each JWT's RS256 signature and claims: the installation lookup
and token exchange, per-owner installation tokens (REST and GraphQL), renewal
before expiry and once after an unexpected 401, the exit statuses, where the
credentials come from, GHES, and that no secret reaches output or disk.

The keys are made here, at test time (PKCS#1 and PKCS#8); none is committed.
"""

import base64
import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import harness
from fake_github import FakeGitHub

APP_ID = 4242
LABELS = "labels:\n  - name: bug\n    color: d73a4a\n  - name: docs\n    color: 0075ca\n"


def _make_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)

    def pem(fmt):
        return key.private_bytes(serialization.Encoding.PEM, fmt,
                                 serialization.NoEncryption()).decode()
    return (pem(serialization.PrivateFormat.TraditionalOpenSSL),
            pem(serialization.PrivateFormat.PKCS8), pub)


PKCS1, PKCS8, PUBLIC = _make_key()
OTHER_PKCS1, _, _ = _make_key()  # a key the App does not have


def _claims(jwt):
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _bearer(req):
    return req.headers.get("authorization", "").partition(" ")[2]


def _is_app(req):
    return req.path.endswith("/installation") or req.path.endswith("/access_tokens")


class AppCase(harness.EpithetTestCase):
    def setUp(self):
        super().setUp()
        self.dir = self.tmpdir()

    def fake(self, ghes=False, graphql=False, owners=("acme",), repos=("r1", "r2")):
        # token="tkn": a personal token exists too, and must never be sent
        gh = self.start_fake(FakeGitHub(token="tkn", ghes=ghes, graphql=graphql))
        gh.apps.add_app(APP_ID, PUBLIC)
        for o in owners:
            for r in repos:
                gh.add_repo(o, r, labels=[{"name": "old", "color": "ededed"}])
        return gh

    def key_file(self, text=PKCS1, name="app.pem"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        return path

    def labels(self, text=LABELS):
        return self.write_file(text, directory=self.dir)

    def sync(self, gh, args, env=None, home=None, api=True, extra=()):
        base = ["--api-url", gh.api_url] if api else []
        e = {"EPITHET_TOKEN": "tkn"}  # App credentials replace it
        e.update(env or {})
        return self.run_epithet(base + list(args) + ["-y", "sync", "-c", self.labels()] +
                                list(extra), env=e, home=home)

    def cli_app(self, key=None):
        return ["--app-id", str(APP_ID), "--app-key", key or self.key_file()]

    def assert_app_flow(self, gh, owners):
        """Every API request carries a token the fake issued to its owner's
        installation; never the personal token."""
        issued = {t["token"]: t for t in gh.apps.issued}
        for q in gh.requests:
            tok = _bearer(q)
            self.assertNotEqual(tok, "tkn", "the personal token was sent: %r" % q)
            if _is_app(q):
                self.assertEqual(tok.count("."), 2, "not a JWT: %r" % q)
                continue
            self.assertIn(tok, issued, "not an installation token: %r" % q)
            owner = issued[tok]["owner"]
            self.assertIn(owner, owners)
            self.assertLess(issued[tok]["seq"], q.seq, "token used before it was issued")
            if q.path not in ("/user", "/installation/repositories"):  # no owner in these
                self.assertIn(owner, q.path if not gh.is_graphql(q) else json.dumps(q.body), q)


class TestAppSync(AppCase):
    def test_sync_reads_and_writes_with_the_installation_token(self):
        gh = self.fake(graphql=True)
        gh.apps.install(APP_ID, "acme")
        res = self.sync(gh, ["-o", "acme"] + self.cli_app())
        self.assert_rc(res, 0)
        self.assertEqual(gh.label("acme", "r1", "bug")["color"], "d73a4a")
        self.assertEqual(gh.label("acme", "r2", "docs")["color"], "0075ca")
        # the lookup, then the exchange, then the API; one token for the run
        self.assertEqual([q.path for q in gh.requests[:2]],
                         ["/orgs/acme/installation",
                          "/app/installations/%d/access_tokens" % gh.apps.installations.popitem()[0]])
        self.assertEqual(len(gh.apps.issued), 1)
        self.assertTrue(gh.graphql_requests(), "the labels were read with GraphQL")
        self.assert_app_flow(gh, ["acme"])
        # the JWT's claims: iat 60 s back, exp = iat + 600, iss the App
        for jwt in gh.apps.jwts:
            c = _claims(jwt)
            self.assertEqual(c["iss"], APP_ID)
            self.assertEqual(c["exp"] - c["iat"], 600)
            self.assertAlmostEqual(c["iat"], gh.requests[0].time - 60, delta=5)

    def test_pkcs8_key_and_a_user_account(self):
        gh = self.start_fake(FakeGitHub(token="tkn"))
        gh.apps.add_app(APP_ID, PUBLIC)
        gh.add_user("someone")
        gh.add_repo("someone", "public")
        gh.add_repo("someone", "secret", private=True)
        gh.add_repo("other", "theirs")
        gh.apps.install(APP_ID, "someone")
        res = self.sync(gh, ["-o", "someone"] + self.cli_app(self.key_file(PKCS8)))
        self.assert_rc(res, 0)
        # the installation lists the user's private repos too
        self.assertEqual(gh.label("someone", "public", "bug")["color"], "d73a4a")
        self.assertEqual(gh.label("someone", "secret", "bug")["color"], "d73a4a")
        self.assertIn("/installation/repositories", [q.path for q in gh.requests])
        # /orgs/ says 404 for a user: /users/ is asked next
        self.assertEqual([q.path for q in gh.requests[:2]],
                         ["/orgs/someone/installation", "/users/someone/installation"])
        self.assert_app_flow(gh, ["someone"])

    def test_a_private_base_is_read_with_the_app(self):
        gh = self.fake(repos=("r1",))
        gh.add_repo("acme", "policy", private=True)
        gh.add_file("acme", "policy", "labels.yml", "labels:\n  - name: base\n    color: 111111\n")
        gh.apps.install(APP_ID, "acme")
        top = self.labels("extends:\n  - {repo: acme/policy, path: labels.yml}\n" + LABELS)
        res = self.run_epithet(["--api-url", gh.api_url, "-o", "acme", "-y"] + self.cli_app() +
                               ["sync", "-c", top])
        self.assert_rc(res, 0)
        self.assertEqual(gh.label("acme", "r1", "base")["color"], "111111")
        self.assertTrue([q for q in gh.requests if "/contents/" in q.path and q.status == 200])
        self.assert_app_flow(gh, ["acme"])

    def test_ghes(self):
        gh = self.fake(ghes=True)
        gh.apps.install(APP_ID, "acme")
        res = self.sync(gh, ["--url", gh.url, "-o", "acme"] + self.cli_app(), api=False)
        self.assert_rc(res, 0)
        self.assertEqual(gh.label("acme", "r1", "bug")["color"], "d73a4a")
        self.assertEqual(gh.requests[0].path, "/api/v3/orgs/acme/installation")
        self.assertTrue(gh.requests[1].path.startswith("/api/v3/app/installations/"))
        self.assert_app_flow(gh, ["acme"])

    def test_dry_run_still_exchanges_and_writes_nothing(self):
        gh = self.fake()
        gh.apps.install(APP_ID, "acme")
        res = self.run_epithet(["--api-url", gh.api_url, "-o", "acme"] + self.cli_app() +
                               ["plan", "-c", self.labels()])
        self.assert_rc(res, 2)
        self.assertEqual([q.path for q in gh.writes()],
                         ["/app/installations/%d/access_tokens" % list(gh.apps.installations)[0]])


class TestOwners(AppCase):
    def test_two_owners_of_named_repos_get_a_token_each(self):
        gh = self.fake(owners=("acme", "beta"), repos=("r1",))
        gh.apps.install(APP_ID, "acme")
        gh.apps.install(APP_ID, "beta")
        res = self.sync(gh, ["--repo", "acme/r1", "--repo", "beta/r1"] + self.cli_app())
        self.assert_rc(res, 0)
        self.assertEqual(gh.label("beta", "r1", "bug")["color"], "d73a4a")
        self.assertEqual(sorted(t["owner"] for t in gh.apps.issued), ["acme", "beta"])
        # --repo: the repository's installation is asked first
        lookups = [q.path for q in gh.requests if q.path.endswith("/installation")]
        self.assertEqual(lookups, ["/repos/acme/r1/installation", "/repos/beta/r1/installation"])
        self.assert_app_flow(gh, ["acme", "beta"])
        # each installation paid for its own requests
        for o in ("acme", "beta"):
            b = gh.apps.bucket(o)
            self.assertEqual(b.used, sum(1 for q in gh.requests if not _is_app(q) and
                                         q.path.startswith("/repos/%s/" % o)))

    def test_two_targets_and_the_target_keys(self):
        gh = self.fake(owners=("acme", "beta"), repos=("r1",))
        gh.apps.install(APP_ID, "acme")
        gh.apps.install(APP_ID, "beta")
        self.key_file(name="rel.pem")
        text = ("targets:\n"
                "  - org: acme\n    api_url: %s\n    app_id: %d\n    app_key_file: rel.pem\n"
                "  - org: beta\n    api_url: %s\n    app_id: %d\n    app_key_env: BETA_KEY\n"
                % (gh.api_url, APP_ID, gh.api_url, APP_ID)) + LABELS
        res = self.run_epithet(["-y", "sync", "-c", self.labels(text)],
                               env={"EPITHET_TOKEN": "tkn", "BETA_KEY": PKCS8},
                               cwd=self.tmpdir())
        self.assert_rc(res, 0)
        self.assertEqual(gh.label("acme", "r1", "bug")["color"], "d73a4a")
        self.assertEqual(gh.label("beta", "r1", "bug")["color"], "d73a4a")
        self.assertEqual(sorted(t["owner"] for t in gh.apps.issued), ["acme", "beta"])
        self.assert_app_flow(gh, ["acme", "beta"])

    def test_undo_finds_the_targets_own_key_through_the_journal(self):
        gh = self.fake(repos=("r1",))
        gh.apps.install(APP_ID, "acme")
        self.key_file(name="rel.pem")
        text = ("targets:\n  - org: acme\n    api_url: %s\n    app_id: %d\n"
                "    app_key_file: rel.pem\n" % (gh.api_url, APP_ID)) + LABELS
        home = self.make_home()
        res = self.run_epithet(["-y", "sync", "-c", self.labels(text)], home=home,
                               cwd=self.tmpdir())
        self.assert_rc(res, 0)
        self.assertIsNotNone(gh.label("acme", "r1", "bug"))
        # from elsewhere, with no App in the environment nor on the command line
        res = self.run_epithet(["-y", "undo"], home=home, cwd=self.tmpdir())
        self.assert_rc(res, 0)
        self.assertIsNone(gh.label("acme", "r1", "bug"))
        self.assertEqual(len(gh.apps.issued), 2)
        self.assert_app_flow(gh, ["acme"])

    def test_command_line_replaces_the_targets_own(self):
        gh = self.fake(repos=("r1",))
        gh.apps.install(APP_ID, "acme")
        text = ("targets:\n  - org: acme\n    api_url: %s\n    app_id: 1\n"
                "    app_key_file: missing.pem\n" % gh.api_url) + LABELS
        res = self.run_epithet(self.cli_app() + ["-y", "sync", "-c", self.labels(text)])
        self.assert_rc(res, 0)
        self.assert_app_flow(gh, ["acme"])


class TestRefusals(AppCase):
    def test_not_installed_is_77_naming_app_and_owner(self):
        gh = self.fake(owners=("acme", "other"))
        gh.apps.install(APP_ID, "acme")
        res = self.sync(gh, ["-o", "other"] + self.cli_app())
        self.assert_rc(res, 77)
        self.assert_in_err(res, "App %d is not installed on 'other'" % APP_ID)
        self.assertEqual(gh.writes(), [])
        self.assertEqual([q.path for q in gh.requests],
                         ["/orgs/other/installation", "/users/other/installation"])

    def test_not_installed_with_several_targets_the_others_go_on(self):
        gh = self.fake(owners=("acme", "other"), repos=("r1",))
        gh.apps.install(APP_ID, "acme")
        text = ("targets:\n  - org: other\n    api_url: %s\n  - org: acme\n    api_url: %s\n"
                % (gh.api_url, gh.api_url)) + LABELS
        res = self.run_epithet(["-y", "sync", "-c", self.labels(text)],
                               env={"EPITHET_APP_ID": APP_ID, "EPITHET_APP_KEY": PKCS1})
        self.assert_rc(res, 1)
        self.assert_in_err(res, "App %d is not installed on 'other'" % APP_ID)
        self.assertEqual(gh.label("acme", "r1", "bug")["color"], "d73a4a")
        self.assertFalse([q for q in gh.writes() if "/other/" in q.path])

    def test_an_app_without_issues_write_fails_each_repo(self):
        gh = self.fake()
        gh.apps.install(APP_ID, "acme", issues="read")
        res = self.sync(gh, ["-o", "acme"] + self.cli_app())
        self.assert_rc(res, 1)
        self.assert_in_err(res, "Resource not accessible by integration")
        failed = [q for q in gh.writes() if not _is_app(q)]
        self.assertTrue(failed and all(q.status == 403 for q in failed))
        # each repo was tried: a 403 is that repo's failure, not the run's
        self.assertEqual({q.path.split("/")[3] for q in failed}, {"r1", "r2"})

    def test_wrong_key_is_refused_by_the_server(self):
        gh = self.fake()
        gh.apps.install(APP_ID, "acme")
        res = self.sync(gh, ["-o", "acme"] + self.cli_app(self.key_file(OTHER_PKCS1)))
        self.assert_rc(res, 77)
        self.assert_in_err(res, "the App %d was refused" % APP_ID)
        self.assert_in_err(res, "(401)")
        self.assertEqual(gh.writes(), [])


class TestBadCredentials(AppCase):
    def assert_nothing_sent(self, gh, res, rc, text):
        self.assert_rc(res, rc)
        self.assert_in_err(res, text)
        self.assertEqual(gh.requests, [])

    def test_malformed_key_is_65_before_any_request(self):
        gh = self.fake()
        garbage = self.key_file("-----BEGIN RSA PRIVATE KEY-----\nnot a key\n"
                                "-----END RSA PRIVATE KEY-----\n")
        self.assert_nothing_sent(gh, self.sync(gh, ["-o", "acme"] + self.cli_app(garbage)), 65,
                                 "not a PEM private key")
        missing = os.path.join(self.dir, "nope.pem")
        self.assert_nothing_sent(gh, self.sync(gh, ["-o", "acme"] + self.cli_app(missing)), 65,
                                 "nope.pem")
        self.assert_nothing_sent(gh, self.sync(gh, ["-o", "acme"], env={
            "EPITHET_APP_ID": APP_ID, "EPITHET_APP_KEY": "junk"}), 65, "EPITHET_APP_KEY")

    def test_id_without_key_and_key_without_id_are_64(self):
        gh = self.fake()
        self.assert_nothing_sent(gh, self.sync(gh, ["-o", "acme", "--app-id", "1"]), 64,
                                 "--app-key")
        self.assert_nothing_sent(gh, self.sync(gh, ["-o", "acme", "--app-key", self.key_file()]),
                                 64, "--app-id")
        self.assert_nothing_sent(gh, self.sync(gh, ["-o", "acme"], env={"EPITHET_APP_ID": "1"}),
                                 64, "EPITHET_APP_ID")

    def test_a_target_key_without_an_id_is_a_labels_file_error(self):
        gh = self.fake()
        path = self.labels("targets:\n  - org: acme\n    app_key_env: K\n" + LABELS)
        res = self.run_epithet(["-y", "sync", "-c", path])
        self.assert_nothing_sent(gh, res, 65, "labels.yml:3:18: an App key needs the App's id")

    def test_env_key_wins_over_key_file(self):
        gh = self.fake()
        gh.apps.install(APP_ID, "acme")
        res = self.sync(gh, ["-o", "acme"], env={
            "EPITHET_APP_ID": APP_ID, "EPITHET_APP_KEY": PKCS8,
            "EPITHET_APP_KEY_FILE": self.key_file(OTHER_PKCS1, "other.pem")})
        self.assert_rc(res, 0)
        self.assert_app_flow(gh, ["acme"])
        # and the file alone is used when EPITHET_APP_KEY is not set
        res = self.sync(gh, ["-o", "acme"], env={
            "EPITHET_APP_ID": APP_ID, "EPITHET_APP_KEY_FILE": self.key_file(OTHER_PKCS1, "o.pem")})
        self.assert_rc(res, 77)

    def test_a_forge_without_apps_refuses_app_credentials(self):
        d = self.tmpdir()
        res = self.run_epithet(["--forge", "local", "--url", "file://" + d, "-o", "x"] +
                               self.cli_app() + ["list"])
        self.assert_rc(res, 65)
        self.assert_in_err(res, "no App authentication")


class TestRenewal(AppCase):
    """A run that outlives its installation token, made short by the fake:
    orders and counts, never wall-clock waits."""

    def api_requests(self, gh):
        return [q for q in gh.requests if not _is_app(q)]

    def test_a_token_inside_the_renewal_window_is_renewed_before_each_use(self):
        gh = self.fake()
        gh.apps.install(APP_ID, "acme")
        gh.apps.token_lifetime = 30   # less than a minute: renewed before every use
        res = self.sync(gh, ["-o", "acme", "-j", "1"] + self.cli_app())
        self.assert_rc(res, 0)
        api = self.api_requests(gh)
        self.assertEqual(len(gh.apps.issued), len(api))
        # each request went with the token issued just before it
        for q in api:
            prev = [t for t in gh.apps.issued if t["seq"] < q.seq][-1]
            self.assertEqual(_bearer(q), prev["token"])
        self.assertFalse([q for q in gh.requests if q.status == 401])

    def test_a_short_token_is_used_until_a_minute_is_left(self):
        gh = self.fake()
        gh.apps.install(APP_ID, "acme")
        gh.apps.token_lifetime = 200  # under 5 minutes, over 1
        res = self.sync(gh, ["-o", "acme"] + self.cli_app())
        self.assert_rc(res, 0)
        self.assertEqual(len(gh.apps.issued), 1)

    def revoke_on_first_label_read(self, gh, action):
        state = {"done": False}

        def hook(req):
            if not state["done"] and req.path.endswith("/r1/labels") and req.method == "GET":
                state["done"] = True
                action("acme")
            return None
        gh.hook = hook

    def test_an_unexpected_401_renews_once_and_resends(self):
        gh = self.fake()
        gh.apps.install(APP_ID, "acme")
        self.revoke_on_first_label_read(gh, gh.apps.revoke)
        res = self.sync(gh, ["-o", "acme", "-j", "1"] + self.cli_app())
        self.assert_rc(res, 0)
        self.assertEqual(gh.label("acme", "r1", "bug")["color"], "d73a4a")
        reqs = gh.requests
        refused = [i for i, q in enumerate(reqs) if q.status == 401]
        self.assertEqual(len(refused), 1)
        i = refused[0]
        self.assertTrue(reqs[i + 1].path.endswith("/access_tokens"))
        self.assertEqual((reqs[i + 2].method, reqs[i + 2].path, reqs[i + 2].status),
                         (reqs[i].method, reqs[i].path, 200))
        self.assertNotEqual(_bearer(reqs[i + 2]), _bearer(reqs[i]))
        self.assertEqual(len(gh.apps.issued), 2)

    def test_a_renewed_token_refused_too_fails_the_target(self):
        gh = self.fake()
        gh.apps.install(APP_ID, "acme")
        self.revoke_on_first_label_read(gh, gh.apps.refuse)
        res = self.sync(gh, ["-o", "acme", "-j", "1"] + self.cli_app())
        self.assert_rc(res, 77)
        self.assert_in_err(res, "refused (401), and so was a renewed one")
        self.assertEqual(len(gh.apps.issued), 2)
        self.assertEqual(len([q for q in gh.requests if q.status == 401]), 2)
        self.assertEqual(gh.writes(), [q for q in gh.writes() if _is_app(q)])


class TestSecrets(AppCase):
    def test_no_secret_in_output_logs_cache_or_journal(self):
        gh = self.fake(graphql=True)
        gh.apps.install(APP_ID, "acme")
        home = self.make_home()
        gh.apps.token_lifetime = 30  # many tokens, many JWTs
        runs = [self.sync(gh, ["-o", "acme", "-v", "-v"] + self.cli_app(), home=home),
                self.sync(gh, ["-o", "acme", "-v"], home=home,
                          env={"EPITHET_APP_ID": APP_ID, "EPITHET_APP_KEY": PKCS8})]
        for res in runs:
            self.assert_rc(res, 0)
        self.assertTrue(os.listdir(os.path.join(home, ".state", "epithet", "journal")))
        secrets = [t["token"] for t in gh.apps.issued] + gh.apps.jwts
        # the key: its body lines, whichever format
        secrets += [ln for ln in (PKCS1 + PKCS8).splitlines() if ln and "-----" not in ln]
        self.assertGreater(len(gh.apps.issued), 2)
        for s in secrets:
            for res in runs:
                self.assert_no_token(res, s)
            self.assert_no_token_in_files(home, s)
            self.assert_no_token_in_files(os.path.join(home, ".cache"), s.split(".")[-1])


if __name__ == "__main__":
    harness.main()
