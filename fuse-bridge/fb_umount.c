/*
 * rump_X -u MOUNTPOINT: unmount, and return only when the daemon has
 * written everything back and exited, so that a checker run right after
 * sees a clean image.  (fusermount3 -u returns as soon as the mount is
 * gone, while the daemon may still be writing.)
 *
 * The daemon is found before the unmount: the process whose /dev/fuse
 * descriptor serves the mount's connection (its fdinfo says which, on
 * Linux 6.x), or else the processes that hold the image named by the
 * mount's source (its fsname) open.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fb.h"

#define FB_MAXPIDS   16
#define FB_WAIT_SECS 600

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void
unescape(char *s)
{
	char *d = s;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			    (s[3] - '0'));
			s += 4;
		} else
			*d++ = *s++;
	}
	*d = '\0';
}

/*
 * The source, type and device minor (the FUSE connection) of the mount
 * at mnt (a real path); 0 if found.
 * mountinfo: id parent maj:min root mountpoint opts [tags] - type source ...
 */
static int
find_mount(const char *mnt, char *src, size_t srclen, char *type,
    size_t typelen, unsigned *conn)
{
	char line[3 * PATH_MAX], *f[6], *sep, *save;
	FILE *fp = fopen("/proc/self/mountinfo", "r");
	int found = -1, i;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		f[0] = strtok_r(line, " \n", &save);
		for (i = 1; i < 5 && f[i - 1] != NULL; i++)
			f[i] = strtok_r(NULL, " \n", &save);
		if (f[0] == NULL || i < 5 || f[4] == NULL)
			continue;
		unescape(f[4]);
		if (strcmp(f[4], mnt) != 0)
			continue;
		while ((sep = strtok_r(NULL, " \n", &save)) != NULL &&
		    strcmp(sep, "-") != 0)
			continue;
		f[5] = sep != NULL ? strtok_r(NULL, " \n", &save) : NULL;
		sep = f[5] != NULL ? strtok_r(NULL, " \n", &save) : NULL;
		if (f[5] == NULL || sep == NULL)
			continue;
		unescape(sep);
		snprintf(type, typelen, "%s", f[5]);
		snprintf(src, srclen, "%s", sep);
		if (sscanf(f[2], "%*u:%u", conn) != 1)
			*conn = 0;
		found = 0; /* the last one is on top */
	}
	fclose(fp);
	return found;
}

/* Does descriptor fd of process pid serve FUSE connection conn? */
static int
serves(const char *pid, const char *fd, unsigned conn)
{
	char path[2 * NAME_MAX + 32], line[128];
	unsigned c;
	FILE *fp;
	int yes = 0;

	snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, fd);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "fuse_connection: %u", &c) == 1 && c == conn)
			yes = 1;
	fclose(fp);
	return yes;
}

/*
 * Processes that serve FUSE connection conn (img NULL) or have the file
 * img open; returns how many (at most max).
 */
static int
holders(unsigned conn, const struct stat *img, pid_t *pids, int max)
{
	char path[NAME_MAX + 16], fdpath[2 * NAME_MAX + 32];
	struct dirent *p, *fd;
	struct stat st;
	DIR *proc, *fds;
	int n = 0;

	if ((proc = opendir("/proc")) == NULL)
		return 0;
	while (n < max && (p = readdir(proc)) != NULL) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		while ((fd = readdir(fds)) != NULL) {
			snprintf(
			    fdpath, sizeof(fdpath), "%s/%s", path, fd->d_name);
			if (fd->d_name[0] == '.' ||
			    atol(p->d_name) == (long)getpid() ||
			    stat(fdpath, &st) != 0)
				continue;
			if (img == NULL ? S_ISCHR(st.st_mode) &&
			            serves(p->d_name, fd->d_name, conn)
			                : st.st_dev == img->st_dev &&
			            st.st_ino == img->st_ino) {
				pids[n++] = (pid_t)atol(p->d_name);
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return n;
}

static int
run_fusermount(const char *mnt)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		execlp("fusermount3", "fusermount3", "-u", mnt, (char *)NULL);
		perror("fusermount3");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
fb_umount(const char *progname, const char *mountpoint)
{
	char mnt[PATH_MAX], src[PATH_MAX], type[64];
	struct timespec pause = {0, 50 * 1000 * 1000};
	struct stat img;
	pid_t pids[FB_MAXPIDS];
	unsigned conn;
	int i, n = 0, left, waited;

	if (realpath(mountpoint, mnt) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", progname, mountpoint,
		    strerror(errno));
		return 1;
	}
	if (find_mount(mnt, src, sizeof(src), type, sizeof(type), &conn) != 0 ||
	    strncmp(type, "fuse", 4) != 0) {
		fprintf(stderr, "%s: %s: not a FUSE mount\n", progname, mnt);
		return 1;
	}
	n = holders(conn, NULL, pids, FB_MAXPIDS);
	if (n == 0 && src[0] == '/' && stat(src, &img) == 0)
		n = holders(0, &img, pids, FB_MAXPIDS);
	if (run_fusermount(mnt) != 0)
		return 1; /* fusermount3 said why */
	for (waited = 0; waited < FB_WAIT_SECS * 20; waited++) {
		for (i = 0, left = 0; i < n; i++)
			if (pids[i] != 0 && kill(pids[i], 0) == 0)
				left++;
			else
				pids[i] = 0;
		if (left == 0)
			return 0;
		nanosleep(&pause, NULL);
	}
	fprintf(stderr, "%s: %s: the daemon is still busy after %d s\n",
	    progname, src, FB_WAIT_SECS);
	return 1;
}
