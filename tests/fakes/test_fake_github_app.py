#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Self-tests of fake_github_app: the fake must check App JWTs and hand out
installation tokens the way GitHub's docs say ("Generating a JSON Web Token
(JWT) for a GitHub App", "Generating an installation access token").
Run: python3 tests/fakes/test_fake_github_app.py
"""

import base64
import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fake_github import FakeGitHub  # noqa: E402

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(iss=7, iat=None, exp=None, key=KEY, alg="RS256"):
    now = int(time.time())
    iat = now - 60 if iat is None else iat
    exp = iat + 600 if exp is None else exp
    head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    claims = b64(json.dumps({"iat": iat, "exp": exp, "iss": iss}).encode())
    sig = key.sign((head + "." + claims).encode(), padding.PKCS1v15(), hashes.SHA256())
    return head + "." + claims + "." + b64(sig)


class TestApp(unittest.TestCase):
    def setUp(self):
        self.gh = FakeGitHub(token="tkn").start()
        self.addCleanup(self.gh.stop)
        self.gh.add_repo("acme", "r1", private=True)
        self.gh.add_repo("beta", "r1", private=True)
        self.gh.apps.add_app(7, PUBLIC)
        self.inst = self.gh.apps.install(7, "acme")

    def call(self, method, path, auth, body=None):
        req = urllib.request.Request(self.gh.api_url + path, method=method,
                                     data=body, headers={"User-Agent": "t",
                                                         "Authorization": auth})
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def test_lookup_and_exchange(self):
        st, body = self.call("GET", "/orgs/acme/installation", "Bearer " + jwt())
        self.assertEqual((st, body["id"], body["account"]["login"]), (200, self.inst, "acme"))
        self.assertEqual(self.call("GET", "/users/acme/installation", "Bearer " + jwt())[0], 404)
        self.assertEqual(self.call("GET", "/orgs/beta/installation", "Bearer " + jwt())[0], 404)
        self.assertEqual(self.call("GET", "/repos/acme/r1/installation", "Bearer " + jwt())[0], 200)
        st, tok = self.call("POST", "/app/installations/%d/access_tokens" % self.inst,
                            "Bearer " + jwt(), b"")
        self.assertEqual(st, 201)
        self.assertTrue(tok["token"].startswith("ghs_"))
        self.assertTrue(tok["expires_at"].endswith("Z"))
        # the token reads its account's private repos, not another's
        self.assertEqual(self.call("GET", "/repos/acme/r1", "token " + tok["token"])[0], 200)
        self.assertEqual(self.call("GET", "/repos/beta/r1", "token " + tok["token"])[0], 404)
        st, body = self.call("GET", "/user", "token " + tok["token"])
        self.assertEqual((st, body["message"]), (403, "Resource not accessible by integration"))
        # revoked: refused
        self.gh.apps.revoke("acme")
        self.assertEqual(self.call("GET", "/repos/acme/r1", "token " + tok["token"])[0], 401)

    def test_bad_jwts_are_401(self):
        now = int(time.time())
        cases = [("Bearer nonsense", "could not be decoded"),
                 ("Bearer " + jwt(key=OTHER), "could not be decoded"),
                 ("Bearer " + jwt(iss=8), "Integration not found"),
                 ("Bearer " + jwt(alg="HS256"), "could not be decoded"),
                 ("Bearer " + jwt(iat=now + 120), "'Issued at' claim"),
                 ("Bearer " + jwt(iat=now - 700, exp=now - 100), "'Expiration time' claim"),
                 ("Bearer " + jwt(iat=now - 60, exp=now + 600), "too far in the future"),
                 ("token tkn", "could not be decoded")]
        for auth, msg in cases:
            st, body = self.call("GET", "/orgs/acme/installation", auth)
            self.assertEqual(st, 401, auth)
            self.assertIn(msg, body["message"], auth)

    def test_token_lifetime_and_refusal(self):
        self.gh.apps.token_lifetime = 1
        st, tok = self.call("POST", "/app/installations/%d/access_tokens" % self.inst,
                            "Bearer " + jwt(), b"")
        time.sleep(1.1)
        self.assertEqual(self.call("GET", "/repos/acme/r1", "token " + tok["token"])[0], 401)
        self.gh.apps.token_lifetime = 3600
        self.gh.apps.refuse("acme")
        st, tok = self.call("POST", "/app/installations/%d/access_tokens" % self.inst,
                            "Bearer " + jwt(), b"")
        self.assertEqual(self.call("GET", "/repos/acme/r1", "token " + tok["token"])[0], 401)


if __name__ == "__main__":
    unittest.main(verbosity=2)
