/*
 * Nodes: what a directory record (with its Rock Ridge entries, or as a
 * Joliet or plain name) says about one entry, and the in-core node that
 * is loaded for a vcache key.  See cd9660.h for how nodes are keyed and
 * numbered.
 */
#include "sys/param.h"
#include "sys/buf.h"
#include "sys/vnode.h"

#include "cd9660/cd9660.h"
#include "cd9660/cd9660_extern.h"
#include "cd9660/rrip.h"

/* Parts of a file recorded in several extents, at most. */
#define CD9660_MAXEXTENTS 65536

void
cd9660_key_dir(struct cd9660_key *key, uint32_t lba)
{
	memset(key, 0, sizeof(*key));
	key->k_addr = (uint64_t)lba * ISO_SECTOR;
	key->k_isdir = 1;
}

static bool
cd9660_is_dot(const struct iso_dirent *d)
{
	return d->d_namelen == 1 && d->d_name[0] == 0;
}

static bool
cd9660_is_dotdot(const struct iso_dirent *d)
{
	return d->d_namelen == 1 && d->d_name[0] == 1;
}

/*
 * st_ino of a file that is not a directory.  Hard links must share one:
 * Rock Ridge says a file has several links; then the serial number of
 * RRIP 1.12 (tagged with the top bit: it is not an address), or else the
 * data extent they share (empty files share none and stay apart).
 */
static ino_t
cd9660_file_fileid(const struct iso_dirent *d, const struct cd9660_rr *rr)
{
	if (rr != NULL && (rr->rr_have & RR_PX) && rr->rr_nlink > 1) {
		if (rr->rr_have & RR_SERIAL)
			return ((ino_t)1 << 63) | rr->rr_serial;
		if (d->d_size > 0)
			return ((ino_t)d->d_extent + d->d_xarlen) * ISO_SECTOR;
	}
	return d->d_addr;
}

/* A name must be usable as a POSIX file name. */
static int
cd9660_name_check(const struct iso_dirent *d, const char *name, size_t len)
{
	if (len == 0 || memchr(name, '/', len) != NULL ||
	    memchr(name, '\0', len) != NULL || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return cd9660_corrupt("directory record at byte %llu: bad "
		                      "name",
		    (unsigned long long)d->d_addr);
	return 0;
}

/* The block where a directory's parent starts (PL wins over ".."). */
int
cd9660_dir_parent(struct cd9660_mount *ump, uint32_t lba, uint32_t *parent)
{
	struct cd9660_dircursor *c;
	struct iso_dirent d;
	struct cd9660_rr *rr;
	int error;

	c = kmem_alloc(sizeof(*c), KM_SLEEP);
	cd9660_dircursor_init(c, ump, lba, ISO_SECTOR, 0);
	if ((error = cd9660_dircursor_next(c, &d)) == 0 &&
	    (error = cd9660_dircursor_next(c, &d)) == 0 &&
	    !cd9660_is_dotdot(&d))
		error = ENOENT;
	if (error == ENOENT)
		error = cd9660_corrupt("directory at block %u: no \"..\"", lba);
	if (error == 0) {
		*parent = d.d_extent + d.d_xarlen;
		if (ump->um_tree == CD9660_ROCKRIDGE) {
			rr = kmem_zalloc(sizeof(*rr), KM_SLEEP);
			error = cd9660_rrip_parse(ump, &d, rr);
			if (error == 0 && (rr->rr_have & RR_PL))
				*parent = rr->rr_pl;
			kmem_free(rr, sizeof(*rr));
		}
	}
	kmem_free(c, sizeof(*c));
	return error;
}

static uint8_t
cd9660_mode2dt(uint32_t mode)
{
	return vtype2dt(iftovt(mode & RUMP_S_IFMT));
}

/* Describe the record d of directory dp as an entry. */
int
cd9660_entry_fill(struct cd9660_mount *ump, const struct cd9660_node *dp,
    const struct iso_dirent *d, struct cd9660_entry *e)
{
	uint32_t dplba = (uint32_t)(dp->i_key.k_addr / ISO_SECTOR), target;
	uint32_t parent;
	struct cd9660_rr *rr = &e->e_rr;
	bool isdir = (d->d_flags & ISO_FLAG_DIRECTORY) != 0, rrok = false;
	int error;

	e->e_hidden = false;
	e->e_dtype = RUMP_DT_UNKNOWN;
	if (cd9660_is_dot(d) || cd9660_is_dotdot(d)) {
		e->e_namelen = cd9660_is_dot(d) ? 1 : 2;
		memcpy(e->e_name, "..", e->e_namelen);
		e->e_dtype = RUMP_DT_DIR;
		parent = __atomic_load_n(&dp->i_parent, __ATOMIC_RELAXED);
		cd9660_key_dir(&e->e_key,
		    cd9660_is_dot(d) || parent == 0 ? dplba : parent);
		e->e_fileid = e->e_key.k_addr;
		return 0;
	}
	if (d->d_flags & ISO_FLAG_ASSOCIATED) {
		e->e_hidden = true;
		return 0;
	}
	target = d->d_extent + d->d_xarlen;
	switch (ump->um_tree) {
	case CD9660_ROCKRIDGE:
		rr->rr_link = NULL;
		if ((error = cd9660_rrip_parse(ump, d, rr)) != 0)
			return error;
		rrok = true;
		if (rr->rr_have & RR_RE) {
			e->e_hidden = true;
			return 0;
		}
		if (rr->rr_have & RR_NM) {
			memcpy(e->e_name, rr->rr_name, rr->rr_namelen);
			e->e_namelen = rr->rr_namelen;
		} else
			e->e_namelen = cd9660_plain_name(
			    ump, d->d_name, d->d_namelen, false, e->e_name);
		if (rr->rr_have & RR_CL) {
			isdir = true;
			target = rr->rr_cl;
		}
		if (!isdir && (rr->rr_have & RR_PX))
			e->e_dtype = cd9660_mode2dt(rr->rr_mode);
		break;
	case CD9660_JOLIET:
		error = cd9660_joliet_name(d->d_name, d->d_namelen,
		    (ump->um_opts & CD9660_OPT_GENS) != 0, e->e_name,
		    &e->e_namelen);
		if (error != 0)
			return error;
		break;
	default:
		e->e_namelen = cd9660_plain_name(
		    ump, d->d_name, d->d_namelen, true, e->e_name);
		break;
	}
	if ((error = cd9660_name_check(d, e->e_name, e->e_namelen)) != 0)
		return error;
	if (isdir) {
		e->e_dtype = RUMP_DT_DIR;
		cd9660_key_dir(&e->e_key, target);
		e->e_fileid = e->e_key.k_addr;
		if (ump->um_hide_rrmoved && target == ump->um_rrmoved &&
		    dplba == ump->um_root)
			e->e_hidden = true;
		/* Relocated directories show only where they belong. */
		if (ump->um_rrmoved != 0 && dplba == ump->um_rrmoved) {
			if ((error = cd9660_dir_parent(ump, target, &parent)) !=
			    0)
				return error;
			e->e_hidden = parent != dplba;
		}
		return 0;
	}
	if (e->e_dtype == RUMP_DT_UNKNOWN)
		e->e_dtype = RUMP_DT_REG;
	memset(&e->e_key, 0, sizeof(e->e_key));
	e->e_key.k_addr = d->d_addr;
	e->e_key.k_dirend = dplba + (uint32_t)howmany(dp->i_size, ISO_SECTOR);
	e->e_fileid = cd9660_file_fileid(d, rrok ? rr : NULL);
	return 0;
}

/* --- loading nodes ------------------------------------------------------- */

void
cd9660_node_free(struct cd9660_node *ip)
{
	if (ip->i_extents != NULL && ip->i_extents != &ip->i_ext1)
		kmem_free(ip->i_extents, ip->i_extcap * sizeof(*ip->i_extents));
	if (ip->i_link != NULL)
		kmem_free(ip->i_link, ip->i_linklen + 1);
	kmem_free(ip, sizeof(*ip));
}

/* Times from TF, else the record's date for all of them. */
static void
cd9660_node_times(struct cd9660_node *ip, const struct iso_dirent *d,
    const struct cd9660_rr *rr)
{
	struct timespec rec = {0, 0};
	unsigned tf = rr != NULL ? rr->rr_tfhave : 0;

	(void)cd9660_time7(d->d_date, &rec);
	ip->i_mtime = (tf & RRIP_TF_MODIFY) ? rr->rr_mtime : rec;
	ip->i_atime = (tf & RRIP_TF_ACCESS) ? rr->rr_atime : ip->i_mtime;
	ip->i_ctime = (tf & RRIP_TF_ATTRIBUTES) ? rr->rr_ctime : ip->i_mtime;
	if (tf & RRIP_TF_CREATION)
		ip->i_birthtime = rr->rr_birth;
	else {
		ip->i_birthtime.tv_sec = VNOVAL;
		ip->i_birthtime.tv_nsec = 0;
	}
}

/* Owner, mode and links from PX, or the defaults of a plain image. */
static void
cd9660_node_owner(
    struct cd9660_node *ip, const struct cd9660_rr *rr, bool isdir)
{
	if (rr != NULL && (rr->rr_have & RR_PX)) {
		ip->i_mode = rr->rr_mode & (RUMP_S_IFMT | RUMP_ALLPERMS);
		ip->i_nlink = rr->rr_nlink;
		ip->i_uid = rr->rr_uid;
		ip->i_gid = rr->rr_gid;
		if (isdir)
			ip->i_mode =
			    (ip->i_mode & RUMP_ALLPERMS) | RUMP_S_IFDIR;
		else if ((ip->i_mode & RUMP_S_IFMT) == 0)
			ip->i_mode |= RUMP_S_IFREG;
	} else {
		ip->i_mode = isdir ? RUMP_S_IFDIR | 0555 : RUMP_S_IFREG | 0444;
		ip->i_nlink = isdir ? 2 : 1;
		ip->i_uid = 0;
		ip->i_gid = 0;
	}
	if (ip->i_nlink == 0)
		ip->i_nlink = 1;
}

static struct cd9660_node *
cd9660_node_alloc(struct cd9660_mount *ump, const struct cd9660_key *key)
{
	struct cd9660_node *ip;

	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	ip->i_ump = ump;
	ip->i_key = *key;
	ip->i_nextr = -1;
	return ip;
}

/* A directory: its "." record, and ".." for the parent. */
static int
cd9660_load_dir(struct cd9660_mount *ump, struct cd9660_node *ip,
    struct cd9660_dircursor *c, struct cd9660_rr *rr)
{
	uint32_t lba = (uint32_t)(ip->i_key.k_addr / ISO_SECTOR);
	struct iso_dirent d;
	bool isroot = lba == ump->um_root, haverr = false;
	int error;

	if (lba >= ump->um_nsectors)
		return cd9660_corrupt("directory at block %u: past the end "
		                      "of the volume",
		    lba);
	cd9660_dircursor_init(c, ump, lba, ISO_SECTOR, 0);
	if ((error = cd9660_dircursor_next(c, &d)) != 0 || !cd9660_is_dot(&d) ||
	    (d.d_flags & ISO_FLAG_DIRECTORY) == 0 ||
	    d.d_extent + d.d_xarlen != lba)
		return error != 0 && error != ENOENT
		    ? error
		    : cd9660_corrupt("directory at block %u: no \".\" record "
		                     "for itself",
		          lba);
	if (d.d_size == 0 ||
	    (error = cd9660_check_extent(
	         ump, lba, d.d_size, 0, 0, "directory")) != 0)
		return error != 0 ? error
		                  : cd9660_corrupt("directory at block %u: "
		                                   "size 0",
		                        lba);
	ip->i_size = ip->i_rawsize = d.d_size;
	if (ump->um_tree == CD9660_ROCKRIDGE) {
		rr->rr_link = NULL;
		if ((error = cd9660_rrip_parse(ump, &d, rr)) != 0)
			return error;
		haverr = (rr->rr_have & RR_PX) != 0;
	}
	if (!haverr || !isroot) {
		cd9660_node_owner(ip, haverr ? rr : NULL, true);
		cd9660_node_times(ip, &d, haverr ? rr : NULL);
	}
	/* ".." gives the parent, and the root's attributes if "." had none */
	if ((error = cd9660_dir_parent(ump, lba, &ip->i_parent)) != 0)
		return error;
	if (ip->i_parent == lba)
		ip->i_parent = 0; /* "..": itself; see cd9660_lookup_dir */
	if (isroot) {
		ip->i_parent = lba;
		if (!haverr && ump->um_tree == CD9660_ROCKRIDGE) {
			cd9660_dircursor_init(c, ump, lba, ISO_SECTOR, 0);
			if ((error = cd9660_dircursor_next(c, &d)) != 0 ||
			    (error = cd9660_dircursor_next(c, &d)) != 0 ||
			    (error = cd9660_rrip_parse(ump, &d, rr)) != 0)
				return error;
			haverr = (rr->rr_have & RR_PX) != 0;
		}
		cd9660_node_owner(ip, haverr ? rr : NULL, true);
		cd9660_node_times(ip, &d, haverr ? rr : NULL);
		if (ump->um_hide_rrmoved && ip->i_nlink > 2)
			ip->i_nlink--;
	}
	ip->i_type = VDIR;
	ip->i_number = ip->i_key.k_addr;
	ip->i_nextents = ip->i_extcap = 1;
	ip->i_extents = &ip->i_ext1;
	ip->i_ext1.e_lba = lba;
	ip->i_ext1.e_len = ip->i_size;
	return 0;
}

/* Add extent d at file offset *offp. */
static int
cd9660_add_extent(struct cd9660_mount *ump, struct cd9660_node *ip,
    const struct iso_dirent *d, uint64_t *offp)
{
	struct cd9660_extent *ne;
	unsigned cap = ip->i_extcap;
	int error;

	if (ip->i_nextents == cap) {
		if (cap >= CD9660_MAXEXTENTS)
			return cd9660_corrupt("file at byte %llu: too many "
			                      "extents",
			    (unsigned long long)ip->i_key.k_addr);
		ne = kmem_zalloc(2 * cap * sizeof(*ne), KM_SLEEP);
		memcpy(ne, ip->i_extents, cap * sizeof(*ne));
		if (ip->i_extents != &ip->i_ext1)
			kmem_free(ip->i_extents, cap * sizeof(*ne));
		ip->i_extents = ne;
		ip->i_extcap = 2 * cap;
	}
	if (d->d_fu == 0 && d->d_gap != 0)
		return cd9660_corrupt("file at byte %llu: interleave gap "
		                      "without a unit",
		    (unsigned long long)d->d_addr);
	error = cd9660_check_extent(ump, d->d_extent + d->d_xarlen, d->d_size,
	    d->d_fu, d->d_gap, "file");
	if (error != 0)
		return error;
	ne = &ip->i_extents[ip->i_nextents++];
	ne->e_off = *offp;
	ne->e_len = d->d_size;
	ne->e_lba = d->d_extent + d->d_xarlen;
	ne->e_fu = d->d_fu;
	ne->e_gap = d->d_gap;
	*offp += d->d_size;
	return 0;
}

/* The extents of a file: its record and those of its further parts. */
static int
cd9660_load_extents(struct cd9660_mount *ump, struct cd9660_node *ip,
    struct cd9660_dircursor *c, const struct iso_dirent *first)
{
	uint8_t name[256];
	struct iso_dirent d = *first;
	uint64_t off = 0;
	int error;

	memcpy(name, first->d_name, first->d_namelen);
	ip->i_extents = &ip->i_ext1;
	ip->i_extcap = 1;
	for (;;) {
		if ((error = cd9660_add_extent(ump, ip, &d, &off)) != 0)
			return error;
		if ((d.d_flags & ISO_FLAG_MULTIEXTENT) == 0)
			break;
		if (d.d_size % ISO_SECTOR != 0)
			return cd9660_corrupt("file at byte %llu: a part that "
			                      "is not the last has %u bytes",
			    (unsigned long long)first->d_addr, d.d_size);
		error = cd9660_dircursor_next(c, &d);
		if (error == ENOENT ||
		    (error == 0 &&
		        (d.d_namelen != first->d_namelen ||
		            memcmp(d.d_name, name, d.d_namelen) != 0 ||
		            (d.d_flags & ISO_FLAG_DIRECTORY))))
			error = cd9660_corrupt("file at byte %llu: the next "
			                       "part is missing",
			    (unsigned long long)first->d_addr);
		if (error != 0)
			return error;
	}
	ip->i_size = ip->i_rawsize = off;
	return 0;
}

/* Any other file: its record (and those of further extents). */
static int
cd9660_load_file(struct cd9660_mount *ump, struct cd9660_node *ip,
    struct cd9660_dircursor *c, struct cd9660_rr *rr)
{
	uint64_t addr = ip->i_key.k_addr;
	uint32_t sec = (uint32_t)(addr / ISO_SECTOR);
	struct iso_dirent d, first;
	bool haverr = false;
	int error;

	if (ip->i_key.k_dirend <= sec)
		return EINVAL;
	cd9660_dircursor_init(c, ump, sec,
	    (ip->i_key.k_dirend - sec) * ISO_SECTOR,
	    (off_t)(addr % ISO_SECTOR));
	if ((error = cd9660_dircursor_next(c, &d)) != 0)
		return error == ENOENT ? EINVAL : error;
	if (d.d_addr != addr || (d.d_flags & ISO_FLAG_DIRECTORY))
		return cd9660_corrupt(
		    "no file record at byte %llu", (unsigned long long)addr);
	if (ump->um_tree == CD9660_ROCKRIDGE) {
		rr->rr_link = kmem_alloc(MAXPATHLEN, KM_SLEEP);
		error = cd9660_rrip_parse(ump, &d, rr);
		if (error == 0 && (rr->rr_have & RR_SL) && rr->rr_linklen > 0) {
			ip->i_link = kmem_alloc(rr->rr_linklen + 1, KM_SLEEP);
			memcpy(ip->i_link, rr->rr_link, rr->rr_linklen);
			ip->i_link[rr->rr_linklen] = '\0';
			ip->i_linklen = rr->rr_linklen;
		}
		kmem_free(rr->rr_link, MAXPATHLEN);
		rr->rr_link = NULL;
		if (error != 0)
			return error;
		haverr = true;
	}
	cd9660_node_owner(ip, haverr ? rr : NULL, false);
	cd9660_node_times(ip, &d, haverr ? rr : NULL);
	ip->i_type = iftovt(ip->i_mode & RUMP_S_IFMT);
	if (ip->i_type == VDIR || ip->i_type == VNON || ip->i_type == VBAD)
		return cd9660_corrupt("file at byte %llu: Rock Ridge mode %#o "
		                      "is not a file",
		    (unsigned long long)addr, ip->i_mode);
	ip->i_number = cd9660_file_fileid(&d, haverr ? rr : NULL);
	first = d;
	if ((error = cd9660_load_extents(ump, ip, c, &first)) != 0)
		return error;
	switch (ip->i_type) {
	case VLNK:
		ip->i_size = ip->i_linklen;
		break;
	case VCHR:
	case VBLK:
		ip->i_rdev = (rr->rr_have & RR_PN) ? rr->rr_rdev : 0;
		/* FALLTHROUGH */
	case VFIFO:
	case VSOCK:
		ip->i_size = 0;
		break;
	default:
		if (haverr && (rr->rr_have & RR_ZF))
			error = cd9660_zisofs_check(ip, rr);
		break;
	}
	return error;
}

/* Load the node for key; *ipp is a new node the caller owns. */
int
cd9660_node_load(struct cd9660_mount *ump, const struct cd9660_key *key,
    struct cd9660_node **ipp)
{
	struct cd9660_dircursor *c;
	struct cd9660_node *ip;
	struct cd9660_rr *rr;
	int error;

	ip = cd9660_node_alloc(ump, key);
	c = kmem_alloc(sizeof(*c), KM_SLEEP);
	rr = kmem_zalloc(sizeof(*rr), KM_SLEEP);
	if (key->k_isdir)
		error = cd9660_load_dir(ump, ip, c, rr);
	else
		error = cd9660_load_file(ump, ip, c, rr);
	kmem_free(rr, sizeof(*rr));
	kmem_free(c, sizeof(*c));
	if (error != 0) {
		cd9660_node_free(ip);
		return error;
	}
	*ipp = ip;
	return 0;
}
