/*
 * The name cache: (directory vnode, name) -> vnode, so that a path walk
 * need not ask the file system for names it has seen before.
 *
 * Only positive entries are kept, and they hold no reference: an entry
 * lives on the target's v_nclist and the directory's v_dnclist, and the
 * vnode layer calls cache_purge() when either is reclaimed.  A hit takes
 * its reference with vrefcnt_tryget(), which refuses a vnode that is going
 * away.  Lock order: nc_lock, then the vnode-cache lock (inside
 * vrefcnt_tryget); vrele() is only called without nc_lock.
 *
 * The number of entries is bounded (RUMP_NCACHE; 0 turns the cache off);
 * the least recently used entry makes room for a new one.  Names longer
 * than NCHNAMLEN are not cached.
 */
#include "sys/param.h"
#include "sys/uio.h" /* vnode.h uses enum uio_rw */
#include "sys/vnode.h"
#include "sys/namei.h"

#define NCHNAMLEN      255
#define NCACHE_DEFAULT 65536
#define NCHASH_MINSIZE 64
#define NCHASH_MAXSIZE ((size_t)1 << 20)

struct namecache {
	LIST_ENTRY(namecache) nc_hash;
	LIST_ENTRY(namecache) nc_vlist;  /* on nc_vp->v_nclist */
	LIST_ENTRY(namecache) nc_dvlist; /* on nc_dvp->v_dnclist */
	TAILQ_ENTRY(namecache) nc_lru;
	struct vnode *nc_dvp;
	struct vnode *nc_vp;
	uint32_t nc_hashval;
	uint16_t nc_nlen;
	char nc_name[]; /* nc_nlen bytes, no NUL */
};
#define NC_SIZE(nlen) (offsetof(struct namecache, nc_name) + (nlen))

LIST_HEAD(nchashhead, namecache);

static kmutex_t nc_lock;
static struct nchashhead *nchash;
static size_t nchash_mask;
static TAILQ_HEAD(, namecache) nc_lru;
static size_t nc_count;
static size_t nc_max;

static uint32_t
nc_hashval(const struct vnode *dvp, const char *name, size_t namelen)
{
	uint64_t p = (uint64_t)(uintptr_t)dvp;

	return hash32_buf(
	    name, namelen, (uint32_t)(p >> 4) ^ (uint32_t)(p >> 32));
}

static struct namecache *
nc_lookup_locked(
    const struct vnode *dvp, const char *name, size_t namelen, uint32_t hash)
{
	struct namecache *ncp;

	LIST_FOREACH(ncp, &nchash[hash & nchash_mask], nc_hash)
	{
		if (ncp->nc_hashval == hash && ncp->nc_dvp == dvp &&
		    ncp->nc_nlen == namelen &&
		    memcmp(ncp->nc_name, name, namelen) == 0)
			return ncp;
	}
	return NULL;
}

/* Unlink an entry from every list and free it. */
static void
nc_remove_locked(struct namecache *ncp)
{
	LIST_REMOVE(ncp, nc_hash);
	LIST_REMOVE(ncp, nc_vlist);
	LIST_REMOVE(ncp, nc_dvlist);
	TAILQ_REMOVE(&nc_lru, ncp, nc_lru);
	nc_count--;
	kmem_free(ncp, NC_SIZE(ncp->nc_nlen));
}

static bool
nc_cacheable(size_t namelen)
{
	return namelen > 0 && namelen <= NCHNAMLEN && nc_max > 0;
}

int
cache_lookup(
    struct vnode *dvp, const char *name, size_t namelen, struct vnode **vpp)
{
	struct namecache *ncp;
	struct vnode *vp;
	uint32_t hash;

	*vpp = NULL;
	if (!nc_cacheable(namelen))
		return ENOENT;
	hash = nc_hashval(dvp, name, namelen);
	mutex_enter(&nc_lock);
	ncp = nc_lookup_locked(dvp, name, namelen, hash);
	if (ncp == NULL) {
		mutex_exit(&nc_lock);
		return ENOENT;
	}
	vp = ncp->nc_vp;
	if (!vrefcnt_tryget(vp)) {
		/* being reclaimed: cache_purge would drop it soon anyway */
		nc_remove_locked(ncp);
		mutex_exit(&nc_lock);
		return ENOENT;
	}
	TAILQ_REMOVE(&nc_lru, ncp, nc_lru);
	TAILQ_INSERT_TAIL(&nc_lru, ncp, nc_lru);
	mutex_exit(&nc_lock);
	*vpp = vp;
	return 0;
}

void
cache_enter(
    struct vnode *dvp, struct vnode *vp, const char *name, size_t namelen)
{
	struct namecache *ncp, *old;
	uint32_t hash;

	if (vp == NULL || dvp == NULL || !nc_cacheable(namelen))
		return;
	hash = nc_hashval(dvp, name, namelen);
	ncp = kmem_alloc(NC_SIZE(namelen), KM_SLEEP);
	ncp->nc_dvp = dvp;
	ncp->nc_vp = vp;
	ncp->nc_hashval = hash;
	ncp->nc_nlen = (uint16_t)namelen;
	memcpy(ncp->nc_name, name, namelen);

	mutex_enter(&nc_lock);
	/*
	 * A vnode whose reclaim has begun may have been purged already, and
	 * an entry made now would outlive it.  Reclaim marks the vnode before
	 * it purges (under nc_lock), so a vnode that vrefcnt_tryget still
	 * accepts here will be purged after we are done.  The extra
	 * references are never the last ones: the caller holds its own.
	 */
	if (!vrefcnt_tryget(vp)) {
		mutex_exit(&nc_lock);
		kmem_free(ncp, NC_SIZE(namelen));
		return;
	}
	if (!vrefcnt_tryget(dvp)) {
		mutex_exit(&nc_lock);
		kmem_free(ncp, NC_SIZE(namelen));
		vrele(vp);
		return;
	}
	if ((old = nc_lookup_locked(dvp, name, namelen, hash)) != NULL)
		nc_remove_locked(old);
	while (nc_count >= nc_max && !TAILQ_EMPTY(&nc_lru))
		nc_remove_locked(TAILQ_FIRST(&nc_lru));
	LIST_INSERT_HEAD(&nchash[hash & nchash_mask], ncp, nc_hash);
	LIST_INSERT_HEAD(&vp->v_nclist, ncp, nc_vlist);
	LIST_INSERT_HEAD(&dvp->v_dnclist, ncp, nc_dvlist);
	TAILQ_INSERT_TAIL(&nc_lru, ncp, nc_lru);
	nc_count++;
	mutex_exit(&nc_lock);
	vrele(dvp);
	vrele(vp);
}

void
cache_purge(struct vnode *vp)
{
	struct namecache *ncp;

	mutex_enter(&nc_lock);
	while ((ncp = LIST_FIRST(&vp->v_nclist)) != NULL)
		nc_remove_locked(ncp);
	while ((ncp = LIST_FIRST(&vp->v_dnclist)) != NULL)
		nc_remove_locked(ncp);
	mutex_exit(&nc_lock);
}

void
cache_purge_name(struct vnode *dvp, const char *name, size_t namelen)
{
	struct namecache *ncp;
	uint32_t hash;

	if (!nc_cacheable(namelen))
		return;
	hash = nc_hashval(dvp, name, namelen);
	mutex_enter(&nc_lock);
	if ((ncp = nc_lookup_locked(dvp, name, namelen, hash)) != NULL)
		nc_remove_locked(ncp);
	mutex_exit(&nc_lock);
}

void
nchinit(void)
{
	size_t i, n;
	int max;

	mutex_init(&nc_lock);
	TAILQ_INIT(&nc_lru);
	max = rump_getparam_int("RUMP_NCACHE", NCACHE_DEFAULT);
	nc_max = max < 0 ? NCACHE_DEFAULT : (size_t)max;
	for (n = NCHASH_MINSIZE; n < nc_max && n < NCHASH_MAXSIZE; n <<= 1)
		continue;
	nchash = kmem_alloc(n * sizeof(*nchash), KM_SLEEP);
	for (i = 0; i < n; i++)
		LIST_INIT(&nchash[i]);
	nchash_mask = n - 1;
}
