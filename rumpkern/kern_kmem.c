/* Kernel memory allocator: a thin layer over the host's malloc. */
#include "sys/param.h"

#include <rump/rumpuser.h>

void *
kmem_alloc(size_t size, int flags)
{
	void *p;
	int error;

	error = rumpuser_malloc(size, 0, &p);
	if (error != 0) {
		if (flags & KM_SLEEP)
			panic("kmem_alloc: %zu bytes: out of memory", size);
		return NULL;
	}
	return p;
}

void *
kmem_zalloc(size_t size, int flags)
{
	void *p = kmem_alloc(size, flags);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
kmem_free(void *p, size_t size)
{
	if (p != NULL)
		rumpuser_free(p, size);
}

char *
kmem_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = kmem_alloc(len, KM_SLEEP);

	memcpy(p, s, len);
	return p;
}

void
kmem_strfree(char *s)
{
	if (s != NULL)
		kmem_free(s, strlen(s) + 1);
}
