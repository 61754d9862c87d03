# The remote kernel: librumpclient (rump_sys_*() over a socket), the
# server (ukfs-server, its core in librumpserver.a), librumphijack
# (LD_PRELOAD: host programs on image paths) and ukfs-run.
# Included by the top-level Makefile; uses its variables.  The client
# stubs and the server's decoders are generated from syscalls.master by
# tools/genrumpclient.awk.

LIBRUMPCLIENT := $(B)/lib/librumpclient.so
LIBRUMPSERVER := $(B)/obj/librumpserver.a
LIBRUMPHIJACK := $(B)/lib/librumphijack.so
REMOTE_GENSRCS := $(GEN)/rumpclient_stubs.c $(GEN)/rumpserver_dispatch.c

RC_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard rumpclient/*.c)) \
	$(B)/obj/gen/rumpclient_stubs.o
RS_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard rumpserver/rs_*.c)) \
	$(B)/obj/gen/rumpserver_dispatch.o
RH_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard rumphijack/rh_*.c))
REMOTE_CFLAGS := $(USER_CFLAGS) -fvisibility=hidden -Irumpclient \
	-Irumpserver -Ilibukfs

$(GEN)/rumpclient_stubs.c $(GEN)/rumpserver_dispatch.c &: \
    rumpvfs/syscalls.master tools/genrumpclient.awk
	@mkdir -p $(GEN)
	awk -v out=$(GEN) -f tools/genrumpclient.awk rumpvfs/syscalls.master

$(B)/obj/gen/rumpclient_stubs.o: $(GEN)/rumpclient_stubs.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REMOTE_CFLAGS) -c -o $@ $<

$(B)/obj/gen/rumpserver_dispatch.o: $(GEN)/rumpserver_dispatch.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REMOTE_CFLAGS) -c -o $@ $<

$(B)/obj/rumpclient/%.o: rumpclient/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REMOTE_CFLAGS) -c -o $@ $<

$(B)/obj/rumpserver/%.o: rumpserver/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REMOTE_CFLAGS) -c -o $@ $<

$(B)/obj/rumphijack/%.o: rumphijack/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(REMOTE_CFLAGS) -c -o $@ $<

$(LIBRUMPCLIENT): $(RC_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ -Wl,-soname,librumpclient.so.$(SOMAJOR) \
	    -Wl,--no-undefined $(RC_OBJS) $(LDFLAGS_COMMON) -lpthread
	ln -sf librumpclient.so $(B)/lib/librumpclient.so.$(SOMAJOR)

$(LIBRUMPSERVER): $(RS_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $(RS_OBJS)

# ukfs-server and ukfs-run are tools of the multi-call ukfs program
# (utils/ukfs_server.c, utils/ukfs_run.c); the server core is linked in.
UKFS_LIBS += $(LIBRUMPSERVER)
$(UKFS): $(LIBRUMPSERVER)
$(B)/obj/utils/ukfs_server.o: USER_CFLAGS += -Irumpserver

# The hijack converts host values with libukfs's ukfs_conv.o (hidden).
$(LIBRUMPHIJACK): $(RH_OBJS) $(B)/obj/libukfs/ukfs_conv.o $(LIBRUMPCLIENT)
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ -Wl,-soname,librumphijack.so.$(SOMAJOR) \
	    -Wl,--no-undefined $(RH_OBJS) $(B)/obj/libukfs/ukfs_conv.o \
	    -L$(B)/lib -lrumpclient $(LDFLAGS_COMMON) '-Wl,-rpath,$$ORIGIN' \
	    -ldl -lpthread
	ln -sf librumphijack.so $(B)/lib/librumphijack.so.$(SOMAJOR)

# Test programs of the remote parts: one .c each in tests/remote/, linked
# against librumpclient (not librump).
REMOTE_TESTS := $(patsubst tests/remote/%.c,$(B)/tests/%,$(wildcard tests/remote/*.c))
$(B)/tests/%: tests/remote/%.c $(LIBRUMPCLIENT) | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $< -L$(B)/lib -lrumpclient \
	    $(LDFLAGS_COMMON) -Wl,-rpath,'$$ORIGIN/../lib' -lpthread

REMOTE_ALL := $(LIBRUMPCLIENT) $(LIBRUMPSERVER) $(REMOTE_TESTS)
ifneq ($(RH_OBJS),)
REMOTE_ALL += $(LIBRUMPHIJACK)
endif
all: $(REMOTE_ALL)
