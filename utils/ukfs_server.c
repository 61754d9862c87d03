/*
 * ukfs-server: mount images in one kernel and serve its system calls to
 * librumpclient programs (and so to librumphijack) over a socket.
 *   ukfs-server [-t type] [-o ro|rw[,fsopts]] [-r root] [-c maxconn]
 *       -u unix:///path IMAGE[=/name]...
 * SIGTERM or SIGINT: close every connection, write everything back,
 * unmount and exit.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <ukfs.h>

#include "common.h"
#include "rs.h"

static const char server_usage[] =
    "usage: ukfs-server [-t type] [-o ro|rw[,options]] [-r root] "
    "[-c maxconn] -u unix:///path image[=/name] ...\n";

/* Split "ro"/"rw" out of the option list; the rest is the fs's. */
static char *
parse_options(const char *arg, int *rdwr)
{
	char *copy = strdup(arg), *out = calloc(1, strlen(arg) + 1);
	char *tok, *save = NULL;

	if (copy == NULL || out == NULL) {
		fprintf(stderr, "ukfs-server: out of memory\n");
		exit(1);
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "ro") == 0)
			*rdwr = 0;
		else if (strcmp(tok, "rw") == 0)
			*rdwr = 1;
		else {
			if (out[0] != '\0')
				strcat(out, ",");
			strcat(out, tok);
		}
	}
	free(copy);
	if (out[0] == '\0') {
		free(out);
		return NULL;
	}
	return out;
}

static void *
signal_thread(void *arg)
{
	sigset_t *set = arg;
	int sig;

	while (sigwait(set, &sig) == 0)
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
			rs_server_stop();
			break;
		}
	return NULL;
}

int
ukfs_server_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct rs_opts o;
	struct rs_image *ims;
	const char *url = NULL;
	char *fsopts = NULL;
	sigset_t set;
	pthread_t sigt;
	int ch, i, n, rv = 0;

	memset(&o, 0, sizeof(o));
	o.so_root = "/";
	while ((ch = common_getopt(argc, argv, "c:o:r:u:", &co, server_usage)) !=
	    -1) {
		switch (ch) {
		case 'c':
			o.so_maxconn = atoi(optarg);
			break;
		case 'o':
			free(fsopts);
			fsopts = parse_options(optarg, &o.so_rdwr);
			break;
		case 'r':
			o.so_root = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case '?':
			exit(1);
		default:
			usage_exit(server_usage);
		}
	}
	o.so_type = co.fstype;
	argc -= optind;
	argv += optind;
	if (url == NULL || argc < 1 || o.so_root[0] != '/')
		usage_exit(server_usage);
	o.so_options = fsopts;

	/* signals go to one thread; a dead client is an error, not a signal */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (ukfs_init() == -1) {
		fprintf(stderr, "ukfs-server: %s\n", ukfs_errmsg());
		return 1;
	}
	ims = calloc((size_t)argc, sizeof(*ims));
	if (ims == NULL)
		return 1;
	for (n = 0; n < argc; n++)
		if (rs_image_mount(&ims[n], argv[n], (unsigned)n, &o) == -1) {
			rs_image_unmount(&ims[n]);
			rv = 1;
			break;
		}
	if (rv == 0) {
		pthread_create(&sigt, NULL, signal_thread, &set);
		if (rs_server_run(url, &o) == -1)
			rv = 1;
		pthread_cancel(sigt);
		pthread_join(sigt, NULL);
	}
	/* everything back to the images before the exit */
	if (o.so_rdwr && n > 0 && rump_sys_sync() == -1) {
		fprintf(stderr, "ukfs-server: sync: %s\n", strerror(errno));
		rv = 1;
	}
	for (i = n - 1; i >= 0; i--)
		if (rs_image_unmount(&ims[i]) == -1)
			rv = 1;
	free(ims);
	free(fsopts);
	return rv;
}
