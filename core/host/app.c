/* SPDX-License-Identifier: MIT */
/*
 * app.c — App authentication in the host (SPEC.md 10, ../appauth.h): the
 * session's App token cache, made from the endpoint's app_* members; each
 * request sent with the installation token of the owner it acts for
 * (epithet_http_request.owner, else the target's), and after an unexpected
 * 401 one renewal and one more send; the App's own requests (installation
 * lookups, token exchanges) through the policy loop. Holds no secret itself:
 * the key, the JWTs and the tokens live in ../appauth.c, and the header of
 * one call is wiped as soon as it was sent.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../appauth.h"

int hs_app_exchange(struct hostsvc *h, const struct epithet_http_request *req, struct call *c,
		    const char *url, struct response **out, struct epithet_error *err)
{
	const char *owner = NULL, *repo = NULL;
	char *auth = NULL;
	unsigned gen = 0;
	int rc;

	/* off the API origin, or asked for none, no token goes */
	if ((c->flags & EPITHET_HTTP_NO_AUTH) || !hs_same_origin(h->origin, url))
		return hs_exchange(h, c, url, out, err);
	if (EPITHET_HAS_MEMBER(struct epithet_http_request, req, owner))
		owner = req->owner;
	if (EPITHET_HAS_MEMBER(struct epithet_http_request, req, repo))
		repo = req->repo;
	if (!owner)
		owner = h->opt.owner;
	for (int attempt = 0;; attempt++) {
		rc = app_session_header(h->app, owner, repo, &auth, &gen, err);
		if (rc)
			break;
		c->auth = auth;
		rc = hs_exchange(h, c, url, out, err);
		c->auth = NULL;
		app_wipe_free(auth);
		auth = NULL;
		if (rc || (*out)->pub.status != 401 || !app_session_refused(h->app, owner, gen) ||
		    attempt > 0)
			break;
		hlog(h, EPITHET_LOG_INFO, "the installation token for '%s' was refused (401): renewing it",
		     owner);
		hs_response_free(*out);
		*out = NULL;
	}
	return rc;
}

/* app_send_fn: the App's own requests through the policy loop: retried
 * like reads, never paced (they change no label) nor refused in a dry run,
 * never cached, on a budget of their own. */
static int app_send(void *ctx, const char *method, const char *path, const char *auth,
		    int *status, char **body, size_t *len, struct epithet_error *err)
{
	struct hostsvc *h = ctx;
	struct call c = {.method = method, .is_read = true, .other_budget = true,
			 .idempotent = true, .flags = EPITHET_HTTP_NO_CACHE, .auth = auth};
	struct response *resp = NULL;
	char *url = hs_resolve_url(h->api_root, path);
	int rc;

	if (!url) {
		hs_error_set(err, EPITHET_EINVALID, 0, "App authentication: bad path %.200s", path);
		return EPITHET_EINVALID;
	}
	rc = hs_exchange(h, &c, url, &resp, err);
	free(url);
	if (rc)
		return rc;
	*status = resp->pub.status;
	*body = resp->body;
	*len = resp->len;
	resp->body = NULL;
	hs_response_free(resp);
	return 0;
}

int hs_app_endpoint(struct hostsvc *h, const struct epithet_endpoint *ep,
		    struct epithet_error *err)
{
	struct app_session_config cfg = {0};

	if (!h->opt.app)
		return 1;
	if (!EPITHET_HAS_MEMBER(struct epithet_endpoint, ep, app_token_exchange) ||
	    !ep->app_token_exchange || !ep->app_owner_installation) {
		if (!h->opt.app_required)
			return 1;
		hs_error_set(err, EPITHET_EINVALID, 0,
			     "App credentials (App %s) do not apply to this forge: it has no App authentication",
			     app_cred_id(h->opt.app));
		return EPITHET_EINVALID;
	}
	cfg.cred = h->opt.app;
	cfg.auth_scheme = ep->auth_scheme ? ep->auth_scheme : "Bearer";
	cfg.owner_paths = ep->app_owner_installation;
	cfg.repo_path = ep->app_repo_installation;
	cfg.exchange_path = ep->app_token_exchange;
	cfg.send = app_send;
	cfg.send_ctx = h;
	cfg.escape = hostsvc_escape_segment;
	h->app = app_session_new(&cfg);
	if (asprintf(&h->token_source, "App %s", app_cred_id(h->opt.app)) < 0)
		h->token_source = NULL;
	if (!h->app || !h->token_source) {
		hs_error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
	}
	hlog(h, EPITHET_LOG_DEBUG, "authenticating as the %s, with a token per owner", h->token_source);
	return 0;
}

void hs_app_clear(struct hostsvc *h)
{
	app_session_free(h->app);
	h->app = NULL;
}

bool hostsvc_app_used(const struct hostsvc *h)
{
	return h && h->app;
}

bool hostsvc_app_failed(const struct hostsvc *h)
{
	return h && app_session_failed(h->app);
}
