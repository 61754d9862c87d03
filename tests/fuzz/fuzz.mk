# Fuzzing harness for untrusted images (tests/fuzz/).  Included from the
# top-level Makefile, after its variables; uses B, GEN, WARN, CFLAGS_COMMON,
# KERN_CFLAGS, USER_CFLAGS, KERN_SRCS, KERN_GENSRCS and GENHDRS.
#
#   make fuzz-build     build $(B)/fuzz/fs_fuzz (libFuzzer), one name
#                       for it per file system of tests/fuzz/targets
#                       ($(B)/fuzz/fs_fuzz_ffs, ...) and
#                       $(B)/fuzz/fs_fuzz_replay (plain driver: replays
#                       the files or directories named on its command line)
#   make fuzz           the same; with FS=ffs SECONDS=600 also fuzz that
#                       file system for that long (tests/t_fuzz.sh)
#   make fuzz-corpus    make the seed images in $(B)/fuzz/seeds/ext2fs
#   make fuzz-run       fuzz for FUZZ_TIME seconds (see tests/t_fuzz.sh)
#
# FUZZ_FSTYPE picks the file system (at run time from the environment;
# the value here is only the compiled-in default), FUZZ_CC the compiler.
#
# The whole kernel is compiled again with clang's coverage instrumentation
# and ASan+UBSan into $(B)/fuzz/obj and linked statically (object files,
# not an archive, so that every component's constructor is kept), so the
# fuzzer sees coverage inside the file-system code.

FUZZ_CC	?= clang
FUZZ_OPT ?= -O2
FUZZ_TIME ?= 60
FUZZ_FSTYPE ?= ext2fs
FUZZ_DIR := $(B)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# clang has no -Wshadow=local; the gcc build checks it.
FUZZ_WARN := $(filter-out -Wshadow=local,$(WARN))
FUZZ_CFLAGS_COMMON := -std=c11 $(FUZZ_OPT) -g $(FUZZ_WARN) $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link -MMD -MP
# The main build's defines and include paths, with the flags above.
FUZZ_KERN_CFLAGS := $(FUZZ_CFLAGS_COMMON) \
	$(filter-out $(CFLAGS_COMMON),$(KERN_CFLAGS))
FUZZ_USER_CFLAGS := $(FUZZ_CFLAGS_COMMON) \
	$(filter-out $(CFLAGS_COMMON),$(USER_CFLAGS))

FUZZ_KERN_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(KERN_SRCS)) \
	$(patsubst $(GEN)/%.c,$(FUZZ_DIR)/obj/gen/%.o,$(KERN_GENSRCS))
FUZZ_RUMPUSER_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,\
	$(wildcard rumpuser/*.c))
FUZZ_LIB_OBJS := $(FUZZ_KERN_OBJS) $(FUZZ_RUMPUSER_OBJS)
FUZZ_TARGET_OBJS := $(FUZZ_DIR)/obj/tests/fuzz/fs_fuzz.o \
	$(FUZZ_DIR)/obj/tests/fuzz/fs_walk.o \
	$(FUZZ_DIR)/obj/tests/fuzz/fs_write.o
FUZZ_MUTATE_OBJ := $(FUZZ_DIR)/obj/tests/fuzz/fs_mutate.o
FUZZ_MAIN_OBJ := $(FUZZ_DIR)/obj/tests/fuzz/fs_fuzz_main.o
FUZZ_BIN := $(FUZZ_DIR)/fs_fuzz
FUZZ_LIBS := -lz -lpthread # what librump links with
FUZZ_REPLAY := $(FUZZ_DIR)/fs_fuzz_replay

# The file systems fuzzed: the first word of each line of the table.
FUZZ_TARGETS := $(shell sed -n 's/^\([a-z0-9]\{1,\}\)[[:space:]].*/\1/p' \
	tests/fuzz/targets)
FUZZ_LINKS := $(addprefix $(FUZZ_DIR)/fs_fuzz_,$(FUZZ_TARGETS))

fuzz-build: $(FUZZ_BIN) $(FUZZ_REPLAY) $(FUZZ_LINKS)

$(FUZZ_LINKS): $(FUZZ_BIN)
	ln -sf fs_fuzz $@

# make fuzz FS=ffs SECONDS=600: a long run of one target.
fuzz: fuzz-build
ifneq ($(FS),)
	B=$(B) TOP=$(CURDIR) FUZZ_TIME=$(or $(SECONDS),60) FUZZ_FSTYPE=$(FS) \
	    sh tests/t_fuzz.sh
endif

$(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(KERN_SRCS)): $(FUZZ_DIR)/obj/%.o: %.c \
    | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KERN_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/obj/gen/%.o: $(GEN)/%.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_KERN_CFLAGS) -c -o $@ $<

$(FUZZ_RUMPUSER_OBJS): $(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_USER_CFLAGS) -c -o $@ $<

$(FUZZ_TARGET_OBJS) $(FUZZ_MUTATE_OBJ) $(FUZZ_MAIN_OBJ): \
    $(FUZZ_DIR)/obj/%.o: %.c | $(GENHDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_USER_CFLAGS) -DFUZZ_FSTYPE='"$(FUZZ_FSTYPE)"' \
	    -c -o $@ $<

$(FUZZ_BIN): $(FUZZ_TARGET_OBJS) $(FUZZ_MUTATE_OBJ) $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS)

# The sanitizer runtime supplies the coverage callbacks libFuzzer would.
$(FUZZ_REPLAY): $(FUZZ_MAIN_OBJ) $(FUZZ_TARGET_OBJS) $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS)

fuzz-corpus:
	sh tests/fuzz/mkcorpus.sh $(FUZZ_DIR)/seeds/ext2fs

fuzz-run: fuzz-build
	B=$(B) TOP=$(CURDIR) FUZZ_TIME=$(FUZZ_TIME) \
	    FUZZ_FSTYPE=$(FUZZ_FSTYPE) sh tests/t_fuzz.sh

.PHONY: fuzz fuzz-build fuzz-corpus fuzz-run

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
