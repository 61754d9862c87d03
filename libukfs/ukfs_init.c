/*
 * Booting the kernel, the per-thread error message and the names of
 * file-system types.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ukfs_int.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_error;
static char fstypes[1024];

/* One message per thread, so that concurrent mounts do not mix them. */
static _Thread_local char errmsg[1024];

static void
boot(void)
{
	init_error = rump_init();
	if (init_error == -1)
		init_error = errno ? errno : EIO;
	if (init_error != 0)
		return;
	if (rump_pub_vfs_typenames(fstypes, sizeof(fstypes)) != 0)
		fstypes[0] = '\0';
	fstypes[sizeof(fstypes) - 1] = '\0';
}

int
ukfs_init(void)
{
	pthread_once(&init_once, boot);
	if (init_error != 0) {
		ukfs_seterr(init_error, "cannot start the kernel: %s",
		    strerror(init_error));
		return -1;
	}
	return 0;
}

const char *
ukfs_fstypes(void)
{
	if (ukfs_init() == -1)
		return "";
	return fstypes;
}

const char *
ukfs_errmsg(void)
{
	return errmsg;
}

void
ukfs_seterr(int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	errno = error;
}

void
ukfs_clearerr(void)
{
	errmsg[0] = '\0';
}

static const struct {
	const char *alias;
	const char *name;
} fsnames[] = {
    {"ext2fs", "ext2fs"},
    {"ext2", "ext2fs"},
    {"ext3", "ext2fs"},
    {"ext4", "ext2fs"},
    {"ffs", "ffs"},
    {"ufs", "ffs"},
    {"ufs1", "ffs"},
    {"ufs2", "ffs"},
    {"lfs", "lfs"},
    {"msdos", "msdos"},
    {"msdosfs", "msdos"},
    {"fat", "msdos"},
    {"vfat", "msdos"},
    {"cd9660", "cd9660"},
    {"iso9660", "cd9660"},
    {"iso", "cd9660"},
};

const char *
ukfs_canon_fstype(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(fsnames) / sizeof(fsnames[0]); i++)
		if (strcasecmp(name, fsnames[i].alias) == 0)
			return fsnames[i].name;
	return NULL;
}
