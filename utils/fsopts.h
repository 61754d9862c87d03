/*
 * The type-specific flags of ukfs-newfs and ukfs-makefs (-b, -i, -L, -O,
 * -B, -f, -F, -c), turned into the file system's own options
 * ("bsize=4096,label=root"), which is what the kernel's newfs takes.
 */
#ifndef _UKFS_UTILS_FSOPTS_H_
#define _UKFS_UTILS_FSOPTS_H_

#include <stddef.h>

/* The flag letters some type takes, for getopt ("b:i:L:..."). */
extern const char fsopt_letters[];

struct fsopts {
	char *buf; /* "name=value,..." */
	size_t len, cap;
};

/*
 * Add the option for flag letter ch with value arg for file-system type
 * fstype (canonical name); -1 after a message when the type does not
 * take the flag or the value is bad.
 */
int fsopts_flag(struct fsopts *o, const char *fstype, int ch, const char *arg);
/* Add "text" (the user's -o) as it is. */
int fsopts_add(struct fsopts *o, const char *text);
/* Is option name set (name or name=...)? */
int fsopts_has(const struct fsopts *o, const char *name);
/* The value of option name, copied into buf; NULL when not set. */
const char *fsopts_get(
    const struct fsopts *o, const char *name, char *buf, size_t len);
void fsopts_free(struct fsopts *o);

#endif /* _UKFS_UTILS_FSOPTS_H_ */
