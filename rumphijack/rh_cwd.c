/*
 * The current directory under the prefix, and names resolved in full
 * (realpath).  After a chdir under the prefix, the server's process has
 * the current directory and relative names go there; the host form of
 * its path is kept here for getcwd.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

RH_API int
chdir(const char *path)
{
	char rpath[RH_PATHMAX], hpath[RH_PATHMAX];
	int rv;

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		rv = REAL(chdir)(path);
		if (rv == 0)
			rh_cwd_clear();
		return rv;
	case RH_ERROR:
		return -1;
	default:
		break;
	}
	/* rpath is absolute: a relative path has the current one before it */
	if (rh_hostpath(rpath, hpath, sizeof(hpath)) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (rump_sys_chdir(rpath) == -1)
		return -1;
	rh_cwd_set(hpath);
	return 0;
}

RH_API int
fchdir(int fd)
{
	char hpath[RH_PATHMAX];
	int rfd = rh_rfd(fd), rv;

	if (rfd == -1) {
		rv = REAL(fchdir)(fd);
		if (rv == 0)
			rh_cwd_clear();
		return rv;
	}
	if (rh_fd_path(fd, hpath, sizeof(hpath)) == NULL) {
		errno = ENOENT; /* a directory whose name we do not know */
		return -1;
	}
	if (rump_sys_fchdir(rfd) == -1)
		return -1;
	rh_cwd_set(hpath);
	return 0;
}

RH_API char *
getcwd(char *buf, size_t size)
{
	char cwd[RH_PATHMAX];
	size_t n;

	if (!rh_cwd_is_rump())
		return REAL(getcwd)(buf, size);
	if (rh_cwd_get(cwd, sizeof(cwd)) == -1 || cwd[0] == '\0')
		return REAL(getcwd)(buf, size);
	n = strlen(cwd) + 1;
	if (buf == NULL) {
		if (size != 0 && size < n) {
			errno = ERANGE;
			return NULL;
		}
		if ((buf = malloc(size != 0 ? size : n)) == NULL)
			return NULL;
	} else if (size < n) {
		errno = size == 0 ? EINVAL : ERANGE;
		return NULL;
	}
	memcpy(buf, cwd, n);
	return buf;
}

RH_API char *
__getcwd_chk(char *buf, size_t size, size_t buflen)
{
	if (size > buflen)
		abort();
	return getcwd(buf, size);
}

RH_API char *
get_current_dir_name(void)
{
	if (!rh_cwd_is_rump())
		return REAL(get_current_dir_name)();
	return getcwd(NULL, 0);
}

/*
 * Resolve rpath on the server: every symbolic link followed (an absolute
 * target from the server's root), at most 40 of them.  out gets the
 * server form.
 */
static int
resolve(const char *rpath, char *out)
{
	char todo[RH_PATHMAX], link[RH_PATHMAX], tmp[RH_PATHMAX];
	struct rump_stat rs;
	size_t olen = 0, n;
	int links = 0;
	int64_t ln;
	char *p, *comp;

	if (strlen(rpath) >= sizeof(todo)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(todo, rpath);
	out[0] = '\0';
	p = todo;
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		comp = p;
		while (*p != '\0' && *p != '/')
			p++;
		n = (size_t)(p - comp);
		if (n == 1 && comp[0] == '.')
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			while (olen > 0 && out[--olen] != '/')
				;
			out[olen] = '\0';
			continue;
		}
		if (olen + 1 + n + 1 > RH_PATHMAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		out[olen] = '/';
		memcpy(out + olen + 1, comp, n);
		out[olen + 1 + n] = '\0';
		if (rump_sys_lstat(out, &rs) == -1)
			return -1;
		if ((rs.st_mode & RUMP_S_IFMT) != RUMP_S_IFLNK) {
			if (*p == '/' && (rs.st_mode & RUMP_S_IFMT) != RUMP_S_IFDIR) {
				errno = ENOTDIR;
				return -1;
			}
			olen += 1 + n;
			continue;
		}
		if (++links > 40) {
			errno = ELOOP;
			return -1;
		}
		ln = rump_sys_readlink(out, link, sizeof(link) - 1);
		if (ln == -1)
			return -1;
		link[ln] = '\0';
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s%s", link, p) >=
		    sizeof(tmp)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(todo, tmp);
		p = todo;
		if (link[0] == '/')
			olen = 0;
		out[olen] = '\0';
	}
	if (olen == 0)
		strcpy(out, "/");
	return 0;
}

RH_API char *
realpath(const char *path, char *resolved)
{
	char rpath[RH_PATHMAX], full[RH_PATHMAX], res[RH_PATHMAX];
	char hpath[RH_PATHMAX];

	switch (rh_path1(path, rpath)) {
	case RH_HOST:
		return REAL(realpath)(path, resolved);
	case RH_ERROR:
		return NULL;
	default:
		break;
	}
	strcpy(full, rpath); /* absolute: see rh_path() */
	if (resolve(full, res) == -1 ||
	    rh_hostpath(res, hpath, sizeof(hpath)) == -1) {
		if (errno == 0)
			errno = ENAMETOOLONG;
		return NULL;
	}
	if (resolved == NULL)
		return strdup(hpath);
	if (strlen(hpath) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(resolved, hpath);
	return resolved;
}

RH_API char *
__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
	if (resolvedlen < PATH_MAX)
		abort();
	return realpath(path, resolved);
}

RH_API char *
canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}
