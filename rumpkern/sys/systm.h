/* Kernel-wide services: console output, panic, assertions, memory, copying. */
#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_

void kprintf(const char *, ...) __printflike(1, 2);
int ksnprintf(char *, size_t, const char *, ...) __printflike(3, 4);
int kvsnprintf(char *, size_t, const char *, va_list);
void panic(const char *, ...) __printflike(1, 2) __noreturn;

/* Report damage found on an image once, naming what and where. */
void fs_corrupt(const char *fsname, const char *fmt, ...) __printflike(2, 3);

#define KASSERT(e)                                                             \
	(__predict_true(e) ? (void)0                                           \
			   : panic("assertion \"%s\" failed: %s:%d", #e,       \
			       __FILE__, __LINE__))
#define KASSERTMSG(e, ...)                                                     \
	(__predict_true(e) ? (void)0 : panic(__VA_ARGS__))

/* Memory.  KM_SLEEP never fails; KM_NOSLEEP may return NULL. */
#define KM_SLEEP   0x1
#define KM_NOSLEEP 0x2
void *kmem_alloc(size_t, int);
void *kmem_zalloc(size_t, int);
void kmem_free(void *, size_t);
char *kmem_strdup(const char *);
void kmem_strfree(char *);

/*
 * User and kernel share an address space; these exist so that the places
 * where data crosses the boundary stay visible.
 */
int copyin(const void *uaddr, void *kaddr, size_t len);
int copyout(const void *kaddr, void *uaddr, size_t len);
int copyinstr(const void *uaddr, char *kaddr, size_t len, size_t *done);
int copystr(const void *src, char *dst, size_t len, size_t *done);

/* Time. */
void getnanotime(struct timespec *);
time_t time_second(void);

/* Options from the environment of the hosting process. */
int rump_getparam_int(const char *name, int defval);

uint32_t hash32_buf(const void *, size_t, uint32_t);

#endif /* _SYS_SYSTM_H_ */
