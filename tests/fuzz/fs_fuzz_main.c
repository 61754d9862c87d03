/*
 * Replay driver for the fuzz target, without libFuzzer: runs
 * fs_fuzz_one() over each file named (a directory: over its files, in
 * name order; gzip files are unpacked first) and prints what each did.  A crash
 * or kernel bug aborts, as under the fuzzer, so a saved crash input replays
 * here under gdb.
 *
 *   fs_fuzz_replay [-m] FILE|DIR...
 *
 * -m: every input must mount and walk without a failed call (for the
 * seed images, which are made by the standard tools); exit 1 otherwise.
 * FUZZ_FSTYPE in the environment picks the file-system type.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fs_fuzz.h"

static bool must_mount;
static int nfailed;

/* The whole file, gunzipped if it is gzip (regression inputs are kept
 * compressed: images are mostly zeros). */
static uint8_t *
slurp(const char *path, size_t *sizep)
{
	uint8_t *buf = NULL;
	size_t size = 0, cap = 0;
	gzFile gz = gzopen(path, "rb");
	int n;

	if (gz == NULL)
		return NULL;
	do {
		if (size == cap) {
			uint8_t *nbuf;

			cap = cap ? cap * 2 : 65536;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				perror("realloc");
				exit(2);
			}
			buf = nbuf;
		}
		n = gzread(gz, buf + size, (unsigned)(cap - size));
		if (n > 0)
			size += (size_t)n;
	} while (n > 0);
	if (n < 0) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	gzclose(gz);
	*sizep = size;
	return buf;
}

static void
replay_file(const char *path)
{
	struct fuzz_stats st;
	uint8_t *data;
	size_t size;

	if ((data = slurp(path, &size)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		nfailed++;
		return;
	}
	fs_fuzz_one(data, size, &st);
	free(data);
	if (st.mount_error != 0)
		printf("%s: %zu bytes: mount: %s\n", path, size,
		    strerror(st.mount_error));
	else
		printf("%s: %zu bytes: %u entries, %llu bytes read, "
		       "%u failed calls, %u bad names%s%s\n",
		    path, size, st.entries, (unsigned long long)st.bytes,
		    st.errors, st.badnames,
		    st.write_error > 0 ? "; read-write mount: " : "",
		    st.write_error > 0 ? strerror(st.write_error) : "");
	if (must_mount && (st.mount_error != 0 || st.errors != 0)) {
		printf("%s: FAIL: a clean image must mount and read\n", path);
		nfailed++;
	}
	fflush(stdout);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
replay_dir(const char *dir)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		nfailed++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL) {
				perror("realloc");
				exit(2);
			}
		}
		if (asprintf(&names[n++], "%s/%s", dir, de->d_name) < 0) {
			perror("asprintf");
			exit(2);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat sb;

		if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode))
			replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	int ch;

	while ((ch = getopt(argc, argv, "m")) != -1) {
		switch (ch) {
		case 'm':
			must_mount = true;
			break;
		default:
			fprintf(
			    stderr, "usage: %s [-m] FILE|DIR...\n", argv[0]);
			return 2;
		}
	}
	fs_fuzz_init(argv[0]);
	for (int i = optind; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("%s: %d failed\n", fs_fuzz_fstype(), nfailed);
	return nfailed ? 1 : 0;
}
