/* Host services: clock, console, errno, parameters, randomness. */
#include <sys/random.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpuser.h>

int
rumpuser_init(void)
{
	return 0;
}

int
rumpuser_clock_gettime(int64_t *sec, long *nsec)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return errno;
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}

/* One console line at a time, even from several threads. */
static pthread_mutex_t putstr_lock = PTHREAD_MUTEX_INITIALIZER;

void
rumpuser_putstr(const char *s)
{
	size_t len = strlen(s);
	int saved = errno;

	pthread_mutex_lock(&putstr_lock);
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, s, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			break; /* nowhere left to complain */
		}
		s += n;
		len -= (size_t)n;
	}
	pthread_mutex_unlock(&putstr_lock);
	errno = saved;
}

void
rumpuser_seterrno(int error)
{
	errno = error;
}

void
rumpuser_abort(void)
{
	abort();
}

int
rumpuser_getparam(const char *name, char *buf, size_t buflen)
{
	const char *v = getenv(name);
	size_t len;

	if (v == NULL)
		return ENOENT;
	len = strlen(v);
	if (len >= buflen)
		return ENAMETOOLONG;
	memcpy(buf, v, len + 1);
	return 0;
}

int
rumpuser_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	if (n > 1024)
		return 1024;
	return (int)n;
}

int
rumpuser_getrandom(void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
