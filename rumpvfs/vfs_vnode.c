/*
 * The vnode cache: vnodes by (mount, key), reference counts, and the
 * life cycle from loading through inactivation to reclaim.
 *
 * One lock (vcache_lock) protects the hash, the LRU list of unreferenced
 * vnodes, every v_state, and the per-mount vnode lists.  It is never held
 * across a call into a file system.
 *
 * v_usecount is changed by atomic operations.  It goes from 0 to 1 and
 * from 1 to 0 only under vcache_lock: a vnode with no references is on
 * the LRU list or being loaded or torn down, which the lock guards.  Any
 * other step (1 -> 2, 3 -> 2, ...) may be taken without the lock by
 * whoever holds a reference (vref, vrele), so that the common reference
 * traffic of lookups and open files costs no lock round trip.  Under the
 * lock, a count of 0 stays 0 and one above 0 stays above 0.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/buf.h"
#include "sys/namei.h"
#include "sys/lwp.h"

static kmutex_t vcache_lock;
static kcondvar_t vcache_cv;
static LIST_HEAD(vcache_bucket, vnode) * vcache_hash;
static size_t vcache_hashmask;
TAILQ_HEAD(vnodelst, vnode);
static struct vnodelst vnode_lru;
static unsigned numvnodes;
static unsigned desiredvnodes;

/* Operations of a vnode whose file system has gone (forced unmount). */
static int (**dead_vnodeop_p)(void *);
static int dead_ebadf(void *);
static int dead_inactive(void *);
static const struct vnodeopv_entry_desc dead_vnodeop_entries[] = {
	{ &vop_default_desc, dead_ebadf },
	{ &vop_lock_desc, genfs_lock },
	{ &vop_unlock_desc, genfs_unlock },
	{ &vop_islocked_desc, genfs_islocked },
	{ &vop_inactive_desc, dead_inactive },
	{ &vop_reclaim_desc, genfs_nullop },
	{ NULL, NULL },
};
static const struct vnodeopv_desc dead_vnodeop_opv_desc = { &dead_vnodeop_p,
	dead_vnodeop_entries };
static const struct vnodeopv_desc *const dead_vnodeopv_descs[] = {
	&dead_vnodeop_opv_desc, NULL
};

static int
dead_ebadf(void *v)
{
	return EBADF;
}

static int
dead_inactive(void *v)
{
	struct vop_inactive_args *ap = v;

	*ap->a_recycle = false;
	return 0;
}

void
vnode_init(void)
{
	size_t i, n;

	mutex_init(&vcache_lock);
	cv_init(&vcache_cv);
	TAILQ_INIT(&vnode_lru);
	desiredvnodes = (unsigned)rump_getparam_int("RUMP_MAXVNODES", 32768);
	if (desiredvnodes < 64)
		desiredvnodes = 64;
	for (n = 1024; n < desiredvnodes; n <<= 1)
		continue;
	vcache_hash = kmem_alloc(n * sizeof(*vcache_hash), KM_SLEEP);
	for (i = 0; i < n; i++)
		LIST_INIT(&vcache_hash[i]);
	vcache_hashmask = n - 1;
	vfs_opv_init(dead_vnodeopv_descs);
}

static uint32_t
vcache_hashval(struct mount *mp, const void *key, size_t keylen)
{
	uintptr_t m = (uintptr_t)mp;

	return hash32_buf(key, keylen, (uint32_t)(m ^ (m >> 32)));
}

/*
 * v_state changes under vcache_lock; vrefcnt_tryget() also reads it
 * without the lock, so it is stored atomically.
 */
static void
state_set(struct vnode *vp, enum vnode_state state)
{
	/*
	 * A reclaiming vnode stays in the hash (lookups wait for it) while
	 * VOP_RECLAIM frees the memory its key points into: keep a copy.
	 */
	if (state == VS_RECLAIMING && vp->v_key != vp->v_keysave) {
		KASSERT(vp->v_keylen <= sizeof(vp->v_keysave));
		if (vp->v_keylen > 0)
			memcpy(vp->v_keysave, vp->v_key, vp->v_keylen);
		vp->v_key = vp->v_keysave;
	}
	__atomic_store_n(&vp->v_state, state, __ATOMIC_RELEASE);
}

static int
usecount(const struct vnode *vp)
{
	return __atomic_load_n(&vp->v_usecount, __ATOMIC_RELAXED);
}

/* A new reference under vcache_lock (0 -> 1 allowed). */
static void
usecount_inc_locked(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache_lock));
	__atomic_add_fetch(&vp->v_usecount, 1, __ATOMIC_RELAXED);
}

/* Drop one under vcache_lock; the count left. */
static int
usecount_dec_locked(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache_lock));
	return __atomic_sub_fetch(&vp->v_usecount, 1, __ATOMIC_ACQ_REL);
}

/*
 * Step the count from n to n + delta without the lock while n is at least
 * min (a held reference keeps it there); false when it is not.
 */
static bool
usecount_step(struct vnode *vp, int min, int delta)
{
	int n = usecount(vp);

	while (n >= min) {
		if (__atomic_compare_exchange_n(&vp->v_usecount, &n, n + delta,
		        true, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

static struct vnode *
vcache_lookup_locked(struct mount *mp, const void *key, size_t keylen,
    uint32_t hash)
{
	struct vnode *vp;

	LIST_FOREACH(vp, &vcache_hash[hash & vcache_hashmask], v_hashlist)
	{
		if (vp->v_hash == hash && vp->v_mount == mp &&
		    vp->v_keylen == keylen &&
		    memcmp(vp->v_key, key, keylen) == 0)
			return vp;
	}
	return NULL;
}

static struct vnode *
vnalloc(struct mount *mp)
{
	struct vnode *vp;

	vp = kmem_zalloc(sizeof(*vp), KM_SLEEP);
	rw_init(&vp->v_lock);
	state_set(vp, VS_LOADING);
	vp->v_type = VNON;
	vp->v_mount = mp;
	vp->v_usecount = 1;
	LIST_INIT(&vp->v_bufs);
	LIST_INIT(&vp->v_nclist);
	LIST_INIT(&vp->v_dnclist);
	return vp;
}

static void
vnfree(struct vnode *vp)
{
	KASSERT(LIST_EMPTY(&vp->v_bufs));
	rw_destroy(&vp->v_lock);
	kmem_free(vp, sizeof(*vp));
}

static void
lru_remove_locked(struct vnode *vp)
{
	if (vp->v_onlru) {
		TAILQ_REMOVE(&vnode_lru, vp, v_lrulist);
		vp->v_onlru = false;
	}
}

/* Undo a failed load: the vnode was never visible as active. */
static void
vcache_abort_load(struct vnode *vp)
{
	mutex_enter(&vcache_lock);
	LIST_REMOVE(vp, v_hashlist);
	state_set(vp, VS_RECLAIMED);
	numvnodes--;
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
	vinvalbuf(vp, false);
	vnfree(vp);
}

static void
vcache_activate(struct vnode *vp)
{
	struct mount *mp = vp->v_mount;

	mutex_enter(&vcache_lock);
	state_set(vp, VS_ACTIVE);
	TAILQ_INSERT_TAIL(&mp->mnt_vnodelist, vp, v_mntvnodes);
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
}

int
vcache_get(struct mount *mp, const void *key, size_t keylen,
    struct vnode **vpp)
{
	struct vnode *vp;
	const void *newkey;
	uint32_t hash;
	int error;

	hash = vcache_hashval(mp, key, keylen);
	mutex_enter(&vcache_lock);
	for (;;) {
		vp = vcache_lookup_locked(mp, key, keylen, hash);
		if (vp == NULL)
			break;
		if (vp->v_state == VS_ACTIVE) {
			usecount_inc_locked(vp);
			lru_remove_locked(vp);
			mutex_exit(&vcache_lock);
			*vpp = vp;
			return 0;
		}
		/* Loading or going away: wait for it to settle. */
		cv_wait(&vcache_cv, &vcache_lock);
	}
	if (mp->mnt_iflag & IMNT_GONE) {
		mutex_exit(&vcache_lock);
		return ENOENT;
	}
	vp = vnalloc(mp);
	vp->v_key = key; /* the caller's copy, valid while we load */
	vp->v_keylen = keylen;
	vp->v_hash = hash;
	LIST_INSERT_HEAD(&vcache_hash[hash & vcache_hashmask], vp, v_hashlist);
	numvnodes++;
	mutex_exit(&vcache_lock);

	error = mp->mnt_op->vfs_loadvnode(mp, vp, key, keylen, &newkey);
	if (error) {
		vcache_abort_load(vp);
		return error;
	}
	KASSERT(vp->v_op != NULL);
	vp->v_key = newkey;
	vcache_activate(vp);
	*vpp = vp;
	return 0;
}

int
vcache_new(struct mount *mp, struct vnode *dvp, struct vattr *vap,
    kauth_cred_t cred, void *extra, struct vnode **vpp)
{
	struct vnode *vp, *ovp;
	const void *newkey;
	size_t keylen;
	uint32_t hash;
	int error;

	if (mp->mnt_op->vfs_newvnode == NULL)
		return EOPNOTSUPP;
	vp = vnalloc(mp);
	error = mp->mnt_op->vfs_newvnode(mp, dvp, vp, vap, cred, extra,
	    &keylen, &newkey);
	if (error) {
		vinvalbuf(vp, false);
		vnfree(vp);
		return error;
	}
	hash = vcache_hashval(mp, newkey, keylen);
	mutex_enter(&vcache_lock);
	while ((ovp = vcache_lookup_locked(mp, newkey, keylen, hash)) != NULL) {
		/* a vnode of the number's last file, going: it finishes */
		if (ovp->v_state != VS_ACTIVE) {
			cv_wait(&vcache_cv, &vcache_lock);
			continue;
		}
		/* its VOP_INACTIVE freed the number: it goes next */
		if (__atomic_load_n(&ovp->v_inactivating, __ATOMIC_ACQUIRE)) {
			ovp->v_inactwait = true;
			cv_wait(&vcache_cv, &vcache_lock);
			continue;
		}
		/*
		 * A file that is still there (a freed file leaves the cache
		 * before its number can be given out again): the allocation
		 * map is damaged.  Waiting could last for ever.
		 */
		mutex_exit(&vcache_lock);
		kprintf("%s: new file's number is in use by another (damaged "
			"allocation map?)\n",
		    mp->mnt_stat.f_mntfromname);
		vinvalbuf(vp, false);
		if (VOP_RECLAIM(vp) != 0)
			kprintf("vnode %p: reclaim failed\n", (void *)vp);
		vnfree(vp);
		return EFSCORRUPTED;
	}
	vp->v_key = newkey;
	vp->v_keylen = keylen;
	vp->v_hash = hash;
	LIST_INSERT_HEAD(&vcache_hash[hash & vcache_hashmask], vp, v_hashlist);
	numvnodes++;
	mutex_exit(&vcache_lock);
	vcache_activate(vp);
	*vpp = vp;
	return 0;
}

void
vcache_rekey(struct vnode *vp, const void *newkey, size_t newkeylen)
{
	uint32_t hash = vcache_hashval(vp->v_mount, newkey, newkeylen);

	mutex_enter(&vcache_lock);
	LIST_REMOVE(vp, v_hashlist);
	vp->v_key = newkey;
	vp->v_keylen = newkeylen;
	vp->v_hash = hash;
	LIST_INSERT_HEAD(&vcache_hash[hash & vcache_hashmask], vp, v_hashlist);
	mutex_exit(&vcache_lock);
}

void
vref(struct vnode *vp)
{
	if (usecount_step(vp, 1, 1))
		return;
	mutex_enter(&vcache_lock);
	KASSERT(usecount(vp) > 0 || vp->v_state == VS_ACTIVE);
	usecount_inc_locked(vp);
	lru_remove_locked(vp);
	mutex_exit(&vcache_lock);
}

bool
vrefcnt_tryget(struct vnode *vp)
{
	bool ok = false;
	int n;

	/*
	 * Already referenced and active: one more without the lock.  A
	 * vgone() that starts meanwhile finds the reference as if taken
	 * just before it; a count at 0 stays 0 without the lock.
	 */
	n = usecount(vp);
	while (n > 0 &&
	    __atomic_load_n(&vp->v_state, __ATOMIC_ACQUIRE) == VS_ACTIVE) {
		if (__atomic_compare_exchange_n(&vp->v_usecount, &n, n + 1,
		        true, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return true;
	}
	mutex_enter(&vcache_lock);
	if (vp->v_state == VS_ACTIVE) {
		usecount_inc_locked(vp);
		lru_remove_locked(vp);
		ok = true;
	}
	mutex_exit(&vcache_lock);
	return ok;
}

/* The file system's part of tearing down a vnode in VS_RECLAIMING. */
static void
vcache_reclaim_fs(struct vnode *vp)
{
	KASSERT(vp->v_state == VS_RECLAIMING);
	cache_purge(vp);
	/* unreferenced, nobody adds buffers: empty stays empty */
	if (usecount(vp) > 0 ||
	    __atomic_load_n(&LIST_FIRST(&vp->v_bufs), __ATOMIC_ACQUIRE) != NULL)
		vinvalbuf(vp, true);
	/* lookups compare the copy of the key state_set() made */
	if (VOP_RECLAIM(vp) != 0)
		kprintf("vnode %p: reclaim failed\n", (void *)vp);
	vp->v_data = NULL;
}

/* After vcache_reclaim_fs(): out of the cache for good (cv not woken). */
static void
vcache_unhash_locked(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache_lock));
	LIST_REMOVE(vp, v_hashlist);
	TAILQ_REMOVE(&vp->v_mount->mnt_vnodelist, vp, v_mntvnodes);
	state_set(vp, VS_RECLAIMED);
	numvnodes--;
}

/*
 * Tear down the file system's part of a vnode.  Called with the cache lock
 * held and the vnode in VS_RECLAIMING; returns with the lock held.
 */
static void
vcache_reclaim_locked(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache_lock));
	KASSERT(vp->v_state == VS_RECLAIMING);
	mutex_exit(&vcache_lock);
	vcache_reclaim_fs(vp);
	mutex_enter(&vcache_lock);
	vcache_unhash_locked(vp);
	cv_broadcast(&vcache_cv);
}

/*
 * Reclaim the vnodes on doomed (linked by v_lrulist, each taken off the
 * LRU and in VS_RECLAIMING) with two lock round trips for all of them,
 * and free them.  Called and returns without the lock.
 */
static void
vcache_reclaim_list(struct vnodelst *doomed)
{
	struct vnode *vp;

	TAILQ_FOREACH(vp, doomed, v_lrulist)
		vcache_reclaim_fs(vp);
	mutex_enter(&vcache_lock);
	TAILQ_FOREACH(vp, doomed, v_lrulist)
		vcache_unhash_locked(vp);
	cv_broadcast(&vcache_cv);
	mutex_exit(&vcache_lock);
	while ((vp = TAILQ_FIRST(doomed)) != NULL) {
		TAILQ_REMOVE(doomed, vp, v_lrulist);
		vnfree(vp);
	}
}

static void vgone_locked(struct vnode *);

/* Reclaim unreferenced vnodes from the LRU end while we hold too many. */
static void
vcache_trim_locked(void)
{
	struct vnode *vp;

	while (numvnodes > desiredvnodes && (vp = TAILQ_FIRST(&vnode_lru))) {
		lru_remove_locked(vp);
		KASSERT(usecount(vp) == 0);
		state_set(vp, VS_RECLAIMING);
		vcache_reclaim_locked(vp);
		vnfree(vp);
	}
}

static void
inactive_done_locked(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache_lock));
	__atomic_store_n(&vp->v_inactivating, 0, __ATOMIC_RELAXED);
	if (vp->v_inactwait) {
		vp->v_inactwait = false;
		cv_broadcast(&vcache_cv);
	}
}

/*
 * VOP_INACTIVE freed the file of vp (locked, our reference the last or
 * others taken meanwhile): its number may be given to a new file at once,
 * and vcache_new() waits for a vnode with that key to go, so it leaves the
 * cache now, before the lock that kept anyone from using it goes.  Those
 * who took a reference meanwhile (a walk of the mount, the name cache)
 * keep a dead vnode.  True when vp is unlocked and freed; false when
 * others hold it: it is dead, still locked, and ours is still counted.
 */
static bool
vcache_drop_freed(struct vnode *vp)
{
	int one = 1;

	mutex_enter(&vcache_lock);
	inactive_done_locked(vp);
	if (vp->v_state != VS_ACTIVE) {
		mutex_exit(&vcache_lock);
		return false;
	}
	/* 1 -> 0 at once: no lock-free vrefcnt_tryget() can slip in */
	if (__atomic_compare_exchange_n(&vp->v_usecount, &one, 0, false,
	        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		lru_remove_locked(vp);
		state_set(vp, VS_RECLAIMING);
		vcache_reclaim_locked(vp);
		mutex_exit(&vcache_lock);
		vn_unlock(vp);
		vnfree(vp);
		return true;
	}
	vgone_locked(vp);
	mutex_exit(&vcache_lock);
	return false;
}

void
vrele(struct vnode *vp)
{
	unsigned long xgen;
	bool recycle;

	/* Not the last reference: no lock. */
	if (usecount_step(vp, 2, -1))
		return;
	mutex_enter(&vcache_lock);
	KASSERT(usecount(vp) > 0);
	if (vp->v_state != VS_ACTIVE) {
		if (usecount_dec_locked(vp) == 0) {
			/* a dead vnode: nothing left but the husk */
			KASSERT(vp->v_state == VS_RECLAIMED);
			mutex_exit(&vcache_lock);
			vnfree(vp);
			return;
		}
		mutex_exit(&vcache_lock);
		return;
	}
	/*
	 * Others drop theirs without the lock even now: a count read above
	 * 1 may be 1 by the time we act on it, so step it down only as a
	 * whole (a failed step leaves ours the last).
	 */
	if (usecount_step(vp, 2, -1)) {
		mutex_exit(&vcache_lock);
		return;
	}
	mutex_exit(&vcache_lock);

	/* Last reference: let the file system deactivate the file. */
again:
	recycle = false;
	vn_lock(vp, LK_EXCLUSIVE | LK_RETRY);
	/*
	 * Others may have found the file by name while we waited for the
	 * lock, and it may have been unlinked meanwhile: then it is theirs
	 * to deactivate (an inactive that freed the inode now would let its
	 * number be reused under their reference).  From here on nobody can
	 * unlink it under our lock, so whoever finds it finds it linked.
	 */
	if (usecount_step(vp, 2, -1)) {
		vn_unlock(vp);
		return;
	}
	/* before the file can be freed: vcache_new() waits for us then */
	__atomic_store_n(&vp->v_inactivating, 1, __ATOMIC_RELEASE);
	VOP_INACTIVE(vp, &recycle);
	if (recycle && vcache_drop_freed(vp))
		return;
	xgen = __atomic_load_n(&vp->v_xlockgen, __ATOMIC_RELAXED);
	vn_unlock(vp);
	if (!recycle && vp->v_type == VREG)
		vagebuf(vp); /* closed: its data makes room first */

	mutex_enter(&vcache_lock);
	inactive_done_locked(vp);
	/*
	 * Unlocked (and vagebuf may write a batch), the file could be found,
	 * locked and unlinked by others who then dropped their references
	 * to ours, leaving the deactivation of a file now unlinked to us:
	 * whoever locked it exclusively meanwhile, deactivate it again.
	 */
	if (!recycle && vp->v_state == VS_ACTIVE && usecount(vp) == 1 &&
	    __atomic_load_n(&vp->v_xlockgen, __ATOMIC_RELAXED) != xgen) {
		mutex_exit(&vcache_lock);
		goto again;
	}
	if (usecount_dec_locked(vp) > 0) {
		/* somebody took a new reference meanwhile */
		mutex_exit(&vcache_lock);
		return;
	}
	if (vp->v_state != VS_ACTIVE) {
		KASSERT(vp->v_state == VS_RECLAIMED);
		mutex_exit(&vcache_lock);
		vnfree(vp);
		return;
	}
	if (recycle || (vp->v_mount->mnt_iflag & IMNT_GONE)) {
		state_set(vp, VS_RECLAIMING);
		vcache_reclaim_locked(vp);
		mutex_exit(&vcache_lock);
		vnfree(vp);
		return;
	}
	TAILQ_INSERT_TAIL(&vnode_lru, vp, v_lrulist);
	vp->v_onlru = true;
	vcache_trim_locked();
	mutex_exit(&vcache_lock);
}

void
vput(struct vnode *vp)
{
	vn_unlock(vp);
	vrele(vp);
}

/*
 * Cut a referenced vnode off its file system: reclaim the file system's
 * data now and leave a dead vnode that fails every operation until its
 * last reference goes.
 */
static void
vgone_locked(struct vnode *vp)
{
	KASSERT(usecount(vp) > 0);
	lru_remove_locked(vp);
	state_set(vp, VS_RECLAIMING);
	vcache_reclaim_locked(vp);
	/*
	 * Others read v_op (to lock it) while we hold the vnode; v_type
	 * stays as it was: callers test it unlocked, and the dead
	 * operations fail whatever it says.
	 */
	__atomic_store_n(&vp->v_op, dead_vnodeop_p, __ATOMIC_RELEASE);
}

void
vgone(struct vnode *vp)
{
	mutex_enter(&vcache_lock);
	if (vp->v_state == VS_ACTIVE) {
		usecount_inc_locked(vp);
		vgone_locked(vp);
		mutex_exit(&vcache_lock);
		vrele(vp);
		return;
	}
	mutex_exit(&vcache_lock);
}

int
vflush(struct mount *mp, struct vnode *skipvp, int flags)
{
	struct vnodelst doomed;
	struct vnode *vp;
	int busy;

again:
	busy = 0;
	TAILQ_INIT(&doomed);
	mutex_enter(&vcache_lock);
	TAILQ_FOREACH(vp, &mp->mnt_vnodelist, v_mntvnodes)
	{
		if (vp == skipvp || vp->v_state != VS_ACTIVE)
			continue;
		if (usecount(vp) == 0) {
			/* the unused ones go together (off the LRU: its link) */
			lru_remove_locked(vp);
			state_set(vp, VS_RECLAIMING);
			TAILQ_INSERT_TAIL(&doomed, vp, v_lrulist);
			continue;
		}
		if (flags & FORCECLOSE) {
			if (!TAILQ_EMPTY(&doomed))
				break; /* those first, then this one */
			usecount_inc_locked(vp);
			vgone_locked(vp);
			mutex_exit(&vcache_lock);
			vrele(vp);
			goto again;
		}
		busy++;
	}
	if (!TAILQ_EMPTY(&doomed)) {
		mutex_exit(&vcache_lock);
		/* reclaims may release more vnodes: look again */
		vcache_reclaim_list(&doomed);
		goto again;
	}
	/* Wait for vnodes that are still loading or being reclaimed. */
	TAILQ_FOREACH(vp, &mp->mnt_vnodelist, v_mntvnodes)
	{
		if (vp->v_state != VS_ACTIVE && vp->v_state != VS_MARKER) {
			cv_wait(&vcache_cv, &vcache_lock);
			mutex_exit(&vcache_lock);
			goto again;
		}
	}
	mutex_exit(&vcache_lock);
	return busy ? EBUSY : 0;
}

/*
 * Call fn on every active vnode of mp, holding a reference on one vnode
 * at a time: a marker in the mount's list keeps our place while the lock
 * is dropped.  A walk that held references on all of them at once would
 * keep a vnode whose inode was freed in the cache until the walk ended,
 * and vcache_new() of a file given that number (its directory locked)
 * would wait for it while the walk waits for the directory.
 */
int
vfs_vnode_iterate(struct mount *mp, int (*fn)(struct vnode *, void *),
    void *arg)
{
	return vfs_vnode_iterate_sel(mp, NULL, fn, arg);
}

/* The same, calling fn only on the vnodes sel picks (under the lock). */
int
vfs_vnode_iterate_sel(struct mount *mp, bool (*sel)(struct vnode *),
    int (*fn)(struct vnode *, void *), void *arg)
{
	struct vnode *marker, *vp;
	int error = 0;

	marker = kmem_zalloc(sizeof(*marker), KM_SLEEP);
	marker->v_state = VS_MARKER;
	marker->v_mount = mp;
	mutex_enter(&vcache_lock);
	TAILQ_INSERT_HEAD(&mp->mnt_vnodelist, marker, v_mntvnodes);
	while (error == 0) {
		/* loading, going, and the other walkers' markers: skipped */
		vp = TAILQ_NEXT(marker, v_mntvnodes);
		while (vp != NULL && (vp->v_state != VS_ACTIVE ||
					 (sel != NULL && !sel(vp))))
			vp = TAILQ_NEXT(vp, v_mntvnodes);
		if (vp == NULL)
			break;
		TAILQ_REMOVE(&mp->mnt_vnodelist, marker, v_mntvnodes);
		TAILQ_INSERT_AFTER(&mp->mnt_vnodelist, vp, marker, v_mntvnodes);
		usecount_inc_locked(vp);
		lru_remove_locked(vp);
		mutex_exit(&vcache_lock);
		error = fn(vp, arg);
		vrele(vp);
		mutex_enter(&vcache_lock);
	}
	TAILQ_REMOVE(&mp->mnt_vnodelist, marker, v_mntvnodes);
	mutex_exit(&vcache_lock);
	kmem_free(marker, sizeof(*marker));
	return error;
}

int
vn_lock(struct vnode *vp, int flags)
{
	int error;

	error = VOP_LOCK(vp, flags);
	if (error == 0 && (flags & LK_EXCLUSIVE))
		/* changed only under the lock; vrele() reads it without */
		__atomic_add_fetch(&vp->v_xlockgen, 1, __ATOMIC_RELAXED);
	if (error == 0 && vp->v_state == VS_RECLAIMED &&
	    !(flags & LK_RETRY)) {
		VOP_UNLOCK(vp);
		return ENOENT;
	}
	return error;
}

void
vn_unlock(struct vnode *vp)
{
	VOP_UNLOCK(vp);
}

bool
vn_islocked(struct vnode *vp)
{
	return VOP_ISLOCKED(vp) != 0;
}

void
vop_lockcheck(struct vnode *vp, int rule, const char *op)
{
	if (vp == NULL)
		return;
	/* readers first: that needs no look at the owner */
	if (rule == 'L' &&
	    __atomic_load_n(&vp->v_lock.rw_readers, __ATOMIC_RELAXED) == 0 &&
	    !rw_write_held(&vp->v_lock))
		panic("vop_%s: vnode %p not locked", op, (void *)vp);
	if (rule == 'E' && !rw_write_held(&vp->v_lock))
		panic("vop_%s: vnode %p not locked exclusive", op, (void *)vp);
}
