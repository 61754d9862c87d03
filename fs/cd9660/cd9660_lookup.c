/*
 * Directories: a cursor reads the records of a directory one by one
 * (checking each against its sector: records never span a sector, a zero
 * length byte ends the records of a sector), an iterator turns records
 * into entries (cd9660_entry_fill: names, types, file ids), and lookup
 * and readdir are callbacks of the iterator.
 *
 * A file recorded in several extents has one record per extent, all with
 * the same name and all but the last flagged "multi-extent"; it is one
 * entry.  An entry's readdir cookie is the byte offset of its record in
 * the directory; the next cookie is that of the record after its last
 * extent.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/mount.h"
#include "sys/namei.h"
#include "sys/uio.h"
#include "sys/vnode.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"

/*
 * Check the record at rec (room bytes left in its sector) and describe it
 * in *d.  The system use area starts after the name and its pad byte.
 */
int
cd9660_dirent_parse(struct cd9660_mount *ump, const uint8_t *rec, size_t room,
    uint64_t addr, struct iso_dirent *d)
{
	size_t reclen = rec[ISO_DR_LENGTH], nl, su;

	if (reclen < ISO_DR_MINLEN || reclen > room)
		return cd9660_corrupt("directory record at byte %llu: bad "
		                      "length %zu",
		    (unsigned long long)addr, reclen);
	nl = rec[ISO_DR_NAMELEN];
	if (nl == 0 || ISO_DR_NAME + nl > reclen)
		return cd9660_corrupt("directory record at byte %llu: bad name "
		                      "length %zu",
		    (unsigned long long)addr, nl);
	if (!iso_733(rec + ISO_DR_EXTENT, &d->d_extent) ||
	    !iso_733(rec + ISO_DR_SIZE, &d->d_size))
		return cd9660_corrupt("directory record at byte %llu: "
		                      "both-endian halves differ",
		    (unsigned long long)addr);
	d->d_addr = addr;
	d->d_reclen = (uint32_t)reclen;
	d->d_xarlen = rec[ISO_DR_XAR_LENGTH];
	d->d_flags = rec[ISO_DR_FLAGS];
	d->d_fu = rec[ISO_DR_FU_SIZE];
	d->d_gap = rec[ISO_DR_GAP_SIZE];
	d->d_date = rec + ISO_DR_DATE;
	d->d_name = rec + ISO_DR_NAME;
	d->d_namelen = (uint8_t)nl;
	su = ISO_DR_NAME + nl + ((nl & 1) == 0 ? 1 : 0) + ump->um_susp_skip;
	if (su > reclen)
		su = reclen;
	d->d_su = rec + su;
	d->d_sulen = reclen - su;
	return 0;
}

void
cd9660_dircursor_init(struct cd9660_dircursor *c, struct cd9660_mount *ump,
    uint32_t lba, uint32_t size, off_t off)
{
	c->c_ump = ump;
	c->c_lba = lba;
	c->c_size = size;
	c->c_off = off;
	c->c_sec = -1;
}

void
cd9660_dircursor_done(struct cd9660_dircursor *c)
{
	c->c_sec = -1;
}

/*
 * The next record at or after c_off: 0 and *d (valid until the next call),
 * ENOENT at the end of the directory, or an error.  A c_off that is not
 * the start of a record (a made-up cookie) resynchronises at the next
 * record of its sector.
 */
int
cd9660_dircursor_next(struct cd9660_dircursor *c, struct iso_dirent *d)
{
	uint32_t sec;
	size_t pos, start;
	const uint8_t *data = c->c_data;
	struct buf *bp;
	int error;

	for (;;) {
		if (c->c_off < 0 || (uint64_t)c->c_off >= c->c_size)
			return ENOENT;
		sec = (uint32_t)(c->c_off / ISO_SECTOR);
		if (c->c_sec != (int64_t)sec) {
			error = cd9660_bread(c->c_ump, c->c_lba + sec, &bp);
			if (error != 0)
				return error;
			memcpy(c->c_data, bp->b_data, ISO_SECTOR);
			brelse(bp, 0);
			c->c_sec = sec;
		}
		start = (size_t)(c->c_off % ISO_SECTOR);
		/* Walk from the sector start to land on a record boundary. */
		for (pos = 0; pos < ISO_SECTOR && data[pos] != 0;
		     pos += data[pos]) {
			if (data[pos] < ISO_DR_MINLEN ||
			    data[pos] > ISO_SECTOR - pos)
				return cd9660_corrupt(
				    "directory at block %u, offset %zu: bad "
				    "record length %u",
				    c->c_lba + sec,
				    (size_t)sec * ISO_SECTOR + pos, data[pos]);
			if (pos >= start)
				break;
		}
		if (pos >= ISO_SECTOR || data[pos] == 0 ||
		    (uint64_t)sec * ISO_SECTOR + pos >= c->c_size) {
			/* nothing more in this sector */
			c->c_off = (off_t)(sec + 1) * ISO_SECTOR;
			continue;
		}
		error =
		    cd9660_dirent_parse(c->c_ump, data + pos, ISO_SECTOR - pos,
		        ((uint64_t)c->c_lba + sec) * ISO_SECTOR + pos, d);
		if (error != 0)
			return error;
		c->c_off = (off_t)sec * ISO_SECTOR + (off_t)pos;
		/* the caller sees c_off at this record; step past it */
		c->c_off += d->d_reclen;
		return 0;
	}
}

typedef int cd9660_dir_cb(void *arg, struct cd9660_entry *);

/* The offset just past the last extent of the file whose first is d. */
static int
cd9660_skip_parts(struct cd9660_dircursor *c, const struct iso_dirent *first)
{
	struct iso_dirent d;
	uint8_t flags = first->d_flags;
	int error, n = 0;

	while (flags & ISO_FLAG_MULTIEXTENT) {
		if ((error = cd9660_dircursor_next(c, &d)) != 0)
			return error == ENOENT ? 0 : error;
		flags = d.d_flags;
		if (++n > 65536)
			return cd9660_corrupt("file at byte %llu: too many "
			                      "extents",
			    (unsigned long long)first->d_addr);
	}
	return 0;
}

/*
 * Call cb for every entry of directory dp from cookie start on; returns
 * 0 at the end or the first nonzero value of cb.
 */
static int
cd9660_dir_iterate(
    struct cd9660_node *dp, off_t start, cd9660_dir_cb *cb, void *arg)
{
	struct cd9660_mount *ump = dp->i_ump;
	struct cd9660_dircursor c;
	struct cd9660_entry *e;
	struct iso_dirent d;
	int error;

	e = kmem_alloc(sizeof(*e), KM_SLEEP);
	cd9660_dircursor_init(&c, ump,
	    (uint32_t)(dp->i_key.k_addr / ISO_SECTOR), (uint32_t)dp->i_size,
	    start);
	for (;;) {
		if ((error = cd9660_dircursor_next(&c, &d)) != 0)
			break;
		e->e_off = c.c_off - (off_t)d.d_reclen;
		if ((error = cd9660_entry_fill(ump, dp, &d, e)) != 0)
			break;
		if ((error = cd9660_skip_parts(&c, &d)) != 0)
			break;
		e->e_nextoff = c.c_off;
		if (e->e_hidden)
			continue;
		if ((error = cb(arg, e)) != 0)
			break;
	}
	cd9660_dircursor_done(&c);
	kmem_free(e, sizeof(*e));
	return error == ENOENT ? 0 : error;
}

static int
cd9660_count_cb(void *arg, struct cd9660_entry *e)
{
	size_t *n = arg;

	if (!(e->e_namelen <= 2 && memcmp(e->e_name, "..", e->e_namelen) == 0))
		(*n)++;
	return 0;
}

/* How many entries other than "." and ".." dp shows. */
int
cd9660_dir_count(struct cd9660_node *dp, size_t *n)
{
	*n = 0;
	return cd9660_dir_iterate(dp, 0, cd9660_count_cb, n);
}

/* --- lookup ----------------------------------------------------------------
 */

struct cd9660_lookup_state {
	const char *name;
	size_t namelen;
	off_t stop; /* second pass: give up here */
	struct cd9660_entry found;
};

static int
cd9660_lookup_cb(void *arg, struct cd9660_entry *e)
{
	struct cd9660_lookup_state *ls = arg;

	if (ls->stop >= 0 && e->e_off >= ls->stop)
		return ENOENT;
	if (e->e_namelen != ls->namelen ||
	    memcmp(e->e_name, ls->name, ls->namelen) != 0)
		return 0;
	ls->found = *e;
	return EJUSTRETURN;
}

/*
 * Find name in dp.  The search starts where the last one matched, since
 * names are mostly looked up in directory order (ls -l, copying a tree).
 */
int
cd9660_dir_find(struct cd9660_node *dp, const char *name, size_t namelen,
    struct cd9660_entry *found)
{
	struct cd9660_lookup_state *ls;
	off_t hint = __atomic_load_n(&dp->i_diroff, __ATOMIC_RELAXED);
	int error;

	ls = kmem_alloc(sizeof(*ls), KM_SLEEP);
	ls->name = name;
	ls->namelen = namelen;
	ls->stop = -1;
	if (hint < 0 || (uint64_t)hint >= dp->i_size)
		hint = 0;
	error = cd9660_dir_iterate(dp, hint, cd9660_lookup_cb, ls);
	if (error == 0 && hint > 0) {
		ls->stop = hint;
		error = cd9660_dir_iterate(dp, 0, cd9660_lookup_cb, ls);
	}
	if (error == EJUSTRETURN) {
		*found = ls->found;
		__atomic_store_n(
		    &dp->i_diroff, ls->found.e_nextoff, __ATOMIC_RELAXED);
		error = 0;
	} else if (error == 0)
		error = ENOENT;
	kmem_free(ls, sizeof(*ls));
	return error;
}

/* Load the directory an entry of dp names and check it is dp's child. */
static int
cd9660_lookup_dir(
    struct vnode *dvp, const struct cd9660_key *key, struct vnode **vpp)
{
	struct cd9660_node *dp = VTOI(dvp), *ip;
	uint32_t dlba = (uint32_t)(dp->i_key.k_addr / ISO_SECTOR);
	uint32_t parent;
	int error;

	if (key->k_addr == dp->i_key.k_addr)
		return cd9660_corrupt(
		    "directory at block %u names itself", dlba);
	if ((error = vcache_get(dvp->v_mount, key, sizeof(*key), vpp)) != 0)
		return error;
	ip = VTOI(*vpp);
	/*
	 * A directory whose ".." names itself (libisofs' Joliet trees,
	 * genisoimage's cut-off plain trees) gets the parent it is first
	 * found in; found in another one later, it is damage (a loop).
	 */
	parent = 0;
	(void)__atomic_compare_exchange_n(&ip->i_parent, &parent, dlba, false,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	if (__atomic_load_n(&ip->i_parent, __ATOMIC_RELAXED) != dlba) {
		vrele(*vpp);
		*vpp = NULL;
		if (dlba == dp->i_ump->um_rrmoved)
			return ENOENT; /* relocated: it lives elsewhere */
		return cd9660_corrupt("directory at block %u is named in "
		                      "block %u but its parent is block %u",
		    (uint32_t)(key->k_addr / ISO_SECTOR), dlba, ip->i_parent);
	}
	return 0;
}

/*
 * VOP_LOOKUP: find one component in directory dvp (locked).  The result
 * is returned referenced and unlocked; "." returns dvp itself.
 */
int
cd9660_lookup(void *v)
{
	struct vop_lookup_args *ap = v;
	struct vnode *dvp = ap->a_dvp;
	struct componentname *cnp = ap->a_cnp;
	struct cd9660_node *dp = VTOI(dvp);
	bool last = (cnp->cn_flags & ISLASTCN) != 0;
	uint32_t op = cnp->cn_nameiop;
	struct cd9660_entry *e;
	struct cd9660_key key;
	uint32_t parent;
	int error;

	*ap->a_vpp = NULL;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (last && op != LOOKUP)
		return EROFS;
	if (cnp->cn_namelen > MAXNAMLEN)
		return ENAMETOOLONG;
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(dvp);
		*ap->a_vpp = dvp;
		return 0;
	}
	if (cnp->cn_flags & ISDOTDOT) {
		if (dvp->v_vflag & VV_ROOT) {
			vref(dvp);
			*ap->a_vpp = dvp;
			return 0;
		}
		parent = __atomic_load_n(&dp->i_parent, __ATOMIC_RELAXED);
		if (parent == 0) { /* not known (yet) */
			vref(dvp);
			*ap->a_vpp = dvp;
			return 0;
		}
		cd9660_key_dir(&key, parent);
		return vcache_get(dvp->v_mount, &key, sizeof(key), ap->a_vpp);
	}
	e = kmem_alloc(sizeof(*e), KM_SLEEP);
	error = cd9660_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, e);
	if (error == 0) {
		key = e->e_key;
		if (key.k_isdir)
			error = cd9660_lookup_dir(dvp, &key, ap->a_vpp);
		else
			error = vcache_get(
			    dvp->v_mount, &key, sizeof(key), ap->a_vpp);
	}
	kmem_free(e, sizeof(*e));
	return error;
}

/* --- readdir ---------------------------------------------------------------
 */

struct cd9660_readdir_state {
	struct uio *uio;
	int nents;
	off_t next; /* cookie after the last entry returned */
};

static int
cd9660_readdir_cb(void *arg, struct cd9660_entry *e)
{
	struct cd9660_readdir_state *rs = arg;
	struct rump_dirent d;
	size_t reclen = RUMP_DIRENT_SIZE(e->e_namelen);
	int error;

	if (reclen > rs->uio->uio_resid)
		return EJUSTRETURN;
	memset(&d, 0, reclen);
	d.d_fileno = e->e_fileid;
	d.d_off = e->e_nextoff;
	d.d_reclen = (uint16_t)reclen;
	d.d_namlen = (uint16_t)e->e_namelen;
	d.d_type = e->e_dtype;
	memcpy(d.d_name, e->e_name, e->e_namelen);
	if ((error = uiomove(&d, reclen, rs->uio)) != 0)
		return error;
	rs->nents++;
	rs->next = e->e_nextoff;
	return 0;
}

/*
 * VOP_READDIR: whole rump_dirent records from cookie uio_offset on, as
 * many as fit; uio_offset becomes the cookie of the next entry.
 */
int
cd9660_readdir(void *v)
{
	struct vop_readdir_args *ap = v;
	struct uio *uio = ap->a_uio;
	struct cd9660_node *dp = VTOI(ap->a_vp);
	struct cd9660_readdir_state rs = {uio, 0, 0};
	off_t start = uio->uio_offset;
	int error, eof = 0;

	if (ap->a_vp->v_type != VDIR)
		return ENOTDIR;
	if (start < 0)
		return EINVAL;
	error = cd9660_dir_iterate(dp, start, cd9660_readdir_cb, &rs);
	if (error == 0) {
		eof = 1;
		rs.next = MAX(start, (off_t)dp->i_size);
	} else if (error == EJUSTRETURN) {
		error = rs.nents == 0 ? EINVAL : 0;
	} else if (rs.nents > 0) {
		error = 0; /* return what we have; the damage shows next */
	}
	if (rs.nents > 0 || eof)
		uio->uio_offset = rs.next;
	if (ap->a_eofflag != NULL)
		*ap->a_eofflag = eof;
	return error;
}
