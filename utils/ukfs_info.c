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
    "usage: ukfs-info [-p] [--json] [-t type] [-o options] image ...\n";

static void json_str(const char *s);

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
info_eltorito(const char *image, int json)
{
	struct ukfs_boot_entry *e;
	char pbuf[16];
	uint32_t cat;
	size_t i, n;

	if (ukfs_eltorito(image, 0, &cat, &e, &n) == -1) {
		warnmsg("%s", ukfs_errmsg());
		return -1;
	}
	if (json) {
		printf(",\n  \"eltorito\": {\"catalog\": %lu, \"entries\": [",
		    (unsigned long)cat);
		for (i = 0; i < n; i++) {
			printf("%s\n    {\"platform\": ", i ? "," : "");
			json_str(
			    boot_platform(e[i].platform, pbuf, sizeof(pbuf)));
			printf(", \"bootable\": %s, \"media\": ",
			    e[i].bootable ? "true" : "false");
			json_str(boot_media(e[i].media));
			printf(", \"load_rba\": %lu, \"sectors\": %u, "
			       "\"load_segment\": %u, \"system_type\": %u}",
			    (unsigned long)e[i].load_rba, e[i].sector_count,
			    e[i].load_segment, e[i].system_type);
		}
		printf("%s]}", n ? "\n  " : "");
		free(e);
		return 0;
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

/* A JSON string of s (UTF-8 passed through, controls escaped). */
static void
json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
json_field(const struct ukfs_info_field *f, int first)
{
	printf("%s", first ? "" : ", ");
	json_str(f->key);
	printf(": ");
	if (f->number)
		printf("%s", f->value);
	else
		json_str(f->value);
}

/* The superblock summary: text lines, or JSON members. */
static void
print_fsinfo(const struct ukfs_fsinfo *fi, int json)
{
	size_t i, g;

	if (json) {
		printf(",\n  \"superblock\": {");
		for (i = 0; i < fi->nfields; i++) {
			printf("%s\n    ", i ? "," : "");
			json_field(&fi->fields[i], 1);
		}
		printf("\n  }");
		if (fi->group_kind == NULL)
			return;
		printf(",\n  \"groups\": {\"kind\": ");
		json_str(fi->group_kind);
		printf(", \"rows\": [");
		for (g = 0; g < fi->ngroups; g++) {
			printf("%s\n    {", g ? "," : "");
			for (i = 0; i < fi->per_group; i++)
				json_field(
				    &fi->groups[g * fi->per_group + i], i == 0);
			printf("}");
		}
		printf("\n  ]}");
		return;
	}
	printf("\nsuperblock:\n");
	for (i = 0; i < fi->nfields; i++)
		printf("  %-28s %s\n", fi->fields[i].key, fi->fields[i].value);
	if (fi->group_kind == NULL)
		return;
	printf("\n%ss: %zu\n", fi->group_kind, fi->ngroups);
	for (g = 0; g < fi->ngroups; g++) {
		for (i = 0; i < fi->per_group; i++) {
			const struct ukfs_info_field *f =
			    &fi->groups[g * fi->per_group + i];

			if (i == 0)
				printf("  %s %s:", f->key, f->value);
			else
				printf("%s %s %s", i > 1 ? "," : "", f->key,
				    f->value);
		}
		putchar('\n');
	}
}

static int
info_one(const char *image, const struct common_opts *co, int json)
{
	char label[128], hsize[32], hfree[32];
	struct ukfs_fsinfo fi;
	struct statvfs sv;
	struct ukfs *u;
	const char *comp;
	unsigned long long unit;
	int rv = 0, have_fi;

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
	comp = ukfs_compression(image);
	have_fi = ukfs_fsinfo(image, 0, ukfs_fstype(u), &fi) == 0;
	if (!have_fi) {
		warnmsg("%s", ukfs_errmsg());
		rv = -1;
	}
	unit = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
	if (json) {
		printf("{\n  \"image\": ");
		json_str(image);
		printf(",\n  \"type\": ");
		json_str(ukfs_fstype(u));
		printf(",\n  \"label\": ");
		json_str(label);
		printf(",\n  \"compression\": ");
		if (comp != NULL && comp[0] != '\0')
			json_str(comp);
		else
			printf("null");
		printf(",\n  \"block_size\": %lu, \"fragment_size\": %lu,"
		       "\n  \"blocks\": %llu, \"blocks_free\": %llu, "
		       "\"blocks_available\": %llu,\n  \"bytes\": %llu, "
		       "\"bytes_available\": %llu,\n  \"inodes\": %llu, "
		       "\"inodes_free\": %llu, \"name_max\": %lu",
		    (unsigned long)sv.f_bsize, (unsigned long)sv.f_frsize,
		    (unsigned long long)sv.f_blocks,
		    (unsigned long long)sv.f_bfree,
		    (unsigned long long)sv.f_bavail,
		    (unsigned long long)sv.f_blocks * unit,
		    (unsigned long long)sv.f_bavail * unit,
		    (unsigned long long)sv.f_files,
		    (unsigned long long)sv.f_ffree,
		    (unsigned long)sv.f_namemax);
	} else {
		human(hsize, sizeof(hsize),
		    (unsigned long long)sv.f_blocks * unit);
		human(hfree, sizeof(hfree),
		    (unsigned long long)sv.f_bavail * unit);
		printf("image:        %s\n", image);
		printf("type:         %s\n", ukfs_fstype(u));
		if (comp != NULL && comp[0] != '\0')
			printf("compression:  %s (read-only)\n", comp);
		printf("label:        %s\n", label);
		printf("block size:   %lu\n", (unsigned long)sv.f_bsize);
		printf("fragment:     %lu\n", (unsigned long)sv.f_frsize);
		printf("blocks:       %llu total, %llu free, %llu available\n",
		    (unsigned long long)sv.f_blocks,
		    (unsigned long long)sv.f_bfree,
		    (unsigned long long)sv.f_bavail);
		printf("size:         %s, %s available\n", hsize, hfree);
		printf("inodes:       %llu total, %llu free\n",
		    (unsigned long long)sv.f_files,
		    (unsigned long long)sv.f_ffree);
		printf("name max:     %lu\n", (unsigned long)sv.f_namemax);
	}
	if (strcmp(ukfs_fstype(u), "cd9660") == 0 &&
	    info_eltorito(image, json) == -1)
		rv = -1;
	if (have_fi)
		print_fsinfo(&fi, json);
	ukfs_fsinfo_free(&fi);
	if (json)
		printf("\n}");
	return release_image(u) == -1 ? -1 : rv;
}

int
ukfs_info_main(int argc, char **argv)
{
	struct common_opts co = {NULL, NULL};
	int ch, i, status = 0, parts = 0, json = 0;

	/* --json is this tool's own long option: take it out first */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(argc - i) * sizeof(argv[0]));
			argc--;
			i--;
		}
	while ((ch = common_getopt(argc, argv, "p", &co, info_usage)) != -1) {
		if (ch == '?')
			return 1;
		if (ch == 'p')
			parts = 1;
	}
	if (argc - optind < 1)
		usage_exit(info_usage);
	if (json && !parts && argc - optind > 1)
		printf("[");
	for (i = optind; i < argc; i++) {
		if (i > optind)
			printf(json ? ",\n" : "\n");
		if ((parts ? parts_print(argv[i])
		           : info_one(argv[i], &co, json)) == -1)
			status = 1;
	}
	if (json && !parts)
		printf(argc - optind > 1 ? "]\n" : "\n");
	return finish_stdout(status);
}
