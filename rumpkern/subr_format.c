/*
 * kvsnprintf: the kernel's formatter.  Conversions d i u x X o c s p %,
 * flags - 0 # + space, width and precision (numbers or *), length
 * modifiers hh h l ll z j t.  Output is truncated to the buffer and
 * always terminated; the return value is the full length, as in C.
 */
#include "sys/param.h"

struct fmtout {
	char *buf;
	size_t size;
	size_t len; /* what the full output would take */
};

#define F_MINUS 0x01
#define F_ZERO  0x02
#define F_ALT   0x04
#define F_PLUS  0x08
#define F_SPACE 0x10

enum lenmod { LM_NONE, LM_HH, LM_H, LM_L, LM_LL, LM_Z, LM_J, LM_T };

static void
out_char(struct fmtout *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
out_repeat(struct fmtout *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void
out_mem(struct fmtout *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_char(o, s[i]);
}

/* A string with width and precision (the maximum length). */
static void
fmt_string(struct fmtout *o, const char *s, int flags, int width, int prec)
{
	size_t n = 0;

	if (s == NULL)
		s = "(null)";
	while ((prec < 0 || n < (size_t)prec) && s[n] != '\0')
		n++;
	if (!(flags & F_MINUS))
		out_repeat(o, ' ', width - (int)n);
	out_mem(o, s, n);
	if (flags & F_MINUS)
		out_repeat(o, ' ', width - (int)n);
}

/*
 * A number: [padding][sign or 0x prefix][zeros][digits][padding].
 * Precision is the minimum number of digits; with it, the 0 flag is
 * ignored.
 */
static void
fmt_number(struct fmtout *o, uintmax_t v, bool neg, unsigned base, bool upper,
    int flags, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[sizeof(uintmax_t) * 3 + 1];
	const char *prefix = "";
	int n = 0, zeros, pad;

	while (v != 0) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (prec < 0)
		prec = 1;
	else
		flags &= ~F_ZERO;
	zeros = prec > n ? prec - n : 0;

	if (neg)
		prefix = "-";
	else if (flags & F_PLUS)
		prefix = "+";
	else if (flags & F_SPACE)
		prefix = " ";
	else if ((flags & F_ALT) && base == 16 && n > 0)
		prefix = upper ? "0X" : "0x";
	else if ((flags & F_ALT) && base == 8 && zeros == 0)
		zeros = 1; /* octal with # starts with a 0 */

	pad = width - (int)strlen(prefix) - zeros - n;
	if ((flags & F_ZERO) && !(flags & F_MINUS)) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!(flags & F_MINUS))
		out_repeat(o, ' ', pad);
	out_mem(o, prefix, strlen(prefix));
	out_repeat(o, '0', zeros);
	while (n > 0)
		out_char(o, tmp[--n]);
	if (flags & F_MINUS)
		out_repeat(o, ' ', pad);
}

static intmax_t
arg_signed(va_list *ap, enum lenmod lm)
{
	switch (lm) {
	case LM_HH:
		return (signed char)va_arg(*ap, int);
	case LM_H:
		return (short)va_arg(*ap, int);
	case LM_L:
		return va_arg(*ap, long);
	case LM_LL:
		return va_arg(*ap, long long);
	case LM_Z:
		/* the signed type of size_t's width */
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LM_J:
		return va_arg(*ap, intmax_t);
	case LM_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t
arg_unsigned(va_list *ap, enum lenmod lm)
{
	switch (lm) {
	case LM_HH:
		return (unsigned char)va_arg(*ap, unsigned);
	case LM_H:
		return (unsigned short)va_arg(*ap, unsigned);
	case LM_L:
		return va_arg(*ap, unsigned long);
	case LM_LL:
		return va_arg(*ap, unsigned long long);
	case LM_Z:
		return va_arg(*ap, size_t);
	case LM_J:
		return va_arg(*ap, uintmax_t);
	case LM_T:
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned);
	}
}

static const char *
parse_flags(const char *p, int *flags)
{
	for (;; p++) {
		switch (*p) {
		case '-':
			*flags |= F_MINUS;
			break;
		case '0':
			*flags |= F_ZERO;
			break;
		case '#':
			*flags |= F_ALT;
			break;
		case '+':
			*flags |= F_PLUS;
			break;
		case ' ':
			*flags |= F_SPACE;
			break;
		default:
			return p;
		}
	}
}

static const char *
parse_lenmod(const char *p, enum lenmod *lm)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			*lm = LM_HH;
			return p + 2;
		}
		*lm = LM_H;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			*lm = LM_LL;
			return p + 2;
		}
		*lm = LM_L;
		return p + 1;
	case 'z':
		*lm = LM_Z;
		return p + 1;
	case 'j':
		*lm = LM_J;
		return p + 1;
	case 't':
		*lm = LM_T;
		return p + 1;
	default:
		*lm = LM_NONE;
		return p;
	}
}

/* A width or precision: digits, or * taking an int argument. */
static const char *
parse_count(const char *p, va_list *ap, int *count)
{
	int n = 0;

	if (*p == '*') {
		*count = va_arg(*ap, int);
		return p + 1;
	}
	while (*p >= '0' && *p <= '9') {
		if (n < 100000)
			n = n * 10 + (*p - '0');
		p++;
	}
	*count = n;
	return p;
}

/* One conversion after its '%'; returns where the format goes on. */
static const char *
fmt_one(struct fmtout *o, const char *p, va_list *ap)
{
	int flags = 0, width = 0, prec = -1;
	enum lenmod lm;
	const char *start = p - 1;

	p = parse_flags(p, &flags);
	p = parse_count(p, ap, &width);
	if (width < 0) { /* a negative * width means left-justified */
		flags |= F_MINUS;
		width = width == INT_MIN ? INT_MAX : -width;
	}
	if (*p == '.') {
		p = parse_count(p + 1, ap, &prec);
		if (prec < 0)
			prec = -1;
	}
	p = parse_lenmod(p, &lm);

	switch (*p) {
	case 'd':
	case 'i': {
		intmax_t v = arg_signed(ap, lm);
		uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;

		fmt_number(o, mag, v < 0, 10, false, flags, width, prec);
		break;
	}
	case 'u':
		fmt_number(o, arg_unsigned(ap, lm), false, 10, false,
		    flags & ~(F_PLUS | F_SPACE), width, prec);
		break;
	case 'x':
	case 'X':
		fmt_number(o, arg_unsigned(ap, lm), false, 16, *p == 'X',
		    flags & ~(F_PLUS | F_SPACE), width, prec);
		break;
	case 'o':
		fmt_number(o, arg_unsigned(ap, lm), false, 8, false,
		    flags & ~(F_PLUS | F_SPACE), width, prec);
		break;
	case 'p':
		fmt_number(o, (uintptr_t)va_arg(*ap, void *), false, 16, false,
		    (flags & ~(F_PLUS | F_SPACE)) | F_ALT, width, prec);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);

		if (!(flags & F_MINUS))
			out_repeat(o, ' ', width - 1);
		out_char(o, c);
		if (flags & F_MINUS)
			out_repeat(o, ' ', width - 1);
		break;
	}
	case 's':
		fmt_string(o, va_arg(*ap, const char *), flags, width, prec);
		break;
	case '%':
		out_char(o, '%');
		break;
	default:
		/* Unknown: show it as written rather than guess its type. */
		if (*p == '\0') {
			out_mem(o, start, (size_t)(p - start));
			return p;
		}
		out_mem(o, start, (size_t)(p + 1 - start));
		break;
	}
	return p + 1;
}

int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmtout o = {buf, size, 0};
	va_list aq;
	const char *p = fmt;

	va_copy(aq, ap);
	while (*p != '\0') {
		if (*p != '%') {
			out_char(&o, *p++);
			continue;
		}
		p = fmt_one(&o, p + 1, &aq);
	}
	va_end(aq);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
