/*
 * A hash of the names of a big directory, so that a lookup reads one
 * chunk instead of scanning them all, and a table of each chunk's free
 * bytes, so that an insertion finds room without reading the directory.
 *
 * The hash lives in memory only and is built at the first lookup of a
 * directory of at least UFS_DIRHASH_MINSIZE bytes.  It maps a name's
 * hash to the offsets of entries with that hash; a candidate is confirmed
 * by reading its entry.  Every change of the directory (made under the
 * exclusive vnode lock) keeps it current; lookups under a shared lock
 * only read it, except that the first one builds and installs it.
 */
#include "sys/param.h"
#include "sys/vnode.h"

#include "ufs/dir.h"
#include "ufs/inode.h"
#include "ufs/ufs_extern.h"

#define UFS_DIRHASH_MINSIZE (2 * UFS_DIRBLKSIZ)
/* Bigger ones (damaged, surely) are scanned: the table would be huge. */
#define UFS_DIRHASH_MAXSIZE    ((uint64_t)64 << 20)
#define UFS_DIRHASH_MINBUCKETS 64

struct ufs_dirhash_ent {
	struct ufs_dirhash_ent *next;
	uint32_t hash;
	off_t off;
};

struct ufs_dirhash {
	struct ufs_dirhash_ent **buckets;
	size_t nbuckets; /* a power of two */
	size_t nents;
	uint16_t *chunkfree; /* free bytes of each chunk, after compaction */
	size_t nchunks;
	size_t chunkcap;
};

static uint32_t
ufs_dirhash_hash(const char *name, size_t len)
{
	return hash32_buf(name, len, 0x5bd1e995);
}

static void
ufs_dirhash_destroy(struct ufs_dirhash *dh)
{
	struct ufs_dirhash_ent *e, *next;
	size_t i;

	for (i = 0; i < dh->nbuckets; i++)
		for (e = dh->buckets[i]; e != NULL; e = next) {
			next = e->next;
			kmem_free(e, sizeof(*e));
		}
	kmem_free(dh->buckets, dh->nbuckets * sizeof(*dh->buckets));
	if (dh->chunkfree != NULL)
		kmem_free(dh->chunkfree, dh->chunkcap * sizeof(*dh->chunkfree));
	kmem_free(dh, sizeof(*dh));
}

static void
ufs_dirhash_rehash(struct ufs_dirhash *dh, size_t nbuckets)
{
	struct ufs_dirhash_ent **nb, *e, *next;
	size_t i;

	nb = kmem_zalloc(nbuckets * sizeof(*nb), KM_SLEEP);
	for (i = 0; i < dh->nbuckets; i++)
		for (e = dh->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (nbuckets - 1)];
			nb[e->hash & (nbuckets - 1)] = e;
		}
	kmem_free(dh->buckets, dh->nbuckets * sizeof(*dh->buckets));
	dh->buckets = nb;
	dh->nbuckets = nbuckets;
}

static void
ufs_dirhash_insert(struct ufs_dirhash *dh, uint32_t hash, off_t off)
{
	struct ufs_dirhash_ent *e;

	if (dh->nents >= 2 * dh->nbuckets)
		ufs_dirhash_rehash(dh, dh->nbuckets * 2);
	e = kmem_alloc(sizeof(*e), KM_SLEEP);
	e->hash = hash;
	e->off = off;
	e->next = dh->buckets[hash & (dh->nbuckets - 1)];
	dh->buckets[hash & (dh->nbuckets - 1)] = e;
	dh->nents++;
}

/* Make room for chunks up to index n - 1; new ones count as empty. */
static void
ufs_dirhash_chunks(struct ufs_dirhash *dh, size_t n)
{
	uint16_t *nf;
	size_t cap;

	if (n > dh->chunkcap) {
		for (cap = MAX(dh->chunkcap, 16); cap < n; cap *= 2)
			continue;
		nf = kmem_alloc(cap * sizeof(*nf), KM_SLEEP);
		if (dh->chunkfree != NULL) {
			memcpy(nf, dh->chunkfree, dh->nchunks * sizeof(*nf));
			kmem_free(dh->chunkfree,
			    dh->chunkcap * sizeof(*dh->chunkfree));
		}
		dh->chunkfree = nf;
		dh->chunkcap = cap;
	}
	while (dh->nchunks < n)
		dh->chunkfree[dh->nchunks++] = UFS_DIRBLKSIZ;
	dh->nchunks = n;
}

static int
ufs_dirhash_build_cb(void *arg, const struct ufs_dirent_info *de)
{
	struct ufs_dirhash *dh = arg;
	size_t c = (size_t)(de->de_off / UFS_DIRBLKSIZ);

	ufs_dirhash_insert(
	    dh, ufs_dirhash_hash(de->de_name, de->de_namlen), de->de_off);
	if (c < dh->nchunks)
		dh->chunkfree[c] -= (uint16_t)UFS_DIRSIZ(de->de_namlen);
	return 0;
}

static struct ufs_dirhash *
ufs_dirhash_build(struct inode *dp)
{
	struct ufs_dirhash *dh;

	dh = kmem_zalloc(sizeof(*dh), KM_SLEEP);
	dh->nbuckets = UFS_DIRHASH_MINBUCKETS;
	dh->buckets =
	    kmem_zalloc(dh->nbuckets * sizeof(*dh->buckets), KM_SLEEP);
	ufs_dirhash_chunks(dh, (size_t)(dp->i_size / UFS_DIRBLKSIZ));
	if (ufs_dir_iterate(dp, 0, ufs_dirhash_build_cb, dh) != 0) {
		ufs_dirhash_destroy(dh);
		return NULL;
	}
	return dh;
}

/* The directory's hash, built now if it is big enough to want one. */
static struct ufs_dirhash *
ufs_dirhash_get(struct inode *dp, bool build)
{
	struct ufs_dirhash *dh, *expected = NULL;

	dh = __atomic_load_n(&dp->i_dirhash, __ATOMIC_ACQUIRE);
	if (dh != NULL || !build || dp->i_size < UFS_DIRHASH_MINSIZE ||
	    dp->i_size > UFS_DIRHASH_MAXSIZE)
		return dh;
	if ((dh = ufs_dirhash_build(dp)) == NULL)
		return NULL;
	/* Two lookups under a shared lock may both build: one wins. */
	if (!__atomic_compare_exchange_n(&dp->i_dirhash, &expected, dh, false,
	        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		ufs_dirhash_destroy(dh);
		dh = expected;
	}
	return dh;
}

/*
 * Look name up through the hash: 0 and the entry, ENOENT, another error,
 * or EJUSTRETURN when there is no hash and the caller must scan.
 */
int
ufs_dirhash_lookup(
    struct inode *dp, const char *name, size_t len, ino_t *inop, off_t *offp)
{
	struct ufs_dirhash *dh = ufs_dirhash_get(dp, true);
	struct ufs_dirhash_ent *e;
	uint32_t h;
	int error;

	if (dh == NULL)
		return EJUSTRETURN;
	h = ufs_dirhash_hash(name, len);
	for (e = dh->buckets[h & (dh->nbuckets - 1)]; e != NULL; e = e->next) {
		if (e->hash != h)
			continue;
		error = ufs_dir_match(dp, e->off, name, len, inop);
		if (error == ENOENT)
			continue; /* another name with the same hash */
		if (error == 0)
			*offp = e->off;
		return error;
	}
	return ENOENT;
}

/* A chunk with `need` free bytes: its offset, -1 if none, -2 if no hash. */
off_t
ufs_dirhash_findfree(struct inode *dp, unsigned need)
{
	struct ufs_dirhash *dh = ufs_dirhash_get(dp, false);
	size_t i;

	if (dh == NULL)
		return -2;
	for (i = 0; i < dh->nchunks; i++)
		if (dh->chunkfree[i] >= need)
			return (off_t)i * UFS_DIRBLKSIZ;
	return -1;
}

void
ufs_dirhash_add(struct inode *dp, const char *name, size_t len, off_t off)
{
	struct ufs_dirhash *dh = ufs_dirhash_get(dp, false);

	if (dh != NULL)
		ufs_dirhash_insert(dh, ufs_dirhash_hash(name, len), off);
}

/* Unlink the entry for (name, off) and return it, or NULL. */
static struct ufs_dirhash_ent *
ufs_dirhash_unlink(
    struct ufs_dirhash *dh, const char *name, size_t len, off_t off)
{
	struct ufs_dirhash_ent **ep, *e;
	uint32_t h = ufs_dirhash_hash(name, len);

	for (ep = &dh->buckets[h & (dh->nbuckets - 1)]; (e = *ep) != NULL;
	     ep = &e->next) {
		if (e->hash == h && e->off == off) {
			*ep = e->next;
			dh->nents--;
			return e;
		}
	}
	return NULL;
}

void
ufs_dirhash_remove(struct inode *dp, const char *name, size_t len, off_t off)
{
	struct ufs_dirhash *dh = ufs_dirhash_get(dp, false);
	struct ufs_dirhash_ent *e;

	if (dh == NULL)
		return;
	if ((e = ufs_dirhash_unlink(dh, name, len, off)) != NULL)
		kmem_free(e, sizeof(*e));
	else
		ufs_dirhash_free(dp); /* out of step: start afresh */
}

void
ufs_dirhash_move(
    struct inode *dp, const char *name, size_t len, off_t from, off_t to)
{
	struct ufs_dirhash *dh = ufs_dirhash_get(dp, false);
	struct ufs_dirhash_ent *e;

	if (dh == NULL)
		return;
	if ((e = ufs_dirhash_unlink(dh, name, len, from)) == NULL) {
		ufs_dirhash_free(dp);
		return;
	}
	kmem_free(e, sizeof(*e));
	ufs_dirhash_insert(dh, ufs_dirhash_hash(name, len), to);
}

void
ufs_dirhash_setfree(struct inode *dp, off_t chunk, unsigned freebytes)
{
	struct ufs_dirhash *dh = ufs_dirhash_get(dp, false);
	size_t i = (size_t)(chunk / UFS_DIRBLKSIZ);

	if (dh == NULL)
		return;
	if ((uint64_t)chunk >= UFS_DIRHASH_MAXSIZE) {
		ufs_dirhash_free(dp);
		return;
	}
	if (i >= dh->nchunks)
		ufs_dirhash_chunks(dh, i + 1);
	dh->chunkfree[i] = (uint16_t)freebytes;
}

/* The directory grew or shrank: forget entries past its end. */
void
ufs_dirhash_newsize(struct inode *dp)
{
	struct ufs_dirhash *dh = ufs_dirhash_get(dp, false);
	struct ufs_dirhash_ent **ep, *e;
	off_t end = (off_t)(dp->i_size & ~(uint64_t)(UFS_DIRBLKSIZ - 1));
	size_t i;

	if (dh == NULL)
		return;
	if (dp->i_size > UFS_DIRHASH_MAXSIZE) {
		ufs_dirhash_free(dp);
		return;
	}
	if ((size_t)(end / UFS_DIRBLKSIZ) >= dh->nchunks) {
		ufs_dirhash_chunks(dh, (size_t)(end / UFS_DIRBLKSIZ));
		return;
	}
	dh->nchunks = (size_t)(end / UFS_DIRBLKSIZ);
	for (i = 0; i < dh->nbuckets; i++)
		for (ep = &dh->buckets[i]; (e = *ep) != NULL;) {
			if (e->off >= end) {
				*ep = e->next;
				kmem_free(e, sizeof(*e));
				dh->nents--;
			} else
				ep = &e->next;
		}
}

void
ufs_dirhash_free(struct inode *dp)
{
	struct ufs_dirhash *dh;

	dh = __atomic_exchange_n(&dp->i_dirhash, NULL, __ATOMIC_ACQ_REL);
	if (dh != NULL)
		ufs_dirhash_destroy(dh);
}
