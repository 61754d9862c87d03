/*
 * ukfs-run: run a host command on an image without mounting it.
 *   ukfs-run [-t type] [-o ro|rw[,options]] [-p prefix] image -- command...
 * Starts a private ukfs-server on a socket in a fresh directory, runs the
 * command with librumphijack preloaded (the image's root at the prefix,
 * /img by default), then stops the server, which writes everything back.
 * The exit status is the command's; 1 when the server could not be
 * started or failed to write back, with its message.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ukfs.h>

#include "common.h"

static pid_t child = -1;

static const char run_usage[] =
    "usage: ukfs-run [-t type] [-o ro|rw[,options]] [-p prefix] image -- "
    "command [argument ...]\n";

static void
forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* dir of this program; the server and the library are found from it */
static int
self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

/*
 * The hijack library: beside libukfs (an installed system, where the
 * libraries live in a multiarch directory), else in ../lib from the
 * program (the build tree).  0, or -1 when there is none.
 */
static int
find_hijack(const char *dir, char *lib, size_t len)
{
	static const char *const names[] = {
	    "librumphijack.so.1", "librumphijack.so"};
	char ldir[PATH_MAX], *slash;
	Dl_info info;
	size_t i;

	ldir[0] = '\0';
	if (dladdr((void *)ukfs_init, &info) != 0 && info.dli_fname != NULL &&
	    realpath(info.dli_fname, ldir) != NULL &&
	    (slash = strrchr(ldir, '/')) != NULL)
		*slash = '\0';
	for (i = 0; i < 2 * (sizeof(names) / sizeof(names[0])); i++) {
		if (i < 2)
			snprintf(lib, len, "%s/%s", ldir, names[i]);
		else
			snprintf(lib, len, "%s/../lib/%s", dir, names[i - 2]);
		if ((i >= 2 || ldir[0] != '\0') && access(lib, R_OK) == 0)
			return 0;
	}
	return -1;
}

static int
can_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd, ok;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

/* Start the server; wait until it answers.  Its pid, or -1. */
static pid_t
start_server(const char *server, char **sargv, const char *sock)
{
	pid_t pid;
	int st, i;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		execv(server, sargv);
		fprintf(stderr, "ukfs-run: %s: %s\n", server, strerror(errno));
		_exit(127);
	}
	for (i = 0; i < 3000; i++) { /* 60 s */
		if (waitpid(pid, &st, WNOHANG) == pid)
			return -1; /* it said why */
		if (access(sock, F_OK) == 0 && can_connect(sock))
			return pid;
		usleep(20000);
	}
	fprintf(stderr, "ukfs-run: the server does not answer\n");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int
run_command(char **argv, const char *lib, const char *url, const char *prefix)
{
	char *preload, hijack[PATH_MAX + 8];
	const char *old = getenv("LD_PRELOAD");
	struct sigaction sa;
	int st;

	/* after what is preloaded already (a sanitizer's runtime first) */
	if (asprintf(&preload, "%s%s%s", old && *old ? old : "",
	        old && *old ? " " : "", lib) == -1)
		return 1;
	snprintf(hijack, sizeof(hijack), "path=%s", prefix);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if ((child = fork()) == -1) {
		perror("ukfs-run: fork");
		return 1;
	}
	if (child == 0) {
		setenv("LD_PRELOAD", preload, 1);
		setenv("RUMP_SERVER", url, 1);
		setenv("RUMPHIJACK", hijack, 1);
		unsetenv("RUMPHIJACK_CWD");
		execvp(argv[0], argv);
		fprintf(stderr, "ukfs-run: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	free(preload);
	while (waitpid(child, &st, 0) == -1)
		if (errno != EINTR)
			return 1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int
ukfs_run_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	char dir[PATH_MAX], server[PATH_MAX + 16], lib[PATH_MAX + 32];
	char tmp[] = "/tmp/ukfs-run.XXXXXX", sock[64], url[80];
	char *sargv[16];
	const char *type = NULL, *opts = NULL, *prefix = "/img";
	pid_t spid;
	int ch, n = 0, rv, st;

	while ((ch = common_getopt(argc, argv, "+o:p:", &co, run_usage)) != -1) {
		switch (ch) {
		case 'o':
			opts = optarg;
			break;
		case 'p':
			prefix = optarg;
			break;
		case '?':
			exit(1);
		default:
			usage_exit(run_usage);
		}
	}
	type = co.fstype;
	argc -= optind;
	argv += optind;
	if (argc < 3 || strcmp(argv[1], "--") != 0 || prefix[0] != '/' ||
	    strlen(prefix) >= PATH_MAX)
		usage_exit(run_usage);
	if (self_dir(dir, sizeof(dir)) == -1) {
		fprintf(stderr, "ukfs-run: cannot find where I am\n");
		return 1;
	}
	snprintf(server, sizeof(server), "%s/ukfs-server", dir);
	if (find_hijack(dir, lib, sizeof(lib)) == -1) {
		fprintf(stderr, "ukfs-run: librumphijack.so not found beside "
		                "libukfs or in %s/../lib\n",
		    dir);
		return 1;
	}
	if (mkdtemp(tmp) == NULL) {
		perror("ukfs-run: mkdtemp");
		return 1;
	}
	snprintf(sock, sizeof(sock), "%s/sock", tmp);
	snprintf(url, sizeof(url), "unix://%s", sock);
	sargv[n++] = server;
	sargv[n++] = "-r";
	sargv[n++] = "/img0";
	sargv[n++] = "-u";
	sargv[n++] = url;
	if (type != NULL) {
		sargv[n++] = "-t";
		sargv[n++] = (char *)type;
	}
	if (opts != NULL) {
		sargv[n++] = "-o";
		sargv[n++] = (char *)opts;
	}
	sargv[n++] = argv[0];
	sargv[n] = NULL;
	if ((spid = start_server(server, sargv, sock)) == -1) {
		rmdir(tmp);
		return 1;
	}
	rv = run_command(argv + 2, lib, url, prefix);
	kill(spid, SIGTERM);
	while (waitpid(spid, &st, 0) == -1 && errno == EINTR)
		;
	rmdir(tmp);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "ukfs-run: the server failed (%s %d): "
		    "changes may be lost\n", WIFEXITED(st) ? "status" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return rv != 0 ? rv : 1;
	}
	return rv;
}
