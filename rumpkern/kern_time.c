/* Wall-clock time, from the host. */
#include "sys/param.h"

#include <rump/rumpuser.h>

void
getnanotime(struct timespec *ts)
{
	int64_t sec;
	long nsec;

	if (rumpuser_clock_gettime(&sec, &nsec) != 0) {
		sec = 0;
		nsec = 0;
	}
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = nsec;
}

time_t
time_second(void)
{
	struct timespec ts;

	getnanotime(&ts);
	return ts.tv_sec;
}
