/*
 * etfs: host files registered as block devices of the kernel.  The device
 * node lives in rumpfs at the registration key; its strategy routine turns
 * buffer transfers into host I/O within the registered window.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/buf.h"
#include "sys/etfs.h"
#include "sys/rump_private.h"
#include <rump/rumpuser.h>
#include "rumpfs.h"
#include "rumpvfs_if_priv.h"

int
rump_etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type ftype, uint64_t begin, uint64_t size, int flags)
{
	struct nameidata nd;
	struct etfs_dev *ed;
	struct vattr va;
	struct vnode *vp;
	uint64_t hostsize;
	int error, fd;

	if (ftype != RUMP_ETFS_BLK || key == NULL || key[0] != '/')
		return EINVAL;
	error = rumpuser_open(hostpath,
	    ((flags & RUMP_ETFS_RDONLY) ? RUMPUSER_OPEN_RDONLY :
	                                  RUMPUSER_OPEN_RDWR) |
	        ((flags & RUMP_ETFS_DECOMPRESS) ? RUMPUSER_OPEN_DECOMPRESS : 0),
	    &fd);
	if (error)
		return error;
	error = rumpuser_getfilesize(fd, &hostsize);
	if (error == 0 && begin > hostsize)
		error = EINVAL;
	if (error == 0 && size == RUMP_ETFS_SIZE_ENDOFF)
		size = hostsize - begin;
	else if (error == 0 && (size > hostsize || begin > hostsize - size))
		error = EINVAL; /* the window must lie inside the file */
	if (error) {
		rumpuser_close(fd);
		return error;
	}
	ed = kmem_zalloc(sizeof(*ed), KM_SLEEP);
	ed->ed_key = kmem_strdup(key);
	ed->ed_hostpath = kmem_strdup(hostpath);
	ed->ed_fd = fd;
	ed->ed_type = ftype;
	ed->ed_begin = begin;
	ed->ed_size = size;
	ed->ed_flags = flags;

	NDINIT(&nd, CREATE, LOCKPARENT | NOFOLLOW, key);
	error = namei(&nd);
	if (error == 0 && nd.ni_vp != NULL) {
		if (nd.ni_vp == nd.ni_dvp)
			vrele(nd.ni_vp);
		else
			vrele(nd.ni_vp);
		vput(nd.ni_dvp);
		error = EEXIST;
	} else if (error == 0) {
		vattr_null(&va);
		va.va_type = VBLK;
		va.va_mode = 0600;
		va.va_rdev = 0;
		error = VOP_MKNOD(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
		vput(nd.ni_dvp);
		if (error == 0) {
			rumpfs_setdev(vp, ed);
			vrele(vp);
			return 0;
		}
	}
	etfs_release(ed);
	return error;
}

int
rump_etfs_remove(const char *key)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	NDINIT(&nd, DELETE, LOCKPARENT | LOCKLEAF | NOFOLLOW, key);
	error = namei(&nd);
	if (error)
		return error;
	vp = nd.ni_vp;
	if (vp == NULL || vp == nd.ni_dvp || rumpfs_getdev(vp) == NULL)
		error = vp == NULL ? ENOENT : EINVAL;
	else if (vp->v_usecount > 1)
		error = EBUSY; /* a file system still uses it */
	else
		error = VOP_REMOVE(nd.ni_dvp, vp, &nd.ni_cnd);
	if (vp != NULL) {
		if (vp == nd.ni_dvp)
			vrele(vp);
		else
			vput(vp);
	}
	vput(nd.ni_dvp);
	return error;
}

void
etfs_release(struct etfs_dev *ed)
{
	rumpuser_close(ed->ed_fd);
	kmem_strfree(ed->ed_key);
	kmem_strfree(ed->ed_hostpath);
	kmem_free(ed, sizeof(*ed));
}

#define PLUG_MAX    ((size_t)1 << 20) /* bytes gathered into one write */
#define PLUG_MAXIOV 256               /* pieces of it */

/*
 * The pending pieces point into the buffers written: their owner holds
 * them busy, unchanged, until etfs_unplug().
 */
static _Thread_local struct {
	bool on;
	struct etfs_dev *ed; /* the device of the pending bytes */
	uint64_t off;        /* their device offset */
	size_t len;
	int niov;
	struct rumpuser_iovec *iov; /* PLUG_MAXIOV while plugged */
	int error;
} plug;

/*
 * One iovec array kept between plugs (allocating one per plug made the
 * host allocator return memory and fault it in again); a thread that
 * finds it taken makes its own.
 */
static struct rumpuser_iovec *plug_iov_spare;

static int
plug_flush(void)
{
	size_t done = 0;
	int error;

	if (plug.len == 0)
		return 0;
	rump_unschedule_cpu();
	error = rumpuser_pwritev(plug.ed->ed_fd, plug.iov, plug.niov,
	    (int64_t)(plug.ed->ed_begin + plug.off), &done);
	rump_schedule_cpu();
	if (error == 0 && done < plug.len)
		error = EIO;
	if (error != 0 && plug.error == 0)
		plug.error = error;
	plug.len = 0;
	plug.niov = 0;
	return error;
}

void
etfs_plug(void)
{
	KASSERT(!plug.on);
	plug.on = true;
	plug.len = 0;
	plug.niov = 0;
	plug.error = 0;
	/* kept from the last plug: see plug_iov_spare */
	plug.iov = __atomic_exchange_n(&plug_iov_spare, NULL, __ATOMIC_ACQUIRE);
	if (plug.iov == NULL)
		plug.iov = kmem_alloc(PLUG_MAXIOV * sizeof(*plug.iov), KM_SLEEP);
}

int
etfs_unplug(void)
{
	int error;

	if (!plug.on)
		return 0;
	plug_flush();
	plug.on = false;
	plug.iov = __atomic_exchange_n(&plug_iov_spare, plug.iov, __ATOMIC_RELEASE);
	if (plug.iov != NULL)
		kmem_free(plug.iov, PLUG_MAXIOV * sizeof(*plug.iov));
	plug.iov = NULL;
	error = plug.error;
	plug.error = 0;
	return error;
}

/* Take a checked write of len bytes at off while plugged; false: not. */
static bool
plug_add(struct etfs_dev *ed, const void *data, uint64_t off, uint64_t len)
{
	if (plug.len > 0 &&
	    (plug.ed != ed || plug.off + plug.len != off ||
		plug.len + len > PLUG_MAX || plug.niov == PLUG_MAXIOV))
		plug_flush();
	if (len > PLUG_MAX)
		return false;
	if (plug.len == 0) {
		plug.ed = ed;
		plug.off = off;
	}
	plug.iov[plug.niov].iov_base = data;
	plug.iov[plug.niov].iov_len = (size_t)len;
	plug.niov++;
	plug.len += (size_t)len;
	return true;
}

void
etfs_strategy(struct etfs_dev *ed, struct buf *bp)
{
	uint64_t off, len = bp->b_bcount;
	size_t done = 0;
	int error;

	bp->b_error = 0;
	if (bp->b_blkno < 0 ||
	    (uint64_t)bp->b_blkno > (ed->ed_size >> DEV_BSHIFT)) {
		error = EIO;
		goto out;
	}
	off = (uint64_t)bp->b_blkno << DEV_BSHIFT;
	if (off + len > ed->ed_size)
		len = ed->ed_size > off ? ed->ed_size - off : 0;
	if (!(bp->b_flags & B_READ) && (ed->ed_flags & RUMP_ETFS_RDONLY)) {
		error = EROFS;
		goto out;
	}
	if (plug.on) {
		/* only what stays put till the unplug: see etfs.h */
		if (!(bp->b_flags & B_READ) && (bp->b_flags & B_GATHER) &&
		    len == bp->b_bcount && plug_add(ed, bp->b_data, off, len)) {
			/* others count theirs meanwhile, unplugged */
			__atomic_add_fetch(&ed->ed_writes, 1, __ATOMIC_RELAXED);
			done = (size_t)len;
			error = 0;
			goto out;
		}
		plug_flush(); /* a read sees what was written before it */
	}
	/* Host I/O may block: give the virtual CPU to others meanwhile. */
	rump_unschedule_cpu();
	if (bp->b_flags & B_READ)
		error = rumpuser_pread(ed->ed_fd, bp->b_data, (size_t)len,
		    (int64_t)(ed->ed_begin + off), &done);
	else
		error = rumpuser_pwrite(ed->ed_fd, bp->b_data, (size_t)len,
		    (int64_t)(ed->ed_begin + off), &done);
	rump_schedule_cpu();
	/* Several virtual CPUs do I/O on one device at once. */
	__atomic_add_fetch(bp->b_flags & B_READ ? &ed->ed_reads : &ed->ed_writes,
	    1, __ATOMIC_RELAXED);
	if (error == 0 && done < bp->b_bcount)
		error = EIO; /* past the end of the device */
out:
	bp->b_resid = bp->b_bcount - done;
	bp->b_error = error;
	if (error)
		bp->b_flags |= B_ERROR;
	biodone(bp);
}

int
etfs_sync(struct etfs_dev *ed)
{
	int error;

	if (ed->ed_flags & RUMP_ETFS_RDONLY)
		return 0;
	if (plug.on && plug.ed == ed)
		plug_flush();
	rump_unschedule_cpu();
	error = rumpuser_fsync(ed->ed_fd);
	rump_schedule_cpu();
	return error;
}
