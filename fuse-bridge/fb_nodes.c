/*
 * The node table: FUSE node ids <-> libp2k nodes (referenced vnodes).
 *
 * A node's id is its file system's inode number when that is free and
 * usable (not 0, not FUSE's root id 1), else a synthetic one from the top
 * half of the range; the root is always 1.  One table entry per vnode, so
 * the names of one file share one id (hard links), and one kernel
 * reference per entry: the vnode lives exactly as long as the kernel
 * remembers the node (lookup counts up, forget counts down).
 */
#include <errno.h>
#include <stdlib.h>

#include "fb.h"

#define FB_SYNTH_BASE   (UINT64_C(1) << 63)
#define FB_INIT_BUCKETS 1024

static size_t
hash_id(const struct fb_nodes *nt, uint64_t id)
{
	return (size_t)((id * UINT64_C(0x9e3779b97f4a7c15)) >> 32) &
	    nt->nt_mask;
}

static size_t
hash_pn(const struct fb_nodes *nt, const struct p2k_node *pn)
{
	return hash_id(nt, (uint64_t)(uintptr_t)pn >> 4);
}

int
fb_nodes_init(struct fb_nodes *nt, struct p2k_node *root)
{
	nt->nt_byid = calloc(FB_INIT_BUCKETS, sizeof(*nt->nt_byid));
	nt->nt_bypn = calloc(FB_INIT_BUCKETS, sizeof(*nt->nt_bypn));
	if (nt->nt_byid == NULL || nt->nt_bypn == NULL) {
		free(nt->nt_byid);
		free(nt->nt_bypn);
		return ENOMEM;
	}
	nt->nt_mask = FB_INIT_BUCKETS - 1;
	nt->nt_count = 0;
	nt->nt_nextsynth = FB_SYNTH_BASE;
	nt->nt_root = root;
	pthread_rwlock_init(&nt->nt_lock, NULL);
	return 0;
}

static struct fb_node *
find_id(const struct fb_nodes *nt, uint64_t id)
{
	struct fb_node *n;

	for (n = nt->nt_byid[hash_id(nt, id)]; n != NULL; n = n->fn_idnext)
		if (n->fn_id == id)
			return n;
	return NULL;
}

static struct fb_node *
find_pn(const struct fb_nodes *nt, const struct p2k_node *pn)
{
	struct fb_node *n;

	for (n = nt->nt_bypn[hash_pn(nt, pn)]; n != NULL; n = n->fn_pnnext)
		if (n->fn_pn == pn)
			return n;
	return NULL;
}

static void
link_node(struct fb_nodes *nt, struct fb_node *n)
{
	size_t hi = hash_id(nt, n->fn_id), hp = hash_pn(nt, n->fn_pn);

	n->fn_idnext = nt->nt_byid[hi];
	nt->nt_byid[hi] = n;
	n->fn_pnnext = nt->nt_bypn[hp];
	nt->nt_bypn[hp] = n;
}

static void
unlink_node(struct fb_nodes *nt, struct fb_node *n)
{
	struct fb_node **pp;

	for (pp = &nt->nt_byid[hash_id(nt, n->fn_id)]; *pp != n;
	     pp = &(*pp)->fn_idnext)
		continue;
	*pp = n->fn_idnext;
	for (pp = &nt->nt_bypn[hash_pn(nt, n->fn_pn)]; *pp != n;
	     pp = &(*pp)->fn_pnnext)
		continue;
	*pp = n->fn_pnnext;
}

/* Double the buckets when the chains grow long; failing is harmless. */
static void
grow(struct fb_nodes *nt)
{
	struct fb_node **oid = nt->nt_byid, **opn = nt->nt_bypn, *n, *next;
	size_t i, old = nt->nt_mask + 1, nb = old * 2;

	nt->nt_byid = calloc(nb, sizeof(*nt->nt_byid));
	nt->nt_bypn = calloc(nb, sizeof(*nt->nt_bypn));
	if (nt->nt_byid == NULL || nt->nt_bypn == NULL) {
		free(nt->nt_byid);
		free(nt->nt_bypn);
		nt->nt_byid = oid;
		nt->nt_bypn = opn;
		return;
	}
	nt->nt_mask = nb - 1;
	for (i = 0; i < old; i++) {
		for (n = oid[i]; n != NULL; n = next) {
			next = n->fn_idnext;
			link_node(nt, n);
		}
	}
	free(oid);
	free(opn);
}

struct p2k_node *
fb_node_get(struct fb_nodes *nt, fuse_ino_t id)
{
	struct fb_node *n;
	struct p2k_node *pn;

	if (id == FUSE_ROOT_ID)
		return nt->nt_root;
	pthread_rwlock_rdlock(&nt->nt_lock);
	n = find_id(nt, id);
	pn = n != NULL ? n->fn_pn : NULL;
	pthread_rwlock_unlock(&nt->nt_lock);
	return pn;
}

fuse_ino_t
fb_node_enter(struct fb_nodes *nt, struct p2k_node *pn, const struct stat *st)
{
	struct fb_node *n;
	uint64_t id;

	if (pn == nt->nt_root) {
		p2k_node_release(pn); /* the mount holds the root */
		return FUSE_ROOT_ID;
	}
	pthread_rwlock_wrlock(&nt->nt_lock);
	if ((n = find_pn(nt, pn)) != NULL) {
		n->fn_nlookup++;
		id = n->fn_id;
		pthread_rwlock_unlock(&nt->nt_lock);
		p2k_node_release(pn); /* the table has one already */
		return id;
	}
	n = malloc(sizeof(*n));
	if (n == NULL) {
		pthread_rwlock_unlock(&nt->nt_lock);
		p2k_node_release(pn);
		return 0;
	}
	id = (uint64_t)st->st_ino;
	if (id <= FUSE_ROOT_ID || id >= FB_SYNTH_BASE || find_id(nt, id))
		id = nt->nt_nextsynth++;
	n->fn_id = id;
	n->fn_pn = pn;
	n->fn_nlookup = 1;
	link_node(nt, n);
	if (++nt->nt_count > 2 * (nt->nt_mask + 1))
		grow(nt);
	pthread_rwlock_unlock(&nt->nt_lock);
	return id;
}

void
fb_node_forget(struct fb_nodes *nt, fuse_ino_t id, uint64_t nlookup)
{
	struct fb_node *n;
	struct p2k_node *pn = NULL;

	if (id == FUSE_ROOT_ID)
		return;
	pthread_rwlock_wrlock(&nt->nt_lock);
	n = find_id(nt, id);
	if (n != NULL) {
		if (n->fn_nlookup > nlookup) {
			n->fn_nlookup -= nlookup;
			n = NULL;
		} else {
			unlink_node(nt, n);
			nt->nt_count--;
			pn = n->fn_pn;
		}
	}
	pthread_rwlock_unlock(&nt->nt_lock);
	/* Outside the lock: the last reference may deactivate the file. */
	if (pn != NULL) {
		p2k_node_release(pn);
		free(n);
	}
}

size_t
fb_nodes_release(struct fb_nodes *nt)
{
	struct fb_node *n, *next;
	size_t i, count = 0;

	if (nt->nt_byid == NULL)
		return 0;
	pthread_rwlock_wrlock(&nt->nt_lock);
	for (i = 0; i <= nt->nt_mask; i++) {
		for (n = nt->nt_byid[i]; n != NULL; n = next) {
			next = n->fn_idnext;
			p2k_node_release(n->fn_pn);
			free(n);
			count++;
		}
		nt->nt_byid[i] = NULL;
		nt->nt_bypn[i] = NULL;
	}
	nt->nt_count = 0;
	pthread_rwlock_unlock(&nt->nt_lock);
	return count;
}

void
fb_nodes_destroy(struct fb_nodes *nt)
{
	if (nt->nt_byid == NULL)
		return; /* never set up */
	fb_nodes_release(nt);
	free(nt->nt_byid);
	free(nt->nt_bypn);
	nt->nt_byid = nt->nt_bypn = NULL;
	pthread_rwlock_destroy(&nt->nt_lock);
}
