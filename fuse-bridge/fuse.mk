# fuse-bridge: the FUSE daemons rump_ext2fs, rump_ffs, rump_msdos,
# rump_cd9660, rump_lfs (one program, rump_fuse, chosen by its name).
# Included by the top-level Makefile; needs libfuse3 (pkg-config fuse3).

FUSE_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE_LIBS := $(shell pkg-config --libs fuse3 2>/dev/null)
RUMP_FUSE := $(B)/bin/rump_fuse
FUSE_FSTYPES := ext2fs ffs msdos cd9660 lfs
FUSE_LINKS := $(addprefix $(B)/bin/rump_,$(FUSE_FSTYPES))
FUSE_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard fuse-bridge/*.c))

$(B)/obj/fuse-bridge/%.o: fuse-bridge/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(FUSE_CFLAGS) -Ilibp2k -Ilibukfs -c -o $@ $<

$(RUMP_FUSE): $(FUSE_OBJS) $(LIBP2K)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(FUSE_OBJS) -L$(B)/lib -lp2k -lukfs -lrump $(FUSE_LIBS) \
	    $(LDFLAGS_COMMON) $(RPATH) -lpthread

$(FUSE_LINKS): $(RUMP_FUSE)
	ln -sf rump_fuse $@

ifneq ($(FUSE_LIBS),)
all: $(RUMP_FUSE) $(FUSE_LINKS)
else
$(info fuse-bridge: libfuse3 not found (apt-get install libfuse3-dev): \
    the rump_* FUSE daemons are not built)
endif
