/*
 * File modes as chmod(1) takes them: octal ("755", "4755") or symbolic
 * ("u+x,go-w", "a=rX", "g=u", "+t").
 */
#ifndef _UKFS_UTILS_MODE_H_
#define _UKFS_UTILS_MODE_H_

#include <sys/types.h>

struct modeop;

/* Parse s; NULL when it is not a mode.  Free with mode_free(). */
struct modeop *mode_parse(const char *s);
void mode_free(struct modeop *m);

/*
 * The mode that m makes of old (permission and set-id/sticky bits; the
 * type bits of old tell a directory).  umask applies to clauses that name
 * no users ("+x"), as in chmod(1).
 */
mode_t mode_apply(const struct modeop *m, mode_t old, mode_t umask);

#endif /* _UKFS_UTILS_MODE_H_ */
