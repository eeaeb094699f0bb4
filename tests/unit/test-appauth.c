/* SPDX-License-Identifier: MIT */
/*
 * App authentication (core/appkey.c, core/appauth.c): base64url against
 * RFC 4648's vectors, the JWT's claims and its RS256 signature (verified
 * with the public half of a key made here), the renewal decision as a pure
 * function of the times, RFC 3339 times, keys refused; and the token cache
 * over a scripted server: the lookup order, one token per owner, renewal,
 * the one retry after a 401, and failures that stick.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "appauth.h"
#include "hostsvc.h"

/* ---- base64url ------------------------------------------------------------ */

static void check_b64(const char *in, const char *want)
{
	char *got = app_base64url((const unsigned char *)in, strlen(in));

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_base64url(void **state)
{
	(void)state;
	/* RFC 4648 section 10, padding dropped */
	check_b64("", "");
	check_b64("f", "Zg");
	check_b64("fo", "Zm8");
	check_b64("foo", "Zm9v");
	check_b64("foob", "Zm9vYg");
	check_b64("fooba", "Zm9vYmE");
	check_b64("foobar", "Zm9vYmFy");
	/* the URL alphabet: '-' and '_' for '+' and '/' */
	check_b64("\xfb\xff\xbf", "-_-_");
}

/* ---- claims and the renewal decision --------------------------------------- */

static void test_claims(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(app_jwt_claims("4242", 1000000, buf, sizeof(buf)),
			 (int)strlen("{\"iat\":999940,\"exp\":1000540,\"iss\":4242}"));
	assert_string_equal(buf, "{\"iat\":999940,\"exp\":1000540,\"iss\":4242}");
	/* a client id is a string */
	assert_true(app_jwt_claims("Iv1.abc", 1000000, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "{\"iat\":999940,\"exp\":1000540,\"iss\":\"Iv1.abc\"}");
	/* nothing that would need escaping is an id */
	assert_int_equal(app_jwt_claims("4\"2", 1000000, buf, sizeof(buf)), -1);
	assert_false(app_id_valid(""));
	assert_false(app_id_valid("12 3"));
	assert_int_equal(app_jwt_claims("4242", 1000000, buf, 10), -1);
}

static void test_renewal_decision(void **state)
{
	const time_t t0 = 1000000;

	(void)state;
	/* an hour's token: used until 5 minutes are left */
	assert_false(app_token_needs_renewal(t0, t0, t0 + 3600));
	assert_false(app_token_needs_renewal(t0 + 3300, t0, t0 + 3600));
	assert_true(app_token_needs_renewal(t0 + 3301, t0, t0 + 3600));
	assert_true(app_token_needs_renewal(t0 + 4000, t0, t0 + 3600));
	/* issued with less than 5 minutes: used until a minute is left */
	assert_false(app_token_needs_renewal(t0, t0, t0 + 200));
	assert_false(app_token_needs_renewal(t0 + 140, t0, t0 + 200));
	assert_true(app_token_needs_renewal(t0 + 141, t0, t0 + 200));
	/* issued with less than a minute: renewed before any use */
	assert_true(app_token_needs_renewal(t0, t0, t0 + 30));
	/* exactly 5 minutes of life is a normal token */
	assert_false(app_token_needs_renewal(t0, t0, t0 + 300));
	assert_true(app_token_needs_renewal(t0 + 1, t0, t0 + 300));
}

static void test_parse_time(void **state)
{
	time_t t;

	(void)state;
	assert_true(app_parse_time("2016-07-11T22:14:10Z", &t));
	assert_int_equal(t, 1468275250);
	assert_true(app_parse_time("2016-07-11T23:14:10+01:00", &t));
	assert_int_equal(t, 1468275250);
	assert_true(app_parse_time("2016-07-11T22:14:10.123Z", &t));
	assert_int_equal(t, 1468275250);
	assert_false(app_parse_time("2016-07-11 22:14:10", &t));
	assert_false(app_parse_time("2016-07-11T22:14:10", &t));
	assert_false(app_parse_time("2016-07-11T22:14:10Zjunk", &t));
	assert_false(app_parse_time(NULL, &t));
}

/* ---- keys and the signature -------------------------------------------------- */

static EVP_PKEY *test_key;

static char *key_pem(bool pkcs8)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	if (pkcs8)
		assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, test_key, NULL, NULL, 0, NULL, NULL), 1);
	else
		assert_int_equal(PEM_write_bio_PrivateKey_traditional(bio, test_key, NULL, NULL, 0,
								      NULL, NULL), 1);
	n = BIO_get_mem_data(bio, &data);
	out = strndup(data, (size_t)n);
	BIO_free(bio);
	return out;
}

static void verify_jwt(const char *jwt)
{
	const char *dot = strrchr(jwt, '.');
	char *sig64 = strdup(dot + 1), *std;
	unsigned char sig[512];
	size_t n = strlen(sig64), pad = (4 - n % 4) % 4;
	int len;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	std = calloc(1, n + pad + 1);
	for (size_t i = 0; i < n; i++)
		std[i] = sig64[i] == '-' ? '+' : sig64[i] == '_' ? '/' : sig64[i];
	memset(std + n, '=', pad);
	len = EVP_DecodeBlock(sig, (unsigned char *)std, (int)(n + pad));
	assert_true(len > (int)pad);
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, test_key), 1);
	assert_int_equal(EVP_DigestVerify(md, sig, (size_t)len - pad, (const unsigned char *)jwt,
					  (size_t)(dot - jwt)), 1);
	EVP_MD_CTX_free(md);
	free(std);
	free(sig64);
}

static void test_sign(void **state)
{
	char msg[256];
	struct app_cred *c = NULL;

	(void)state;
	for (int pkcs8 = 0; pkcs8 < 2; pkcs8++) {
		char *pem = key_pem(pkcs8), *jwt;

		assert_int_equal(app_cred_from_pem("4242", pem, strlen(pem), "test", &c, msg,
						   sizeof(msg)), 0);
		assert_string_equal(app_cred_id(c), "4242");
		jwt = app_jwt_sign(c, 1000000);
		assert_non_null(jwt);
		/* header {"alg":"RS256","typ":"JWT"}, then the claims */
		assert_true(strncmp(jwt, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.", 37) == 0);
		verify_jwt(jwt);
		app_wipe_free(jwt);
		app_cred_free(c);
		free(pem);
	}
}

static void test_bad_keys(void **state)
{
	static const char junk[] = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
	struct app_cred *c = NULL;
	EVP_PKEY *ec = EVP_EC_gen("P-256");
	BIO *bio = BIO_new(BIO_s_mem());
	char msg[256], *data;
	long n;

	(void)state;
	assert_int_equal(app_cred_from_pem("1", junk, strlen(junk), "K", &c, msg, sizeof(msg)),
			 EPITHET_EINVALID);
	assert_null(c);
	assert_non_null(strstr(msg, "K: not a PEM private key"));
	assert_int_equal(app_cred_from_pem("1", "", 0, "K", &c, msg, sizeof(msg)), EPITHET_EINVALID);
	/* not RSA */
	PEM_write_bio_PrivateKey(bio, ec, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(bio, &data);
	assert_int_equal(app_cred_from_pem("1", data, (size_t)n, "K", &c, msg, sizeof(msg)),
			 EPITHET_EINVALID);
	assert_non_null(strstr(msg, "not an RSA key"));
	/* a bad id */
	assert_int_equal(app_cred_from_pem("x y", data, (size_t)n, "K", &c, msg, sizeof(msg)),
			 EPITHET_EINVALID);
	assert_int_equal(app_cred_from_file("1", "/nonexistent/k.pem", "--app-key", &c, msg,
					    sizeof(msg)), EPITHET_EINVALID);
	assert_non_null(strstr(msg, "--app-key /nonexistent/k.pem"));
	BIO_free(bio);
	EVP_PKEY_free(ec);
}

/* ---- the token cache over a scripted server --------------------------------------- */

struct server {
	char log[32][96];        /* "METHOD PATH" of each request */
	int n;
	const char *installed;   /* the one owner with an installation */
	int token_life;          /* seconds */
	int exchange_status;
	int tokens;              /* issued */
};

static int scripted(void *ctx, const char *method, const char *path, const char *auth,
		    int *status, char **body, size_t *len, struct epithet_error *err)
{
	struct server *sv = ctx;
	char when[32];
	time_t exp;

	(void)err;
	assert_true(strncmp(auth, "Authorization: Bearer eyJ", 25) == 0);
	snprintf(sv->log[sv->n++ % 32], sizeof(sv->log[0]), "%s %s", method, path);
	if (strcmp(method, "POST") == 0) {
		*status = sv->exchange_status;
		exp = time(NULL) + sv->token_life;
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&exp));
		if (asprintf(body, "{\"token\":\"ghs_%d\",\"expires_at\":\"%s\"}", ++sv->tokens, when) < 0)
			return EPITHET_ENOMEM;
	} else {
		bool found = sv->installed && strstr(path, sv->installed) &&
			     strncmp(path, "/orgs/", 6) == 0;

		*status = found ? 200 : 404;
		*body = strdup(found ? "{\"id\":77}" : "{\"message\":\"Not Found\"}");
	}
	*len = strlen(*body);
	return 0;
}

static struct app_session *session(struct server *sv, struct app_cred **c)
{
	static const char *const owner_paths[] = {"/orgs/{owner}/installation",
						  "/users/{owner}/installation", NULL};
	struct app_session_config cfg = {
		.auth_scheme = "Bearer", .owner_paths = owner_paths,
		.repo_path = "/repos/{owner}/{repo}/installation",
		.exchange_path = "/app/installations/{id}/access_tokens",
		.send = scripted, .send_ctx = sv, .escape = hostsvc_escape_segment,
	};
	char *pem = key_pem(false), msg[256];

	assert_int_equal(app_cred_from_pem("4242", pem, strlen(pem), "t", c, msg, sizeof(msg)), 0);
	free(pem);
	cfg.cred = *c;
	return app_session_new(&cfg);
}

static void test_session(void **state)
{
	struct server sv = {.installed = "acme", .token_life = 3600, .exchange_status = 201};
	struct epithet_error err = {0};
	struct app_cred *c;
	struct app_session *s = session(&sv, &c);
	char *h = NULL;
	unsigned gen = 0, gen2 = 0;

	(void)state;
	/* first use: the lookup (the repo's path first), then the exchange */
	assert_int_equal(app_session_header(s, "acme", "r 1", &h, &gen, &err), 0);
	assert_string_equal(h, "Authorization: Bearer ghs_1");
	app_wipe_free(h);
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.log[0], "GET /repos/acme/r%201/installation");
	assert_string_equal(sv.log[1], "GET /orgs/acme/installation");
	assert_string_equal(sv.log[2], "POST /app/installations/77/access_tokens");
	/* owners compare ignoring case; a live token costs nothing */
	assert_int_equal(app_session_header(s, "ACME", NULL, &h, &gen2, &err), 0);
	app_wipe_free(h);
	assert_int_equal(sv.n, 3);
	assert_int_equal(gen, gen2);
	/* a 401: one renewal, then the renewed token is asked for */
	assert_true(app_session_refused(s, "acme", gen));
	assert_int_equal(app_session_header(s, "acme", NULL, &h, &gen2, &err), 0);
	assert_string_equal(h, "Authorization: Bearer ghs_2");
	app_wipe_free(h);
	assert_int_equal(sv.n, 4);
	/* a late 401 of the old token: the new one is tried, nothing renewed */
	assert_true(app_session_refused(s, "acme", gen));
	/* the renewed token refused too: the owner fails, and stays failed */
	assert_false(app_session_failed(s));
	assert_false(app_session_refused(s, "acme", gen2));
	assert_true(app_session_failed(s));
	assert_int_equal(app_session_header(s, "acme", NULL, &h, &gen, &err), EPITHET_EAUTH);
	assert_null(h);
	assert_non_null(strstr(err.message, "and so was a renewed one"));
	assert_int_equal(sv.n, 4);
	app_session_free(s);
	app_cred_free(c);
}

static void test_session_not_installed_and_short_tokens(void **state)
{
	struct server sv = {.installed = "acme", .token_life = 30, .exchange_status = 201};
	struct epithet_error err = {0};
	struct app_cred *c;
	struct app_session *s = session(&sv, &c);
	char *h = NULL;
	unsigned gen;

	(void)state;
	assert_int_equal(app_session_header(s, "other", NULL, &h, &gen, &err), EPITHET_EAUTH);
	assert_string_equal(err.message, "the App 4242 is not installed on 'other'");
	assert_int_equal(sv.n, 2);
	/* remembered: no second lookup */
	assert_int_equal(app_session_header(s, "other", NULL, &h, &gen, &err), EPITHET_EAUTH);
	assert_int_equal(sv.n, 2);
	/* a token issued with under a minute: renewed before each use */
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(app_session_header(s, "acme", NULL, &h, &gen, &err), 0);
		app_wipe_free(h);
		assert_int_equal(sv.tokens, i);
	}
	/* no owner: the plugin must name one */
	assert_int_equal(app_session_header(s, NULL, NULL, &h, &gen, &err), EPITHET_EINVALID);
	app_session_free(s);
	app_cred_free(c);

	/* an exchange refused: EAUTH, kept */
	sv = (struct server){.installed = "acme", .token_life = 3600, .exchange_status = 403};
	s = session(&sv, &c);
	assert_int_equal(app_session_header(s, "acme", NULL, &h, &gen, &err), EPITHET_EAUTH);
	assert_non_null(strstr(err.message, "the App 4242 was refused an installation token for 'acme' (403)"));
	assert_true(app_session_failed(s));
	app_session_free(s);
	app_cred_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64url),
		cmocka_unit_test(test_claims),
		cmocka_unit_test(test_renewal_decision),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_session_not_installed_and_short_tokens),
	};
	int rc;

	test_key = EVP_RSA_gen(2048);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	EVP_PKEY_free(test_key);
	return rc;
}
