/* Credentials: who is asking.  Reference counted and immutable once shared. */
#ifndef _SYS_KAUTH_H_
#define _SYS_KAUTH_H_

struct kauth_cred {
	uid_t cr_uid, cr_euid, cr_svuid;
	gid_t cr_gid, cr_egid, cr_svgid;
	int cr_ngroups;
	gid_t cr_groups[NGROUPS_MAX_K];
	volatile int cr_refcnt;
};
typedef struct kauth_cred *kauth_cred_t;

/* The credential of the kernel itself: always allowed. */
#define NOCRED ((kauth_cred_t)-1)
#define FSCRED ((kauth_cred_t)-2)

kauth_cred_t kauth_cred_get(void); /* of the current thread */
kauth_cred_t kauth_cred_alloc(void);
kauth_cred_t kauth_cred_dup(kauth_cred_t);
void kauth_cred_hold(kauth_cred_t);
void kauth_cred_free(kauth_cred_t);
uid_t kauth_cred_geteuid(kauth_cred_t);
gid_t kauth_cred_getegid(kauth_cred_t);
bool kauth_cred_groupmember(kauth_cred_t, gid_t);
bool kauth_cred_issuser(kauth_cred_t);

#endif /* _SYS_KAUTH_H_ */
