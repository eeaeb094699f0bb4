/* SPDX-License-Identifier: MIT */
/*
 * The local plugin (plugins/local/local.c, compiled in unchanged) with its
 * methods wrapped to record when they start and end, for the tests of
 * concurrent writes (tests/e2e/test_parallel.py). Built twice: against the
 * current headers (ABI 1.1, EPITHET_CAP_CONCURRENT_WRITES) and against the
 * frozen 1.0 ones (tests/abi/v1.0: no such bit).
 *
 * With EPITHET_LOCAL_TRACE=FILE each write appends "begin W REPO" and
 * "end W REPO" lines to FILE, and each read "begin R REPO" / "end R REPO",
 * in the order they happen (one lock around the counter and the line). So
 * that overlapping writes are seen when the host allows them, a write that
 * starts alone holds on until a second one starts or LINGER_MS pass: the
 * test asserts on the order of the lines, never on times.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "epithet/forge.h"

/* local.c's entry point becomes a plain function; ours is exported below. */
#undef EPITHET_FORGE_ENTRY_DECL
#define EPITHET_FORGE_ENTRY_DECL \
	static const struct epithet_forge *local_entry(uint32_t host_abi_major, \
						       uint32_t host_abi_minor)
#include "../../plugins/local/local.c"

#define LINGER_MS 300

static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t trace_cond = PTHREAD_COND_INITIALIZER;
static unsigned writes_started;

static void trace_line(const char *what, const char *kind, const char *repo)
{
	const char *path = getenv("EPITHET_LOCAL_TRACE");
	char line[512];
	int fd, n;

	if (path == NULL || path[0] == '\0')
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %s %s\n", what, kind, repo ? repo : "(owner)");
	if (n > 0 && (size_t)n < sizeof(line) && write(fd, line, (size_t)n) < 0)
		n = -1;
	close(fd);
}

static void write_begin(const char *repo)
{
	struct timespec until;
	unsigned mine;

	pthread_mutex_lock(&trace_lock);
	trace_line("begin", "W", repo);
	mine = ++writes_started;
	pthread_cond_broadcast(&trace_cond);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += LINGER_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	while (writes_started == mine &&
	       pthread_cond_timedwait(&trace_cond, &trace_lock, &until) == 0)
		;
	pthread_mutex_unlock(&trace_lock);
}

static void trace_event(const char *what, const char *kind, const char *repo)
{
	pthread_mutex_lock(&trace_lock);
	trace_line(what, kind, repo);
	pthread_mutex_unlock(&trace_lock);
}

static int t_list_labels(epithet_forge_session *s, const char *owner, const char *repo,
			 epithet_label_cb cb, void *payload, struct epithet_error *err)
{
	int rc;

	trace_event("begin", "R", repo);
	rc = impl_list_labels(s, owner, repo, cb, payload, err);
	trace_event("end", "R", repo);
	return rc;
}

static int t_create(epithet_forge_session *s, const char *owner, const char *repo,
		    const struct epithet_label *want, struct epithet_error *err)
{
	int rc;

	write_begin(repo);
	rc = impl_create_label(s, owner, repo, want, err);
	trace_event("end", "W", repo);
	return rc;
}

static int t_update(epithet_forge_session *s, const char *owner, const char *repo,
		    const struct epithet_label *cur, const struct epithet_label *want,
		    struct epithet_error *err)
{
	int rc;

	write_begin(repo);
	rc = impl_update_label(s, owner, repo, cur, want, err);
	trace_event("end", "W", repo);
	return rc;
}

static int t_delete(epithet_forge_session *s, const char *owner, const char *repo,
		    const struct epithet_label *cur, struct epithet_error *err)
{
	int rc;

	write_begin(repo);
	rc = impl_delete_label(s, owner, repo, cur, err);
	trace_event("end", "W", repo);
	return rc;
}

static int t_add(epithet_forge_session *s, const char *owner, const char *repo, uint64_t number,
		 const struct epithet_label *label, struct epithet_error *err)
{
	int rc;

	write_begin(repo);
	rc = impl_add_label(s, owner, repo, number, label, err);
	trace_event("end", "W", repo);
	return rc;
}

static struct epithet_forge traced;
static pthread_once_t traced_once = PTHREAD_ONCE_INIT;

static void traced_init(void)
{
	traced = local_forge;
	traced.list_labels = t_list_labels;
	traced.create_label = t_create;
	traced.update_label = t_update;
	traced.delete_label = t_delete;
	traced.add_label = t_add;
}

EPITHET_EXPORT const struct epithet_forge *epithet_forge_plugin_v1(uint32_t host_abi_major,
								  uint32_t host_abi_minor)
{
	if (local_entry(host_abi_major, host_abi_minor) == NULL)
		return NULL;
	pthread_once(&traced_once, traced_init);
	return &traced;
}
