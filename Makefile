# ukfs: file-system images in user space.
#
#   make            build everything into build/ (programs in build/bin,
#                   libraries in build/lib)
#   make demo       make a sample image, list it, copy a file out
#   make check      run the test suite ("N passed, N failed" at the end)
#   make check SANITIZE=1   the same under ASan+UBSan (built in build/asan)
#   make check SANITIZE=thread   under ThreadSanitizer (built in build/tsan)
#   make bench      compare speed with the peer tools
#   make install PREFIX=/usr/local DESTDIR=   (and make uninstall)
#   make deb       Debian packages in build/deb (dpkg-buildpackage)

VERSION	:= 0.1.0
SOMAJOR	:= 1
PREFIX	?= /usr/local
DESTDIR	?=

ifeq ($(SANITIZE),1)
B	?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer
else ifeq ($(SANITIZE),thread)
B	?= build/tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else
B	?= build
SANFLAGS :=
endif

CC	?= cc
OPT	?= -O2
WARN	:= -Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes \
	   -Wmissing-prototypes -Wshadow=local
# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line
# (a package build's hardening flags) come last.
CFLAGS_COMMON := -std=c11 $(OPT) -g $(WARN) -fPIC $(SANFLAGS) -MMD -MP \
	$(CPPFLAGS) $(CFLAGS)
LDFLAGS_COMMON := $(SANFLAGS) $(LDFLAGS)

GEN	:= $(B)/gen
PUBINC	:= $(B)/include

# Kernel namespace: rumpkern, rumpvfs and the file systems.  Built with
# hidden visibility; only the generated public wrappers are exported.
KERN_DIRS := rumpkern rumpvfs $(sort $(dir $(wildcard fs/*/*.c)))
KERN_SRCS := $(wildcard rumpkern/*.c rumpvfs/*.c fs/*/*.c)
KERN_GENSRCS := $(GEN)/rump_syscalls.c $(GEN)/vnode_if.c \
	$(GEN)/rumpkern_if_wrappers.c $(GEN)/rumpvfs_if_wrappers.c
# librump is loaded with the program, never dlopen'ed late: its thread-local
# variables can use the fast initial-exec model.
TLSFLAGS := -ftls-model=initial-exec
KERN_CFLAGS := $(CFLAGS_COMMON) $(TLSFLAGS) -fvisibility=hidden -DVNODE_LOCKDEBUG \
	-iquote rumpkern -iquote rumpvfs -iquote fs -iquote $(GEN) \
	-Iinclude -I$(PUBINC)
KERN_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(KERN_SRCS)) \
	$(patsubst $(GEN)/%.c,$(B)/obj/gen/%.o,$(KERN_GENSRCS))

USER_CFLAGS := $(CFLAGS_COMMON) -D_GNU_SOURCE -DUKFS_VERSION='"$(VERSION)"' -Iinclude -I$(PUBINC)

RUMPUSER_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard rumpuser/*.c))
LIBUKFS_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard libukfs/*.c))
# The compressed-image decoders serve libukfs's own reads too (detection,
# partition tables): the same sources, built again with hidden symbols.
LIBUKFS_CIMG := rumpuser_cimg rumpuser_gz rumpuser_gzcache rumpuser_vndcomp
LIBUKFS_OBJS += $(patsubst %,$(B)/obj/libukfs-host/%.o,$(LIBUKFS_CIMG))
UTILS_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard utils/*.c))

GENHDRS := $(PUBINC)/rump/rump_syscalls.h $(GEN)/syscallargs.h \
	$(GEN)/vnode_if.h $(PUBINC)/rump/rumpkern_if_pub.h \
	$(PUBINC)/rump/rumpvfs_if_pub.h $(GEN)/rumpkern_if_priv.h \
	$(GEN)/rumpvfs_if_priv.h

LIBRUMP := $(B)/lib/librump.so
LIBUKFS := $(B)/lib/libukfs.so
UKFS	:= $(B)/bin/ukfs
TOOLS	:= ls cat stat cp mkdir rm rmdir mv ln chmod chown touch write newfs makefs fsck info parts compress find du diff server run lfs-clean
TOOL_LINKS := $(addprefix $(B)/bin/ukfs-,$(TOOLS))
# Programs and libraries find the libraries beside them in the build tree
# and in $(PREFIX)/lib; a package build empties both (RPATH= LIBRPATH=).
RPATH	?= -Wl,-rpath,'$$ORIGIN/../lib'
LIBRPATH ?= '-Wl,-rpath,$$ORIGIN'

TEST_PROGS := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/*.c))

all: $(LIBRUMP) $(LIBUKFS) $(UKFS) $(TOOL_LINKS) $(TEST_PROGS)

# --- generated interfaces ---------------------------------------------------
$(PUBINC)/rump/rump_syscalls.h $(GEN)/syscallargs.h $(GEN)/rump_syscalls.c &: \
    rumpvfs/syscalls.master tools/gensyscalls.awk
	@mkdir -p $(GEN) $(PUBINC)/rump
	awk -v out=$(GEN) -f tools/gensyscalls.awk rumpvfs/syscalls.master
	mv $(GEN)/rump_syscalls.h $(PUBINC)/rump/rump_syscalls.h

$(GEN)/vnode_if.h $(GEN)/vnode_if.c &: rumpvfs/vnode_if.src tools/genvnodeif.awk
	@mkdir -p $(GEN)
	awk -v out=$(GEN) -f tools/genvnodeif.awk rumpvfs/vnode_if.src

$(GEN)/%_if_wrappers.c $(GEN)/%_if_priv.h $(PUBINC)/rump/%_if_pub.h: \
    $(GEN)/%.ifspec tools/genrumpif.awk
	@mkdir -p $(GEN) $(PUBINC)/rump
	awk -v out=$(GEN) -v comp=$* -f tools/genrumpif.awk $<
	mv $(GEN)/$*_if_pub.h $(PUBINC)/rump/$*_if_pub.h

$(GEN)/rumpkern.ifspec: rumpkern/rumpkern.ifspec
	@mkdir -p $(GEN)
	cp $< $@
$(GEN)/rumpvfs.ifspec: rumpvfs/rumpvfs.ifspec
	@mkdir -p $(GEN)
	cp $< $@

# --- objects ----------------------------------------------------------------
$(B)/obj/gen/%.o: $(GEN)/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) -c -o $@ $<

define kernobj
$(B)/obj/$(1)%.o: $(1)%.c | $(GENHDRS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KERN_CFLAGS) -c -o $$@ $$<
endef
$(foreach d,$(KERN_DIRS),$(eval $(call kernobj,$(d))))

$(B)/obj/rumpuser/%.o: rumpuser/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(TLSFLAGS) -c -o $@ $<

$(B)/obj/libukfs/%.o: libukfs/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fvisibility=hidden -c -o $@ $<

$(B)/obj/libukfs-host/%.o: rumpuser/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fvisibility=hidden -c -o $@ $<

$(B)/obj/utils/%.o: utils/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Ilibukfs -c -o $@ $<

# --- libraries and programs -------------------------------------------------
$(LIBRUMP): $(KERN_OBJS) $(RUMPUSER_OBJS) rumpkern/librump.map
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ -Wl,-soname,librump.so.$(SOMAJOR) \
	    -Wl,--version-script=rumpkern/librump.map -Wl,--no-undefined \
	    $(KERN_OBJS) $(RUMPUSER_OBJS) $(LDFLAGS_COMMON) -lz -lpthread
	ln -sf librump.so $(B)/lib/librump.so.$(SOMAJOR)

$(LIBUKFS): $(LIBUKFS_OBJS) $(LIBRUMP) libukfs/libukfs.map
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ -Wl,-soname,libukfs.so.$(SOMAJOR) \
	    -Wl,--version-script=libukfs/libukfs.map \
	    -Wl,--no-undefined $(LIBUKFS_OBJS) -L$(B)/lib -lrump \
	    $(LDFLAGS_COMMON) $(LIBRPATH) -lz -lpthread
	ln -sf libukfs.so $(B)/lib/libukfs.so.$(SOMAJOR)

$(UKFS): $(UTILS_OBJS) $(UKFS_LIBS) $(LIBUKFS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(UTILS_OBJS) $(UKFS_LIBS) -L$(B)/lib -lukfs -lrump $(LDFLAGS_COMMON) \
	    $(RPATH) -lz

$(TOOL_LINKS): $(UKFS)
	ln -sf ukfs $@

# Test programs: one .c each, linked against the public libraries.
$(B)/tests/%: tests/%.c $(LIBUKFS) | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Ilibukfs -o $@ $< -L$(B)/lib -lukfs -lrump \
	    $(LDFLAGS_COMMON) -Wl,-rpath,'$$ORIGIN/../lib' -lpthread

# Further parts keep their build rules beside their sources.
-include libp2k/p2k.mk fuse-bridge/fuse.mk tests/fuzz/fuzz.mk bench/bench.mk
-include rumpserver/remote.mk

# --- top-level jobs ---------------------------------------------------------
deps:
	@sh tools/deps.sh

demo: deps all
	@sh tools/demo.sh $(B)

check: deps all
	@B=$(B) sh tests/run.sh

bench: deps all
	@B=$(B) sh bench/run.sh

bench-scale: deps all
	@B=$(B) sh bench/scale.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

.PHONY: all deps demo check bench bench-scale format clean
.SECONDARY:

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# --- installation -------------------------------------------------------------
# make install PREFIX=/usr DESTDIR=/tmp/root [LIBDIR=/usr/lib/x86_64-linux-gnu]
# Every program in $(B)/bin (links stay links), every library in $(B)/lib
# with its SONAME link and development link, the public headers, ukfs.pc,
# the manual (with a link for each further name a page's NAME gives) and
# the bash completion.  make uninstall removes the same.
BINDIR	?= $(PREFIX)/bin
LIBDIR	?= $(PREFIX)/lib
INCDIR	?= $(PREFIX)/include
DATADIR	?= $(PREFIX)/share
MANDIR	?= $(DATADIR)/man
PCDIR	?= $(LIBDIR)/pkgconfig
COMPDIR	?= $(DATADIR)/bash-completion/completions
PUB_HDRS := libukfs/ukfs.h libp2k/p2k.h
RUMP_HDRS := include/rump/rump.h include/rump/rumpdefs.h \
	$(PUBINC)/rump/rump_syscalls.h $(PUBINC)/rump/rumpkern_if_pub.h \
	$(PUBINC)/rump/rumpvfs_if_pub.h

install: all
	B=$(B) DESTDIR=$(DESTDIR) BINDIR=$(BINDIR) LIBDIR=$(LIBDIR) \
	    INCDIR=$(INCDIR) MANDIR=$(MANDIR) PCDIR=$(PCDIR) COMPDIR=$(COMPDIR) \
	    PREFIX=$(PREFIX) VERSION=$(VERSION) SOMAJOR=$(SOMAJOR) HDRS="$(PUB_HDRS)" RUMP_HDRS="$(RUMP_HDRS)" \
	    sh tools/install.sh install

uninstall:
	B=$(B) DESTDIR=$(DESTDIR) BINDIR=$(BINDIR) LIBDIR=$(LIBDIR) \
	    INCDIR=$(INCDIR) MANDIR=$(MANDIR) PCDIR=$(PCDIR) COMPDIR=$(COMPDIR) \
	    PREFIX=$(PREFIX) VERSION=$(VERSION) SOMAJOR=$(SOMAJOR) HDRS="$(PUB_HDRS)" RUMP_HDRS="$(RUMP_HDRS)" \
	    sh tools/install.sh uninstall

.PHONY: install uninstall

# Debian packages (libukfs1, libukfs-dev, ukfs-tools) from a copy of the
# source tree, built in $(B)/deb so that nothing lands outside the tree;
# then lintian on them when it is installed.
deb:
	rm -rf $(B)/deb
	mkdir -p $(B)/deb/ukfs-$(VERSION)
	tar --exclude=./build --exclude=./.git -cf - . | \
	    tar -xf - -C $(B)/deb/ukfs-$(VERSION)
	cd $(B)/deb/ukfs-$(VERSION) && dpkg-buildpackage -us -uc -b
	ls -l $(B)/deb/*.deb
	if command -v lintian >/dev/null; then \
	    lintian $(B)/deb/*.changes; fi

# Install the packages into this machine (root), run the demo and the
# remote tools from /usr, then purge them.
debtest: deb
	sh tools/debtest.sh $(B)/deb

.PHONY: deb debtest
