# libp2k: node operations on mounted images for file servers (p2k.h).
# Included by the top-level Makefile; uses its variables.  The host <->
# kernel attribute conversion is libukfs's ukfs_conv.o, linked in (hidden).

LIBP2K := $(B)/lib/libp2k.so
LIBP2K_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard libp2k/*.c))
P2K_CFLAGS := $(USER_CFLAGS) -Ilibp2k -Ilibukfs -fvisibility=hidden

$(B)/obj/libp2k/%.o: libp2k/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(P2K_CFLAGS) -c -o $@ $<

$(LIBP2K): $(LIBP2K_OBJS) $(B)/obj/libukfs/ukfs_conv.o $(LIBUKFS) \
    libp2k/libp2k.map
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ -Wl,-soname,libp2k.so.$(SOMAJOR) \
	    -Wl,--version-script=libp2k/libp2k.map -Wl,--no-undefined $(LIBP2K_OBJS) $(B)/obj/libukfs/ukfs_conv.o \
	    -L$(B)/lib -lukfs -lrump $(LDFLAGS_COMMON) $(LIBRPATH) -lpthread
	ln -sf libp2k.so $(B)/lib/libp2k.so.$(SOMAJOR)

all: $(LIBP2K)

# tests/p2k_test.c, the test of libp2k without FUSE, links it too.
$(B)/tests/p2k_test: tests/p2k_test.c $(LIBP2K) | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Ilibp2k -o $@ $< -L$(B)/lib -lp2k -lukfs -lrump \
	    $(LDFLAGS_COMMON) -Wl,-rpath,'$$ORIGIN/../lib' -lpthread
