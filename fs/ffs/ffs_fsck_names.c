/*
 * The names of one directory, as the ffs check meets them: a hash set
 * that says when a name comes a second time.
 */
#include "sys/param.h"

#include "ffs/ffs_fsck.h"

struct ffs_nameset_ent {
	uint32_t hash;
	uint32_t next; /* index + 1 of the next entry in the bucket; 0 ends */
	uint32_t off;  /* of the name in the arena */
	uint32_t len;
};

struct ffs_nameset {
	uint32_t *buckets; /* index + 1 of the first entry; 0: empty */
	size_t nbuckets;   /* a power of two */
	struct ffs_nameset_ent *ents;
	size_t nents, entcap;
	char *arena;
	size_t arenalen, arenacap;
};

#define NAMESET_MINBUCKETS 64

struct ffs_nameset *
ffs_nameset_new(void)
{
	struct ffs_nameset *ns = kmem_zalloc(sizeof(*ns), KM_SLEEP);

	ns->nbuckets = NAMESET_MINBUCKETS;
	ns->buckets =
	    kmem_zalloc(ns->nbuckets * sizeof(*ns->buckets), KM_SLEEP);
	return ns;
}

void
ffs_nameset_free(struct ffs_nameset *ns)
{
	kmem_free(ns->buckets, ns->nbuckets * sizeof(*ns->buckets));
	if (ns->ents != NULL)
		kmem_free(ns->ents, ns->entcap * sizeof(*ns->ents));
	if (ns->arena != NULL)
		kmem_free(ns->arena, ns->arenacap);
	kmem_free(ns, sizeof(*ns));
}

/* Forget every name (the next directory begins). */
void
ffs_nameset_clear(struct ffs_nameset *ns)
{
	memset(ns->buckets, 0, ns->nbuckets * sizeof(*ns->buckets));
	ns->nents = 0;
	ns->arenalen = 0;
}

static void *
ffs_nameset_grow(void *old, size_t oldsize, size_t newsize)
{
	void *p = kmem_alloc(newsize, KM_SLEEP);

	if (old != NULL) {
		memcpy(p, old, oldsize);
		kmem_free(old, oldsize);
	}
	return p;
}

static void
ffs_nameset_rehash(struct ffs_nameset *ns)
{
	size_t n = ns->nbuckets * 2, i;
	uint32_t *b = kmem_zalloc(n * sizeof(*b), KM_SLEEP);

	for (i = 0; i < ns->nents; i++) {
		ns->ents[i].next = b[ns->ents[i].hash & (n - 1)];
		b[ns->ents[i].hash & (n - 1)] = (uint32_t)i + 1;
	}
	kmem_free(ns->buckets, ns->nbuckets * sizeof(*ns->buckets));
	ns->buckets = b;
	ns->nbuckets = n;
}

/* Add a name; false if the set has it already. */
bool
ffs_nameset_add(struct ffs_nameset *ns, const char *name, size_t len)
{
	uint32_t h = hash32_buf(name, len, 0), i;
	struct ffs_nameset_ent *e;
	size_t cap;

	for (i = ns->buckets[h & (ns->nbuckets - 1)]; i != 0; i = e->next) {
		e = &ns->ents[i - 1];
		if (e->hash == h && e->len == len &&
		    memcmp(ns->arena + e->off, name, len) == 0)
			return false;
	}
	if (ns->nents == ns->entcap) {
		cap = ns->entcap ? ns->entcap * 2 : 64;
		ns->ents = ffs_nameset_grow(ns->ents,
		    ns->entcap * sizeof(*ns->ents), cap * sizeof(*ns->ents));
		ns->entcap = cap;
	}
	if (ns->arenalen + len > ns->arenacap) {
		for (cap = ns->arenacap ? ns->arenacap : 4096;
		     cap < ns->arenalen + len; cap *= 2)
			continue;
		ns->arena = ffs_nameset_grow(ns->arena, ns->arenacap, cap);
		ns->arenacap = cap;
	}
	memcpy(ns->arena + ns->arenalen, name, len);
	e = &ns->ents[ns->nents];
	e->hash = h;
	e->off = (uint32_t)ns->arenalen;
	e->len = (uint32_t)len;
	e->next = ns->buckets[h & (ns->nbuckets - 1)];
	ns->buckets[h & (ns->nbuckets - 1)] = (uint32_t)++ns->nents;
	ns->arenalen += len;
	if (ns->nents > 2 * ns->nbuckets)
		ffs_nameset_rehash(ns);
	return true;
}
