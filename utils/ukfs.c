/*
 * ukfs: one program for all the tools.  Called as "ukfs-ls" (a link) or as
 * "ukfs ls ...", it runs the tool of that name.
 *
 * The table below is the list of tools and what --help says about each:
 * adding a tool is one entry (its synopsis is the usage string the tool
 * passes to common_getopt(), which prints the help in one layout).
 */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

static const struct tool {
	const char *name;
	int (*main)(int, char **);
	struct toolhelp help;
} tools[] = {
    {"ls", ukfs_ls_main,
        {"List directories in a file-system image.",
            "  -1            one entry per line (always)\n"
            "  -a            include names that begin with a dot\n"
            "  -d            list directories themselves, not their contents\n"
            "  -i            print inode numbers\n"
            "  -l            long format, as GNU ls -l\n"
            "  -n            like -l, with numeric user and group IDs\n"
            "  -R            list subdirectories recursively\n",
            NULL}},
    {"cat", ukfs_cat_main,
        {"Print files of a file-system image on the standard output.", "",
            NULL}},
    {"stat", ukfs_stat_main,
        {"Show the inodes of files in a file-system image, as stat(1).",
            "  -L            follow symbolic links (inside the image)\n",
            NULL}},
    {"cp", ukfs_cp_main,
        {"Copy files between the host and images, or between images.",
            "  -R, -r        copy directories recursively\n"
            "  -p            preserve modes and times (and owners as root)\n"
            "  -a            the same as -Rp\n"
            "  -v            print each file copied\n",
            NULL}},
    {"mkdir", ukfs_mkdir_main,
        {"Make directories in a file-system image.",
            "  -p            make missing parents; no error if existing\n"
            "  -m mode       the mode, octal or symbolic\n"
            "  -v            print each directory made\n",
            NULL}},
    {"rm", ukfs_rm_main,
        {"Remove files from a file-system image.",
            "  -r, -R        remove directories and their contents\n"
            "  -d            remove empty directories\n"
            "  -f            ignore paths that do not exist\n"
            "  -v            print each object removed\n",
            NULL}},
    {"rmdir", ukfs_rmdir_main,
        {"Remove empty directories from a file-system image.",
            "  -p            remove each parent that becomes empty too\n"
            "  -v            print each directory removed\n",
            NULL}},
    {"mv", ukfs_mv_main,
        {"Rename files inside a file-system image.",
            "  -f            replace existing files (the default)\n"
            "  -n            do not replace existing files\n"
            "  -v            print each rename\n",
            NULL}},
    {"ln", ukfs_ln_main,
        {"Make hard or symbolic links inside a file-system image.",
            "  -s            make symbolic links\n"
            "  -f            remove an existing file at the link's name\n"
            "  -v            print each link made\n",
            NULL}},
    {"chmod", ukfs_chmod_main,
        {"Change the modes of files in a file-system image.",
            "  -R            change directories and their contents\n"
            "  -v            print each change\n",
            NULL}},
    {"chown", ukfs_chown_main,
        {"Change the owners and groups of files in a file-system image.",
            "  -R            change directories and their contents\n"
            "  -h            change symbolic links, not their targets\n"
            "  -v            print each change\n",
            NULL}},
    {"touch", ukfs_touch_main,
        {"Change file times in a file-system image; make empty files.",
            "  -a            change the access time only\n"
            "  -m            change the modification time only\n"
            "  -c            do not make missing files\n"
            "  -h            change symbolic links, not their targets\n"
            "  -d date       use this time instead of now\n"
            "  -r ref        use the times of ref (in the image)\n"
            "  -t stamp      use this time; -t with a name is the type\n",
            NULL}},
    {"write", ukfs_write_main,
        {"Write the standard input to a file in a file-system image.",
            "  -a            append instead of truncating\n", NULL}},
    {"newfs", ukfs_newfs_main,
        {"Make an empty file system in an image file.",
            "  -t type       ext2fs, ffs, lfs or msdos (required)\n"
            "  -s size       the size of a new image file\n"
            "  -o options    the file system's newfs options, comma-separated\n"
            "  type flags    as below, for the type given\n",
            NULL}},
    {"makefs", ukfs_makefs_main,
        {"Make a file-system image from a host directory tree.",
            "  -t type       ext2fs, ffs (the default), lfs, msdos, cd9660\n"
            "  -o options    the file system's options, comma-separated\n"
            "  -s size       the image size (default: the least that fits)\n"
            "  -M minsize    the least size to pick\n"
            "  -b free       extra free space: a size, or N%\n"
            "  -f free       extra free inodes: N, or N%\n"
            "  -B be|le      byte order (ffs)\n"
            "  -v            print the size computed\n",
            NULL}},
    {"fsck", ukfs_fsck_main,
        {"Check and repair the file system in an image.",
            "  -n            check only (the default)\n"
            "  -y            repair what is found\n"
            "  -f            accepted (the check is always full)\n",
            "0 clean, 1 repaired, 4 problems left, 8 not checked, 16 usage "
            "error"}},
    {"info", ukfs_info_main,
        {"Describe the file systems of images: type, label, size, use.",
            "  -p            list the partitions of a disk image\n"
            "  --json        print JSON: superblock and group summaries\n",
            NULL}},
    {"lfs-clean", ukfs_lfs_clean_main,
        {"Roll an lfs image forward and run its segment cleaner.", "", NULL}},
    {"parts", ukfs_parts_main,
        {"List the partitions of disk images (MBR, GPT, disklabels).", "",
            NULL}},
    {"compress", ukfs_compress_main,
        {"Write a NetBSD vndcompress image, or unpack any image (-d).",
            "  -b blocksize  the size of a compressed block (default 65536)\n"
            "  -l level      the zlib level, 1 to 9\n"
            "  -d            unpack: write the plain image\n",
            NULL}},
    {"find", ukfs_find_main,
        {"Search for files in a file-system image, as find(1).",
            "  expression: primaries as in find(1):\n"
            "    -name G, -iname G, -type [bcdflps], -size [+-]N[cwbkMG],\n"
            "    -newer FILE, -mtime [+-]N, -mindepth N, -maxdepth N,\n"
            "    -print, -print0, -ls; operators ! -a -o ( )\n",
            NULL}},
    {"du", ukfs_du_main,
        {"Show the disk usage of files in a file-system image, as du(1).",
            "  -a            show every file, not only directories\n"
            "  -b            apparent sizes in bytes\n"
            "  -h            sizes in human units (K, M, G)\n"
            "  -s            a total for each operand only\n",
            NULL}},
    {"server", ukfs_server_main,
        {"Serve the system calls of a kernel with images mounted, over a "
         "socket.",
            "  -o ro|rw,...  mount read-only (default) or read-write, and\n"
            "                the file system's own options\n"
            "  -r root       the directory the clients see as /\n"
            "  -c maxconn    at most this many clients at once\n"
            "  -u url        listen on unix:///path\n",
            NULL}},
    {"run", ukfs_run_main,
        {"Run a host program on paths inside an image, without FUSE.",
            "  -o ro|rw,...  mount read-only (default) or read-write, and\n"
            "                the file system's own options\n"
            "  -p prefix     where the image's root appears (default /img)\n",
            "the command's; 1 when the server could not run"}},
    {"diff", ukfs_diff_main,
        {"Compare trees in images or host directories: content and metadata.",
            "  -q            report only whether the trees differ\n"
            "  -x fields     ignore these fields (mode, owner, size, mtime,\n"
            "                target, device, content)\n",
            NULL}},
};
#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static void
list_tools(FILE *fp)
{
	size_t i;

	fprintf(fp,
	    "Usage: ukfs TOOL [options] operands...\n"
	    "       ukfs-TOOL [options] operands...\n"
	    "File-system images (ext2, ffs, lfs, msdos, cd9660) in user "
	    "space.\n\nTools:\n");
	for (i = 0; i < NTOOLS; i++)
		fprintf(fp, "  %-8s %s\n", tools[i].name, tools[i].help.what);
	fprintf(fp,
	    "\n'ukfs TOOL --help' describes a tool.\n"
	    "Manual: ukfs(1), ukfs-TOOL(1)\n");
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
		if (strcmp(argv[1], "--version") == 0)
			version_exit();
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
	progtool = &t->help;
	argv[0] = name; /* for getopt's messages */
	return t->main(argc, argv);
}
