/* SPDX-License-Identifier: MIT */
/*
 * A main() for the fuzz targets without libFuzzer: every file named on the
 * command line, or found in a directory named there, goes through
 * LLVMFuzzerTestOneInput once, in name order. Output is TAP, one test per
 * file. A crash, a sanitizer report or an abort() fails the test, so each
 * input saved in tests/fuzz/corpus/ is a regression test of the normal build.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static char **files;
static size_t n_files, cap_files;

static void add_file(const char *path)
{
	if (n_files == cap_files) {
		cap_files = cap_files ? cap_files * 2 : 64;
		files = realloc(files, cap_files * sizeof(*files));
		if (!files)
			abort();
	}
	files[n_files] = strdup(path);
	if (!files[n_files])
		abort();
	n_files++;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect(const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	char *sub;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(path);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", path, e->d_name) < 0)
			abort();
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			add_file(sub);
		free(sub);
	}
	closedir(d);
	return 0;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (collect(argv[i]) != 0)
			failed = 1;
	qsort(files, n_files, sizeof(*files), cmp);
	printf("1..%zu\n", n_files);
	for (size_t i = 0; i < n_files; i++) {
		int rc = run_file(files[i]);

		printf("%s %zu - %s\n", rc == 0 ? "ok" : "not ok", i + 1, files[i]);
		fflush(stdout);
		failed |= rc != 0;
		free(files[i]);
	}
	free(files);
	return failed || n_files == 0;
}
