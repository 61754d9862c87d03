/*
 * librumpclient against a running ukfs-server:
 *   rc_test URL DIR        system calls in DIR (a directory in the server's
 *                          name space that does not exist yet): files,
 *                          directories, links, attributes, errors, a fork
 *   rc_test -u URL DIR     as a non-root user: the server's process has
 *                          this user's credentials
 * Prints a line per check; exit 0 when all pass.
 */
#include <sys/wait.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rumpclient.h>

static int nfail;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (cond) {                                                    \
			printf("ok: ");                                        \
		} else {                                                       \
			printf("FAIL (errno %d %s): ", errno,                 \
			    strerror(errno));                                  \
			nfail++;                                               \
		}                                                              \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
	} while (0)

static char *
path(const char *dir, const char *name)
{
	static char buf[8][1024];
	static int n;

	n = (n + 1) % 8;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", dir, name);
	return buf[n];
}

static void
files(const char *dir)
{
	static char big[3 * 1024 * 1024], back[3 * 1024 * 1024];
	struct rump_stat st;
	int64_t n, got;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 4096);
	fd = rump_sys_open(path(dir, "big"),
	    RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_EXCL, 0640);
	CHECK(fd >= 0, "create %s", path(dir, "big"));
	/* larger than one message: the writes come back short, in order */
	for (got = 0; got < (int64_t)sizeof(big); got += n)
		if ((n = rump_sys_write(fd, big + got, sizeof(big) - got)) <= 0)
			break;
	CHECK(got == sizeof(big), "write 3 MiB in pieces (%lld)",
	    (long long)got);
	CHECK(rump_sys_lseek(fd, 0, RUMP_SEEK_SET) == 0, "lseek");
	for (got = 0; got < (int64_t)sizeof(back); got += n)
		if ((n = rump_sys_read(fd, back + got, sizeof(back) - got)) <= 0)
			break;
	CHECK(got == sizeof(back) && memcmp(big, back, sizeof(big)) == 0,
	    "read 3 MiB back");
	CHECK(rump_sys_pread(fd, back, 10, 4096) == 10 &&
	        memcmp(back, big + 4096, 10) == 0,
	    "pread");
	CHECK(rump_sys_fstat(fd, &st) == 0 && st.st_size == sizeof(big) &&
	        (st.st_mode & 07777) == 0640 &&
	        (st.st_mode & RUMP_S_IFMT) == RUMP_S_IFREG,
	    "fstat: size %lld mode %o", (long long)st.st_size, st.st_mode);
	CHECK(st.st_uid == (uint32_t)geteuid() && st.st_gid == (uint32_t)getegid(),
	    "the new file belongs to the caller (%u:%u)", st.st_uid, st.st_gid);
	CHECK(rump_sys_fsync(fd) == 0, "fsync");
	CHECK(rump_sys_ftruncate(fd, 100) == 0 && rump_sys_fstat(fd, &st) == 0 &&
	        st.st_size == 100,
	    "ftruncate");
	CHECK(rump_sys_close(fd) == 0, "close");
	CHECK(rump_sys_close(fd) == -1 && errno == EBADF, "close again: EBADF");
	CHECK(rump_sys_read(12345, back, 1) == -1 && errno == EBADF,
	    "read of a bad descriptor: EBADF");
}

static void
names(const char *dir)
{
	struct rump_timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 7 } };
	struct rump_stat st;
	char buf[4096];
	int64_t n;
	int fd, found = 0;

	CHECK(rump_sys_mkdir(path(dir, "sub"), 0755) == 0, "mkdir");
	CHECK(rump_sys_mkdir(path(dir, "sub"), 0755) == -1 && errno == EEXIST,
	    "mkdir again: EEXIST");
	CHECK(rump_sys_symlink("big", path(dir, "sym")) == 0, "symlink");
	n = rump_sys_readlink(path(dir, "sym"), buf, sizeof(buf));
	CHECK(n == 3 && memcmp(buf, "big", 3) == 0, "readlink");
	CHECK(rump_sys_link(path(dir, "big"), path(dir, "hard")) == 0 &&
	        rump_sys_stat(path(dir, "big"), &st) == 0 && st.st_nlink == 2,
	    "link");
	CHECK(rump_sys_rename(path(dir, "hard"), path(dir, "sub/moved")) == 0,
	    "rename");
	CHECK(rump_sys_lstat(path(dir, "hard"), &st) == -1 && errno == ENOENT,
	    "the old name is gone: ENOENT");
	CHECK(rump_sys_chmod(path(dir, "big"), 0604) == 0 &&
	        rump_sys_stat(path(dir, "big"), &st) == 0 &&
	        (st.st_mode & 07777) == 0604,
	    "chmod");
	CHECK(rump_sys_utimensat(RUMP_AT_FDCWD, path(dir, "big"), ts, 0) == 0 &&
	        rump_sys_stat(path(dir, "big"), &st) == 0 &&
	        st.st_mtim.tv_sec == 1200000000,
	    "utimensat");
	CHECK(rump_sys_utimensat(RUMP_AT_FDCWD, path(dir, "big"), NULL, 0) == 0,
	    "utimensat NULL (now)");
	fd = rump_sys_open(dir, RUMP_O_RDONLY | RUMP_O_DIRECTORY, 0);
	CHECK(fd >= 0, "open the directory");
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		int64_t off = 0;

		while (off < n) {
			struct rump_dirent *d = (struct rump_dirent *)(buf + off);

			if (strcmp(d->d_name, "sym") == 0 ||
			    strcmp(d->d_name, "sub") == 0 ||
			    strcmp(d->d_name, "big") == 0)
				found++;
			off += d->d_reclen;
		}
	}
	CHECK(n == 0 && found == 3, "getdents lists big, sub, sym");
	CHECK(rump_sys_fstatat(fd, "sym", &st, RUMP_AT_SYMLINK_NOFOLLOW) == 0 &&
	        (st.st_mode & RUMP_S_IFMT) == RUMP_S_IFLNK,
	    "fstatat relative to a directory descriptor");
	rump_sys_close(fd);
	CHECK(rump_sys_unlink(path(dir, "sub/moved")) == 0 &&
	        rump_sys_rmdir(path(dir, "sub")) == 0,
	    "unlink, rmdir");
	CHECK(rump_sys_rmdir(dir) == -1 && errno == ENOTEMPTY,
	    "rmdir of a full directory: ENOTEMPTY");
	/* a path longer than the protocol carries */
	memset(buf, 'a', sizeof(buf));
	buf[sizeof(buf) - 1] = '\0';
	CHECK(rump_sys_stat(buf, &st) == -1 && errno == ENAMETOOLONG,
	    "a 4 KiB path: ENAMETOOLONG");
}

/* The child of a fork has the parent's descriptors, in a new process. */
static void
forked(const char *dir)
{
	int fd, status, ppid;
	pid_t pid;
	char c;

	fd = rump_sys_open(path(dir, "big"), RUMP_O_RDONLY, 0);
	ppid = rumpclient_getpid();
	pid = fork();
	if (pid == 0) {
		int ok = rump_sys_pread(fd, &c, 1, 1) == 1 && c == 7 &&
		    rumpclient_getpid() != ppid && rumpclient_getpid() > 0;

		rump_sys_close(fd);
		_exit(ok ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
	        WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "a forked child reads the parent's descriptor in its own process");
	CHECK(rump_sys_pread(fd, &c, 1, 1) == 1, "the parent's still works");
	rump_sys_close(fd);
}

/* Not root: the server must not let this process act as root. */
static void
user(const char *dir)
{
	struct rump_stat st;
	int fd;

	CHECK(rump_sys_geteuid() == (int)geteuid(),
	    "the server's process has my uid %d", (int)geteuid());
	CHECK(rump_sys_setuid(0) == -1 && errno == EPERM, "setuid(0): EPERM");
	CHECK(rump_sys_mkdir(path(dir, "nope"), 0755) == -1 && errno == EACCES,
	    "mkdir in a root-owned directory: EACCES");
	fd = rump_sys_open(path(dir, "user.txt"),
	    RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_EXCL, 0600);
	CHECK(fd == -1 && errno == EACCES, "create there: EACCES");
	CHECK(rump_sys_stat(path(dir, "big"), &st) == 0, "stat works");
	CHECK(rump_sys_chmod(path(dir, "big"), 0777) == -1 && errno == EPERM,
	    "chmod of root's file: EPERM");
}

int
main(int argc, char **argv)
{
	int asuser = argc > 1 && strcmp(argv[1], "-u") == 0;

	if (argc != 3 + asuser) {
		fprintf(stderr, "usage: rc_test [-u] url dir\n");
		return 2;
	}
	argv += asuser;
	if (rumpclient_init(argv[1]) == -1) {
		printf("FAIL: cannot connect to %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	CHECK(rumpclient_getpid() > 0, "connected as pid %d",
	    rumpclient_getpid());
	if (asuser) {
		user(argv[2]);
	} else {
		CHECK(rump_sys_mkdir(argv[2], 0755) == 0, "mkdir %s", argv[2]);
		files(argv[2]);
		names(argv[2]);
		forked(argv[2]);
	}
	return nfail ? 1 : 0;
}
