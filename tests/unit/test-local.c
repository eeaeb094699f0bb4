/* SPDX-License-Identifier: MIT */
/*
 * The local forge plugin, driven through its vtable the way the host drives
 * it: plugins/local/local.c is linked in and reached only through
 * epithet_forge_plugin_v1(). Each test gets a fresh org directory made with
 * mkdtemp(), and a minimal host (log, error_set, set_endpoint, alloc/free;
 * HTTP answers ENOTSUPPORTED, as the plugin must never need it).
 *
 * The demo org of the quick start is read too: DEMO_ORG_DIR (set by meson)
 * or $EPITHET_DEMO_ORG names it.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "epithet/forge.h"

/* ---- a minimal host ----------------------------------------------------- */

struct fake_host {
	struct epithet_host host;
	int endpoints;   /* set_endpoint calls: none, as no request is ever sent */
	int http_calls;  /* must stay 0 */
};

static void fh_log(void *hd, int level, const char *fmt, ...)
{
	(void)hd;
	(void)level;
	(void)fmt; /* the host filters; the tests do not look */
}

EPITHET_PRINTF(4, 5)
static void fh_error_set(struct epithet_error *err, int code, int http_status, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->http_status = http_status;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

static int fh_set_endpoint(void *hd, const struct epithet_endpoint *ep, struct epithet_error *err)
{
	(void)ep;
	(void)err;
	((struct fake_host *)hd)->endpoints++;
	return 0;
}

static int fh_http(void *hd, const struct epithet_http_request *req,
		   struct epithet_http_response **out, struct epithet_error *err)
{
	(void)req;
	(void)out;
	((struct fake_host *)hd)->http_calls++;
	fh_error_set(err, EPITHET_ENOTSUPPORTED, 0, "no HTTP in this test");
	return EPITHET_ENOTSUPPORTED;
}

static int fh_paginate(void *hd, const struct epithet_http_request *req, epithet_page_cb cb,
		       void *payload, struct epithet_error *err)
{
	(void)cb;
	(void)payload;
	return fh_http(hd, req, NULL, err);
}

static void fh_http_free(void *hd, struct epithet_http_response *resp)
{
	(void)hd;
	(void)resp;
}

static const char *fh_header(void *hd, const struct epithet_http_response *resp, const char *name)
{
	(void)hd;
	(void)resp;
	(void)name;
	return NULL;
}

static char *fh_escape(void *hd, const char *s)
{
	(void)hd;
	return strdup(s);
}

static void *fh_alloc(void *hd, size_t n)
{
	(void)hd;
	return malloc(n);
}

static void fh_free(void *hd, void *p)
{
	(void)hd;
	free(p);
}

static void fake_host_init(struct fake_host *fh)
{
	*fh = (struct fake_host){ 0 };
	fh->host = (struct epithet_host){
		.abi_major = EPITHET_FORGE_ABI_MAJOR,
		.abi_minor = EPITHET_FORGE_ABI_MINOR,
		.struct_size = sizeof(struct epithet_host),
		.host_data = fh,
		.log = fh_log,
		.error_set = fh_error_set,
		.set_endpoint = fh_set_endpoint,
		.http = fh_http,
		.http_paginate = fh_paginate,
		.http_free = fh_http_free,
		.http_header = fh_header,
		.escape_segment = fh_escape,
		.alloc = fh_alloc,
		.free = fh_free,
	};
}

/* ---- files -------------------------------------------------------------- */

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, malloc'd; NULL when it does not exist. */
static char *read_text(const char *dir, const char *name)
{
	char path[512], *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static bool exists(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* rm -r of a directory holding files and empty directories. */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	char path[512];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* ---- fixture ------------------------------------------------------------ */

/* alpha: a plain repo with issues and unknown keys everywhere; beta: a
 * private fork; old: archived. Plus things list_repos must skip. */
static const char ALPHA[] =
	"{\n"
	"  \"fork\": false,\n"
	"  \"topics\": [\"zeta\", \"alpha\"],\n"
	"  \"x-extra\": {\"keep\": [1, 2]},\n"
	"  \"labels\": [\n"
	"    {\"name\": \"bug\", \"color\": \"#D73A4A\", \"description\": \"Broken\", \"x-id\": 7},\n"
	"    {\"name\": \"area/web ui\", \"color\": \"c5def5\"},\n"
	"    {\"name\": \"priority/high\", \"color\": \"b60205\", \"exclusive\": true, \"archived\": true}\n"
	"  ],\n"
	"  \"issues\": [\n"
	"    {\"number\": 1, \"title\": \"one\", \"labels\": [\"bug\", \"area/web ui\"], \"x-votes\": 3},\n"
	"    {\"number\": 2, \"title\": \"two\", \"pull\": true, \"labels\": [\"bug\"]},\n"
	"    {\"number\": 3, \"title\": \"three\"}\n"
	"  ]\n"
	"}\n";
static const char BETA[] = "{\"fork\": true, \"private\": true, \"labels\": []}\n";
static const char OLD[] =
	"{\"archived\": true, \"labels\": [{\"name\": \"bug\", \"color\": \"d73a4a\"}],\n"
	" \"issues\": [{\"number\": 1, \"labels\": []}]}\n";

struct fx {
	char root[256];  /* mkdtemp() */
	char dir[320];   /* root/acme: the org */
	struct fake_host fh;
	const struct epithet_forge *f;
	epithet_forge_session *s;
	struct epithet_session_info info;
	struct epithet_error err;
};

static int open_session(struct fx *x, const char *url, const char *owner, uint32_t flags)
{
	struct epithet_forge_config cfg = {
		.struct_size = sizeof(cfg),
		.flags = flags,
		.url = url,
		.owner = owner,
	};

	x->f->close(x->s);
	x->s = NULL;
	x->info = (struct epithet_session_info){ .struct_size = sizeof(x->info) };
	x->err = (struct epithet_error){ 0 };
	return x->f->open(&x->fh.host, &cfg, &x->info, &x->s, &x->err);
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	const char *tmp = getenv("TMPDIR");

	assert_non_null(x);
	snprintf(x->root, sizeof(x->root), "%s/test-local-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(x->root));
	snprintf(x->dir, sizeof(x->dir), "%s/acme", x->root);
	assert_int_equal(mkdir(x->dir, 0755), 0);
	write_text(x->dir, "alpha.json", ALPHA);
	write_text(x->dir, "beta.json", BETA);
	write_text(x->dir, "old.json", OLD);
	write_text(x->dir, "README.md", "not a repo\n");
	write_text(x->dir, "bad name.json", "{}\n");      /* not a repository name */
	write_text(x->dir, "gamma.json.tmp", "{\"x\n");   /* a crashed write */
	{
		char sub[400];
		snprintf(sub, sizeof(sub), "%s/sub.json", x->dir);
		assert_int_equal(mkdir(sub, 0755), 0);  /* a directory, not a repo */
	}

	fake_host_init(&x->fh);
	x->f = epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR, EPITHET_FORGE_ABI_MINOR);
	assert_non_null(x->f);
	assert_int_equal(open_session(x, x->dir, NULL, 0), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;

	x->f->close(x->s);
	assert_int_equal(x->fh.http_calls, 0);
	remove_tree(x->root);
	free(x);
	return 0;
}

/* ---- collectors --------------------------------------------------------- */

struct seen_repo {
	char name[64];
	uint32_t flags;
	char topics[128];
};

struct repos {
	struct seen_repo r[16];
	size_t n;
	int stop_with;  /* return this from the first callback, when non-zero */
};

static int on_repo(const struct epithet_repo *repo, void *payload)
{
	struct repos *rs = payload;
	struct seen_repo *r = &rs->r[rs->n++];

	assert_true(rs->n <= 16);
	assert_int_equal(repo->struct_size, sizeof(*repo));
	assert_string_equal(repo->owner, "acme");
	snprintf(r->name, sizeof(r->name), "%s", repo->name);
	r->flags = repo->flags;
	for (size_t i = 0; i < repo->n_topics; i++) {
		strncat(r->topics, repo->topics[i], sizeof(r->topics) - strlen(r->topics) - 2);
		strcat(r->topics, ",");
	}
	return rs->stop_with;
}

struct seen_label {
	char name[128];
	char color[8];
	char description[128];
	bool has_description;
	uint32_t fields, flags;
	int64_t issues, pulls;
};

struct labels {
	struct seen_label l[32];
	size_t n;
};

static int on_label(const struct epithet_label *label, void *payload)
{
	struct labels *ls = payload;
	struct seen_label *l = &ls->l[ls->n++];

	assert_true(ls->n <= 32);
	assert_int_equal(label->struct_size, sizeof(*label));
	snprintf(l->name, sizeof(l->name), "%s", label->name);
	snprintf(l->color, sizeof(l->color), "%s", label->color);
	l->has_description = label->description != NULL;
	snprintf(l->description, sizeof(l->description), "%s",
		 label->description ? label->description : "");
	l->fields = label->fields;
	l->flags = label->flags;
	l->issues = label->issues;
	l->pulls = label->pulls;
	return 0;
}

static const struct seen_label *find(const struct labels *ls, const char *name)
{
	for (size_t i = 0; i < ls->n; i++) {
		if (strcmp(ls->l[i].name, name) == 0)
			return &ls->l[i];
	}
	return NULL;
}

static struct labels list(struct fx *x, const char *repo)
{
	struct labels ls = { 0 };

	assert_int_equal(x->f->list_labels(x->s, "acme", repo, on_label, &ls, &x->err), 0);
	return ls;
}

struct items {
	uint64_t number[16];
	uint32_t is_pull[16];
	size_t n;
};

static int on_item(const struct epithet_item *item, void *payload)
{
	struct items *is = payload;

	assert_true(is->n < 16);
	is->is_pull[is->n] = item->is_pull;
	is->number[is->n++] = item->number;
	return 0;
}

static struct items labelled(struct fx *x, const char *repo, const char *name)
{
	struct items is = { 0 };
	struct epithet_label l = { .struct_size = sizeof(l), .fields = EPITHET_FIELD_NAME, .name = name };

	assert_int_equal(x->f->list_labelled(x->s, "acme", repo, &l, on_item, &is, &x->err), 0);
	return is;
}

/* A label with the given fields; NULL members are left out of .fields. */
static struct epithet_label want(const char *name, const char *color, const char *description)
{
	struct epithet_label l = { .struct_size = sizeof(l), .issues = -1, .pulls = -1 };

	if (name) {
		l.fields |= EPITHET_FIELD_NAME;
		l.name = name;
	}
	if (color) {
		l.fields |= EPITHET_FIELD_COLOR;
		l.color = color;
	}
	if (description) {
		l.fields |= EPITHET_FIELD_DESCRIPTION;
		l.description = description;
	}
	return l;
}

/* ---- tests -------------------------------------------------------------- */

static void test_abi(void **state)
{
	const struct epithet_forge *f = epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR, 0);

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->abi_major, EPITHET_FORGE_ABI_MAJOR);
	assert_int_equal(f->abi_minor, EPITHET_FORGE_ABI_MINOR);
	assert_int_equal(f->struct_size, sizeof(struct epithet_forge));
	assert_string_equal(f->name, "local");
	assert_non_null(f->version);
	assert_non_null(f->description);
	assert_int_equal(f->name_max, 50);
	assert_int_equal(f->description_max, 100);
	assert_int_equal(f->capabilities,
			 EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME | EPITHET_CAP_ORG_LABELS |
			 EPITHET_CAP_EXCLUSIVE | EPITHET_CAP_ARCHIVE | EPITHET_CAP_LABEL_COUNTS |
			 EPITHET_CAP_ISSUE_LABELS | EPITHET_CAP_UNIQUE_NAMES | EPITHET_CAP_READ_FILE |
			 EPITHET_CAP_CONCURRENT_WRITES);
	assert_non_null(f->open);
	assert_non_null(f->close);
	assert_non_null(f->list_repos);
	assert_non_null(f->get_repo);
	assert_non_null(f->list_labels);
	assert_non_null(f->create_label);
	assert_non_null(f->update_label);
	assert_non_null(f->delete_label);
	assert_non_null(f->list_labelled);
	assert_non_null(f->add_label);
	assert_null(f->list_labels_many); /* no CAP_BATCH_READ */
	/* a newer minor host is fine; another major is refused */
	assert_ptr_equal(epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR, 99), f);
	assert_null(epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR + 1, 0));
	f->close(NULL);
}

static void test_open(void **state)
{
	struct fx *x = *state;
	char url[400], spaced[400], cwd[4096];

	/* the fixture's session: named after the directory; no endpoint, as
	 * the plugin sends no request (so the host looks up no token) */
	assert_string_equal(x->info.default_owner, "acme");
	assert_non_null(x->info.display);
	assert_true(x->info.display[0] == '/');
	assert_non_null(strstr(x->info.display, "/acme"));
	assert_int_equal(x->fh.endpoints, 0);

	assert_int_equal(open_session(x, NULL, NULL, 0), EPITHET_EINVALID);
	assert_null(x->s);
	assert_string_equal(x->err.message, "local: --url DIR is required");
	assert_int_equal(x->err.code, EPITHET_EINVALID);

	snprintf(url, sizeof(url), "%s/nowhere", x->root);
	assert_int_equal(open_session(x, url, NULL, 0), EPITHET_ENOTFOUND);
	assert_null(x->s);
	assert_non_null(strstr(x->err.message, "nowhere"));

	snprintf(url, sizeof(url), "%s/alpha.json", x->dir);
	assert_int_equal(open_session(x, url, NULL, 0), EPITHET_EINVALID);

	/* file:// and a trailing slash; --org wins over the directory's name */
	snprintf(url, sizeof(url), "file://%s/", x->dir);
	assert_int_equal(open_session(x, url, "other", 0), 0);
	assert_string_equal(x->info.default_owner, "other");
	struct repos rs = { 0 };
	assert_int_equal(x->f->list_repos(x->s, "acme", on_repo, &rs, &x->err), EPITHET_ENOTFOUND);

	/* a relative path with a space; the org takes the directory's name */
	snprintf(spaced, sizeof(spaced), "%s/my org", x->root);
	assert_int_equal(mkdir(spaced, 0755), 0);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(x->root), 0);
	assert_int_equal(open_session(x, "my org/", NULL, 0), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(x->info.default_owner, "my org");
	assert_int_equal(x->fh.endpoints, 0);

	x->f->close(NULL);
}

static void test_list_repos(void **state)
{
	struct fx *x = *state;
	struct repos rs = { 0 };

	assert_int_equal(x->f->list_repos(x->s, "acme", on_repo, &rs, &x->err), 0);
	/* name order; README, "bad name", *.tmp and the sub.json directory skipped */
	assert_int_equal(rs.n, 3);
	assert_string_equal(rs.r[0].name, "alpha");
	assert_string_equal(rs.r[1].name, "beta");
	assert_string_equal(rs.r[2].name, "old");
	assert_int_equal(rs.r[0].flags, 0);
	assert_int_equal(rs.r[1].flags, EPITHET_REPO_FORK | EPITHET_REPO_PRIVATE);
	assert_int_equal(rs.r[2].flags, EPITHET_REPO_ARCHIVED);
	assert_string_equal(rs.r[0].topics, "zeta,alpha,"); /* as the file lists them */
	assert_string_equal(rs.r[1].topics, "");

	/* _org.json is not a repository */
	write_text(x->dir, "_org.json", "{\"labels\": []}\n");
	rs = (struct repos){ 0 };
	assert_int_equal(x->f->list_repos(x->s, "acme", on_repo, &rs, &x->err), 0);
	assert_int_equal(rs.n, 3);

	/* a callback's non-zero return stops the walk and comes back unchanged */
	rs = (struct repos){ .stop_with = 42 };
	assert_int_equal(x->f->list_repos(x->s, "acme", on_repo, &rs, &x->err), 42);
	assert_int_equal(rs.n, 1);

	rs = (struct repos){ 0 };
	assert_int_equal(x->f->list_repos(x->s, "other", on_repo, &rs, &x->err), EPITHET_ENOTFOUND);
	assert_int_equal(x->err.code, EPITHET_ENOTFOUND);
	assert_int_equal(x->f->list_repos(x->s, "ACME", on_repo, &rs, &x->err), EPITHET_ENOTFOUND);
	assert_int_equal(rs.n, 0);
}

static void test_get_repo(void **state)
{
	struct fx *x = *state;
	struct repos rs = { 0 };

	assert_int_equal(x->f->get_repo(x->s, "acme", "beta", on_repo, &rs, &x->err), 0);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.r[0].name, "beta");
	assert_int_equal(rs.r[0].flags, EPITHET_REPO_FORK | EPITHET_REPO_PRIVATE);

	static const char *const missing[] = { "gamma", "../acme/alpha", "..", "_org", "bad name", "" };
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		x->err = (struct epithet_error){ 0 };
		assert_int_equal(x->f->get_repo(x->s, "acme", missing[i], on_repo, &rs, &x->err),
				 EPITHET_ENOTFOUND);
		assert_int_equal(x->err.code, EPITHET_ENOTFOUND);
		assert_true(x->err.message[0] != '\0');
	}
	assert_int_equal(x->f->get_repo(x->s, "other", "alpha", on_repo, &rs, &x->err),
			 EPITHET_ENOTFOUND);
	assert_int_equal(rs.n, 1);
}

static void test_list_labels(void **state)
{
	struct fx *x = *state;
	struct labels ls = list(x, "alpha");
	const struct seen_label *l;
	const uint32_t all = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION |
			     EPITHET_FIELD_EXCLUSIVE | EPITHET_FIELD_ARCHIVED;

	assert_int_equal(ls.n, 3);
	assert_string_equal(ls.l[0].name, "bug"); /* file order */
	l = find(&ls, "bug");
	assert_string_equal(l->color, "d73a4a"); /* "#D73A4A" normalised */
	assert_string_equal(l->description, "Broken");
	assert_int_equal(l->fields, all);
	assert_int_equal(l->flags, 0);
	assert_int_equal(l->issues, 1);
	assert_int_equal(l->pulls, 1);
	l = find(&ls, "area/web ui");
	assert_non_null(l);
	assert_false(l->has_description);
	assert_int_equal(l->issues, 1);
	assert_int_equal(l->pulls, 0);
	l = find(&ls, "priority/high");
	assert_int_equal(l->flags, EPITHET_LABEL_EXCLUSIVE | EPITHET_LABEL_ARCHIVED);
	assert_int_equal(l->issues, 0);
	assert_int_equal(l->pulls, 0);

	ls = list(x, "beta");
	assert_int_equal(ls.n, 0);

	ls = (struct labels){ 0 };
	assert_int_equal(x->f->list_labels(x->s, "acme", "gamma", on_label, &ls, &x->err),
			 EPITHET_ENOTFOUND);
	assert_int_equal(x->f->list_labels(x->s, "other", "alpha", on_label, &ls, &x->err),
			 EPITHET_ENOTFOUND);
	assert_int_equal(ls.n, 0);
}

static void test_create(void **state)
{
	struct fx *x = *state;
	struct epithet_label w = want("good first issue", "7057FF", "Good for newcomers");
	struct labels ls;
	const struct seen_label *l;
	char longname[128] = "";

	assert_int_equal(x->f->create_label(x->s, "acme", "alpha", &w, &x->err), 0);
	w = want("needs/triage", NULL, NULL);
	w.fields |= EPITHET_FIELD_EXCLUSIVE;
	w.flags = EPITHET_LABEL_EXCLUSIVE;
	assert_int_equal(x->f->create_label(x->s, "acme", "beta", &w, &x->err), 0);

	ls = list(x, "alpha");
	assert_int_equal(ls.n, 4);
	l = find(&ls, "good first issue");
	assert_non_null(l);
	assert_string_equal(l->color, "7057ff");
	assert_string_equal(l->description, "Good for newcomers");
	assert_int_equal(l->issues, 0);
	ls = list(x, "beta");
	assert_int_equal(ls.n, 1);
	assert_string_equal(ls.l[0].color, "ededed"); /* GitHub's default */
	assert_int_equal(ls.l[0].flags, EPITHET_LABEL_EXCLUSIVE);
	assert_false(ls.l[0].has_description);

	/* names are unique ignoring case */
	w = want("BUG", "000000", NULL);
	assert_int_equal(x->f->create_label(x->s, "acme", "alpha", &w, &x->err), EPITHET_EEXISTS);
	assert_int_equal(x->err.code, EPITHET_EEXISTS);
	assert_non_null(strstr(x->err.message, "alpha.json: a label \"bug\" already exists"));

	/* what GitHub would refuse with a 422 */
	w = want("x", "12345g", NULL);
	assert_int_equal(x->f->create_label(x->s, "acme", "alpha", &w, &x->err), EPITHET_EINVALID);
	w = want(NULL, "123456", NULL);
	assert_int_equal(x->f->create_label(x->s, "acme", "alpha", &w, &x->err), EPITHET_EINVALID);
	w = want("", "123456", NULL);
	assert_int_equal(x->f->create_label(x->s, "acme", "alpha", &w, &x->err), EPITHET_EINVALID);
	for (int i = 0; i < 51; i++)
		strcat(longname, "\xc3\xa9"); /* 51 code points, 102 bytes */
	w = want(longname, "123456", NULL);
	assert_int_equal(x->f->create_label(x->s, "acme", "alpha", &w, &x->err), EPITHET_EINVALID);
	longname[100] = '\0'; /* 50 code points: fine */
	w = want(longname, "123456", NULL);
	assert_int_equal(x->f->create_label(x->s, "acme", "alpha", &w, &x->err), 0);

	w = want("bug", "d73a4a", NULL);
	assert_int_equal(x->f->create_label(x->s, "acme", "gamma", &w, &x->err), EPITHET_ENOTFOUND);
	assert_false(exists(x->dir, "gamma.json"));
	assert_int_equal(list(x, "alpha").n, 5);
}

static void test_update(void **state)
{
	struct fx *x = *state;
	struct epithet_label cur = want("bug", NULL, NULL), w;
	struct labels ls;
	struct items is;
	const struct seen_label *l;

	/* colour only: the description stays */
	w = want(NULL, "00ff00", NULL);
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), 0);
	ls = list(x, "alpha");
	l = find(&ls, "bug");
	assert_string_equal(l->color, "00ff00");
	assert_string_equal(l->description, "Broken");

	/* description only; "" clears */
	w = want(NULL, NULL, "");
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), 0);
	ls = list(x, "alpha");
	l = find(&ls, "bug");
	assert_string_equal(l->color, "00ff00");
	assert_string_equal(l->description, "");

	/* rename in place keeps every issue and PR labelled */
	w = want("defect", NULL, "Something is broken");
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), 0);
	ls = list(x, "alpha");
	assert_null(find(&ls, "bug"));
	l = find(&ls, "defect");
	assert_non_null(l);
	assert_string_equal(l->description, "Something is broken");
	assert_int_equal(l->issues, 1);
	assert_int_equal(l->pulls, 1);
	is = labelled(x, "alpha", "defect");
	assert_int_equal(is.n, 2);
	assert_int_equal(is.number[0], 1);
	assert_int_equal(is.number[1], 2);
	assert_int_equal(labelled(x, "alpha", "bug").n, 0);

	/* a change of case only is a rename too */
	cur = want("defect", NULL, NULL);
	w = want("Defect", NULL, NULL);
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), 0);
	assert_int_equal(labelled(x, "alpha", "Defect").n, 2);

	/* not onto another label's name, in any case */
	cur = want("Defect", NULL, NULL);
	w = want("AREA/WEB UI", NULL, NULL);
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), EPITHET_EEXISTS);
	ls = list(x, "alpha");
	assert_non_null(find(&ls, "Defect"));

	/* un-archive and un-scope */
	cur = want("priority/high", NULL, NULL);
	w = want(NULL, NULL, NULL);
	w.fields = EPITHET_FIELD_ARCHIVED;
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), 0);
	ls = list(x, "alpha");
	assert_int_equal(find(&ls, "priority/high")->flags, EPITHET_LABEL_EXCLUSIVE);
	w.fields = EPITHET_FIELD_EXCLUSIVE;
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), 0);
	ls = list(x, "alpha");
	assert_int_equal(find(&ls, "priority/high")->flags, 0);

	/* the label as listed is gone, or named in another case */
	cur = want("bug", NULL, NULL);
	w = want(NULL, "000000", NULL);
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), EPITHET_ENOTFOUND);
	assert_int_equal(x->err.code, EPITHET_ENOTFOUND);
	cur = want("defect", NULL, NULL);
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), EPITHET_ENOTFOUND);
	cur = want("Defect", NULL, NULL);
	w = want(NULL, "#zzzzzz", NULL);
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), EPITHET_EINVALID);
}

static void test_delete(void **state)
{
	struct fx *x = *state;
	struct epithet_label cur = want("bug", NULL, NULL);
	struct labels ls;
	char *text;

	assert_int_equal(x->f->delete_label(x->s, "acme", "alpha", &cur, &x->err), 0);
	ls = list(x, "alpha");
	assert_int_equal(ls.n, 2);
	assert_null(find(&ls, "bug"));
	assert_int_equal(labelled(x, "alpha", "bug").n, 0);
	assert_int_equal(labelled(x, "alpha", "area/web ui").n, 1); /* the others stay */
	text = read_text(x->dir, "alpha.json");
	assert_null(strstr(text, "\"bug\""));
	free(text);

	assert_int_equal(x->f->delete_label(x->s, "acme", "alpha", &cur, &x->err), EPITHET_ENOTFOUND);
	assert_int_equal(x->err.code, EPITHET_ENOTFOUND);
}

static void test_archived(void **state)
{
	struct fx *x = *state;
	struct epithet_label cur = want("bug", NULL, NULL), w = want("new", "123456", NULL);
	char *before = read_text(x->dir, "old.json"), *after;

	assert_int_equal(list(x, "old").n, 1); /* reads work */
	assert_int_equal(x->f->create_label(x->s, "acme", "old", &w, &x->err), EPITHET_EFORBIDDEN);
	assert_non_null(strstr(x->err.message, "repository is archived"));
	assert_int_equal(x->f->update_label(x->s, "acme", "old", &cur, &w, &x->err), EPITHET_EFORBIDDEN);
	assert_int_equal(x->f->delete_label(x->s, "acme", "old", &cur, &x->err), EPITHET_EFORBIDDEN);
	assert_int_equal(x->f->add_label(x->s, "acme", "old", 1, &cur, &x->err), EPITHET_EFORBIDDEN);
	assert_int_equal(x->err.code, EPITHET_EFORBIDDEN);
	after = read_text(x->dir, "old.json");
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void expect_protocol(struct fx *x, const char *text, const char *needle)
{
	struct labels ls = { 0 };

	write_text(x->dir, "broken.json", text);
	x->err = (struct epithet_error){ 0 };
	assert_int_equal(x->f->list_labels(x->s, "acme", "broken", on_label, &ls, &x->err),
			 EPITHET_EPROTOCOL);
	assert_int_equal(x->err.code, EPITHET_EPROTOCOL);
	assert_non_null(strstr(x->err.message, "broken.json"));
	if (strstr(x->err.message, needle) == NULL)
		fail_msg("\"%s\" not in \"%s\"", needle, x->err.message);
	assert_int_equal(ls.n, 0);
}

static void test_malformed(void **state)
{
	struct fx *x = *state;
	struct repos rs = { 0 };
	struct epithet_label w = want("x", "123456", NULL);

	/* syntax: file:line:column and json-c's words */
	expect_protocol(x, "{\n  \"labels\": [\n    {\"name\": \"x\", \"color\": \"123456\",}\n  ]\n}\n",
			"broken.json:3:");
	assert_non_null(strstr(x->err.message, "unexpected character"));
	expect_protocol(x, "{\"labels\": [", "unexpected end of data");
	expect_protocol(x, "", "unexpected end of data");
	expect_protocol(x, "{} {}", "unexpected character");
	expect_protocol(x, "{\"labels\": [{\"name\": \"\xff\", \"color\": \"123456\"}]}", "utf-8");
	/* shape */
	expect_protocol(x, "[]", "not a JSON object");
	expect_protocol(x, "{\"labels\": {}}", "\"labels\" must be a JSON array");
	expect_protocol(x, "{\"archived\": \"yes\"}", "\"archived\" must be a JSON boolean");
	expect_protocol(x, "{\"topics\": [1]}", "topics[0]");
	expect_protocol(x, "{\"labels\": [{\"color\": \"123456\"}]}", "needs a \"name\"");
	expect_protocol(x, "{\"labels\": [{\"name\": \"a\", \"color\": \"12345\"}]}", "6 hex digits");
	expect_protocol(x, "{\"labels\": [{\"name\": \"a\"}]}", "label \"a\": \"color\" must be 6 hex");
	expect_protocol(x, "{\"labels\": [{\"name\": \"a\", \"color\": 123456}]}",
			"\"color\" must be a JSON string");
	expect_protocol(x, "{\"labels\": [{\"name\": \"a\", \"color\": \"123456\", \"description\": 1}]}",
			"\"description\" must be a JSON string");
	expect_protocol(x, "{\"labels\": [{\"name\": \"a\", \"color\": \"123456\", \"exclusive\": 1}]}",
			"\"exclusive\" must be a JSON boolean");
	expect_protocol(x, "{\"labels\": [{\"name\": \"Bug\", \"color\": \"123456\"},"
			   " {\"name\": \"bug\", \"color\": \"123456\"}]}", "differ only by case");
	expect_protocol(x, "{\"issues\": [{\"title\": \"no number\"}]}", "issues[0]");
	expect_protocol(x, "{\"issues\": [{\"number\": 1, \"labels\": [2]}]}", "issues[0].labels[0]");
	expect_protocol(x, "{\"issues\": [{\"number\": 1, \"pull\": 0}]}",
			"issues[0]: \"pull\" must be a JSON boolean");
	expect_protocol(x, "{\"issues\": {}}", "\"issues\" must be a JSON array");

	/* the whole listing fails, and writes refuse to touch the file */
	assert_int_equal(x->f->list_repos(x->s, "acme", on_repo, &rs, &x->err), EPITHET_EPROTOCOL);
	assert_int_equal(x->f->create_label(x->s, "acme", "broken", &w, &x->err), EPITHET_EPROTOCOL);
}

static void test_issue_labels(void **state)
{
	struct fx *x = *state;
	struct epithet_label bug = want("bug", NULL, NULL), nope = want("nope", NULL, NULL);
	struct items is = labelled(x, "alpha", "bug");
	char *before, *after;

	assert_int_equal(is.n, 2);
	assert_int_equal(is.number[0], 1);
	assert_int_equal(is.is_pull[0], 0);
	assert_int_equal(is.number[1], 2);
	assert_int_equal(is.is_pull[1], 1);
	assert_int_equal(labelled(x, "alpha", "BUG").n, 0); /* the exact name, as listed */
	assert_int_equal(labelled(x, "alpha", "priority/high").n, 0);

	assert_int_equal(x->f->add_label(x->s, "acme", "alpha", 3, &bug, &x->err), 0);
	is = labelled(x, "alpha", "bug");
	assert_int_equal(is.n, 3);
	assert_int_equal(is.number[2], 3);

	/* attaching it again changes nothing, not even the file */
	before = read_text(x->dir, "alpha.json");
	assert_int_equal(x->f->add_label(x->s, "acme", "alpha", 1, &bug, &x->err), 0);
	after = read_text(x->dir, "alpha.json");
	assert_string_equal(before, after);
	free(before);
	free(after);

	assert_int_equal(x->f->add_label(x->s, "acme", "alpha", 99, &bug, &x->err), EPITHET_ENOTFOUND);
	assert_non_null(strstr(x->err.message, "#99"));
	assert_int_equal(x->f->add_label(x->s, "acme", "alpha", 3, &nope, &x->err), EPITHET_ENOTFOUND);
	assert_int_equal(x->f->add_label(x->s, "acme", "gamma", 3, &bug, &x->err), EPITHET_ENOTFOUND);

	/* owner-level labels carry no issues here */
	assert_int_equal(x->f->list_labelled(x->s, "acme", NULL, &bug, on_item, &is, &x->err),
			 EPITHET_ENOTSUPPORTED);
	assert_int_equal(x->f->add_label(x->s, "acme", NULL, 1, &bug, &x->err), EPITHET_ENOTSUPPORTED);
	assert_int_equal(x->err.code, EPITHET_ENOTSUPPORTED);
}

static void test_atomic_write_keeps_unknown_keys(void **state)
{
	struct fx *x = *state;
	struct epithet_label cur = want("bug", NULL, NULL), w = want(NULL, "0000ff", NULL);
	char path[400], *text;
	struct stat st;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/alpha.json", x->dir);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), 0);

	/* no alpha.json.tmp left behind (gamma.json.tmp is the fixture's) */
	d = opendir(x->dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		assert_true(strcmp(de->d_name, "alpha.json.tmp") != 0);
	closedir(d);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);

	/* unknown keys at every level survive; the rest is as it was */
	text = read_text(x->dir, "alpha.json");
	assert_non_null(strstr(text, "\"x-extra\""));
	assert_non_null(strstr(text, "\"keep\""));
	assert_non_null(strstr(text, "\"x-id\": 7"));
	assert_non_null(strstr(text, "\"x-votes\": 3"));
	assert_non_null(strstr(text, "\"title\": \"three\""));
	assert_non_null(strstr(text, "\"area/web ui\"")); /* no "\/" escaping */
	assert_non_null(strstr(text, "\"0000ff\""));
	assert_true(strstr(text, "\"x-extra\"") < strstr(text, "\"labels\"")); /* key order kept */
	free(text);
	assert_int_equal(list(x, "alpha").n, 3);
}

/* A write that fails halfway changes nothing and says why. */
static void test_failed_write(void **state)
{
	struct fx *x = *state;
	struct epithet_label cur = want("bug", NULL, NULL), w = want(NULL, "0000ff", NULL);
	char tmp[400], *before = read_text(x->dir, "alpha.json"), *after;

	snprintf(tmp, sizeof(tmp), "%s/alpha.json.tmp", x->dir);
	assert_int_equal(mkdir(tmp, 0755), 0); /* the temporary file cannot be made */
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), EPITHET_ERROR);
	assert_non_null(strstr(x->err.message, "alpha.json.tmp: cannot write"));
	after = read_text(x->dir, "alpha.json");
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(rmdir(tmp), 0);
	assert_int_equal(x->f->update_label(x->s, "acme", "alpha", &cur, &w, &x->err), 0);
}

static void test_org_labels(void **state)
{
	struct fx *x = *state;
	struct epithet_label w = want("security", "ee0701", "Handle privately"), cur;
	struct labels ls;

	/* no _org.json yet: an org without owner-level labels */
	assert_int_equal(list(x, NULL).n, 0);
	assert_int_equal(x->f->create_label(x->s, "acme", NULL, &w, &x->err), 0);
	assert_true(exists(x->dir, "_org.json"));
	ls = list(x, NULL);
	assert_int_equal(ls.n, 1);
	assert_string_equal(ls.l[0].name, "security");
	assert_int_equal(ls.l[0].issues, -1); /* unknown, not 0 */
	assert_int_equal(ls.l[0].pulls, -1);
	assert_int_equal(x->f->create_label(x->s, "acme", NULL, &(struct epithet_label){
		.struct_size = sizeof(w), .fields = EPITHET_FIELD_NAME, .name = "Security" }, &x->err),
		EPITHET_EEXISTS);

	cur = want("security", NULL, NULL);
	w = want("sec", NULL, NULL);
	assert_int_equal(x->f->update_label(x->s, "acme", NULL, &cur, &w, &x->err), 0);
	cur = want("sec", NULL, NULL);
	assert_int_equal(x->f->delete_label(x->s, "acme", NULL, &cur, &x->err), 0);
	assert_int_equal(list(x, NULL).n, 0);
	assert_int_equal(list(x, "alpha").n, 3); /* repos untouched */
}

static void test_dry_run(void **state)
{
	struct fx *x = *state;
	struct epithet_label w = want("new", "123456", NULL);
	char *before = read_text(x->dir, "alpha.json"), *after;

	assert_int_equal(open_session(x, x->dir, NULL, EPITHET_CONFIG_DRY_RUN), 0);
	assert_int_equal(list(x, "alpha").n, 3);
	assert_int_equal(x->f->create_label(x->s, "acme", "alpha", &w, &x->err), EPITHET_ERROR);
	assert_non_null(strstr(x->err.message, "dry run"));
	after = read_text(x->dir, "alpha.json");
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* Reads of one session from many threads at once, as --jobs does. */
struct reader {
	struct fx *x;
	int failures;
};

static void *read_many(void *arg)
{
	struct reader *r = arg;
	struct epithet_error err;

	for (int i = 0; i < 50; i++) {
		struct labels ls = { 0 };
		struct repos rs = { 0 };

		if (r->x->f->list_labels(r->x->s, "acme", "alpha", on_label, &ls, &err) != 0 || ls.n != 3)
			r->failures++;
		if (r->x->f->list_repos(r->x->s, "acme", on_repo, &rs, &err) != 0 || rs.n != 3)
			r->failures++;
	}
	return NULL;
}

static void test_concurrent_reads(void **state)
{
	struct fx *x = *state;
	pthread_t t[8];
	struct reader r[8];

	for (int i = 0; i < 8; i++) {
		r[i] = (struct reader){ .x = x };
		assert_int_equal(pthread_create(&t[i], NULL, read_many, &r[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(r[i].failures, 0);
	}
}

/* ---- the demo org of the quick start ------------------------------------ */

struct demo {
	const struct epithet_forge *f;
	epithet_forge_session *s;
	struct epithet_error err;
	size_t repos, labels;
	uint32_t flags_seen;
	bool spaced_slash;
};

static int on_demo_label(const struct epithet_label *label, void *payload)
{
	struct demo *d = payload;

	d->labels++;
	if (strchr(label->name, ' ') && strchr(label->name, '/'))
		d->spaced_slash = true;
	assert_int_equal(strlen(label->color), 6);
	return 0;
}

static int on_demo_repo(const struct epithet_repo *repo, void *payload)
{
	struct demo *d = payload;

	d->repos++;
	d->flags_seen |= repo->flags;
	assert_string_equal(repo->owner, "demo-org");
	assert_int_equal(d->f->list_labels(d->s, repo->owner, repo->name, on_demo_label, d, &d->err), 0);
	return 0;
}

static void test_demo_org(void **state)
{
	struct fx *x = *state;
	const char *dir = getenv("EPITHET_DEMO_ORG");
	struct demo d = { .f = x->f };
	struct labels ls = { 0 };

#ifdef DEMO_ORG_DIR
	if (dir == NULL)
		dir = DEMO_ORG_DIR;
#endif
	if (dir == NULL)
		skip();
	assert_int_equal(open_session(x, dir, NULL, 0), 0);
	assert_string_equal(x->info.default_owner, "demo-org");
	d.s = x->s;
	if (x->f->list_repos(x->s, "demo-org", on_demo_repo, &d, &d.err) != 0)
		fail_msg("%s", d.err.message);
	assert_int_equal(d.repos, 6);
	assert_int_equal(d.flags_seen, EPITHET_REPO_ARCHIVED | EPITHET_REPO_FORK | EPITHET_REPO_PRIVATE);
	assert_true(d.spaced_slash);
	assert_true(d.labels >= 30);
	assert_int_equal(x->f->list_labels(x->s, "demo-org", NULL, on_label, &ls, &x->err), 0);
	assert_true(ls.n > 0);
}

/* ABI 1.1: read_file, the files of a repository in <repo>/ (its branch "main"). */
static void test_read_file(void **state)
{
	struct fx *x = *state;
	char sub[400], *out = NULL;
	size_t len = 0;

	snprintf(sub, sizeof(sub), "%s/alpha", x->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/alpha/labels", x->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	write_text(sub, "common.yml", "labels: []\n");
	write_text(x->root, "outside.yml", "secret\n");
	snprintf(sub, sizeof(sub), "%s/alpha/labels/link.yml", x->dir);
	{
		char target[400];

		snprintf(target, sizeof(target), "%s/outside.yml", x->root);
		assert_int_equal(symlink(target, sub), 0);
	}
	assert_true(x->f->capabilities & EPITHET_CAP_READ_FILE);
	assert_int_equal(x->f->read_file(x->s, "acme", "alpha", "labels/common.yml", NULL, &out, &len,
					 &x->err), 0);
	assert_int_equal(len, 11);
	assert_string_equal(out, "labels: []\n");
	fh_free(NULL, out);
	out = NULL;
	assert_int_equal(x->f->read_file(x->s, "acme", "alpha", "labels/common.yml", "main", &out,
					 &len, &x->err), 0);
	fh_free(NULL, out);
	out = NULL;
	/* not found: the file, the ref, the repository, the owner */
	assert_int_equal(x->f->read_file(x->s, "acme", "alpha", "labels/nope.yml", NULL, &out, &len,
					 &x->err), EPITHET_ENOTFOUND);
	assert_int_equal(x->f->read_file(x->s, "acme", "alpha", "labels/common.yml", "v2", &out, &len,
					 &x->err), EPITHET_ENOTFOUND);
	assert_int_equal(x->f->read_file(x->s, "acme", "gamma", "labels/common.yml", NULL, &out, &len,
					 &x->err), EPITHET_ENOTFOUND);
	assert_int_equal(x->f->read_file(x->s, "other", "alpha", "labels/common.yml", NULL, &out, &len,
					 &x->err), EPITHET_ENOTFOUND);
	/* a directory; paths leaving the repository, by name or by symlink */
	assert_int_equal(x->f->read_file(x->s, "acme", "alpha", "labels", NULL, &out, &len, &x->err),
			 EPITHET_EINVALID);
	static const char *const bad[] = { "../beta.json", "/etc/passwd", "labels/../../beta.json",
					   "labels//common.yml", "labels/", "", "labels/link.yml" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(x->f->read_file(x->s, "acme", "alpha", bad[i], NULL, &out, &len,
						 &x->err), EPITHET_EINVALID);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abi),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_open),
		T(test_list_repos),
		T(test_get_repo),
		T(test_list_labels),
		T(test_create),
		T(test_update),
		T(test_delete),
		T(test_archived),
		T(test_malformed),
		T(test_issue_labels),
		T(test_atomic_write_keeps_unknown_keys),
		T(test_failed_write),
		T(test_org_labels),
		T(test_dry_run),
		T(test_concurrent_reads),
		T(test_demo_org),
		T(test_read_file),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
