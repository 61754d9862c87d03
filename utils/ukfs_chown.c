/*
 * ukfs-chown: change owners of files in an image, as chown(1).  Owner and
 * group names are looked up in the HOST's user and group databases
 * (getpwnam, getgrnam); numbers are taken as they are.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "walk.h"

static const char chown_usage[] =
    "usage: ukfs-chown [-Rhv] [-t type] [-o options] owner[:group] image "
    "path ...\n"
    "       ukfs-chown [-Rhv] [-t type] [-o options] :group image path "
    "...\n"
    "       (or image:path [path ...] for image path ...)\n";

struct cho {
	struct side side;
	uid_t uid; /* (uid_t)-1: unchanged */
	gid_t gid;
	int vflag;
};

/* A number, or -1 when s is not all digits. */
static long long
number(const char *s)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 0xfffffffeLL)
		return -1;
	return v;
}

static int
parse_user(const char *s, uid_t *uid, gid_t *login_gid)
{
	struct passwd *pw = getpwnam(s);
	long long n;

	if (pw != NULL) {
		*uid = pw->pw_uid;
		*login_gid = pw->pw_gid;
		return 0;
	}
	n = number(s);
	if (n == -1) {
		warnmsg("invalid user: '%s' (not a number, not in the host's "
		        "user database)",
		    s);
		return -1;
	}
	*uid = (uid_t)n;
	pw = getpwuid(*uid);
	*login_gid = pw ? pw->pw_gid : (gid_t)-1;
	return 0;
}

static int
parse_group(const char *s, gid_t *gid)
{
	struct group *gr = getgrnam(s);
	long long n;

	if (gr != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	n = number(s);
	if (n == -1) {
		warnmsg("invalid group: '%s' (not a number, not in the host's "
		        "group database)",
		    s);
		return -1;
	}
	*gid = (gid_t)n;
	return 0;
}

/* OWNER, OWNER:GROUP, OWNER:, :GROUP (also '.' for ':'). */
static int
parse_owner(const char *spec, uid_t *uid, gid_t *gid)
{
	char *s = strdup(spec), *sep;
	gid_t login = (gid_t)-1;
	int rv = -1;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (s == NULL)
		return -1;
	sep = strchr(s, ':');
	/* "user.group" only when "user.group" is not itself a user */
	if (sep == NULL && getpwnam(s) == NULL)
		sep = strchr(s, '.');
	if (sep != NULL)
		*sep++ = '\0';
	if (s[0] != '\0' && parse_user(s, uid, &login) == -1)
		goto out;
	if (sep != NULL && sep[0] != '\0') {
		if (parse_group(sep, gid) == -1)
			goto out;
	} else if (sep != NULL && s[0] != '\0') {
		if (login == (gid_t)-1) {
			warnmsg("%s: no login group known for this user", spec);
			goto out;
		}
		*gid = login;
	}
	if (s[0] == '\0' && (sep == NULL || sep[0] == '\0')) {
		warnmsg("invalid spec: '%s'", spec);
		goto out;
	}
	rv = 0;
out:
	free(s);
	return rv;
}

static void
change(struct walk *w, int dirfd, const char *name, int flags)
{
	struct cho *c = w->arg;

	if (ukfs_fchownat(c->side.u, dirfd, name, c->uid, c->gid, flags) == -1)
		walk_err(w, errno);
	else if (c->vflag)
		printf("ownership of '%s' changed\n", w->path.p);
}

static int
chown_pre(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	change(w, dirfd, name, AT_SYMLINK_NOFOLLOW);
	return 0;
}

/* In a -R walk symbolic links are changed themselves (chown -R -P). */
static void
chown_leaf(struct walk *w, int dirfd, const char *name, const struct stat *st)
{
	change(w, dirfd, name, AT_SYMLINK_NOFOLLOW);
}

static const struct walk_ops chown_ops = {
    .pre = chown_pre,
    .leaf = chown_leaf,
};

static int
chown_path(struct cho *c, const char *path, int Rflag, int hflag)
{
	struct stat st;
	struct walk w;
	int status;

	if (walk_init(&w, &c->side, &chown_ops, c, path) == -1)
		return -1;
	if (!Rflag)
		change(&w, AT_FDCWD, path, hflag ? AT_SYMLINK_NOFOLLOW : 0);
	else if (ukfs_lstat(c->side.u, path, &st) == -1)
		walk_err(&w, errno);
	else
		walk_tree(&w, AT_FDCWD, path, &st);
	status = w.status;
	walk_fini(&w);
	return status ? -1 : 0;
}

int
ukfs_chown_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	struct cho c;
	char *image, **paths;
	int ch, i, n, Rflag = 0, hflag = 0, status = 0;

	memset(&c, 0, sizeof(c));
	while (
	    (ch = common_getopt(argc, argv, "Rhv", &co, chown_usage)) != -1) {
		switch (ch) {
		case 'R':
			Rflag = 1;
			break;
		case 'h':
			hflag = 1;
			break;
		case 'v':
			c.vflag = 1;
			break;
		default:
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage_exit(chown_usage);
	if (parse_owner(argv[0], &c.uid, &c.gid) == -1)
		return 1;
	if (path_operands(argc - 1, argv + 1, 1, &image, &paths, &n) == -1)
		usage_exit(chown_usage);
	c.side.image = image;
	c.side.u = mount_image(image, &co, UKFS_RDWR);
	if (c.side.u != NULL) {
		for (i = 0; i < n; i++)
			if (chown_path(&c, paths[i], Rflag, hflag) == -1)
				status = 1;
		if (release_image(c.side.u) == -1)
			status = 1;
	} else
		status = 1;
	free_operands(image, paths, n);
	return finish_stdout(status);
}
