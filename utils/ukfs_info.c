/*
 * ukfs-info: what an image holds: the detected file-system type, its
 * label, and the statvfs numbers of the mounted file system; for cd9660
 * also the boot images of an El Torito boot catalog.
 */
#include <sys/statvfs.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char info_usage[] =
    "usage: ukfs-info [-p] [-t type] [-o options] image ...\n";

static void
human(char *buf, size_t len, unsigned long long bytes)
{
	static const char units[] = "KMGTP";
	double v = (double)bytes;
	int i = -1;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu B", bytes);
	else
		snprintf(buf, len, "%.1f %ciB", v, units[i]);
}

/* El Torito's names for boot platforms and media. */
static const char *
boot_platform(unsigned p, char *buf, size_t len)
{
	switch (p) {
	case UKFS_BOOT_X86:
		return "x86";
	case UKFS_BOOT_PPC:
		return "PPC";
	case UKFS_BOOT_MAC:
		return "Mac";
	case UKFS_BOOT_EFI:
		return "EFI";
	}
	snprintf(buf, len, "0x%02x", p);
	return buf;
}

static const char *
boot_media(unsigned m)
{
	static const char *const names[] = {"no emulation", "1.2M floppy",
	    "1.44M floppy", "2.88M floppy", "hard disk"};

	return m < sizeof(names) / sizeof(names[0]) ? names[m] : "unknown";
}

/* The boot images of a cd9660 image's El Torito catalog, if it has one. */
static int
info_eltorito(const char *image)
{
	struct ukfs_boot_entry *e;
	char pbuf[16];
	uint32_t cat;
	size_t i, n;

	if (ukfs_eltorito(image, 0, &cat, &e, &n) == -1) {
		warnmsg("%s", ukfs_errmsg());
		return -1;
	}
	if (n > 0)
		printf("El Torito:    catalog at sector %lu\n",
		    (unsigned long)cat);
	for (i = 0; i < n; i++)
		printf("El Torito:    entry %zu: platform %s, %s, %s, "
		       "load RBA %lu, %u sector%s (segment 0x%04x, "
		       "system type 0x%02x)\n",
		    i + 1, boot_platform(e[i].platform, pbuf, sizeof(pbuf)),
		    e[i].bootable ? "bootable" : "not bootable",
		    boot_media(e[i].media), (unsigned long)e[i].load_rba,
		    e[i].sector_count, e[i].sector_count == 1 ? "" : "s",
		    e[i].load_segment, e[i].system_type);
	free(e);
	return 0;
}

static int
info_one(const char *image, const struct common_opts *co)
{
	char label[128], hsize[32], hfree[32];
	struct statvfs sv;
	struct ukfs *u;
	unsigned long long unit;
	int boot;

	u = mount_image(image, co, UKFS_RDONLY);
	if (u == NULL)
		return -1;
	if (ukfs_statvfs(u, "/", &sv) == -1) {
		warnpath(image, "/", errno);
		release_image(u);
		return -1;
	}
	if (ukfs_label(image, 0, ukfs_fstype(u), label, sizeof(label)) == -1)
		label[0] = '\0';
	unit = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
	human(hsize, sizeof(hsize), (unsigned long long)sv.f_blocks * unit);
	human(hfree, sizeof(hfree), (unsigned long long)sv.f_bavail * unit);
	printf("image:        %s\n", image);
	printf("type:         %s\n", ukfs_fstype(u));
	printf("label:        %s\n", label);
	printf("block size:   %lu\n", (unsigned long)sv.f_bsize);
	printf("fragment:     %lu\n", (unsigned long)sv.f_frsize);
	printf("blocks:       %llu total, %llu free, %llu available\n",
	    (unsigned long long)sv.f_blocks, (unsigned long long)sv.f_bfree,
	    (unsigned long long)sv.f_bavail);
	printf("size:         %s, %s available\n", hsize, hfree);
	printf("inodes:       %llu total, %llu free\n",
	    (unsigned long long)sv.f_files, (unsigned long long)sv.f_ffree);
	printf("name max:     %lu\n", (unsigned long)sv.f_namemax);
	boot = 0;
	if (strcmp(ukfs_fstype(u), "cd9660") == 0)
		boot = info_eltorito(image);
	return release_image(u) == -1 ? -1 : boot;
}

int
ukfs_info_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	int ch, i, status = 0, parts = 0;

	while ((ch = common_getopt(argc, argv, "p", &co, info_usage)) != -1) {
		if (ch == '?')
			return 1;
		if (ch == 'p')
			parts = 1;
	}
	if (argc - optind < 1)
		usage_exit(info_usage);
	for (i = optind; i < argc; i++) {
		if (i > optind)
			putchar('\n');
		if ((parts ? parts_print(argv[i]) : info_one(argv[i], &co)) ==
		    -1)
			status = 1;
	}
	return finish_stdout(status);
}
