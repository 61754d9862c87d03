/*
 * exec: the server's descriptors do not survive it (they are close on
 * exec on the host), but a current directory under the prefix does: the
 * next program finds it in RUMPHIJACK_CWD.  Programs that exec with the
 * process's environment get it from there (rh_cwd_set); those that pass
 * an environment of their own (shells do) get it added here.
 */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rh.h"

#define NAMELEN (sizeof(RH_CWDENV) - 1)

/* envp with RUMPHIJACK_CWD as it should be; free the result with free(). */
static char **
fix_env(char *const envp[], char *entry)
{
	char cwd[RH_PATHMAX];
	size_t n = 0, i, j = 0;
	char **out;

	if (rh_cwd_get(cwd, sizeof(cwd)) == -1)
		cwd[0] = '\0';
	while (envp != NULL && envp[n] != NULL)
		n++;
	if ((out = malloc((n + 2) * sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(envp[i], RH_CWDENV "=", NAMELEN + 1) != 0)
			out[j++] = envp[i];
	if (cwd[0] != '\0') {
		snprintf(entry, RH_PATHMAX + NAMELEN + 2, RH_CWDENV "=%s", cwd);
		out[j++] = entry;
	}
	out[j] = NULL;
	return out;
}

RH_API int
execve(const char *path, char *const argv[], char *const envp[])
{
	char entry[RH_PATHMAX + NAMELEN + 2];
	char **env = fix_env(envp, entry);
	int rv;

	if (env == NULL)
		return REAL(execve)(path, argv, envp);
	rv = REAL(execve)(path, argv, env);
	free(env);
	return rv;
}

RH_API int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	char entry[RH_PATHMAX + NAMELEN + 2];
	char **env = fix_env(envp, entry);
	int rv;

	if (env == NULL)
		return REAL(execvpe)(file, argv, envp);
	rv = REAL(execvpe)(file, argv, env);
	free(env);
	return rv;
}

RH_API int
posix_spawn(pid_t *pid, const char *path,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	char entry[RH_PATHMAX + NAMELEN + 2];
	char **env = fix_env(envp, entry);
	int rv;

	if (env == NULL)
		return REAL(posix_spawn)(pid, path, fa, attr, argv, envp);
	rv = REAL(posix_spawn)(pid, path, fa, attr, argv, env);
	free(env);
	return rv;
}

RH_API int
posix_spawnp(pid_t *pid, const char *file,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	char entry[RH_PATHMAX + NAMELEN + 2];
	char **env = fix_env(envp, entry);
	int rv;

	if (env == NULL)
		return REAL(posix_spawnp)(pid, file, fa, attr, argv, envp);
	rv = REAL(posix_spawnp)(pid, file, fa, attr, argv, env);
	free(env);
	return rv;
}
