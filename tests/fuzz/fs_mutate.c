/*
 * Custom mutation for disk images.  libFuzzer's own mutators insert and
 * erase bytes, which shifts every block after the change and shrinks the
 * image below the size its superblock claims: nearly every such input
 * stops at the first check of mount.  Here most mutations stay inside a
 * window of one 1 KiB block (the superblock area, or a block that is not
 * all zeros, which is where metadata lives), so the layout survives and
 * the damage reaches the code behind mount.  Now and then the whole image
 * is mutated the usual way, so sizes and shifts are still tried.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MUT_WINDOW 1024
#define MUT_HEAD   4096 /* boot block, superblock, group descriptors */

size_t LLVMFuzzerMutate(uint8_t *, size_t, size_t);
size_t LLVMFuzzerCustomMutator(uint8_t *, size_t, size_t, unsigned int);

static uint32_t
mut_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Start of the window to mutate. */
static size_t
mut_pick(const uint8_t *data, size_t size, uint32_t *rs)
{
	size_t nwin = size / MUT_WINDOW, off = 0;

	if (mut_rand(rs) % 4 == 0)
		return (mut_rand(rs) % (MUT_HEAD / MUT_WINDOW)) * MUT_WINDOW;
	for (int tries = 0; tries < 8; tries++) {
		off = (mut_rand(rs) % nwin) * MUT_WINDOW;
		if (!all_zero(data + off, MUT_WINDOW))
			break;
	}
	return off;
}

size_t
LLVMFuzzerCustomMutator(
    uint8_t *data, size_t size, size_t maxsize, unsigned int seed)
{
	uint8_t win[MUT_WINDOW];
	uint32_t rs = seed | 1;
	int nmut;

	if (size < MUT_HEAD || mut_rand(&rs) % 16 == 0)
		return LLVMFuzzerMutate(data, size, maxsize);
	nmut = 1 + (int)(mut_rand(&rs) % 3);
	while (nmut-- > 0) {
		size_t off = mut_pick(data, size, &rs), n;

		memcpy(win, data + off, MUT_WINDOW);
		n = LLVMFuzzerMutate(win, MUT_WINDOW, MUT_WINDOW);
		/* A shorter result overwrites the start; the rest stays. */
		memcpy(data + off, win, n);
	}
	return size;
}
