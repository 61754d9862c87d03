/*
 * p2k_test: libp2k without FUSE.
 *
 * usage: p2k_test [IMAGE FIXTURE]
 *
 * On the kernel's in-memory file system: node identity and lifetimes
 * (an unlinked open file stays readable; one node per file), creation with
 * Linux and BSD group rules, readdir cookies that stay valid across calls
 * and while entries are deleted, rename and link rules, permission checks
 * with request credentials, the set-id rule of a writer's mode change.
 * With IMAGE (an ext2 image of FIXTURE, read-only): the root's "..", the
 * root directory's names against the fixture's, a file's contents.
 * Prints one line per failed check; exit status 0 when all pass.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p2k.h"

static int nfail;

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	nfail++;
}

#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			fail(__VA_ARGS__);                                     \
	} while (0)
#define EXPECT_ERR(expr, want)                                                 \
	do {                                                                   \
		int e_ = (expr);                                               \
		if (e_ != (want))                                              \
			fail("%s:%d: %s: %s, want %s", __FILE__, __LINE__,     \
			    #expr, strerror(e_), strerror(want));              \
	} while (0)

static const gid_t staff[] = {50};
static const struct p2k_cred alice = {1000, 100, 1, staff};
static const struct p2k_cred bob = {1001, 101, 0, NULL};

/* --- readdir ----------------------------------------------------------- */

struct names {
	char name[64][32];
	off_t next[64];
	int n, max;
};

static int
collect(void *arg, const char *name, uint64_t ino, unsigned type, off_t next)
{
	struct names *nm = arg;

	if (nm->n >= nm->max)
		return 1;
	snprintf(nm->name[nm->n], sizeof(nm->name[0]), "%s", name);
	nm->next[nm->n] = next;
	nm->n++;
	return 0;
}

/*
 * List dir a few entries at a time, continuing from the last cookie each
 * time, deleting one not-yet-seen file after the first batch: every file
 * left must be seen exactly once.
 */
static void
test_cookies(struct p2k_mount *pm, struct p2k_node *dir)
{
	struct p2k_file *df;
	struct names nm;
	char seen[40] = {0}, name[32];
	off_t cookie = 0;
	int i, rounds = 0, k;
	struct p2k_node *pn;
	struct p2k_file *pf;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "e%02d", i);
		EXPECT_ERR(p2k_create(pm, NULL, dir, name, 0644, O_RDWR, &pn,
		               NULL, &pf),
		    0);
		p2k_close(pf);
		p2k_node_release(pn);
	}
	EXPECT_ERR(p2k_open(pm, NULL, dir, O_RDONLY | O_DIRECTORY, &df), 0);
	do {
		memset(&nm, 0, sizeof(nm));
		nm.max = 3;
		EXPECT_ERR(p2k_readdir(df, cookie, 0, collect, &nm), 0);
		for (k = 0; k < nm.n; k++) {
			if (sscanf(nm.name[k], "e%d", &i) == 1 && i >= 0 &&
			    i < 40) {
				EXPECT(!seen[i], "cookies: %s seen twice",
				    nm.name[k]);
				seen[i] = 1;
			}
			cookie = nm.next[k];
		}
		if (rounds++ == 0)
			EXPECT_ERR(p2k_remove(pm, NULL, dir, "e39"), 0);
	} while (nm.n > 0 && rounds < 100);
	for (i = 0; i < 39; i++)
		EXPECT(seen[i], "cookies: e%02d never seen", i);
	EXPECT(!seen[39], "cookies: a deleted entry was listed");
	/* a cookie of nonsense is survived */
	memset(&nm, 0, sizeof(nm));
	nm.max = 64;
	(void)p2k_readdir(df, 123457, 0, collect, &nm);
	p2k_close(df);
}

/* --- names, nodes, lifetimes --------------------------------------------- */

static void
test_nodes(struct p2k_mount *pm, struct p2k_node *root)
{
	struct p2k_node *d, *f, *f2, *l;
	struct p2k_file *pf;
	struct stat st, st2;
	char buf[64];
	size_t done;

	EXPECT_ERR(p2k_mkdir(pm, NULL, root, "t", 0777, &d, &st), 0);
	EXPECT(S_ISDIR(st.st_mode) && st.st_nlink == 2, "mkdir attributes");
	EXPECT_ERR(p2k_lookup(pm, NULL, root, "..", &l, NULL), 0);
	EXPECT(l == root, "\"..\" of the root is not the root");
	p2k_node_release(l);
	EXPECT_ERR(p2k_lookup(pm, NULL, d, "..", &l, NULL), 0);
	EXPECT(l == root, "\"..\" of t is not the root");
	p2k_node_release(l);
	EXPECT_ERR(p2k_lookup(pm, NULL, d, "a/b", &l, NULL), EINVAL);
	EXPECT_ERR(p2k_lookup(pm, NULL, d, "", &l, NULL), ENOENT);
	EXPECT_ERR(p2k_lookup(pm, NULL, d, "nothere", &l, NULL), ENOENT);

	/* one node per file: a second lookup and a link give the same */
	EXPECT_ERR(p2k_create(pm, NULL, d, "f", 0644, O_RDWR, &f, &st, &pf), 0);
	EXPECT_ERR(p2k_write(pf, "hello", 5, 0, &done), 0);
	EXPECT_ERR(p2k_lookup(pm, NULL, d, "f", &f2, &st2), 0);
	EXPECT(f2 == f && st2.st_ino == st.st_ino && st2.st_size == 5,
	    "lookup gave another node");
	p2k_node_release(f2);
	EXPECT_ERR(p2k_link(pm, NULL, f, d, "g", &st2), 0);
	EXPECT(st2.st_nlink == 2, "link count after link: %ju",
	    (uintmax_t)st2.st_nlink);
	EXPECT_ERR(p2k_link(pm, NULL, d, d, "dirlink", NULL), EPERM);
	EXPECT_ERR(
	    p2k_create(pm, NULL, d, "f", 0644, O_RDWR | O_EXCL, &f2, NULL, &pf),
	    EEXIST);

	/* unlinked while open: readable until the last reference goes */
	EXPECT_ERR(p2k_remove(pm, NULL, d, "f"), 0);
	EXPECT_ERR(p2k_remove(pm, NULL, d, "g"), 0);
	EXPECT_ERR(p2k_lookup(pm, NULL, d, "f", &f2, NULL), ENOENT);
	memset(buf, 0, sizeof(buf));
	EXPECT_ERR(p2k_read(pf, buf, sizeof(buf), 0, &done), 0);
	EXPECT(done == 5 && memcmp(buf, "hello", 5) == 0,
	    "an unlinked open file is not readable");
	EXPECT_ERR(p2k_getattr(pm, NULL, f, &st), 0);
	EXPECT(st.st_nlink == 0, "nlink of an unlinked file: %ju",
	    (uintmax_t)st.st_nlink);
	p2k_close(pf);
	p2k_node_release(f);

	/* rename rules */
	EXPECT_ERR(p2k_mkdir(pm, NULL, d, "sub", 0755, &l, NULL), 0);
	EXPECT_ERR(p2k_rename(pm, NULL, d, "sub", l, "x", 0), EINVAL);
	EXPECT_ERR(p2k_rename(pm, NULL, root, "t", l, "x", 0), EINVAL);
	EXPECT_ERR(
	    p2k_create(pm, NULL, d, "a", 0644, O_RDWR, &f, NULL, NULL), 0);
	p2k_node_release(f);
	EXPECT_ERR(
	    p2k_create(pm, NULL, d, "b", 0644, O_RDWR, &f, NULL, NULL), 0);
	p2k_node_release(f);
	EXPECT_ERR(
	    p2k_rename(pm, NULL, d, "a", d, "b", P2K_RENAME_NOREPLACE), EEXIST);
	EXPECT_ERR(p2k_rename(pm, NULL, d, "a", d, "sub", 0), EISDIR);
	EXPECT_ERR(p2k_rename(pm, NULL, d, "a", d, "b", 0), 0);
	EXPECT_ERR(p2k_lookup(pm, NULL, d, "a", &f, NULL), ENOENT);
	EXPECT_ERR(p2k_rename(pm, NULL, d, ".", d, "c", 0), EINVAL);
	EXPECT_ERR(p2k_rmdir(pm, NULL, root, "t"), ENOTEMPTY);
	EXPECT_ERR(p2k_remove(pm, NULL, d, "sub"), EISDIR);
	EXPECT_ERR(p2k_rmdir(pm, NULL, d, "b"), ENOTDIR);
	p2k_node_release(l);
	EXPECT_ERR(p2k_rmdir(pm, NULL, d, "sub"), 0);
	test_cookies(pm, d);
	p2k_node_release(d);
}

/* --- credentials --------------------------------------------------------- */

static void
test_creds(struct p2k_mount *pm, struct p2k_node *root)
{
	struct p2k_node *d, *f, *g;
	struct p2k_file *pf;
	struct stat st, sa;
	size_t done;

	EXPECT_ERR(p2k_mkdir(pm, NULL, root, "c", 01777, &d, NULL), 0);
	memset(&sa, 0, sizeof(sa));
	sa.st_mode = 01777;
	EXPECT_ERR(p2k_setattr(pm, NULL, d, NULL, &sa, P2K_SET_MODE, NULL), 0);
	/* Linux group rule (the mount has P2K_SYSVGROUPS) */
	EXPECT_ERR(
	    p2k_create(pm, &alice, d, "af", 0644, O_RDWR, &f, &st, &pf), 0);
	EXPECT(st.st_uid == 1000 && st.st_gid == 100,
	    "new file owner %u:%u, want 1000:100", (unsigned)st.st_uid,
	    (unsigned)st.st_gid);
	p2k_close(pf);
	/* sticky directory: bob may not remove or rename alice's file */
	EXPECT_ERR(p2k_remove(pm, &bob, d, "af"), EPERM);
	EXPECT_ERR(p2k_rename(pm, &bob, d, "af", d, "bf", 0), EPERM);
	/* bob may not write it, change its mode, or set its times */
	EXPECT_ERR(p2k_open(pm, &bob, f, O_WRONLY, &pf), EACCES);
	sa.st_mode = 0666;
	EXPECT_ERR(
	    p2k_setattr(pm, &bob, f, NULL, &sa, P2K_SET_MODE, NULL), EPERM);
	EXPECT_ERR(p2k_setattr(pm, &bob, f, NULL, &sa,
	               P2K_SET_ATIME_NOW | P2K_SET_MTIME_NOW, NULL),
	    EACCES);
	sa.st_size = 0;
	EXPECT_ERR(
	    p2k_setattr(pm, &bob, f, NULL, &sa, P2K_SET_SIZE, NULL), EACCES);
	/* a group alice is in may be given; bob's may not */
	sa.st_gid = 50;
	EXPECT_ERR(p2k_setattr(pm, &alice, f, NULL, &sa, P2K_SET_GID, &st), 0);
	EXPECT(st.st_gid == 50, "chgrp to a supplementary group");
	sa.st_gid = 101;
	EXPECT_ERR(
	    p2k_setattr(pm, &alice, f, NULL, &sa, P2K_SET_GID, NULL), EPERM);
	/* a writer's loss of set-id bits: allowed to writers only */
	sa.st_mode = 06777;
	EXPECT_ERR(
	    p2k_setattr(pm, &alice, f, NULL, &sa, P2K_SET_MODE, NULL), 0);
	sa.st_mode = 0777;
	EXPECT_ERR(
	    p2k_setattr(pm, &bob, f, NULL, &sa, P2K_SET_MODE, NULL), EPERM);
	EXPECT_ERR(p2k_setattr(pm, &bob, f, NULL, &sa,
	               P2K_SET_MODE | P2K_SET_KILLPRIV, &st),
	    0);
	EXPECT((st.st_mode & 07777) == 0777, "kill-priv mode %o",
	    (unsigned)st.st_mode);
	sa.st_mode = 0700;
	EXPECT_ERR(p2k_setattr(pm, &bob, f, NULL, &sa,
	               P2K_SET_MODE | P2K_SET_KILLPRIV, NULL),
	    EPERM);
	/* bob writes through his own open file */
	EXPECT_ERR(p2k_open(pm, &bob, f, O_WRONLY, &pf), 0);
	EXPECT_ERR(p2k_write(pf, "x", 1, 0, &done), 0);
	p2k_close(pf);
	/* bob's own file in the sticky directory */
	EXPECT_ERR(
	    p2k_mknod(pm, &bob, d, "fifo", S_IFIFO | 0600, 0, &g, &st), 0);
	EXPECT(S_ISFIFO(st.st_mode) && st.st_uid == 1001, "mknod fifo");
	p2k_node_release(g);
	EXPECT_ERR(
	    p2k_mknod(pm, &bob, d, "dev", S_IFCHR | 0600, 0, &g, NULL), EPERM);
	EXPECT_ERR(p2k_remove(pm, &bob, d, "fifo"), 0);
	EXPECT_ERR(p2k_access(pm, &bob, f, W_OK), 0);
	EXPECT_ERR(p2k_remove(pm, NULL, d, "af"), 0);
	p2k_node_release(f);
	/* no search permission */
	sa.st_mode = 0700;
	EXPECT_ERR(p2k_setattr(pm, NULL, d, NULL, &sa, P2K_SET_MODE, NULL), 0);
	EXPECT_ERR(p2k_lookup(pm, &bob, d, "x", &f, NULL), EACCES);
	EXPECT_ERR(p2k_symlink(pm, NULL, d, "sl", "/etc/passwd", &f, &st), 0);
	EXPECT(S_ISLNK(st.st_mode) && st.st_size == 11, "symlink attributes");
	{
		char buf[64];
		size_t len = sizeof(buf);

		EXPECT_ERR(p2k_readlink(pm, NULL, f, buf, &len), 0);
		EXPECT(len == 11 && memcmp(buf, "/etc/passwd", 11) == 0,
		    "readlink");
		EXPECT_ERR(p2k_open(pm, NULL, f, O_RDONLY, &pf), ELOOP);
	}
	p2k_node_release(f);
	p2k_node_release(d);
}

/* --- an image ------------------------------------------------------------ */

static int
count_names(
    void *arg, const char *name, uint64_t ino, unsigned type, off_t next)
{
	(*(int *)arg)++;
	return 0;
}

static void
test_image(const char *image, const char *fixture)
{
	struct p2k_mount *pm;
	struct p2k_node *root, *pn;
	struct p2k_file *pf;
	struct dirent *de;
	DIR *dir;
	int error, n = 0, want = 0;

	pm = p2k_mount(NULL, image, 0, 0, P2K_RDONLY, NULL, &error);
	if (pm == NULL) {
		fail("%s", p2k_errmsg());
		return;
	}
	root = p2k_root(pm);
	EXPECT_ERR(p2k_lookup(pm, NULL, root, "..", &pn, NULL), 0);
	EXPECT(pn == root, "image: \"..\" of the root");
	p2k_node_release(pn);
	EXPECT_ERR(p2k_open(pm, NULL, root, O_RDONLY, &pf), 0);
	EXPECT_ERR(p2k_readdir(pf, 0, 0, count_names, &n), 0);
	p2k_close(pf);
	if ((dir = opendir(fixture)) != NULL) {
		while ((de = readdir(dir)) != NULL)
			want++;
		closedir(dir);
	}
	EXPECT(
	    n == want, "image: %d names in the root, fixture has %d", n, want);
	EXPECT_ERR(p2k_mkdir(pm, NULL, root, "new", 0755, &pn, NULL), EROFS);
	EXPECT_ERR(p2k_open(pm, NULL, root, O_RDWR, &pf), EISDIR);
	EXPECT_ERR(p2k_unmount(pm, 0), 0);
}

int
main(int argc, char **argv)
{
	struct p2k_mount *pm;
	int error;

	pm = p2k_mount_memfs(P2K_SYSVGROUPS, &error);
	if (pm == NULL) {
		printf("FAIL: %s\n", p2k_errmsg());
		return 1;
	}
	test_nodes(pm, p2k_root(pm));
	test_creds(pm, p2k_root(pm));
	EXPECT_ERR(p2k_unmount(pm, 0), 0);
	if (argc == 3)
		test_image(argv[1], argv[2]);
	if (nfail == 0)
		printf("p2k_test: all checks passed\n");
	return nfail != 0;
}
