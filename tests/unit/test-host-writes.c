/* SPDX-License-Identifier: MIT */
/*
 * Writes from several threads at once (core/host/exchange.c, pacing.c)
 * against a tiny HTTP server in the test that answers each request after
 * 150 ms and counts the requests in flight: one at a time by default and
 * whenever something paces them; in parallel only with concurrent_writes
 * and no pacing. Over keep-alive connections: each thread's writes reuse
 * one (the connections counter). And a 502 on a write: sent again only when
 * the plugin flags it EPITHET_HTTP_IDEMPOTENT, which a dry run still refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hostsvc.h"

#define THREADS 4
#define PER_THREAD 2

static char tmpdir[] = "/tmp/epithet-test-writes-XXXXXX";

struct server {
	int fd, port;
	pthread_mutex_t lock;
	int in_flight, most;
	int fail_next;          /* answer this many of the next requests 502 */
	int seen;               /* requests answered */
};

static struct server srv = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* One connection: answer every request on it (keep-alive) 150 ms late. */
static void *serve_conn(void *arg)
{
	int c = (int)(intptr_t)arg;
	char buf[8192];
	size_t have = 0;
	static const char answer[] = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
	static const char bad[] = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";

	for (;;) {
		ssize_t n = recv(c, buf + have, sizeof(buf) - 1 - have, 0);
		char *end;

		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		/* requests without a body: one ends at the blank line */
		while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			struct timespec ts = { 0, 150 * 1000000L };
			size_t used = (size_t)(end + 4 - buf);
			bool fail;

			pthread_mutex_lock(&srv.lock);
			if (++srv.in_flight > srv.most)
				srv.most = srv.in_flight;
			pthread_mutex_unlock(&srv.lock);
			nanosleep(&ts, NULL);
			pthread_mutex_lock(&srv.lock);
			srv.in_flight--;
			srv.seen++;
			fail = srv.fail_next > 0;
			srv.fail_next -= fail;
			pthread_mutex_unlock(&srv.lock);
			if (fail ? send(c, bad, sizeof(bad) - 1, MSG_NOSIGNAL) < 0
				 : send(c, answer, sizeof(answer) - 1, MSG_NOSIGNAL) < 0)
				goto out;
			memmove(buf, buf + used, have - used + 1);
			have -= used;
		}
	}
out:
	close(c);
	return NULL;
}

static void *serve(void *arg)
{
	pthread_t t;
	int c;

	(void)arg;
	while ((c = accept(srv.fd, NULL, NULL)) >= 0) {
		pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)c);
		pthread_detach(t);
	}
	return NULL;
}

static int group_setup(void **state)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	pthread_t t;

	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("HOME", tmpdir, 1);
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_CACHE_HOME");
	srv.fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (srv.fd < 0 || bind(srv.fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(srv.fd, 16) != 0 || getsockname(srv.fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	srv.port = ntohs(a.sin_port);
	pthread_create(&t, NULL, serve, NULL);
	pthread_detach(t);
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

struct writer {
	const struct epithet_host *host;
	int n;
	int failed;
};

static void *write_some(void *arg)
{
	struct writer *w = arg;
	char url[64];

	for (int i = 0; i < PER_THREAD; i++) {
		struct epithet_http_request r = { .struct_size = sizeof(r), .method = "DELETE" };
		struct epithet_http_response *resp = NULL;
		struct epithet_error err;

		snprintf(url, sizeof(url), "/repos/acme/r%d/labels/x%d", w->n, i);
		r.url = url;
		if (w->host->http(w->host->host_data, &r, &resp, &err) != 0 || resp->status != 204)
			w->failed++;
		w->host->http_free(w->host->host_data, resp);
	}
	return NULL;
}

/* THREADS threads each sending PER_THREAD writes; the most in flight. */
static int most_in_flight(bool concurrent, long interval_ms, struct hostsvc_stats *st)
{
	struct hostsvc_options o = { .plugin_name = "test", .write_interval_ms = interval_ms,
				     .max_wait_s = 5, .user_agent = "epithet-test",
				     .concurrent_writes = concurrent };
	char root[64];
	struct epithet_endpoint ep = { .struct_size = sizeof(ep), .api_root = root };
	struct epithet_error err;
	struct writer w[THREADS];
	pthread_t t[THREADS];
	struct hostsvc *h = hostsvc_new(&o);
	const struct epithet_host *host = hostsvc_host(h);

	snprintf(root, sizeof(root), "http://127.0.0.1:%d", srv.port);
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), 0);
	srv.most = 0;
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .host = host, .n = i };
		pthread_create(&t[i], NULL, write_some, &w[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failed, 0);
	}
	hostsvc_stats(h, st);
	hostsvc_free(h);
	return srv.most;
}

static void test_serial_by_default(void **state)
{
	struct hostsvc_stats st;

	(void)state;
	assert_int_equal(most_in_flight(false, 0, &st), 1);
	assert_int_equal(st.writes, THREADS * PER_THREAD);
}

static void test_parallel_when_allowed_and_unpaced(void **state)
{
	struct hostsvc_stats st;

	(void)state;
	assert_true(most_in_flight(true, 0, &st) > 1);
	assert_int_equal(st.writes, THREADS * PER_THREAD);
	/* each thread's second write reused a connection */
	assert_true(st.connections < THREADS * PER_THREAD);
}

static void test_serial_when_paced(void **state)
{
	struct hostsvc_stats st;

	(void)state;
	assert_int_equal(most_in_flight(true, 20, &st), 1);
}

/* A POST answered 502 once: the status the plugin gets, and the sends. */
static int post_after_502(uint32_t flags, bool dry_run, int *sent, int *rc)
{
	struct hostsvc_options o = { .plugin_name = "test", .max_wait_s = 5,
				     .user_agent = "epithet-test", .dry_run = dry_run };
	char root[64];
	struct epithet_endpoint ep = { .struct_size = sizeof(ep), .api_root = root };
	struct epithet_http_request r = { .struct_size = sizeof(r), .method = "POST",
					  .url = "/repos/acme/r1/issues/1/labels", .flags = flags };
	struct epithet_http_response *resp = NULL;
	struct epithet_error err;
	struct hostsvc *h = hostsvc_new(&o);
	const struct epithet_host *host = hostsvc_host(h);
	int status;

	snprintf(root, sizeof(root), "http://127.0.0.1:%d", srv.port);
	assert_int_equal(host->set_endpoint(host->host_data, &ep, &err), 0);
	pthread_mutex_lock(&srv.lock);
	srv.fail_next = 1;
	srv.seen = 0;
	pthread_mutex_unlock(&srv.lock);
	*rc = host->http(host->host_data, &r, &resp, &err);
	status = resp ? resp->status : 0;
	host->http_free(host->host_data, resp);
	hostsvc_free(h);
	pthread_mutex_lock(&srv.lock);
	*sent = srv.seen;
	srv.fail_next = 0;
	pthread_mutex_unlock(&srv.lock);
	return status;
}

static void test_idempotent_write_retried(void **state)
{
	int sent, rc;

	(void)state;
	/* a plain POST may have been applied: its 502 goes back to the plugin */
	assert_int_equal(post_after_502(0, false, &sent, &rc), 502);
	assert_int_equal(rc, 0);
	assert_int_equal(sent, 1);
	/* flagged idempotent: sent again, like a GET */
	assert_int_equal(post_after_502(EPITHET_HTTP_IDEMPOTENT, false, &sent, &rc), 204);
	assert_int_equal(sent, 2);
	/* still a write: refused in a dry run, nothing sent */
	assert_int_equal(post_after_502(EPITHET_HTTP_IDEMPOTENT, true, &sent, &rc), 0);
	assert_int_equal(rc, EPITHET_ERROR);
	assert_int_equal(sent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_by_default),
		cmocka_unit_test(test_parallel_when_allowed_and_unpaced),
		cmocka_unit_test(test_serial_when_paced),
		cmocka_unit_test(test_idempotent_write_retried),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
