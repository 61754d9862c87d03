/* Scatter/gather I/O descriptions passed down to the file systems. */
#ifndef _SYS_UIO_H_
#define _SYS_UIO_H_

enum uio_rw { UIO_READ, UIO_WRITE };

struct kiovec {
	void *iov_base;
	size_t iov_len;
};

struct uio {
	struct kiovec *uio_iov;
	int uio_iovcnt;
	off_t uio_offset;
	size_t uio_resid;
	enum uio_rw uio_rw;
};

/* Move n bytes between buf and the uio, in the direction uio_rw says. */
int uiomove(void *buf, size_t n, struct uio *uio);
/* Fill a single-segment uio. */
void uio_setup1(struct uio *, struct kiovec *, void *, size_t, off_t,
    enum uio_rw);

#endif /* _SYS_UIO_H_ */
