/* SPDX-License-Identifier: MIT */
/*
 * The journal of journal.h: writing an entry (one write, fsync'd) before
 * each change and its outcome after, finding and reading journals back for
 * `undo`. Knows no forge and sends no request.
 */
#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "names.h"
#include "strpool.h"
#include "util.h"

/*
 * Writes of different repos may be applied at once (engine/apply.c): the
 * lock keeps the sequence numbers in the order of the lines in the file,
 * and the lines are made durable by group commit: each caller returns once
 * an fsync begun after its line was written has ended, but one fsync
 * covers every line written before it began (sync_lines).
 */
struct journal {
	int fd;
	long seq;
	pthread_mutex_t lock;      /* guards everything below and the file's end */
	pthread_cond_t synced_cond;
	long written;              /* lines written */
	long synced;               /* lines known durable */
	bool syncing;              /* an fsync is under way (the lock released) */
};

char *journal_dir(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (state && *state == '/')
		return xasprintf("%s/epithet/journal", state);
	return xasprintf("%s/.local/state/epithet/journal", home && *home ? home : ".");
}

/* mkdir -p, private: journals name repos and issues. */
static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* One line, one write(), then fsync (unless @sync is false: the caller
 * syncs): a crash loses at most this line. */
static int write_line(int fd, json_object *o, bool sync)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE);
	char *line = xasprintf("%s\n", s);
	size_t len = strlen(line), off = 0;
	int rc = 0;

	while (off < len) {
		ssize_t w = write(fd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	if (rc == 0 && sync)
		rc = fsync(fd);
	free(line);
	return rc;
}

/* Until line @n is durable; the lock held (released during an fsync). */
static void sync_lines(struct journal *j, long n)
{
	while (j->synced < n) {
		long upto;

		if (j->syncing) {
			pthread_cond_wait(&j->synced_cond, &j->lock);
			continue;
		}
		upto = j->written;
		j->syncing = true;
		pthread_mutex_unlock(&j->lock);
		(void)fsync(j->fd);
		pthread_mutex_lock(&j->lock);
		j->syncing = false;
		j->synced = upto;
		pthread_cond_broadcast(&j->synced_cond);
	}
}

/* One line at the end of @j, durable when this returns; the lock held. */
static void append_line(struct journal *j, json_object *o)
{
	if (write_line(j->fd, o, false) == 0)
		sync_lines(j, ++j->written);
}

static void iso_now(char *buf, size_t n, bool compact)
{
	struct timespec ts;
	struct tm tm;
	size_t len;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	len = strftime(buf, n, compact ? "%Y%m%dT%H%M%S" : "%Y-%m-%dT%H:%M:%S", &tm);
	/* Milliseconds in the file name: journals sort by name in the order
	 * they were made, which is how undo finds the newest. */
	snprintf(buf + len, n - len, compact ? ".%03ldZ" : "Z", ts.tv_nsec / 1000000);
}

struct journal *journal_create(const char *command, char **path, char *err, size_t n)
{
	char *dir = journal_dir(), stamp[32], now[32];
	struct journal *j;
	json_object *head;
	int fd = -1;

	*path = NULL;
	if (mkdirs(dir) != 0) {
		snprintf(err, n, "cannot create the journal directory %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	iso_now(stamp, sizeof(stamp), true);
	iso_now(now, sizeof(now), false);
	for (int i = 0; i < 100 && fd < 0; i++) {
		free(*path);
		*path = xasprintf("%s/%s-%ld-%02d.jsonl", dir, stamp, (long)getpid(), i);
		fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	}
	free(dir);
	if (fd < 0) {
		snprintf(err, n, "cannot create the journal %s: %s", *path, strerror(errno));
		free(*path);
		*path = NULL;
		return NULL;
	}
	head = json_object_new_object();
	json_object_object_add(head, "journal", json_object_new_int(1));
	json_object_object_add(head, "epithet", json_object_new_string(EPITHET_VERSION));
	json_object_object_add(head, "command", json_object_new_string(command ? command : ""));
	json_object_object_add(head, "started", json_object_new_string(now));
	if (write_line(fd, head, true) != 0) {
		snprintf(err, n, "cannot write the journal %s: %s", *path, strerror(errno));
		json_object_put(head);
		close(fd);
		free(*path);
		*path = NULL;
		return NULL;
	}
	json_object_put(head);
	j = xcalloc(1, sizeof(*j));
	j->fd = fd;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->synced_cond, NULL);
	return j;
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *label_json(const struct label *l)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", jstr(l->name));
	json_object_object_add(o, "color", jstr(l->color));
	json_object_object_add(o, "description", jstr(l->description));
	json_object_object_add(o, "id", jstr(l->id));
	json_object_object_add(o, "flags", json_object_new_int64(l->flags));
	return o;
}

long journal_intent(struct journal *j, const struct target_run *tr, const struct repo_run *r,
		    const struct op *op, const struct op_run *orun)
{
	json_object *o, *after, *items;
	long seq;

	if (!j)
		return -1;
	pthread_mutex_lock(&j->lock);
	seq = ++j->seq;
	o = json_object_new_object();
	json_object_object_add(o, "seq", json_object_new_int64(seq));
	json_object_object_add(o, "op", jstr(op_name(op->kind)));
	json_object_object_add(o, "forge", jstr(tr->t->forge));
	json_object_object_add(o, "url", jstr(tr->t->url));
	json_object_object_add(o, "api_url", jstr(tr->t->api_url));
	json_object_object_add(o, "token_env", jstr(tr->t->token_env));
	if (tr->t->app_id) {
		/* where the target's own App key is, never the key */
		json_object_object_add(o, "app_id", jstr(tr->t->app_id));
		json_object_object_add(o, "app_key_file", jstr(tr->t->app_key_file));
		json_object_object_add(o, "app_key_env", jstr(tr->t->app_key_env));
	}
	json_object_object_add(o, "owner", jstr(r->owner));
	json_object_object_add(o, "repo", jstr(r->name));
	if (op->cur)
		json_object_object_add(o, "before", label_json(op->cur));
	after = json_object_new_object();
	json_object_object_add(after, "fields", json_object_new_int64(op->fields));
	json_object_object_add(after, "name", jstr(op->name));
	json_object_object_add(after, "color", jstr(op->color));
	json_object_object_add(after, "description", jstr(op->description));
	json_object_object_add(after, "flags", json_object_new_int64(op->flags));
	json_object_object_add(o, "after", after);
	json_object_object_add(o, "into", jstr(op->into));
	if (orun->items.known) {
		items = json_object_new_array();
		for (size_t i = 0; i < orun->items.n; i++) {
			json_object *it = json_object_new_object();

			json_object_object_add(it, "number",
					       json_object_new_int64((int64_t)orun->items.v[i].number));
			json_object_object_add(it, "pull",
					       json_object_new_boolean(orun->items.v[i].is_pull));
			if (orun->items.v[i].repo)   /* an owner-level label's item */
				json_object_object_add(it, "repo", jstr(orun->items.v[i].repo));
			json_object_array_add(items, it);
		}
		json_object_object_add(o, "items", items);
	}
	append_line(j, o);
	pthread_mutex_unlock(&j->lock);
	json_object_put(o);
	return seq;
}

void journal_done(struct journal *j, long seq, int code)
{
	json_object *o;

	if (!j || seq < 0)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "done", json_object_new_int64(seq));
	json_object_object_add(o, "status", json_object_new_int(code));
	pthread_mutex_lock(&j->lock);
	append_line(j, o);
	pthread_mutex_unlock(&j->lock);
	json_object_put(o);
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	close(j->fd);
	pthread_cond_destroy(&j->synced_cond);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

int journal_mark_undone(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	json_object *o;
	char now[32];
	int rc;

	if (fd < 0)
		return -1;
	iso_now(now, sizeof(now), false);
	o = json_object_new_object();
	json_object_object_add(o, "undone", json_object_new_string(now));
	rc = write_line(fd, o, true);
	json_object_put(o);
	close(fd);
	return rc;
}

/* ---- reading ---- */

static char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

static void get_label(json_object *o, const char *key, struct label *l)
{
	json_object *v, *f;

	memset(l, 0, sizeof(*l));
	l->issues = l->pulls = -1;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object))
		return;
	l->name = get_str(v, "name");
	l->color = get_str(v, "color");
	l->description = get_str(v, "description");
	l->id = get_str(v, "id");
	if (json_object_object_get_ex(v, "flags", &f))
		l->flags = (uint32_t)json_object_get_int64(f);
	l->key = l->name ? names_key(l->name) : NULL;
}

static void free_label(struct label *l)
{
	free(l->name);
	free(l->color);
	free(l->description);
	free(l->id);
	free(l->key);
}

static void parse_line(struct journal_file *f, json_object *o, size_t *cap)
{
	json_object *v;

	if (json_object_object_get_ex(o, "journal", &v)) {
		f->command = get_str(o, "command");
		f->is_undo = f->command && strcmp(f->command, "undo") == 0;
	} else if (json_object_object_get_ex(o, "undone", &v)) {
		f->undone = true;
	} else if (json_object_object_get_ex(o, "done", &v)) {
		long seq = (long)json_object_get_int64(v);
		json_object *st;
		int status = -1;

		if (json_object_object_get_ex(o, "status", &st))
			status = json_object_get_int(st);
		for (size_t i = 0; i < f->n; i++) {
			if (f->v[i].seq == seq) {
				f->v[i].done = status == 0;
				f->v[i].outcome_known = true;
			}
		}
	} else if (json_object_object_get_ex(o, "seq", &v)) {
		struct journal_entry *e;
		json_object *items;

		grow(&f->v, cap, f->n + 1, sizeof(*f->v));
		e = &f->v[f->n++];
		memset(e, 0, sizeof(*e));
		e->seq = (long)json_object_get_int64(v);
		e->op = get_str(o, "op");
		e->forge = get_str(o, "forge");
		e->url = get_str(o, "url");
		e->api_url = get_str(o, "api_url");
		e->token_env = get_str(o, "token_env");
		e->app_id = get_str(o, "app_id");
		e->app_key_file = get_str(o, "app_key_file");
		e->app_key_env = get_str(o, "app_key_env");
		e->owner = get_str(o, "owner");
		e->repo = get_str(o, "repo");
		e->into = get_str(o, "into");
		get_label(o, "before", &e->before);
		get_label(o, "after", &e->after);
		if (json_object_object_get_ex(o, "after", &v) &&
		    json_object_object_get_ex(v, "fields", &v))
			e->after_fields = (uint32_t)json_object_get_int64(v);
		if (json_object_object_get_ex(o, "items", &items) &&
		    json_object_is_type(items, json_type_array)) {
			size_t n = json_object_array_length(items);

			e->items = xcalloc(n ? n : 1, sizeof(*e->items));
			for (size_t i = 0; i < n; i++) {
				json_object *it = json_object_array_get_idx(items, i), *x;

				e->items[e->n_items].struct_size = sizeof(struct epithet_item);
				if (json_object_object_get_ex(it, "number", &x))
					e->items[e->n_items].number = (uint64_t)json_object_get_int64(x);
				if (json_object_object_get_ex(it, "pull", &x))
					e->items[e->n_items].is_pull = json_object_get_boolean(x);
				if (json_object_object_get_ex(it, "repo", &x) &&
				    json_object_is_type(x, json_type_string))
					e->items[e->n_items].repo = strpool_intern(json_object_get_string(x));
				e->n_items++;
			}
			e->items_known = true;
		}
	}
}

static int read_file(const char *path, struct journal_file *f, char *err, size_t n)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t len = 0, cap = 0;

	memset(f, 0, sizeof(*f));
	if (!fp) {
		snprintf(err, n, "cannot read journal %s: %s", path, strerror(errno));
		return -1;
	}
	f->path = xstrdup(path);
	while (getline(&line, &len, fp) >= 0) {
		/* A partial last line (a crash mid-write) does not parse and is
		 * skipped: what came before it is still a usable journal. */
		json_object *o = json_tokener_parse(line);

		if (!o || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			continue;
		}
		parse_line(f, o, &cap);
		json_object_put(o);
	}
	free(line);
	fclose(fp);
	if (!f->command) {
		snprintf(err, n, "%s is not an epithet journal", path);
		journal_file_finish(f);
		return -1;
	}
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

int journal_load(const char *path, struct journal_file *out, char *err, size_t n)
{
	char *dir, **names = NULL;
	DIR *d;
	struct dirent *e;
	int rc = -1;

	if (path)
		return read_file(path, out, err, n);
	dir = journal_dir();
	d = opendir(dir);
	if (!d) {
		snprintf(err, n, "no journal to undo (%s: %s)", dir, strerror(errno));
		free(dir);
		return -1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 6 && strcmp(e->d_name + len - 6, ".jsonl") == 0)
			strv_push(&names, e->d_name);
	}
	closedir(d);
	if (strv_len(names))
		qsort(names, strv_len(names), sizeof(char *), cmp_desc);
	snprintf(err, n, "no applied run left to undo in %s", dir);
	for (size_t i = 0; names && names[i]; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		struct journal_file f;
		char e2[256];
		bool any_done = false;

		if (read_file(p, &f, e2, sizeof(e2)) == 0) {
			for (size_t k = 0; k < f.n; k++)
				any_done |= journal_entry_to_undo(&f.v[k]);
			/* The last applied run, even when already undone: undoing
			 * twice changes nothing (it never reaches for an older run). */
			if (!f.is_undo && any_done) {
				*out = f;
				rc = 0;
				free(p);
				break;
			}
			journal_file_finish(&f);
		}
		free(p);
	}
	strv_free(names);
	free(dir);
	return rc;
}

bool journal_entry_to_undo(const struct journal_entry *e)
{
	return e->done || !e->outcome_known;
}

void journal_file_finish(struct journal_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct journal_entry *e = &f->v[i];

		free(e->op);
		free(e->forge);
		free(e->url);
		free(e->api_url);
		free(e->token_env);
		free(e->app_id);
		free(e->app_key_file);
		free(e->app_key_env);
		free(e->owner);
		free(e->repo);
		free(e->into);
		free(e->items);
		free_label(&e->before);
		free_label(&e->after);
	}
	free(f->v);
	free(f->path);
	free(f->command);
	memset(f, 0, sizeof(*f));
}
