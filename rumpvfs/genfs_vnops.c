/*
 * Vnode operations that many file systems share: locking, the trivial
 * answers, and the classic permission check.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/kauth.h"

int
genfs_lock(void *v)
{
	struct vop_lock_args *ap = v;
	struct vnode *vp = ap->a_vp;
	krw_t op = (ap->a_flags & LK_EXCLUSIVE) ? RW_WRITER : RW_READER;

	if (ap->a_flags & LK_NOWAIT)
		return rw_tryenter(&vp->v_lock, op) ? 0 : EBUSY;
	rw_enter(&vp->v_lock, op);
	return 0;
}

int
genfs_unlock(void *v)
{
	struct vop_unlock_args *ap = v;

	rw_exit(&ap->a_vp->v_lock);
	return 0;
}

int
genfs_islocked(void *v)
{
	struct vop_islocked_args *ap = v;
	struct vnode *vp = ap->a_vp;

	if (rw_write_held(&vp->v_lock))
		return LK_EXCLUSIVE;
	if (rw_lock_held(&vp->v_lock))
		return LK_SHARED;
	return 0;
}

int
genfs_eopnotsupp(void *v)
{
	return EOPNOTSUPP;
}

int
genfs_erofs(void *v)
{
	return EROFS;
}

int
genfs_nullop(void *v)
{
	return 0;
}

int
genfs_einval(void *v)
{
	return EINVAL;
}

int
genfs_badop(void *v)
{
	panic("genfs: operation that must not be called");
}

int
vn_default_error(void *v)
{
	return EOPNOTSUPP;
}

int
genfs_seek(void *v)
{
	struct vop_seek_args *ap = v;

	return ap->a_newoff < 0 ? EINVAL : 0;
}

int
genfs_abortop(void *v)
{
	return 0;
}

int
genfs_can_access(enum vtype type, mode_t mode, uid_t uid, gid_t gid, int acc,
    kauth_cred_t cred)
{
	mode_t need = 0;

	if (kauth_cred_issuser(cred)) {
		/* Root may do anything but execute a file nobody may. */
		if ((acc & VEXEC) && type != VDIR &&
		    (mode & 0111) == 0)
			return EACCES;
		return 0;
	}
	if (kauth_cred_geteuid(cred) == uid) {
		if (acc & VEXEC)
			need |= 0100;
		if (acc & VREAD)
			need |= 0400;
		if (acc & (VWRITE | VAPPEND))
			need |= 0200;
	} else if (kauth_cred_groupmember(cred, gid)) {
		if (acc & VEXEC)
			need |= 0010;
		if (acc & VREAD)
			need |= 0040;
		if (acc & (VWRITE | VAPPEND))
			need |= 0020;
	} else {
		if (acc & VEXEC)
			need |= 0001;
		if (acc & VREAD)
			need |= 0004;
		if (acc & (VWRITE | VAPPEND))
			need |= 0002;
	}
	return (mode & need) == need ? 0 : EACCES;
}
