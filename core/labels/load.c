/* SPDX-License-Identifier: MIT */
/*
 * Loading a labels file (the lf_* entry points of labelsfile.h): reading
 * the file, whole-file checks (size, UTF-8, NUL), choosing the reader by
 * extension or content, sorting the diagnostics, and freeing what a
 * desired set owns. One file at a time: extends.c reads the bases. The readers and the validator do the rest.
 */
#include "lf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <unistr.h>

#include "labels/policy.h"

/* ---- loading ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Whole-file checks that both parsers rely on: UTF-8, no NUL byte. */
static bool check_bytes(struct ctx *c, const char *buf, size_t len)
{
	const uint8_t *p = (const uint8_t *)buf;
	size_t i = 0;
	unsigned line, col;

	while (i < len) {
		ucs4_t uc;
		int k;

		/* ASCII fast path: most of a labels file. */
		if (p[i] && p[i] < 0x80) {
			i++;
			continue;
		}
		k = p[i] ? u8_mbtoucr(&uc, p + i, len - i) : 0;
		if (k <= 0) {
			offset_pos(buf, len, i, &line, &col);
			if (p[i])
				diag(c, line, col, "the file is not valid UTF-8 (byte 0x%02X)", p[i]);
			else
				diag(c, line, col, "the file contains a NUL byte");
			return false;
		}
		i += (size_t)k;
	}
	return true;
}

/* Sort this call's diagnostics by position (stable: insertion sort on at
 * most MAX_DIAGS), so they read from the top of the file down. */
static void sort_diags(struct lf_diags *d, size_t first)
{
	for (size_t i = first + 1; i < d->n; i++) {
		struct lf_diag x = d->v[i];
		size_t k = i;

		while (k > first && (d->v[k - 1].line > x.line ||
				     (d->v[k - 1].line == x.line && d->v[k - 1].col > x.col))) {
			d->v[k] = d->v[k - 1];
			k--;
		}
		d->v[k] = x;
	}
}

static void drop_diags(struct lf_diags *d, size_t from)
{
	for (size_t i = from; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
	}
	d->n = from;
}

/* Move every diagnostic of @src to the end of @dst; @src is left empty. */
static bool move_diags(struct lf_diags *dst, struct lf_diags *src)
{
	struct lf_diag *v;

	if (src->n) {
		v = realloc(dst->v, (dst->n + src->n) * sizeof(*v));
		if (!v)
			return false;
		memcpy(v + dst->n, src->v, src->n * sizeof(*v));
		dst->v = v;
		dst->n += src->n;
	}
	free(src->v);
	memset(src, 0, sizeof(*src));
	return true;
}

int lf_parse_one(const char *name, const char *format_name, const char *buf, size_t len,
		 const struct lf_limits *limits, bool base, struct desired *out,
		 struct lf_bases *bases, struct lf_diags *diags)
{
	const char *fmt = format_name ? format_name : (name ? name : "");
	struct ctx c = { .file = name ? name : "<labels>", .diags = diags, .limits = limits,
			 .base = base, .bases = bases };
	struct desired d = { 0 };
	struct node *root = NULL;
	unsigned line, col;
	size_t i;
	bool json;
	int r = -EINVAL;

	memset(out, 0, sizeof(*out));
	c.first_diag = diags->n;
	if (len > LF_MAX_BYTES) {
		offset_pos(buf, len, LF_MAX_BYTES, &line, &col);
		diag(&c, line, col, "the file is larger than %u bytes, the most a labels file may be; "
		     "refused before reading it", LF_MAX_BYTES);
		goto done;
	}
	if (!check_bytes(&c, buf, len))
		goto done;
	/* A UTF-8 byte order mark: some editors write one. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	for (i = 0; i < len && strchr(" \t\r\n", buf[i]); i++)
		;
	if (i == len) {
		diag(&c, 1, 1, "no labels: the file is empty");
		goto done;
	}
	if (ends_with(fmt, ".json")) {
		root = parse_json(&c, buf, len);
	} else if (ends_with(fmt, ".yml") || ends_with(fmt, ".yaml")) {
		root = parse_yaml(&c, buf, len);
	} else {
		json = buf[i] == '{' || buf[i] == '[';
		if (json) {
			/* Looks like JSON, but YAML flow style looks the same: when
			 * JSON fails, YAML may still read it; if neither does, the
			 * JSON problem is the one to show. */
			struct lf_diags yd = { 0 };
			size_t mark = diags->n, p0 = c.n_problems, pj;

			root = parse_json(&c, buf, len);
			if (!root && !c.oom) {
				pj = c.n_problems;
				c.diags = &yd;
				c.first_diag = 0;
				c.fatal = false;
				c.n_problems = p0;
				root = parse_yaml(&c, buf, len);
				c.diags = diags;
				c.first_diag = mark;
				if (root) {
					drop_diags(diags, mark);
					if (!move_diags(diags, &yd))
						c.oom = true;
				} else {
					c.n_problems = pj;
				}
				lf_diags_finish(&yd);
			}
		} else {
			root = parse_yaml(&c, buf, len);
		}
	}
	if (c.oom)
		goto done;
	if (!root) {
		if (diags->n == c.first_diag)
			diag(&c, 1, 1, "no labels: the file is empty");
		goto done;
	}
	parse_root(&c, root, &d);
done:
	if (c.oom) {
		diag(&c, 0, 0, "out of memory");
		r = -ENOMEM;
	}
	if (c.n_problems == 0 && !c.oom) {
		*out = d;
		r = 0;
	} else {
		desired_finish(&d);
		sort_diags(diags, c.first_diag);
		if (c.truncated) {
			char *msg = NULL;

			/* Past MAX_DIAGS, so not through diag(). */
			if (asprintf(&msg, "%zu more problems not shown", c.n_problems - MAX_DIAGS) >= 0)
				add_diag(&c, 0, 0, msg);
		}
	}
	node_free(root);
	ctx_finish(&c);
	return r;
}

int lf_load_buffer(const char *name, const char *buf, size_t len, const struct lf_limits *limits,
		   struct desired *out, struct lf_diags *diags)
{
	int rc = lf_parse_one(name, name, buf, len, limits, false, out, NULL, diags);

	if (rc == 0 && lf_check_set_targets(out, diags) != 0) {
		desired_finish(out);
		rc = -EINVAL;
	}
	return rc;
}

int lf_read_local(const char *path, char **out, size_t *out_len, char **error)
{
	struct stat st;
	FILE *f = NULL;
	char *buf = NULL;
	size_t n = 0;
	int r = 0;

	*out = NULL;
	*out_len = 0;
	*error = NULL;
	f = fopen(path, "rb");
	if (!f) {
		r = -errno;
		if (asprintf(error, "cannot open the labels file: %s", strerror(errno)) < 0)
			*error = NULL;
		goto cleanup;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		*error = strdup("is a directory, not a labels file");
		goto cleanup;
	}
	/* One byte past the limit tells "too large" without reading more:
	 * works for pipes too, where the size is not known up front. */
	buf = malloc(LF_MAX_BYTES + 1);
	if (!buf) {
		r = -ENOMEM;
		*error = strdup("out of memory");
		goto cleanup;
	}
	n = fread(buf, 1, LF_MAX_BYTES + 1, f);
	if (ferror(f)) {
		r = -EIO;
		if (asprintf(error, "cannot read the labels file: %s", strerror(errno)) < 0)
			*error = NULL;
		goto cleanup;
	}
	*out = buf;
	*out_len = n;
	buf = NULL;
cleanup:
	free(buf);
	if (f)
		fclose(f);
	return r;
}

int lf_load(const char *path, const struct lf_limits *limits, struct desired *out,
	    struct lf_diags *diags)
{
	return lf_load_policy(path, limits, NULL, NULL, out, diags);
}

/* @precise: blame each label's own file and its values' positions (a loaded
 * policy), rather than @c's file and the label's start. */
static void check_label_limits(struct ctx *c, const struct want_label *v, size_t n,
			       const struct lf_limits *limits, bool precise)
{
	const char *file = c->file;

	for (size_t i = 0; i < n; i++) {
		const struct want_label *w = &v[i];
		struct srcpos np = precise && w->name_pos.line ? w->name_pos : w->pos;
		struct srcpos dp = precise && w->desc_pos.line ? w->desc_pos : w->pos;

		/* Deleting a name the forge could never have stored is a no-op,
		 * not a mistake. */
		if (w->remove || !w->name)
			continue;
		/* Each label is blamed where it is written (a base, maybe). */
		c->file = precise && w->file ? w->file : file;
		check_length(c, np.line, np.col, "the name", w->name, limits->name_max);
		check_forbidden(c, np.line, np.col, w->name, limits->name_forbidden);
		if (w->has_description && w->description)
			check_length(c, dp.line, dp.col, "the description", w->description,
				     limits->description_max);
	}
	c->file = file;
}

static int check_limits(const char *file, const struct desired *d, const struct lf_limits *limits,
			bool precise, struct lf_diags *diags)
{
	struct ctx c = { .file = file ? file : "<labels>", .diags = diags };

	c.first_diag = diags->n;
	if (!limits)
		return 0;
	check_label_limits(&c, d->labels, d->n_labels, limits, precise);
	for (size_t i = 0; i < d->n_sets; i++)
		check_label_limits(&c, d->sets[i].labels, d->sets[i].n_labels, limits, precise);
	ctx_finish(&c);
	if (c.oom)
		return -ENOMEM;
	return c.n_problems ? -EINVAL : 0;
}

int lf_check_limits(const char *file, const struct desired *d, const struct lf_limits *limits,
		    struct lf_diags *diags)
{
	return check_limits(file, d, limits, false, diags);
}

int lf_check_policy_limits(const struct desired *d, const struct lf_limits *limits,
			   struct lf_diags *diags)
{
	return check_limits(d->files && d->files[0] ? d->files[0] : NULL, d, limits, true, diags);
}

char *lf_diag_format(const struct lf_diag *d)
{
	char *s = NULL;
	const char *file = d->file ? d->file : "<labels>";
	const char *msg = d->message ? d->message : "";
	int r;

	if (d->line && d->col)
		r = asprintf(&s, "%s:%u:%u: %s", file, d->line, d->col, msg);
	else if (d->line)
		r = asprintf(&s, "%s:%u: %s", file, d->line, msg);
	else
		r = asprintf(&s, "%s: %s", file, msg);
	return r < 0 ? NULL : s;
}

void lf_diags_finish(struct lf_diags *diags)
{
	if (!diags)
		return;
	drop_diags(diags, 0);
	free(diags->v);
	memset(diags, 0, sizeof(*diags));
}

void target_finish(struct target *t)
{
	if (!t)
		return;
	free(t->forge);
	free(t->url);
	free(t->api_url);
	free(t->org);
	free_strv(t->repos);
	free_strv(t->include);
	free_strv(t->exclude);
	free_strv(t->topics);
	free(t->token_env);
	free(t->name);
	free(t->app_id);
	free(t->app_key_file);
	free(t->app_key_env);
	memset(t, 0, sizeof(*t));
}

void desired_finish(struct desired *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_labels; i++)
		want_label_clear(&d->labels[i]);
	free(d->labels);
	free_strv(d->keep);
	for (size_t i = 0; i < d->n_targets; i++)
		target_finish(&d->targets[i]);
	free(d->targets);
	for (size_t i = 0; i < d->n_sets; i++)
		lf_label_set_clear(&d->sets[i]);
	free(d->sets);
	free_strv(d->files);
	memset(d, 0, sizeof(*d));
}

void lf_label_set_clear(struct label_set *s)
{
	for (size_t i = 0; i < s->n_labels; i++)
		want_label_clear(&s->labels[i]);
	free(s->labels);
	free(s->name);
	free_strv(s->repos);
	free_strv(s->topics);
	free_strv(s->targets);
	free(s->target_pos);
	memset(s, 0, sizeof(*s));
}

void lf_want_label_clear(struct want_label *w)
{
	want_label_clear(w);
}

void lf_diag_add(struct lf_diags *diags, const char *file, unsigned line, unsigned col,
		 const char *fmt, ...)
{
	struct ctx c = { .file = file ? file : "<labels>", .diags = diags };
	va_list ap;
	char *msg = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0)
		add_diag(&c, line, col, msg);
}
