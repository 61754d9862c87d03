/* Kernel options from the environment of the hosting process. */
#include "sys/param.h"

#include <rump/rumpuser.h>

/* Decimal, or hexadecimal with 0x; whole string, within int range. */
static bool
parse_int(const char *s, int *valp)
{
	bool neg = false;
	unsigned base = 10;
	long long v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		v = v * base + d;
		if (v > (long long)INT_MAX + 1)
			return false;
	}
	if (neg)
		v = -v;
	if (v > INT_MAX || v < INT_MIN)
		return false;
	*valp = (int)v;
	return true;
}

int
rump_getparam_int(const char *name, int defval)
{
	char buf[64];
	int val;

	if (rumpuser_getparam(name, buf, sizeof(buf)) != 0 || buf[0] == '\0')
		return defval;
	if (!parse_int(buf, &val)) {
		kprintf("rump: %s=\"%s\" is not a number, using %d\n", name,
		    buf, defval);
		return defval;
	}
	return val;
}
