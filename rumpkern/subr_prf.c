/*
 * Console output and panic.  Each kprintf() is formatted whole and
 * written in one piece, so lines from different threads do not mix.
 */
#include "sys/param.h"

#include <stdatomic.h>

#include <rump/rumpuser.h>

#define PRF_BUFSIZE 512

/* Format prefix, message and suffix into one string and write it at once. */
static void
kvprintf_wrapped(
    const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char sbuf[PRF_BUFSIZE];
	char *buf = sbuf;
	size_t plen = strlen(prefix), slen = strlen(suffix);
	size_t size = sizeof(sbuf), n;
	va_list aq;

	if (plen + slen >= size)
		plen = slen = 0;
	memcpy(buf, prefix, plen);
	va_copy(aq, ap);
	n = (size_t)kvsnprintf(buf + plen, size - plen - slen, fmt, aq);
	va_end(aq);
	if (n >= size - plen - slen) {
		/* Too long for the stack: format again into host memory. */
		void *mem;

		if (rumpuser_malloc(plen + n + slen + 1, 0, &mem) == 0) {
			size = plen + n + slen + 1;
			buf = mem;
			memcpy(buf, prefix, plen);
			kvsnprintf(buf + plen, size - plen - slen, fmt, ap);
		} else
			n = size - plen - slen - 1; /* print it truncated */
	}
	memcpy(buf + plen + n, suffix, slen + 1);
	rumpuser_putstr(buf);
	if (buf != sbuf)
		rumpuser_free(buf, size);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf_wrapped("", "", fmt, ap);
	va_end(ap);
}

void
panic(const char *fmt, ...)
{
	static atomic_int panicking;
	va_list ap;

	/* A panic while panicking: get out without more formatting. */
	if (atomic_fetch_add(&panicking, 1) != 0) {
		rumpuser_putstr("panic: (recursive)\n");
		rumpuser_abort();
	}
	va_start(ap, fmt);
	kvprintf_wrapped("panic: ", "\n", fmt, ap);
	va_end(ap);
	rumpuser_abort();
}

/*
 * Damage reports: each distinct message once.  Recently seen messages
 * are remembered by hash in a small lock-free table, and the total is
 * capped so a badly damaged image cannot flood the console.
 */
#define CORRUPT_SLOTS 256
#define CORRUPT_PROBE 8
#define CORRUPT_MAX   200

static _Atomic uint32_t corrupt_seen[CORRUPT_SLOTS];
static atomic_int corrupt_count;

/* True the first time a hash is seen (or when the table is full). */
static bool
corrupt_first(uint32_t h)
{
	if (h == 0)
		h = 1; /* 0 marks an empty slot */
	for (int i = 0; i < CORRUPT_PROBE; i++) {
		_Atomic uint32_t *slot = &corrupt_seen[(h + i) % CORRUPT_SLOTS];
		uint32_t cur = atomic_load_explicit(slot, memory_order_relaxed);

		if (cur == h)
			return false;
		if (cur == 0) {
			uint32_t expect = 0;

			if (atomic_compare_exchange_strong(slot, &expect, h))
				return true;
			if (expect == h)
				return false;
		}
	}
	return true;
}

void
fs_corrupt(const char *fsname, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	uint32_t h;
	int n;

	if (atomic_load_explicit(&corrupt_count, memory_order_relaxed) >
	    CORRUPT_MAX)
		return;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = (int)strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0'; /* the line ends here anyway */
	h = hash32_buf(msg, strlen(msg), hash32_buf(fsname, strlen(fsname), 0));
	if (!corrupt_first(h))
		return;
	n = atomic_fetch_add(&corrupt_count, 1);
	if (n < CORRUPT_MAX)
		kprintf(
		    "ukfs: %s: structure needs cleaning: %s\n", fsname, msg);
	else if (n == CORRUPT_MAX)
		kprintf(
		    "ukfs: %s: further damage reports suppressed\n", fsname);
}
