/* SPDX-License-Identifier: MIT */
/*
 * cacert.c — --cacert checked when it is given: a readable file holding at
 * least one PEM certificate. libcurl would only find out at the first TLS
 * handshake of each target (and never on http://), as a failed request
 * rather than the bad argument it is.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

int hostsvc_cacert_check(const char *path, char *why, size_t n)
{
	struct stat st;
	X509 *cert;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		snprintf(why, n, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		snprintf(why, n, "%s", strerror(EISDIR));
		return -1;
	}
	/* the first certificate; other PEM blocks and text before it are skipped */
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	if (!cert) {
		snprintf(why, n, "no PEM certificate in it");
		return -1;
	}
	X509_free(cert);
	return 0;
}
