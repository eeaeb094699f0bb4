/* SPDX-License-Identifier: MIT */
/*
 * App credentials and the JWT they sign (appauth.h, first half): the PEM
 * private key loaded with libcrypto (PKCS#1 or PKCS#8), base64url, the
 * claims, the RS256 signature, the renewal decision and RFC 3339 times.
 * Every copy of a secret made here is wiped before it is freed.
 */
#include "appauth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/* A key file bigger than this is not a PEM private key. */
#define KEY_FILE_MAX (64 * 1024)
#define APP_ID_MAX 64

struct app_cred {
	char id[APP_ID_MAX + 1];
	EVP_PKEY *key;
};

void app_wipe_free(char *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

bool app_id_valid(const char *id)
{
	size_t n;

	if (!id || !*id)
		return false;
	n = strlen(id);
	if (n > APP_ID_MAX)
		return false;
	/* a numeric App id, or a client id ("Iv1.0123abcd", "Iv23li...") */
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return false;
	return true;
}

const char *app_cred_id(const struct app_cred *c)
{
	return c ? c->id : NULL;
}

void app_cred_free(struct app_cred *c)
{
	if (!c)
		return;
	/* libcrypto clears an RSA key's private numbers when it frees them */
	EVP_PKEY_free(c->key);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

/* Never ask for a passphrase (PEM_read_bio_PrivateKey would prompt on the
 * terminal): an encrypted key is refused like a malformed one. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int app_cred_from_pem(const char *app_id, const char *pem, size_t len, const char *where,
		      struct app_cred **out, char *msg, size_t msg_len)
{
	struct app_cred *c;
	BIO *bio;

	*out = NULL;
	if (!app_id_valid(app_id)) {
		snprintf(msg, msg_len, "invalid App id '%.64s': expected the App's number (or client id)",
			 app_id ? app_id : "");
		return EPITHET_EINVALID;
	}
	c = calloc(1, sizeof(*c));
	bio = len <= (size_t)KEY_FILE_MAX ? BIO_new_mem_buf(pem, (int)len) : NULL;
	if (!c || !bio) {
		free(c);
		BIO_free(bio);
		snprintf(msg, msg_len, "%s: %s", where, len > KEY_FILE_MAX ? "too large for a private key"
									     : "out of memory");
		return len > KEY_FILE_MAX ? EPITHET_EINVALID : EPITHET_ENOMEM;
	}
	snprintf(c->id, sizeof(c->id), "%s", app_id);
	c->key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (!c->key || EVP_PKEY_get_base_id(c->key) != EVP_PKEY_RSA) {
		snprintf(msg, msg_len, "%s: %s", where,
			 c->key ? "not an RSA key (the App's private key is RSA)"
				: "not a PEM private key (PKCS#1 \"RSA PRIVATE KEY\" or PKCS#8 "
				  "\"PRIVATE KEY\", unencrypted)");
		app_cred_free(c);
		return EPITHET_EINVALID;
	}
	*out = c;
	return 0;
}

/* Read a key file whole with read(2): no stdio buffer keeps a copy of it. */
static int read_secret_file(const char *path, char **out, size_t *len)
{
	struct stat st = {0};
	char *buf;
	size_t n = 0;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

	*out = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > KEY_FILE_MAX) {
		saved = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		close(fd);
		return -saved;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (n < (size_t)st.st_size &&
	       ((got = read(fd, buf + n, (size_t)st.st_size - n)) > 0 || (got < 0 && errno == EINTR)))
		n += got > 0 ? (size_t)got : 0;
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int app_cred_from_file(const char *app_id, const char *path, const char *where,
		       struct app_cred **out, char *msg, size_t msg_len)
{
	char *buf = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	rc = read_secret_file(path, &buf, &n);
	if (rc == -ENOMEM) {
		snprintf(msg, msg_len, "out of memory");
		return EPITHET_ENOMEM;
	}
	if (rc != 0) {
		snprintf(msg, msg_len, "%s %s: %s", where, path,
			 rc == -EFBIG ? "too large for a private key"
			 : rc == -EINVAL ? "not a regular file" : strerror(-rc));
		return EPITHET_EINVALID;
	}
	rc = app_cred_from_pem(app_id, buf, n, where, out, msg, msg_len);
	if (rc != 0 && strncmp(msg, where, strlen(where)) == 0) {
		/* name the file too: "--app-key k.pem: not a PEM private key" */
		char again[256];

		snprintf(again, sizeof(again), "%s", msg + strlen(where));
		snprintf(msg, msg_len, "%s %s%s", where, path, again);
	}
	OPENSSL_cleanse(buf, n);
	free(buf);
	return rc;
}

/* ---- the JWT -------------------------------------------------------------- */

char *app_base64url(const unsigned char *data, size_t n)
{
	size_t cap = 4 * ((n + 2) / 3) + 1, len;
	char *out;

	if (n > (size_t)1 << 28)
		return NULL;
	out = malloc(cap);
	if (!out)
		return NULL;
	len = (size_t)EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (char *p = out; *p; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	}
	return out;
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int app_jwt_claims(const char *app_id, time_t now, char *buf, size_t n)
{
	long long iat = (long long)now - APP_JWT_BACKDATE_S;
	int len;

	/* the id is checked (app_id_valid): nothing in it needs escaping */
	if (!app_id_valid(app_id))
		return -1;
	len = snprintf(buf, n, all_digits(app_id) ? "{\"iat\":%lld,\"exp\":%lld,\"iss\":%s}"
						   : "{\"iat\":%lld,\"exp\":%lld,\"iss\":\"%s\"}",
		       iat, iat + APP_JWT_LIFE_S, app_id);
	return len < 0 || (size_t)len >= n ? -1 : len;
}

/* The RS256 signature of @input, base64url, or NULL. */
static char *rs256(EVP_PKEY *key, const char *input)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	char *out = NULL;

	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, &sig_len, (const unsigned char *)input, strlen(input)) != 1)
		goto out;
	sig = malloc(sig_len);
	if (!sig || EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)input, strlen(input)) != 1)
		goto out;
	out = app_base64url(sig, sig_len);
out:
	ERR_clear_error();
	free(sig);
	EVP_MD_CTX_free(md);
	return out;
}

char *app_jwt_sign(const struct app_cred *c, time_t now)
{
	static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	char claims[256], *h64 = NULL, *c64 = NULL, *input = NULL, *sig = NULL, *jwt = NULL;
	int n;

	if (!c || (n = app_jwt_claims(c->id, now, claims, sizeof(claims))) < 0)
		return NULL;
	h64 = app_base64url((const unsigned char *)header, sizeof(header) - 1);
	c64 = app_base64url((const unsigned char *)claims, (size_t)n);
	if (!h64 || !c64 || asprintf(&input, "%s.%s", h64, c64) < 0) {
		input = NULL;
		goto out;
	}
	sig = rs256(c->key, input);
	if (sig && asprintf(&jwt, "%s.%s", input, sig) < 0)
		jwt = NULL;
out:
	free(h64);
	free(c64);
	free(input);
	app_wipe_free(sig);
	return jwt;
}

bool app_token_needs_renewal(time_t now, time_t issued, time_t expires)
{
	time_t left = expires - now;

	if (expires - issued >= APP_RENEW_BEFORE_S)
		return left < APP_RENEW_BEFORE_S;
	return left < APP_RENEW_SHORT_S;
}

bool app_parse_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *p;
	long off = 0;
	int hh, mm;

	if (!s)
		return false;
	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return false;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2 &&
		   strlen(p) == 6) {
		off = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return false;
	}
	if (*p)
		return false;
	*out = timegm(&tm) - off;
	return true;
}
