/*
 * exec: the server's descriptors do not survive it (they are close on
 * exec on the host), but a current directory under the prefix does: the
 * next program finds it in RUMPHIJACK_CWD.  Programs that exec with the
 * process's environment get it from there (rh_cwd_set); those that pass
 * an environment of their own (shells do) get it added here.
 *
 * Server descriptors without close-on-exec survive too (a shell's
 * "cat < /img/f"): the connection is handed over to the next program
 * with the list of them in RUMPHIJACK_FDS (rh_fd_adopt() takes them).
 * If the exec fails, everything is as before.
 */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

#define NAMELEN (sizeof(RH_CWDENV) - 1)
#define FDSLEN	(sizeof(RH_FDSENV) - 1)
#define FDSMAX	4096

/*
 * Before an exec: RUMPHIJACK_FDS=... into entry ("" when nothing is
 * handed over); the descriptors and the connection made to survive.
 */
static void
hand_over(char *entry, size_t len)
{
	char list[FDSMAX];
	int sock;

	entry[0] = '\0';
	rh_rc_syncall(); /* the next program reads on from the offsets */
	if (rh_fd_inherit(list, sizeof(list), 1) == 0)
		return;
	/* a forked child takes its copy of the process now */
	if ((rumpclient_fd() == -1 && rumpclient_init(NULL) == -1) ||
	    rumpclient_keepfd(1) == -1) {
		rh_fd_inherit(list, sizeof(list), 0);
		return;
	}
	sock = rumpclient_fd();
	snprintf(entry, len, RH_FDSENV "=%d,%d;%s", sock, rumpclient_getpid(),
	    list);
}

/* The exec failed: back as before. */
static void
take_back(const char *entry)
{
	char list[FDSMAX];

	if (entry[0] == '\0')
		return;
	rh_fd_inherit(list, sizeof(list), 0);
	rumpclient_keepfd(0);
}

/* envp with RUMPHIJACK_CWD as it should be; free the result with free(). */
static char **
fix_env(char *const envp[], char *entry, const char *fdsentry)
{
	char cwd[RH_PATHMAX];
	size_t n = 0, i, j = 0;
	char **out;

	if (rh_cwd_get(cwd, sizeof(cwd)) == -1)
		cwd[0] = '\0';
	while (envp != NULL && envp[n] != NULL)
		n++;
	if ((out = malloc((n + 3) * sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(envp[i], RH_CWDENV "=", NAMELEN + 1) != 0 &&
		    strncmp(envp[i], RH_FDSENV "=", FDSLEN + 1) != 0)
			out[j++] = envp[i];
	if (fdsentry[0] != '\0')
		out[j++] = (char *)fdsentry;
	if (cwd[0] != '\0') {
		snprintf(entry, RH_PATHMAX + NAMELEN + 2, RH_CWDENV "=%s", cwd);
		out[j++] = entry;
	}
	out[j] = NULL;
	return out;
}

/* An exec with an environment of its own. */
#define EXEC_WITH_ENV(call)                                                    \
	char entry[RH_PATHMAX + NAMELEN + 2], fds[FDSMAX + FDSLEN + 32];       \
	char **env;                                                            \
	int rv;                                                                \
                                                                               \
	hand_over(fds, sizeof(fds));                                           \
	if ((env = fix_env(envp, entry, fds)) == NULL) {                       \
		take_back(fds);                                                \
		errno = ENOMEM;                                                \
		return -1;                                                     \
	}                                                                      \
	rv = call;                                                             \
	free(env);                                                             \
	take_back(fds);                                                        \
	return rv

RH_API int
execve(const char *path, char *const argv[], char *const envp[])
{
	EXEC_WITH_ENV(REAL(execve)(path, argv, env));
}

RH_API int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	EXEC_WITH_ENV(REAL(execvpe)(file, argv, env));
}

RH_API int
posix_spawn(pid_t *pid, const char *path,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	EXEC_WITH_ENV(REAL(posix_spawn)(pid, path, fa, attr, argv, env));
}

RH_API int
posix_spawnp(pid_t *pid, const char *file,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	EXEC_WITH_ENV(REAL(posix_spawnp)(pid, file, fa, attr, argv, env));
}

/* execv and execvp use the process's environment. */
static int
exec_environ(const char *file, char *const argv[], int search)
{
	char fds[FDSMAX + FDSLEN + 32];
	int rv, error;

	hand_over(fds, sizeof(fds));
	if (fds[0] != '\0')
		setenv(RH_FDSENV, fds + FDSLEN + 1, 1);
	rv = search ? REAL(execvp)(file, argv) : REAL(execv)(file, argv);
	error = errno;
	unsetenv(RH_FDSENV);
	take_back(fds);
	errno = error;
	return rv;
}

RH_API int
execv(const char *path, char *const argv[])
{
	return exec_environ(path, argv, 0);
}

RH_API int
execvp(const char *file, char *const argv[])
{
	return exec_environ(file, argv, 1);
}
