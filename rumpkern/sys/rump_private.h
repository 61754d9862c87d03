/* Kernel entry and exit, and the registry of kernel components. */
#ifndef _SYS_RUMP_PRIVATE_H_
#define _SYS_RUMP_PRIVATE_H_

/*
 * Every entry from user space runs on a virtual CPU: rump_schedule()
 * binds the calling host thread to an lwp and a CPU, rump_unschedule()
 * gives the CPU back.  Nested entries are counted.
 */
void rump_schedule(void);
void rump_unschedule(void);
/* Give the CPU up around a blocking host call. */
void rump_unschedule_cpu(void);
void rump_schedule_cpu(void);

/* Components are initialised in the order of their class at rump_init(). */
enum rump_component_type {
	RUMP_COMPONENT_KERN,
	RUMP_COMPONENT_VFS,
	RUMP_COMPONENT_FS,
	RUMP_COMPONENT_POSTINIT,
	RUMP_COMPONENT_MAX
};
struct rump_component {
	enum rump_component_type rc_type;
	const char *rc_name;
	void (*rc_init)(void);
	struct rump_component *rc_next;
};
void rump_component_register(struct rump_component *);

/* Register a component from a constructor that runs when the library loads. */
#define RUMP_COMPONENT(type, name, fn)                                         \
	static struct rump_component rumpcomp_##name = { type, #name, fn,      \
		NULL };                                                        \
	static void __attribute__((constructor)) rumpcomp_reg_##name(void)     \
	{                                                                      \
		rump_component_register(&rumpcomp_##name);                    \
	}

#endif /* _SYS_RUMP_PRIVATE_H_ */
