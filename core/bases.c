/* SPDX-License-Identifier: MIT */
/*
 * Forge bases of a labels file: one read-only session per forge and URL,
 * opened on the first base there and kept for the others.
 */
#include "bases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hostsvc.h"
#include "loader.h"
#include "log.h"
#include "util.h"

struct bases_session {
	char *forge, *url, *api_url;   /* what it was opened for */
	char *token_env;               /* the matching target's, or NULL */
	struct hostsvc_options hopt;
	struct plugin *plugin;
	struct hostsvc *hs;
	epithet_forge_session *session;
	char *error;                   /* why it could not be opened: said for every base there */
};

static void open_session(const struct bases_reader *r, struct bases_session *s)
{
	struct epithet_forge_config cfg = {.struct_size = sizeof(cfg)};
	struct epithet_session_info info = {.struct_size = sizeof(info)};
	struct epithet_error err = {0};
	const struct epithet_forge *f;
	char msg[1024];
	int rc;

	s->plugin = loader_load(s->forge, msg, sizeof(msg));
	if (!s->plugin) {
		s->error = xstrdup(msg);
		return;
	}
	f = s->plugin->forge;
	if (!EPITHET_HAS_METHOD(struct epithet_forge, f, read_file) || !f->read_file ||
	    !(f->capabilities & EPITHET_CAP_READ_FILE)) {
		s->error = xasprintf("forge '%s' cannot read files from a repository (its plugin has "
				     "no read_file, ABI 1.1), so it cannot hold a base", f->name);
		return;
	}
	s->hopt = r->opt->host;
	s->hopt.plugin_name = f->name;
	/* After the forge's own variables, the token of the target there
	 * (docs/labels-file.md, "The token for a base"). */
	s->hopt.target_token_env = s->token_env;
	/* the run's App where the base's forge has Apps, else its token */
	s->hopt.app_required = false;
	s->hopt.cache = false;
	s->hopt.dry_run = true;     /* reads only, whatever the command */
	s->hs = hostsvc_new(&s->hopt);
	if (!s->hs) {
		s->error = xstrdup("out of memory");
		return;
	}
	cfg.url = s->url;
	cfg.api_url = s->api_url;
	cfg.flags = EPITHET_CONFIG_DRY_RUN;
	rc = f->open(hostsvc_host(s->hs), &cfg, &info, &s->session, &err);
	if (rc != 0) {
		s->session = NULL;
		s->error = xasprintf("forge '%s': cannot start: %s", f->name,
				     err.message[0] ? err.message : "failed");
	}
}

static struct bases_session *session_for(struct bases_reader *r, const char *forge, const char *url,
					 const char *api_url, const char *token_env)
{
	struct bases_session *s;

	for (size_t i = 0; i < r->n_sessions; i++) {
		s = &r->sessions[i];
		if (str_same(s->forge, forge) && str_same(s->url, url) && str_same(s->api_url, api_url))
			return s;
	}
	r->sessions = xrealloc(r->sessions, (r->n_sessions + 1) * sizeof(*r->sessions));
	s = &r->sessions[r->n_sessions++];
	memset(s, 0, sizeof(*s));
	s->forge = xstrdup(forge);
	s->url = xstrdup(url);
	s->api_url = xstrdup(api_url);
	s->token_env = xstrdup(token_env);
	open_session(r, s);
	return s;
}

int bases_read(void *data, const struct lf_remote *w, char **buf, size_t *len, char **error)
{
	struct bases_reader *r = data;
	const char *forge = w->forge, *url = w->url, *api_url = w->api_url;
	struct bases_session *s;
	const struct epithet_host *host;
	struct epithet_error err = {0};
	char *out = NULL;
	size_t n = 0;
	int rc;

	*buf = NULL;
	*len = 0;
	*error = NULL;
	/* The policy has no targets: the command line says where. */
	if (!forge) {
		forge = r->forge ? r->forge : EPITHET_DEFAULT_FORGE;
		if (!url) {
			url = r->url;
			api_url = r->api_url;
		}
	}
	s = session_for(r, forge, url, api_url, w->token_env);
	if (s->error) {
		*error = xstrdup(s->error);
		return EPITHET_ERROR;
	}
	log_info("reading the base %s/%s:%s%s%s", w->owner, w->repo, w->path, w->ref ? "@" : "",
		 w->ref ? w->ref : "");
	rc = s->plugin->forge->read_file(s->session, w->owner, w->repo, w->path, w->ref, &out, &n,
					 &err);
	host = hostsvc_host(s->hs);
	if (rc != 0) {
		host->free(host->host_data, out);
		*error = xasprintf("%s%s", rc == EPITHET_ENOTFOUND ? "not found: " : "",
				   err.message[0] ? err.message : "cannot read it");
		return rc;
	}
	*buf = xmalloc(n + 1);
	if (n)
		memcpy(*buf, out, n);
	(*buf)[n] = '\0';
	*len = n;
	host->free(host->host_data, out);
	return 0;
}

void bases_reader_finish(struct bases_reader *r)
{
	for (size_t i = 0; r && i < r->n_sessions; i++) {
		struct bases_session *s = &r->sessions[i];

		if (s->plugin && s->session)
			s->plugin->forge->close(s->session);
		hostsvc_free(s->hs);
		plugin_free(s->plugin);
		free(s->forge);
		free(s->url);
		free(s->api_url);
		free(s->token_env);
		free(s->error);
	}
	if (r) {
		free(r->sessions);
		r->sessions = NULL;
		r->n_sessions = 0;
	}
}
