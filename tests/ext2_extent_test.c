/*
 * Extent trees under stress, on an ext4 image: files of thousands of
 * extents (trees two and three levels deep), holes filled in every order,
 * truncation back down to nothing, and writes into preallocated
 * (unwritten) extents.  Every file is checked against a copy kept in
 * memory; the image is unmounted and the checker run between the steps.
 *
 *   ext2_extent_test [-c CHECKER] IMAGE
 *
 * If the image holds /prealloc (made by fallocate(1) on the host: one
 * unwritten extent), writes go into it too.
 */
#include <rump/rump.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MNT "/mnt"

static const char *checker = "e2fsck -fn";
static const char *image;
static uint32_t bsize;

struct model {
	const char *path;
	uint8_t *data;
	size_t size, cap;
};

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void
mnt(void)
{
	struct rump_diskfs_args args = {"/dev/img", NULL};
	struct rump_statvfs sv;

	if (rump_sys_mount("ext2fs", MNT, 0, &args, sizeof(args)) != 0)
		die("mount: %s", strerror(errno));
	if (rump_sys_statvfs(MNT, &sv) != 0)
		die("statvfs: %s", strerror(errno));
	bsize = (uint32_t)sv.f_bsize;
}

static void
cycle(const char *when)
{
	char cmd[1024];

	if (rump_sys_unmount(MNT, 0) != 0)
		die("unmount %s: %s", when, strerror(errno));
	snprintf(cmd, sizeof(cmd), "%s '%s' >/dev/null 2>&1", checker, image);
	if (system(cmd) != 0)
		die("%s finds problems %s", checker, when);
	printf("ok: %s clean %s\n", checker, when);
	mnt();
}

static void
model_write(struct model *m, const uint8_t *buf, size_t n, size_t off)
{
	if (off + n > m->cap) {
		size_t cap = (off + n) * 2;

		m->data = realloc(m->data, cap);
		if (m->data == NULL)
			die("out of memory");
		memset(m->data + m->cap, 0, cap - m->cap);
		m->cap = cap;
	}
	memcpy(m->data + off, buf, n);
	if (off + n > m->size)
		m->size = off + n;
}

static void
model_truncate(struct model *m, size_t size)
{
	if (size < m->size)
		memset(m->data + size, 0, m->size - size);
	else if (size > m->cap) {
		uint8_t z = 0;

		model_write(m, &z, 1, size - 1);
	}
	m->size = size;
}

static void
put(struct model *m, size_t off, size_t n, unsigned tag)
{
	static uint8_t buf[1 << 20];
	int fd;
	size_t k;

	for (k = 0; k < n; k++)
		buf[k] =
		    (uint8_t)(tag * 31 + (off + k) / 7 + ((off + k) >> 10));
	fd = rump_sys_open(m->path, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
	if (fd < 0 || rump_sys_pwrite(fd, buf, n, (int64_t)off) != (int64_t)n)
		die("write %s at %zu: %s", m->path, off, strerror(errno));
	rump_sys_close(fd);
	model_write(m, buf, n, off);
}

static void
truncate_to(struct model *m, size_t size)
{
	int fd = rump_sys_open(m->path, RUMP_O_WRONLY, 0);

	if (fd < 0 || rump_sys_ftruncate(fd, (int64_t)size) != 0)
		die("truncate %s to %zu: %s", m->path, size, strerror(errno));
	rump_sys_close(fd);
	model_truncate(m, size);
}

static void
verify(struct model *m, const char *when)
{
	static uint8_t buf[1 << 20];
	struct rump_stat st;
	size_t off, n;
	int fd;

	if (rump_sys_stat(m->path, &st) != 0)
		die("%s: stat %s: %s", when, m->path, strerror(errno));
	if ((size_t)st.st_size != m->size)
		die("%s: %s has %lld bytes, want %zu", when, m->path,
		    (long long)st.st_size, m->size);
	fd = rump_sys_open(m->path, RUMP_O_RDONLY, 0);
	for (off = 0; off < m->size; off += n) {
		n = m->size - off < sizeof(buf) ? m->size - off : sizeof(buf);
		if (rump_sys_pread(fd, buf, n, (int64_t)off) != (int64_t)n)
			die("%s: read %s at %zu", when, m->path, off);
		if (memcmp(buf, m->data + off, n) != 0) {
			size_t k = 0;

			while (buf[k] == m->data[off + k])
				k++;
			die("%s: %s differs at byte %zu", when, m->path,
			    off + k);
		}
	}
	rump_sys_close(fd);
	printf("ok: %s: %s (%zu bytes, %lld blocks) reads back\n", when,
	    m->path, m->size, (long long)st.st_blocks);
}

int
main(int argc, char **argv)
{
	struct model a = {MNT "/frag", NULL, 0, 0};
	struct model b = {MNT "/sparse", NULL, 0, 0};
	struct model c = {MNT "/prealloc", NULL, 0, 0};
	struct rump_stat st;
	size_t i, nblk;
	uint64_t r = 12345;
	int ch;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		if (ch == 'c')
			checker = optarg;
		else
			return 2;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: ext2_extent_test [-c CHECKER] IMAGE\n");
		return 2;
	}
	image = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rump_init() != 0 || rump_sys_mkdir(MNT, 0755) != 0 ||
	    rump_pub_etfs_register("/dev/img", image, RUMP_ETFS_BLK, 0,
	        RUMP_ETFS_SIZE_ENDOFF, 0) != 0)
		die("setup: %s", strerror(errno));
	mnt();

	/* Every other block: one extent each, a tree two levels deep. */
	nblk = bsize == 1024 ? 1400 : 900;
	for (i = 0; i < 2 * nblk; i += 2)
		put(&a, i * bsize, bsize, (unsigned)i);
	verify(&a, "every other block");
	cycle("with a fragmented file");
	verify(&a, "after a remount");
	/* fill the holes, back to front: inserts everywhere */
	for (i = nblk; i > 0; i--)
		put(&a, (2 * i - 1) * bsize, bsize, (unsigned)i + 5);
	verify(&a, "holes filled");
	cycle("after filling the holes");
	/* cut it down step by step, then away */
	truncate_to(&a, nblk * bsize + 123);
	verify(&a, "cut in half");
	truncate_to(&a, 10 * bsize - 1);
	verify(&a, "cut to ten blocks");
	cycle("after truncating");
	truncate_to(&a, 0);
	verify(&a, "cut to nothing");
	if (rump_sys_stat(a.path, &st) != 0 || st.st_blocks != 0)
		die("an empty file keeps %lld blocks", (long long)st.st_blocks);
	put(&a, 5 * bsize, 3 * bsize, 9);
	verify(&a, "written again");

	/* Single blocks at random places of a big sparse file. */
	for (i = 0; i < 3000; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		put(&b,
		    (size_t)((r >> 33) % 20000) * bsize +
		        (size_t)((r >> 20) % 3) * (bsize / 3),
		    bsize / 2 + (size_t)((r >> 13) % bsize), (unsigned)i);
	}
	verify(&b, "random blocks");
	truncate_to(&b, b.size / 3);
	verify(&b, "random blocks, cut");
	cycle("with a sparse file");
	verify(&b, "after a remount");

	/* Preallocated space: unwritten extents become written ones. */
	if (rump_sys_stat(c.path, &st) == 0) {
		model_truncate(&c, (size_t)st.st_size);
		put(&c, 3 * bsize, bsize, 1);
		put(&c, 0, 100, 2);
		put(&c, (size_t)st.st_size - bsize, bsize, 3);
		put(&c, 10 * bsize + 17, 5 * bsize, 4);
		verify(&c, "written into preallocated space");
		cycle("after writing into unwritten extents");
		verify(&c, "after a remount");
	}
	if (rump_sys_unmount(MNT, 0) != 0)
		die("unmount: %s", strerror(errno));
	printf("ext2_extent_test: all passed\n");
	free(a.data);
	free(b.data);
	free(c.data);
	return 0;
}
