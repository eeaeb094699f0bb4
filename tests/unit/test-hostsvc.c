/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the host services (core/host/) that need no HTTP server:
 * token lookup and netrc parsing, path-segment escaping, Link parsing, the
 * checks every request passes before it is sent (dry run, malformed
 * requests), and the transport-failure paths (retries, pacing) against a
 * local port that refuses connections. HTTP exchanges with a server are the
 * e2e suite's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hostsvc.h"
#include "host/internal.h"

static char tmpdir[] = "/tmp/epithet-hostsvc-XXXXXX";

/* A path in the temporary directory; the last four stay valid. */
static const char *tmp_path(const char *name)
{
	static char bufs[4][512];
	static unsigned next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return b;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

static const char *const token_vars[] = {
	"EPITHET_TOKEN", "GH_TOKEN", "GITHUB_TOKEN", "TARGET_TOKEN", "NETRC", NULL,
};

/* Every test starts from an environment without tokens and with HOME in
 * the temporary directory, so the user's own ~/.netrc never takes part. */
static int reset_env(void **state)
{
	const char *const *v;

	(void)state;
	for (v = token_vars; *v; v++)
		unsetenv(*v);
	setenv("HOME", tmpdir, 1);
	unlink(tmp_path(".netrc"));
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("EPITHET_TEST_FAST_RETRY", "1", 1);
	/* the shared write pacing's file goes under HOME's cache dir */
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_CACHE_HOME");
	return hostsvc_global_init();
}

static int group_teardown(void **state)
{
	char cmd[600];

	(void)state;
	hostsvc_global_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- token lookup ------------------------------------------------------ */

static const char *const forge_env[] = { "GH_TOKEN", "GITHUB_TOKEN", NULL };

struct found {
	int rc;
	char *token;
	const char *source;
	struct epithet_error err;
};

static struct found lookup(const char *token_file, const char *host)
{
	struct found f;

	memset(&f, 0, sizeof(f));
	f.rc = hostsvc_token_lookup(forge_env, "TARGET_TOKEN", token_file, host, &f.token,
				    &f.source, &f.err);
	return f;
}

static void expect_token(struct found f, const char *token, const char *source)
{
	assert_int_equal(f.rc, 0);
	assert_string_equal(f.token, token);
	assert_string_equal(f.source, source);
	free(f.token);
}

/* Every source set up: each lookup finds the first, then that one is removed. */
static void test_token_order(void **state)
{
	const char *file = tmp_path("token");

	(void)state;
	write_file(file, "from-file\n");
	write_file(tmp_path(".netrc"), "machine api.example.com login me password from-netrc\n");
	setenv("EPITHET_TOKEN", "from-epithet", 1);
	setenv("GH_TOKEN", "from-gh", 1);
	setenv("GITHUB_TOKEN", "from-github", 1);
	setenv("TARGET_TOKEN", "from-target", 1);

	expect_token(lookup(file, "api.example.com"), "from-epithet", "EPITHET_TOKEN");
	unsetenv("EPITHET_TOKEN");
	expect_token(lookup(file, "api.example.com"), "from-gh", "GH_TOKEN");
	unsetenv("GH_TOKEN");
	expect_token(lookup(file, "api.example.com"), "from-github", "GITHUB_TOKEN");
	unsetenv("GITHUB_TOKEN");
	expect_token(lookup(file, "api.example.com"), "from-target", "TARGET_TOKEN");
	unsetenv("TARGET_TOKEN");
	expect_token(lookup(file, "api.example.com"), "from-file", "--token-file");
	expect_token(lookup(NULL, "api.example.com"), "from-netrc", "~/.netrc");
	unlink(file);
}

static void test_token_empty_values_skipped(void **state)
{
	const char *file = tmp_path("empty-token");

	(void)state;
	setenv("EPITHET_TOKEN", "", 1);
	setenv("GH_TOKEN", "  \t", 1);
	setenv("GITHUB_TOKEN", " padded \n", 1);
	expect_token(lookup(NULL, NULL), "padded", "GITHUB_TOKEN");
	unsetenv("GITHUB_TOKEN");

	/* an empty token file is skipped too, down to the netrc */
	write_file(file, "\n\nsecond-line-is-not-read\n");
	write_file(tmp_path(".netrc"), "machine api.example.com password n\n");
	expect_token(lookup(file, "api.example.com"), "n", "~/.netrc");
	unlink(file);
}

static void test_token_none(void **state)
{
	struct found f;

	(void)state;
	f = lookup(NULL, "api.example.com");
	assert_int_equal(f.rc, EPITHET_ENOTFOUND);
	assert_null(f.token);
	assert_null(f.source);
}

static void test_token_file(void **state)
{
	const char *file = tmp_path("tok");
	struct found f;

	(void)state;
	write_file(file, "  tok-123  \r\nsecond line\n");
	expect_token(lookup(file, NULL), "tok-123", "--token-file");
	write_file(file, "no-newline");
	expect_token(lookup(file, NULL), "no-newline", "--token-file");
	unlink(file);

	f = lookup(tmp_path("missing"), NULL);
	assert_int_equal(f.rc, EPITHET_EINVALID);
	assert_int_equal(f.err.code, EPITHET_EINVALID);
	assert_non_null(strstr(f.err.message, "missing"));
	assert_null(f.token);

	f = lookup(tmpdir, NULL); /* a directory */
	assert_int_equal(f.rc, EPITHET_EINVALID);
}

static void test_token_control_characters(void **state)
{
	struct found f;

	(void)state;
	setenv("GH_TOKEN", "abc\001def", 1);
	f = lookup(NULL, NULL);
	assert_int_equal(f.rc, EPITHET_EINVALID);
	assert_non_null(strstr(f.err.message, "GH_TOKEN"));
	assert_null(strstr(f.err.message, "abc")); /* never the token */
	assert_null(f.token);
}

/* ---- netrc ------------------------------------------------------------- */

static struct found netrc(const char *text, const char *host)
{
	struct found f;

	write_file(tmp_path("netrc"), text);
	setenv("NETRC", tmp_path("netrc"), 1);
	memset(&f, 0, sizeof(f));
	f.rc = hostsvc_token_lookup(NULL, NULL, NULL, host, &f.token, &f.source, &f.err);
	return f;
}

static void expect_netrc(const char *text, const char *host, const char *password)
{
	struct found f = netrc(text, host);

	if (!password) {
		assert_int_equal(f.rc, EPITHET_ENOTFOUND);
		assert_null(f.token);
		return;
	}
	expect_token(f, password, "$NETRC");
}

static void test_netrc_basic(void **state)
{
	(void)state;
	expect_netrc("machine api.example.com login me password secret\n", "api.example.com", "secret");
	/* keywords in any order, over several lines, other hosts first */
	expect_netrc("machine other.example.com login a password wrong\n"
		     "machine api.example.com\n"
		     "\tpassword right\n"
		     "\tlogin me\n"
		     "\taccount acct\n",
		     "api.example.com", "right");
	/* all on one line, several entries */
	expect_netrc("machine a password 1 machine b password 2 machine c password 3", "b", "2");
	/* host names compare case-insensitively */
	expect_netrc("machine API.Example.COM password up\n", "api.example.com", "up");
	/* the first matching machine wins */
	expect_netrc("machine h password first\nmachine h password second\n", "h", "first");
	/* no entry for the host, no default */
	expect_netrc("machine other password x\n", "api.example.com", NULL);
	/* a matching machine without a password gives nothing */
	expect_netrc("machine h login me\n", "h", NULL);
	/* empty file, truncated entries */
	expect_netrc("", "h", NULL);
	expect_netrc("machine", "h", NULL);
	expect_netrc("machine h password", "h", NULL);
}

static void test_netrc_default(void **state)
{
	(void)state;
	expect_netrc("machine other password x\ndefault login anon password fallback\n",
		     "api.example.com", "fallback");
	/* a machine entry beats default wherever default stands */
	expect_netrc("default password fallback\nmachine h password exact\n", "h", "exact");
	/* "default" ends the machine entry before it */
	expect_netrc("machine h login me default password d\n", "x", "d");
}

static void test_netrc_comments_and_macdef(void **state)
{
	(void)state;
	expect_netrc("# machine h password commented\n"
		     "  # indented comment\n"
		     "machine h password real\n",
		     "h", "real");
	/* '#' inside a line is not a comment: it is the password */
	expect_netrc("machine h password #hash\n", "h", "#hash");
	/* a macro body is skipped up to the empty line that ends it */
	expect_netrc("macdef init\n"
		     "machine h password from-macro\n"
		     "cd /pub\n"
		     "\n"
		     "machine h password after-macro\n",
		     "h", "after-macro");
	expect_netrc("machine x password y macdef m\r\nmachine h password evil\r\n\r\nmachine h password ok\n",
		     "h", "ok");
	/* a macro running to the end of the file */
	expect_netrc("macdef m\nmachine h password evil\n", "h", NULL);
}

static void test_netrc_quotes(void **state)
{
	(void)state;
	expect_netrc("machine h password \"with space\"\n", "h", "with space");
	expect_netrc("machine h password \"q\\\"uote\\\\d\"\n", "h", "q\"uote\\d");
	expect_netrc("machine \"h\" login \"me\" password \"p\"", "h", "p");
}

static void test_netrc_home(void **state)
{
	struct found f;

	(void)state;
	/* NETRC unset: $HOME/.netrc */
	write_file(tmp_path(".netrc"), "machine h password home\n");
	f = lookup(NULL, "h");
	expect_token(f, "home", "~/.netrc");
	/* NETRC wins over the home one */
	expect_netrc("machine h password env\n", "h", "env");
	/* a NETRC naming a missing file is no netrc, not an error */
	setenv("NETRC", tmp_path("no-such-netrc"), 1);
	f = lookup(NULL, "h");
	assert_int_equal(f.rc, EPITHET_ENOTFOUND);
}

/* ---- escape_segment ---------------------------------------------------- */

static void test_escape_segment(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "bug", "bug" },
		{ "help wanted", "help%20wanted" },
		{ "area/ui", "area%2Fui" },
		{ "100%", "100%25" },
		{ "triage/backport?", "triage%2Fbackport%3F" },
		{ "C#", "C%23" },
		{ "a+b", "a%2Bb" },
		{ "\xF0\x9F\x90\x9B bug", "%F0%9F%90%9B%20bug" },
		{ "caf\xC3\xA9", "caf%C3%A9" },
		{ ".", "%2E" },
		{ "..", "%2E%2E" },
		{ "...", "..." },
		{ "a.b", "a.b" },
		{ "-._~", "-._~" },
		{ "A-Z_a-z.0-9~", "A-Z_a-z.0-9~" },
		{ "x:y@z&=;,'()*!$", "x%3Ay%40z%26%3D%3B%2C%27%28%29%2A%21%24" },
		{ "tab\there", "tab%09here" },
		{ "", "" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = hostsvc_escape_segment(cases[i].in);
		assert_non_null(s);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	assert_null(hostsvc_escape_segment(NULL));
}

/* ---- Link -------------------------------------------------------------- */

static void expect_next(const char *link, const char *next)
{
	char *got = hostsvc_link_next(link);

	if (!next) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, next);
	free(got);
}

static void test_link_next(void **state)
{
	(void)state;
	/* the usual shape, next first or not */
	expect_next("<https://api.example.com/repositories/1/labels?per_page=100&page=2>; rel=\"next\", "
		    "<https://api.example.com/repositories/1/labels?per_page=100&page=5>; rel=\"last\"",
		    "https://api.example.com/repositories/1/labels?per_page=100&page=2");
	expect_next("<https://h/x?page=1>; rel=\"prev\", <https://h/x?page=3>; rel=\"next\", "
		    "<https://h/x?page=9>; rel=\"last\", <https://h/x?page=1>; rel=\"first\"",
		    "https://h/x?page=3");
	/* entries joined without a space, next in the middle */
	expect_next("<https://h/api/v1/repos?page=1&limit=50>; rel=\"first\","
		    "<https://h/api/v1/repos?page=3&limit=50>; rel=\"next\","
		    "<https://h/api/v1/repos?page=9&limit=50>; rel=\"last\"",
		    "https://h/api/v1/repos?page=3&limit=50");
	/* several relation types in one rel, any case, unquoted, odd spacing */
	expect_next("<https://h/p2>; rel=\"next last\"", "https://h/p2");
	expect_next("<https://h/p2>;rel=\"last  NEXT\"", "https://h/p2");
	expect_next("<https://h/p2> ;  rel = next", "https://h/p2");
	expect_next("<https://h/p2>; rel=Next", "https://h/p2");
	/* parameters in any order; commas and semicolons inside quotes and the URI */
	expect_next("<https://h/p2?a=1,2;b>; title=\"x, y; rel=next\"; type=\"text/html\"; rel=\"next\"",
		    "https://h/p2?a=1,2;b");
	expect_next("<https://h/a>; title=\"rel=\\\"next\\\"\"; rel=\"prev\", <https://h/b>; rel=\"next\"",
		    "https://h/b");
	/* only the first rel counts (RFC 8288 3.3) */
	expect_next("<https://h/a>; rel=\"prev\"; rel=\"next\", <https://h/b>; rel=\"next\"", "https://h/b");
	/* "nextish" or "prev-next" are not "next" */
	expect_next("<https://h/a>; rel=\"nextpage\", <https://h/b>; rel=\"prev-next\"", NULL);
	/* relative reference: returned as is, the caller resolves it */
	expect_next("</labels?page=2>; rel=\"next\"", "/labels?page=2");
	/* none, empty, garbage */
	expect_next("<https://h/p1>; rel=\"prev\", <https://h/p9>; rel=\"last\"", NULL);
	expect_next("", NULL);
	expect_next(NULL, NULL);
	expect_next("garbage", NULL);
	expect_next("rel=\"next\"", NULL);
	expect_next("<https://h/unterminated; rel=\"next\"", NULL);
	expect_next("<>; rel=\"next\"", NULL);
	expect_next("junk, <https://h/ok>; rel=\"next\"", "https://h/ok");
	expect_next(" , ,<https://h/ok>; rel=next,,", "https://h/ok");
}

/* ---- the services, before the network ---------------------------------- */

static const char *const no_env[] = { NULL };

static struct hostsvc_options test_options(void)
{
	struct hostsvc_options o;

	memset(&o, 0, sizeof(o));
	o.plugin_name = "test";
	o.write_interval_ms = -1;
	o.max_wait_s = 900;
	o.user_agent = "epithet/test";
	return o;
}

static struct epithet_endpoint test_endpoint(const char *root)
{
	struct epithet_endpoint ep;

	memset(&ep, 0, sizeof(ep));
	ep.struct_size = sizeof(ep);
	ep.api_root = root;
	ep.token_env = no_env;
	ep.auth_scheme = "Bearer";
	return ep;
}

static struct epithet_http_request test_request(const char *method, const char *url)
{
	struct epithet_http_request r;

	memset(&r, 0, sizeof(r));
	r.struct_size = sizeof(r);
	r.method = method;
	r.url = url;
	return r;
}

static void test_host_struct(void **state)
{
	struct hostsvc_options o = test_options();
	struct hostsvc *h = hostsvc_new(&o);
	const struct epithet_host *host;
	void *p;

	(void)state;
	assert_non_null(h);
	host = hostsvc_host(h);
	assert_int_equal(host->abi_major, EPITHET_FORGE_ABI_MAJOR);
	assert_int_equal(host->abi_minor, EPITHET_FORGE_ABI_MINOR);
	assert_int_equal(host->struct_size, sizeof(struct epithet_host));
	assert_ptr_equal(host->host_data, h);
	assert_true(EPITHET_HAS_METHOD(struct epithet_host, host, free));
	p = host->alloc(host->host_data, 0);
	assert_non_null(p);
	host->free(host->host_data, p);
	host->free(host->host_data, NULL);
	host->http_free(host->host_data, NULL);
	assert_null(host->http_header(host->host_data, NULL, "link"));
	host->log(host->host_data, EPITHET_LOG_DEBUG, "hidden %d", 1);
	p = host->escape_segment(host->host_data, "a b");
	assert_string_equal(p, "a%20b");
	host->free(host->host_data, p);
	hostsvc_free(h);
	hostsvc_free(NULL);
}

static void test_error_set(void **state)
{
	struct hostsvc_options o = test_options();
	struct hostsvc *h = hostsvc_new(&o);
	const struct epithet_host *host = hostsvc_host(h);
	struct epithet_error err;
	char big[2000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	host->error_set(&err, EPITHET_EINVALID, 422, "bad %s:\n%s", "value", big);
	assert_int_equal(err.code, EPITHET_EINVALID);
	assert_int_equal(err.http_status, 422);
	assert_int_equal(strlen(err.message), sizeof(err.message) - 1);
	assert_null(strchr(err.message, '\n'));
	assert_memory_equal(err.message, "bad value: xxx", 14);
	host->error_set(NULL, EPITHET_ERROR, 0, "ignored");
	hostsvc_free(h);
}

static void test_set_endpoint(void **state)
{
	static const char *const bad_roots[] = {
		"not a url", "ftp://example.com", "https://user:pw@example.com",
		"https://example.com/api?x=1", "https://example.com/#frag", "/relative", "",
	};
	struct hostsvc_options o = test_options();
	struct hostsvc *h = hostsvc_new(&o);
	const struct epithet_host *host = hostsvc_host(h);
	struct epithet_endpoint ep;
	struct epithet_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_roots) / sizeof(bad_roots[0]); i++) {
		ep = test_endpoint(bad_roots[i]);
		memset(&err, 0, sizeof(err));
		assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), EPITHET_EINVALID);
		assert_int_equal(err.code, EPITHET_EINVALID);
	}
	ep = test_endpoint(NULL);
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), EPITHET_EINVALID);
	ep = test_endpoint("https://api.example.com");
	ep.struct_size = 8;
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), EPITHET_EINVALID);

	/* no token anywhere: fine, public reads */
	ep = test_endpoint("https://api.example.com/");
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), 0);
	assert_null(hostsvc_token_source(h));

	/* a token, from the netrc entry of the API host */
	write_file(tmp_path(".netrc"), "machine ghe.example.com password t\n");
	ep = test_endpoint("https://GHE.example.com/api/v3/");
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), 0);
	assert_string_equal(hostsvc_token_source(h), "~/.netrc");

	/* a forge that takes no token looks for none */
	setenv("EPITHET_TOKEN", "x", 1);
	ep.auth_scheme = NULL;
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), 0);
	assert_null(hostsvc_token_source(h));
	hostsvc_free(h);
}

static void test_token_file_error_from_set_endpoint(void **state)
{
	struct hostsvc_options o = test_options();
	struct hostsvc *h;
	const struct epithet_host *host;
	struct epithet_endpoint ep = test_endpoint("https://api.example.com");
	struct epithet_error err;

	(void)state;
	o.token_file = tmp_path("missing-token");
	h = hostsvc_new(&o);
	host = hostsvc_host(h);
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), EPITHET_EINVALID);
	assert_non_null(strstr(err.message, "missing-token"));
	hostsvc_free(h);
}

static void test_request_checks(void **state)
{
	static const char *const crlf[] = { "X-A: 1\r\nX-B: 2", NULL };
	static const char *const nocolon[] = { "X-A", NULL };
	struct hostsvc_options o = test_options();
	struct hostsvc *h = hostsvc_new(&o);
	const struct epithet_host *host = hostsvc_host(h);
	struct epithet_endpoint ep = test_endpoint("https://api.example.com");
	struct epithet_http_request r;
	struct epithet_http_response *resp = (void *)&r;
	struct epithet_error err;

	(void)state;
	/* a relative URL before set_endpoint */
	r = test_request("GET", "/x");
	assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_EINVALID);
	assert_null(resp);
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), 0);

	r = test_request("BREW", "/x");
	assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_EINVALID);
	r = test_request("GET", "ftp://example.com/x");
	assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_EINVALID);
	r = test_request("GET", "//evil.example.com/x");
	assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_EINVALID);
	r = test_request("GET", NULL);
	assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_EINVALID);
	r = test_request("GET", "/x");
	r.headers = crlf;
	assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_EINVALID);
	r.headers = nocolon;
	assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_EINVALID);
	r = test_request("GET", "/x");
	r.struct_size = 8;
	assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_EINVALID);
	assert_int_equal(host->http(host->host_data, NULL, &resp, &err), EPITHET_EINVALID);

	/* pagination is for GETs */
	r = test_request("POST", "/x");
	assert_int_equal(host->http_paginate(host->host_data, &r, NULL, NULL, &err), EPITHET_EINVALID);
	hostsvc_free(h);
}

static void test_dry_run_refuses_writes(void **state)
{
	static const char *const methods[] = { "POST", "PATCH", "PUT", "DELETE" };
	struct hostsvc_options o = test_options();
	struct hostsvc *h;
	const struct epithet_host *host;
	struct epithet_endpoint ep = test_endpoint("https://api.example.com/api/v3");
	struct epithet_http_request r;
	struct epithet_http_response *resp;
	struct epithet_error err;
	struct hostsvc_stats st;
	char want[200];
	size_t i;

	(void)state;
	o.dry_run = true;
	h = hostsvc_new(&o);
	host = hostsvc_host(h);
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), 0);
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		r = test_request(methods[i], "/repos/o/r/labels");
		r.body = "{}";
		r.body_len = 2;
		assert_int_equal(host->http(host->host_data, &r, &resp, &err), EPITHET_ERROR);
		assert_null(resp);
		snprintf(want, sizeof(want), "dry run: refusing %s https://api.example.com/api/v3/repos/o/r/labels",
			 methods[i]);
		assert_string_equal(err.message, want);
	}
	hostsvc_stats(h, &st);
	assert_int_equal(st.requests, 0);
	assert_int_equal(st.rate_remaining, -1);
	assert_int_equal(st.rate_limit, -1);
	hostsvc_free(h);
}

/* ---- transport failures against a port that refuses connections -------- */

/* A bound socket that never listens: connecting to it is refused at once,
 * and no other process can take the port while the test runs. */
static int refusing_port(int *fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	*fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

struct refused {
	int fd;
	char root[64];
	struct hostsvc *h;
	const struct epithet_host *host;
};

static void refused_open(struct refused *t, struct hostsvc_options *o, uint32_t wpm)
{
	struct epithet_endpoint ep;
	struct epithet_error err;

	snprintf(t->root, sizeof(t->root), "http://127.0.0.1:%d", refusing_port(&t->fd));
	ep = test_endpoint(t->root);
	ep.writes_per_minute = wpm;
	t->h = hostsvc_new(o);
	t->host = hostsvc_host(t->h);
	assert_int_equal(t->host->set_endpoint(t->host->host_data, &ep, &err), 0);
}

static void refused_close(struct refused *t)
{
	hostsvc_free(t->h);
	close(t->fd);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int never_called(const struct epithet_http_response *resp, void *payload,
			struct epithet_error *err)
{
	(void)resp;
	(void)payload;
	(void)err;
	fail();
	return EPITHET_ERROR;
}

static void test_network_error_retried(void **state)
{
	struct hostsvc_options o = test_options();
	struct refused t;
	struct epithet_http_request r = test_request("GET", "/labels");
	struct epithet_http_response *resp;
	struct epithet_error err;
	struct hostsvc_stats st;

	(void)state;
	refused_open(&t, &o, 0);
	assert_int_equal(t.host->http(t.host->host_data, &r, &resp, &err), EPITHET_ENETWORK);
	assert_int_equal(err.code, EPITHET_ENETWORK);
	assert_non_null(strstr(err.message, "GET http://127.0.0.1:"));
	assert_null(resp);
	hostsvc_stats(t.h, &st);
	assert_int_equal(st.requests, 4);
	assert_int_equal(st.reads, 4);
	assert_int_equal(st.retries, 3);

	/* NO_RETRY: sent once */
	r.flags = EPITHET_HTTP_NO_RETRY;
	assert_int_equal(t.host->http(t.host->host_data, &r, &resp, &err), EPITHET_ENETWORK);
	hostsvc_stats(t.h, &st);
	assert_int_equal(st.requests, 5);

	/* a refused connection sent nothing: even a POST may be tried again */
	r = test_request("POST", "/labels");
	r.body = "{\"name\":\"bug\"}";
	r.body_len = strlen(r.body);
	assert_int_equal(t.host->http(t.host->host_data, &r, &resp, &err), EPITHET_ENETWORK);
	hostsvc_stats(t.h, &st);
	assert_int_equal(st.requests, 9);
	assert_int_equal(st.writes, 4);

	/* the walk stops on a transport failure and returns it */
	r = test_request(NULL, "/labels?per_page=100");
	r.flags = EPITHET_HTTP_NO_RETRY;
	assert_int_equal(t.host->http_paginate(t.host->host_data, &r, never_called, NULL, &err),
			 EPITHET_ENETWORK);
	refused_close(&t);
}

static void test_write_pacing(void **state)
{
	struct hostsvc_options o = test_options();
	struct refused t;
	struct epithet_http_request r = test_request("DELETE", "/labels/x");
	struct epithet_http_response *resp;
	struct epithet_error err;
	struct hostsvc_stats st;
	uint64_t t0;
	int i;

	(void)state;
	o.write_interval_ms = 150;
	o.max_wait_s = 0;
	r.flags = EPITHET_HTTP_NO_RETRY;
	refused_open(&t, &o, 3);
	t0 = now_ms();
	for (i = 0; i < 3; i++)
		assert_int_equal(t.host->http(t.host->host_data, &r, &resp, &err), EPITHET_ENETWORK);
	/* three writes, two intervals between them */
	assert_true(now_ms() - t0 >= 300);
	hostsvc_stats(t.h, &st);
	assert_true(st.waited_ms >= 290);
	assert_int_equal(st.writes, 3);

	/* the fourth is over 3 a minute, and --max-wait 0 allows no wait */
	assert_int_equal(t.host->http(t.host->host_data, &r, &resp, &err), EPITHET_ERATELIMIT);
	assert_non_null(strstr(err.message, "3 writes per minute"));
	hostsvc_stats(t.h, &st);
	assert_int_equal(st.writes, 3);

	/* reads are not paced */
	r = test_request("GET", "/labels");
	r.flags = EPITHET_HTTP_NO_RETRY;
	assert_int_equal(t.host->http(t.host->host_data, &r, &resp, &err), EPITHET_ENETWORK);
	refused_close(&t);
}

/* Last: the interrupt flag cannot be cleared. */
static void test_interrupt(void **state)
{
	struct hostsvc_options o = test_options();
	struct refused t;
	struct epithet_http_request r = test_request("GET", "/labels");
	struct epithet_http_response *resp;
	struct epithet_error err;
	struct hostsvc_stats st;

	(void)state;
	refused_open(&t, &o, 0);
	assert_false(hostsvc_interrupted());
	hostsvc_interrupt();
	assert_true(hostsvc_interrupted());
	assert_int_equal(t.host->http(t.host->host_data, &r, &resp, &err), EPITHET_EINTERRUPTED);
	assert_int_equal(err.code, EPITHET_EINTERRUPTED);
	hostsvc_stats(t.h, &st);
	assert_int_equal(st.requests, 0);
	refused_close(&t);
}

/* Only a loopback address silences the plain-http token warning. */
static void test_loopback_host(void **state)
{
	(void)state;
	assert_true(hs_is_loopback_host("http://127.0.0.1:8080"));
	assert_true(hs_is_loopback_host("http://127.3.4.5"));
	assert_true(hs_is_loopback_host("http://localhost:3000"));
	assert_true(hs_is_loopback_host("http://[::1]:9"));
	assert_false(hs_is_loopback_host("http://127.example.com:80"));
	assert_false(hs_is_loopback_host("http://localhost.example.com"));
	assert_false(hs_is_loopback_host("http://10.0.0.1:80"));
	assert_false(hs_is_loopback_host("http://[::1.example]:80"));
	assert_false(hs_is_loopback_host("no-scheme"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_host),
		cmocka_unit_test_setup(test_token_order, reset_env),
		cmocka_unit_test_setup(test_token_empty_values_skipped, reset_env),
		cmocka_unit_test_setup(test_token_none, reset_env),
		cmocka_unit_test_setup(test_token_file, reset_env),
		cmocka_unit_test_setup(test_token_control_characters, reset_env),
		cmocka_unit_test_setup(test_netrc_basic, reset_env),
		cmocka_unit_test_setup(test_netrc_default, reset_env),
		cmocka_unit_test_setup(test_netrc_comments_and_macdef, reset_env),
		cmocka_unit_test_setup(test_netrc_quotes, reset_env),
		cmocka_unit_test_setup(test_netrc_home, reset_env),
		cmocka_unit_test(test_escape_segment),
		cmocka_unit_test(test_link_next),
		cmocka_unit_test_setup(test_host_struct, reset_env),
		cmocka_unit_test_setup(test_error_set, reset_env),
		cmocka_unit_test_setup(test_set_endpoint, reset_env),
		cmocka_unit_test_setup(test_token_file_error_from_set_endpoint, reset_env),
		cmocka_unit_test_setup(test_request_checks, reset_env),
		cmocka_unit_test_setup(test_dry_run_refuses_writes, reset_env),
		cmocka_unit_test_setup(test_network_error_retried, reset_env),
		cmocka_unit_test_setup(test_write_pacing, reset_env),
		cmocka_unit_test_setup(test_interrupt, reset_env),
	};

	return cmocka_run_group_tests_name("hostsvc", tests, group_setup, group_teardown);
}
