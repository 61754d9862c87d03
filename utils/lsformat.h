/* Formatting file attributes the way ls(1) and stat(1) show them. */
#ifndef _UKFS_UTILS_LSFORMAT_H_
#define _UKFS_UTILS_LSFORMAT_H_

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

/* "-rwsr-xr-x": ten characters and a NUL into buf[11] at least. */
void mode_string(mode_t mode, char *buf);

/*
 * ls -l's time column: "Mon dd HH:MM" within the past six months, else
 * "Mon dd  YYYY" (C locale), into buf[len].
 */
void ls_time(const struct timespec *t, const struct timespec *now, char *buf,
    size_t len);

/* User and group names, cached; NULL when the host has none. */
const char *user_name(uid_t uid);
const char *group_name(gid_t gid);

#endif /* _UKFS_UTILS_LSFORMAT_H_ */
