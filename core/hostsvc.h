/* SPDX-License-Identifier: MIT */
/*
 * The host services behind struct epithet_host (include/epithet/host.h): HTTP
 * over libcurl with the session's token, pacing of writes, rate-limit
 * handling, retries, pagination, path escaping; and the token lookup.
 *
 * One hostsvc per plugin session. All HTTP of the process goes through one
 * shared connection pool (curl share: connections, DNS, TLS sessions).
 * Every service is safe to call from several threads.
 *
 * The rest of core/ uses this header only. The services live in core/host/,
 * one room per concern (each file's header says which); core/host/internal.h
 * is what the rooms share among themselves.
 */
#ifndef EPITHET_CORE_HOSTSVC_H
#define EPITHET_CORE_HOSTSVC_H

#include <stdbool.h>
#include <stdint.h>

#include "epithet/host.h"

struct app_cred;

/* What the user said that the host services need. Borrowed: must outlive
 * the hostsvc. */
struct hostsvc_options {
	const char *plugin_name;     /* for log prefixes: "[NAME]" */
	bool dry_run;                /* refuse every non-GET request (defence in depth) */
	long write_interval_ms;      /* --write-interval in ms; -1 = the endpoint's default */
	long max_wait_s;             /* --max-wait: longest rate-limit wait (default 900) */
	const char *token_file;      /* --token-file, or NULL */
	const char *target_token_env;/* a labels-file target's token_env, or NULL */
	const char *cacert;          /* --cacert, or NULL */
	const char *user_agent;      /* "epithet/VERSION" */
	bool cache;                  /* use the conditional-request cache (cache.h) */
	/* The plugin may write to different repos from several threads at
	 * once (EPITHET_CAP_CONCURRENT_WRITES): writes that nothing paces (no
	 * interval, no cap per minute or hour) are then not serialised. */
	bool concurrent_writes;
	/* App authentication (appauth.h): used instead of any token where
	 * the endpoint has an App token exchange. Without one, set_endpoint
	 * refuses them when @app_required, else looks for a token as usual. */
	const struct app_cred *app;  /* borrowed, or NULL */
	bool app_required;
	const char *owner;           /* the target's owner: requests naming none act for it */
};

/* Counters, for --verbose, json output and the tests. */
struct hostsvc_stats {
	uint64_t requests;       /* HTTP requests sent (retries included) */
	uint64_t reads;          /* GET requests sent */
	uint64_t writes;         /* non-GET requests sent */
	uint64_t not_modified;   /* 304 answers */
	uint64_t retries;        /* requests sent again after a failure */
	uint64_t connections;    /* connections opened (TCP, and TLS): the rest were reused */
	uint64_t request_ms;     /* time spent sending requests and reading answers */
	uint64_t waited_ms;      /* time spent waiting for pacing or rate limits */
	long rate_remaining;     /* last x-ratelimit-remaining seen, -1 if none */
	long rate_limit;         /* last x-ratelimit-limit seen, -1 if none */
};

struct hostsvc;

/* Process-wide set-up and tear-down (curl_global_init, the shared pool). */
int hostsvc_global_init(void);
void hostsvc_global_cleanup(void);

/* A new host for one session. NULL when out of memory. */
struct hostsvc *hostsvc_new(const struct hostsvc_options *opt);
/* The struct to hand to the plugin's open(); valid until hostsvc_free. */
const struct epithet_host *hostsvc_host(struct hostsvc *h);
/* Where the token came from ("EPITHET_TOKEN", "--token-file", "~/.netrc"), or NULL
 * when there is none. Never the token itself. */
const char *hostsvc_token_source(const struct hostsvc *h);
void hostsvc_stats(const struct hostsvc *h, struct hostsvc_stats *out);

/*
 * How long @n writes take, in ms from the first one's start to the last
 * one's answer, when each takes @write_ms, the next starts @interval_ms
 * after the previous answer, and at most @per_minute start in any minute
 * and @per_hour in any hour (0: no cap). Pure (core/host/estimate.c).
 */
uint64_t hostsvc_pace_estimate_ms(uint64_t n, uint64_t write_ms, uint64_t interval_ms,
				  uint32_t per_minute, uint32_t per_hour);
/* The same at this session's pace, a write taking as long as its requests
 * so far did on average, for @n writes that come after @before others in
 * the same windows (another target's on the same pacing, see
 * hostsvc_shares_pacing): the time the @n add. *paced (optional) says
 * whether the pace makes them take longer than back to back (an interval,
 * or a cap that binds). */
uint64_t hostsvc_writes_estimate_ms(const struct hostsvc *h, uint64_t before, uint64_t n,
				    bool *paced);
/* Whether @a and @b pace their writes as one: the same credentials on the
 * same origin (two owners on one forge), one write lock and one window. */
bool hostsvc_shares_pacing(const struct hostsvc *a, const struct hostsvc *b);
/* App authentication is in use, and an owner failed with it (not
 * installed, or its renewed token refused too). */
bool hostsvc_app_used(const struct hostsvc *h);
bool hostsvc_app_failed(const struct hostsvc *h);
/* Whether writes are paced (an interval between writes, or writes per
 * minute or hour): then they go one at a time, whatever the plugin allows
 * (SPEC 11). Known once the plugin's open() has set the endpoint. */
bool hostsvc_writes_paced(struct hostsvc *h);
void hostsvc_free(struct hostsvc *h);

/*
 * Token lookup, first found wins: EPITHET_TOKEN; each of @env_names
 * (NULL-terminated, may be NULL); @target_env; the first line of @token_file;
 * the ~/.netrc (or $NETRC) password for @host. Empty values are skipped.
 * On success *out is a malloc'd token and *source names where it came from
 * (static or from @env_names; never the token). Returns 0 when found,
 * EPITHET_ENOTFOUND when there is none, or a negative status with @err set
 * when --token-file cannot be read.
 */
int hostsvc_token_lookup(const char *const *env_names, const char *target_env,
			 const char *token_file, const char *host, char **out,
			 const char **source, struct epithet_error *err);

/* Whether @path (--cacert) is a readable file holding a PEM certificate:
 * 0, or -1 with the reason in @why (@n bytes). */
int hostsvc_cacert_check(const char *path, char *why, size_t n);

/* Percent-encode one path segment (see epithet_host::escape_segment).
 * malloc'd; NULL when out of memory. */
char *hostsvc_escape_segment(const char *s);

/*
 * Parse an RFC 8288 Link header and return the URL of rel="next" (malloc'd),
 * or NULL when there is none.
 */
char *hostsvc_link_next(const char *link);

/*
 * Test hook: EPITHET_TEST_FAST_RETRY=1 in the environment (read by
 * hostsvc_new) divides the delays the host picks itself by 100: retry
 * backoff and the 60 s wait after a secondary rate limit without
 * Retry-After. Server-given waits and write pacing are unchanged.
 */

/* Ask every session to stop at the next request boundary (SIGINT/SIGTERM). */
void hostsvc_interrupt(void);
bool hostsvc_interrupted(void);

#endif
