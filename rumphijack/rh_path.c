/*
 * Which paths are the server's.  RUMPHIJACK is a comma-separated list;
 * "path=/img" makes /img and everything under it the server's root.  A
 * relative path is the server's while the current directory is (after a
 * chdir under the prefix), or when its directory descriptor is.
 * Absolute paths are cleaned lexically before the prefix is compared
 * ("/img/../etc" is the host's /etc).
 *
 * The current directory under the prefix is kept here, in host form, and
 * relative names are made absolute with it, so that it can go on across
 * exec: RUMPHIJACK_CWD carries it to the next program (rh_exec.c).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

static char prefix[RH_PATHMAX];
static size_t prefixlen;
static const char *prefixname; /* its last component */
static pthread_mutex_t cwd_lock = PTHREAD_MUTEX_INITIALIZER;
static char cwd[RH_PATHMAX]; /* host form; "" when the host's */

void *
rh_dlsym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (p == NULL)
		abort(); /* the C library lacks a function it declares */
	return p;
}

__attribute__((constructor)) static void
rh_init(void)
{
	const char *env = getenv("RUMPHIJACK");
	char buf[RH_PATHMAX], *tok, *save = NULL;

	if (env == NULL || strlen(env) >= sizeof(buf))
		return;
	strcpy(buf, env);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "path=", 5) == 0 && tok[5] == '/') {
			strcpy(prefix, tok + 5);
			rh_clean(prefix);
			prefixlen = strcmp(prefix, "/") == 0 ? 0 : strlen(prefix);
			prefixname = strrchr(prefix, '/') + 1;
		}
	}
	/* our connection stays out of the way of the program's numbers */
	rumpclient_movefd(1000);
	rh_fd_adopt();
	env = getenv(RH_CWDENV);
	if (env != NULL && env[0] == '/' && strlen(env) < sizeof(cwd)) {
		strcpy(buf, env);
		rh_clean(buf);
		if (prefix[0] != '\0' && strncmp(buf, prefix, prefixlen) == 0 &&
		    (buf[prefixlen] == '/' || buf[prefixlen] == '\0'))
			strcpy(cwd, buf);
	}
}

void
rh_clean(char *path)
{
	char *out = path, *p = path;

	/* out: what is kept so far, always starting with "/" */
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0')) {
			p++;
			continue;
		}
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0')) {
			p += 2;
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		while (*p != '\0' && *p != '/')
			*out++ = *p++;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* Is the clean absolute path under the prefix?  Its server form to rpath. */
static int
under_prefix(const char *path, char *rpath)
{
	char buf[RH_PATHMAX];

	if (strlen(path) >= sizeof(buf))
		return -1;
	strcpy(buf, path);
	rh_clean(buf);
	if (strncmp(buf, prefix, prefixlen) != 0 ||
	    (buf[prefixlen] != '/' && buf[prefixlen] != '\0'))
		return 0;
	strcpy(rpath, buf[prefixlen] == '\0' ? "/" : buf + prefixlen);
	return 1;
}

/*
 * Could the relative path, from a host directory, lead under the prefix?
 * Only if it names the prefix's last component or goes up.
 */
static int
may_enter(const char *path)
{
	size_t n = strlen(prefixname);
	const char *p;

	if (n == 0)
		return 0;
	for (p = path; (p = strstr(p, prefixname)) != NULL; p++)
		if ((p == path || p[-1] == '/') && (p[n] == '/' || p[n] == '\0'))
			return 1;
	return strstr(path, "..") != NULL;
}

/* A relative path from host directory dirfd (or the host's cwd). */
static enum rh_where
from_host_dir(int dirfd, const char *path, char *rpath)
{
	char dir[RH_PATHMAX], full[RH_PATHMAX];
	ssize_t n;

	if (!may_enter(path))
		return RH_HOST;
	if (dirfd == AT_FDCWD) {
		if (REAL(getcwd)(dir, sizeof(dir)) == NULL)
			return RH_HOST;
	} else {
		snprintf(full, sizeof(full), "/proc/self/fd/%d", dirfd);
		n = REAL(readlink)(full, dir, sizeof(dir) - 1);
		if (n <= 0 || dir[0] != '/')
			return RH_HOST;
		dir[n] = '\0';
	}
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", dir, path) >=
	    sizeof(full))
		return RH_HOST;
	return under_prefix(full, rpath) == 1 ? RH_RUMP : RH_HOST;
}

enum rh_where
rh_path(int dirfd, const char *path, char *rpath, int *rdirfd)
{
	int r, rfd;

	if (prefix[0] == '\0' || path == NULL)
		return RH_HOST;
	if (rdirfd != NULL)
		*rdirfd = RUMP_AT_FDCWD;
	if (path[0] == '/') {
		r = under_prefix(path, rpath);
		if (r == -1) {
			errno = ENAMETOOLONG;
			return RH_ERROR;
		}
		return r ? RH_RUMP : RH_HOST;
	}
	if (strlen(path) >= RH_PATHMAX) {
		errno = ENAMETOOLONG;
		return RH_ERROR;
	}
	if (dirfd != AT_FDCWD) {
		if ((rfd = rh_rfd(dirfd)) == -1)
			return from_host_dir(dirfd, path, rpath);
		if (rdirfd == NULL) {
			errno = EINVAL;
			return RH_ERROR;
		}
		*rdirfd = rfd;
		strcpy(rpath, path);
		return RH_RUMP;
	}
	if (!rh_cwd_is_rump())
		return from_host_dir(AT_FDCWD, path, rpath);
	/* from the server's root: the relative part stays as it is */
	pthread_mutex_lock(&cwd_lock);
	r = cwd[0] != '\0';
	if (r && snprintf(rpath, RH_PATHMAX, "%s/%s",
	             cwd[prefixlen] == '\0' ? "" : cwd + prefixlen, path) >=
	        RH_PATHMAX)
		r = -1;
	pthread_mutex_unlock(&cwd_lock);
	if (r == -1) {
		errno = ENAMETOOLONG;
		return RH_ERROR;
	}
	return r ? RH_RUMP : RH_HOST;
}

int
rh_hostpath(const char *rpath, char *buf, size_t len)
{
	size_t n = strlen(rpath);

	if (prefixlen + n + 1 > len)
		return -1;
	memcpy(buf, prefix, prefixlen);
	if (prefixlen > 0 && strcmp(rpath, "/") == 0)
		buf[prefixlen] = '\0';
	else
		memcpy(buf + prefixlen, rpath, n + 1);
	return 0;
}

int
rh_cwd_is_rump(void)
{
	return __atomic_load_n(&cwd[0], __ATOMIC_ACQUIRE) != '\0';
}

void
rh_cwd_set(const char *hostpath)
{
	pthread_mutex_lock(&cwd_lock);
	snprintf(cwd, sizeof(cwd), "%s", hostpath);
	rh_clean(cwd);
	setenv(RH_CWDENV, cwd, 1);
	pthread_mutex_unlock(&cwd_lock);
}

void
rh_cwd_clear(void)
{
	pthread_mutex_lock(&cwd_lock);
	cwd[0] = '\0';
	unsetenv(RH_CWDENV);
	pthread_mutex_unlock(&cwd_lock);
}

int
rh_cwd_get(char *buf, size_t len)
{
	int rv = 0;

	pthread_mutex_lock(&cwd_lock);
	if (strlen(cwd) + 1 > len)
		rv = -1;
	else
		strcpy(buf, cwd);
	pthread_mutex_unlock(&cwd_lock);
	return rv;
}
