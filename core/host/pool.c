/* SPDX-License-Identifier: MIT */
/*
 * pool.c — libcurl's process-wide state: curl_global_init, one CURLSH for
 * DNS answers and TLS sessions (a mutex per kind of data), and a small pool
 * of easy handles. Each request runs on a handle taken from the pool and
 * given back afterwards; curl_easy_reset() keeps a handle's live
 * connections, so keep-alive and HTTP/2 connections are reused by whichever
 * thread takes the handle next. The connection cache itself is deliberately
 * NOT put in the share: libcurl documents that sharing connections between
 * concurrent threads is unsupported (a known bug, curl issues 4544, 9404,
 * 13840: crashes in the connection cache), and a pool of handles gives the
 * same reuse with none of the risk. Writes reuse connections too
 * (keepalive.c says why that never applies one twice). Sets no request
 * option, knows nothing of the session.
 */
#include "internal.h"

#include <pthread.h>

#define POOL_MAX 16

static struct {
	pthread_mutex_t lock;    /* guards everything below */
	unsigned users;          /* hostsvc_global_init() calls not yet cleaned up */
	CURLSH *share;
	CURL *idle[POOL_MAX];
	size_t n_idle;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* One per curl_lock_data, as CURLSHOPT_LOCKFUNC asks. */
static pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userp)
{
	(void)handle;
	(void)access;
	(void)userp;
	if ((unsigned)data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&share_locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userp)
{
	(void)handle;
	(void)userp;
	if ((unsigned)data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&share_locks[data]);
}

int hostsvc_global_init(void)
{
	int rc = EPITHET_ERROR;
	size_t i;

	pthread_mutex_lock(&pool.lock);
	if (pool.users > 0) {
		pool.users++;
		rc = 0;
		goto cleanup;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		goto cleanup;
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&share_locks[i], NULL);
	pool.share = curl_share_init();
	if (!pool.share ||
	    curl_share_setopt(pool.share, CURLSHOPT_LOCKFUNC, share_lock) != CURLSHE_OK ||
	    curl_share_setopt(pool.share, CURLSHOPT_UNLOCKFUNC, share_unlock) != CURLSHE_OK ||
	    curl_share_setopt(pool.share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
	    curl_share_setopt(pool.share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
		curl_share_cleanup(pool.share);
		pool.share = NULL;
		for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
			pthread_mutex_destroy(&share_locks[i]);
		curl_global_cleanup();
		goto cleanup;
	}
	pool.users = 1;
	rc = 0;
cleanup:
	pthread_mutex_unlock(&pool.lock);
	return rc;
}

void hostsvc_global_cleanup(void)
{
	size_t i;

	pthread_mutex_lock(&pool.lock);
	if (pool.users == 0 || --pool.users > 0)
		goto cleanup;
	/* handles first: they hold references to the share */
	for (i = 0; i < pool.n_idle; i++)
		curl_easy_cleanup(pool.idle[i]);
	pool.n_idle = 0;
	curl_share_cleanup(pool.share);
	pool.share = NULL;
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&share_locks[i]);
	curl_global_cleanup();
cleanup:
	pthread_mutex_unlock(&pool.lock);
}

bool hs_pool_ready(void)
{
	bool ready;

	pthread_mutex_lock(&pool.lock);
	ready = pool.users > 0;
	pthread_mutex_unlock(&pool.lock);
	return ready;
}

/* A handle set to use the share, or NULL. */
CURL *hs_pool_get(void)
{
	CURL *c = NULL;
	CURLSH *share;

	pthread_mutex_lock(&pool.lock);
	share = pool.share;
	if (share && pool.n_idle > 0)
		c = pool.idle[--pool.n_idle];
	pthread_mutex_unlock(&pool.lock);
	if (!share)
		return NULL;
	if (c)
		curl_easy_reset(c); /* keeps the live connections */
	else
		c = curl_easy_init();
	if (c)
		curl_easy_setopt(c, CURLOPT_SHARE, share);
	return c;
}

void hs_pool_put(CURL *c)
{
	pthread_mutex_lock(&pool.lock);
	if (pool.users > 0 && pool.n_idle < POOL_MAX) {
		pool.idle[pool.n_idle++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&pool.lock);
	if (c)
		curl_easy_cleanup(c);
}
