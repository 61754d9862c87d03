/*
 * Moving data across the user/kernel boundary.  Both share one address
 * space, so this is memcpy; a NULL user address still gives EFAULT
 * rather than a crash.
 */
#include "sys/param.h"
#include "sys/uio.h"

int
copyin(const void *uaddr, void *kaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (uaddr == NULL)
		return EFAULT;
	memcpy(kaddr, uaddr, len);
	return 0;
}

int
copyout(const void *kaddr, void *uaddr, size_t len)
{
	if (len == 0)
		return 0;
	if (uaddr == NULL)
		return EFAULT;
	memcpy(uaddr, kaddr, len);
	return 0;
}

/* Copy a string with its NUL; *done counts the bytes copied. */
int
copystr(const void *src, char *dst, size_t len, size_t *done)
{
	const char *s = src;
	size_t i;

	for (i = 0; i < len; i++) {
		if ((dst[i] = s[i]) == '\0') {
			if (done != NULL)
				*done = i + 1;
			return 0;
		}
	}
	if (done != NULL)
		*done = len;
	return ENAMETOOLONG;
}

int
copyinstr(const void *uaddr, char *kaddr, size_t len, size_t *done)
{
	if (uaddr == NULL) {
		if (done != NULL)
			*done = 0;
		return EFAULT;
	}
	return copystr(uaddr, kaddr, len, done);
}

int
uiomove(void *buf, size_t n, struct uio *uio)
{
	char *cp = buf;

	while (n > 0 && uio->uio_resid > 0) {
		struct kiovec *iov = uio->uio_iov;
		size_t cnt;

		KASSERT(uio->uio_iovcnt > 0);
		if (iov->iov_len == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		cnt = MIN(MIN(iov->iov_len, n), uio->uio_resid);
		if (uio->uio_rw == UIO_READ)
			memcpy(iov->iov_base, cp, cnt);
		else
			memcpy(cp, iov->iov_base, cnt);
		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += cnt;
		cp += cnt;
		n -= cnt;
	}
	return 0;
}

void
uio_setup1(struct uio *uio, struct kiovec *iov, void *buf, size_t len,
    off_t off, enum uio_rw rw)
{
	iov->iov_base = buf;
	iov->iov_len = len;
	uio->uio_iov = iov;
	uio->uio_iovcnt = 1;
	uio->uio_offset = off;
	uio->uio_resid = len;
	uio->uio_rw = rw;
}
