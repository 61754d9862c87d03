/*
 * ukfs: one program for all the tools.  Called as "ukfs-ls" (a link) or as
 * "ukfs ls ...", it runs the tool of that name.
 */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

static const struct tool {
	const char *name;
	int (*main)(int, char **);
} tools[] = {
    {"ls", ukfs_ls_main},
    {"cat", ukfs_cat_main},
    {"stat", ukfs_stat_main},
    {"cp", ukfs_cp_main},
    {"mkdir", ukfs_mkdir_main},
    {"rm", ukfs_rm_main},
    {"rmdir", ukfs_rmdir_main},
    {"mv", ukfs_mv_main},
    {"ln", ukfs_ln_main},
    {"chmod", ukfs_chmod_main},
    {"chown", ukfs_chown_main},
    {"touch", ukfs_touch_main},
    {"write", ukfs_write_main},
    {"newfs", ukfs_newfs_main},
    {"makefs", ukfs_makefs_main},
    {"fsck", ukfs_fsck_main},
    {"info", ukfs_info_main},
    {"lfs-clean", ukfs_lfs_clean_main},
};
#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static void
list_tools(FILE *fp)
{
	size_t i;

	fprintf(fp,
	    "usage: ukfs TOOL [options] operands...\n"
	    "       ukfs-TOOL [options] operands...\n"
	    "tools:");
	for (i = 0; i < NTOOLS; i++)
		fprintf(fp, " %s", tools[i].name);
	fprintf(fp, "\n'ukfs TOOL -h' describes a tool.\n");
}

static const struct tool *
find_tool(const char *name)
{
	size_t i;

	for (i = 0; i < NTOOLS; i++)
		if (strcmp(name, tools[i].name) == 0)
			return &tools[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static char name[64];
	const struct tool *t;
	const char *base;

	base = argc > 0 ? basename(argv[0]) : "ukfs";
	if (strncmp(base, "ukfs-", 5) == 0)
		t = find_tool(base + 5);
	else {
		if (argc < 2) {
			list_tools(stderr);
			return 1;
		}
		if (strcmp(argv[1], "--version") == 0) {
			printf("ukfs %s\n", UKFS_VERSION);
			return 0;
		}
		if (strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0) {
			list_tools(stdout);
			return 0;
		}
		t = find_tool(argv[1]);
		if (t == NULL) {
			fprintf(stderr, "ukfs: unknown tool '%s'\n", argv[1]);
			list_tools(stderr);
			return 1;
		}
		argc--;
		argv++;
	}
	if (t == NULL) {
		fprintf(stderr, "%s: unknown tool name\n", base);
		list_tools(stderr);
		return 1;
	}
	snprintf(name, sizeof(name), "ukfs-%s", t->name);
	progname = name;
	argv[0] = name; /* for getopt's messages */
	return t->main(argc, argv);
}
