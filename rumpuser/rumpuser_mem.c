/* Host memory for the kernel allocator. */
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>

#include <rump/rumpuser.h>

int
rumpuser_malloc(size_t len, size_t alignment, void **memp)
{
	void *p;

	if (len == 0)
		len = 1; /* malloc(0) may legitimately return NULL */
	if (alignment <= alignof(max_align_t)) {
		p = malloc(len);
		if (p == NULL)
			return ENOMEM;
	} else {
		if (alignment & (alignment - 1))
			return EINVAL;
		if (alignment < sizeof(void *))
			alignment = sizeof(void *);
		int error = posix_memalign(&p, alignment, len);
		if (error)
			return error;
	}
	*memp = p;
	return 0;
}

void
rumpuser_free(void *mem, size_t len)
{
	free(mem);
}
