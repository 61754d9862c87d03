/*
 * Identity system calls.  A change never edits the process's credential
 * in place: it makes a changed copy and swaps it in under p_lock, so a
 * credential other threads are using stays as it was (copy on write).
 */
#include "sys/param.h"
#include "sys/kauth.h"
#include "sys/lwp.h"

#include "kern_impl.h"
#include "syscallargs.h"

#define ID_INVALID ((uint32_t)-1)

/* Check cur and write the change into nc; 0 or an errno value. */
typedef int cred_change_t(
    const struct kauth_cred *cur, struct kauth_cred *nc, const void *arg);

static int
proc_change_cred(struct lwp *l, cred_change_t *change, const void *arg)
{
	struct proc *p = l->l_proc;
	kauth_cred_t old, nc;
	int error;

	mutex_enter(&p->p_lock);
	old = p->p_cred;
	nc = kauth_cred_dup(old);
	error = change(old, nc, arg);
	if (error != 0) {
		mutex_exit(&p->p_lock);
		kauth_cred_free(nc);
		return error;
	}
	__atomic_store_n(&p->p_cred, nc, __ATOMIC_RELAXED);
	mutex_exit(&p->p_lock);
	kauth_cred_free(old);
	/* The caller sees its own change for the rest of this call. */
	lwp_cred_refresh(l);
	return 0;
}

static int
change_uid(const struct kauth_cred *cur, struct kauth_cred *nc, const void *arg)
{
	uid_t uid = *(const uid_t *)arg;

	if (uid == ID_INVALID)
		return EINVAL;
	if (cur->cr_euid == 0) {
		nc->cr_uid = nc->cr_euid = nc->cr_svuid = uid;
		return 0;
	}
	if (uid != cur->cr_uid && uid != cur->cr_svuid)
		return EPERM;
	nc->cr_euid = uid;
	return 0;
}

static int
change_euid(
    const struct kauth_cred *cur, struct kauth_cred *nc, const void *arg)
{
	uid_t uid = *(const uid_t *)arg;

	if (uid == ID_INVALID)
		return EINVAL;
	if (cur->cr_euid != 0 && uid != cur->cr_uid && uid != cur->cr_svuid)
		return EPERM;
	nc->cr_euid = uid;
	return 0;
}

static int
change_gid(const struct kauth_cred *cur, struct kauth_cred *nc, const void *arg)
{
	gid_t gid = *(const gid_t *)arg;

	if (gid == ID_INVALID)
		return EINVAL;
	if (cur->cr_euid == 0) {
		nc->cr_gid = nc->cr_egid = nc->cr_svgid = gid;
		return 0;
	}
	if (gid != cur->cr_gid && gid != cur->cr_svgid)
		return EPERM;
	nc->cr_egid = gid;
	return 0;
}

static int
change_egid(
    const struct kauth_cred *cur, struct kauth_cred *nc, const void *arg)
{
	gid_t gid = *(const gid_t *)arg;

	if (gid == ID_INVALID)
		return EINVAL;
	if (cur->cr_euid != 0 && gid != cur->cr_gid && gid != cur->cr_svgid)
		return EPERM;
	nc->cr_egid = gid;
	return 0;
}

struct groups_arg {
	int ngroups;
	gid_t groups[NGROUPS_MAX_K];
};

static int
change_groups(
    const struct kauth_cred *cur, struct kauth_cred *nc, const void *arg)
{
	const struct groups_arg *ga = arg;

	if (cur->cr_euid != 0)
		return EPERM;
	nc->cr_ngroups = ga->ngroups;
	memcpy(nc->cr_groups, ga->groups, ga->ngroups * sizeof(gid_t));
	return 0;
}

int
sys_getuid(struct lwp *l, const void *v, int64_t *retval)
{
	*retval = l->l_cred->cr_uid;
	return 0;
}

int
sys_geteuid(struct lwp *l, const void *v, int64_t *retval)
{
	*retval = l->l_cred->cr_euid;
	return 0;
}

int
sys_getgid(struct lwp *l, const void *v, int64_t *retval)
{
	*retval = l->l_cred->cr_gid;
	return 0;
}

int
sys_getegid(struct lwp *l, const void *v, int64_t *retval)
{
	*retval = l->l_cred->cr_egid;
	return 0;
}

int
sys_setuid(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_setuid_args *uap = v;
	uid_t uid = uap->uid;

	return proc_change_cred(l, change_uid, &uid);
}

int
sys_seteuid(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_seteuid_args *uap = v;
	uid_t uid = uap->euid;

	return proc_change_cred(l, change_euid, &uid);
}

int
sys_setgid(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_setgid_args *uap = v;
	gid_t gid = uap->gid;

	return proc_change_cred(l, change_gid, &gid);
}

int
sys_setegid(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_setegid_args *uap = v;
	gid_t gid = uap->egid;

	return proc_change_cred(l, change_egid, &gid);
}

int
sys_setgroups(struct lwp *l, const void *v, int64_t *retval)
{
	const struct sys_setgroups_args *uap = v;
	struct groups_arg ga;
	int error;

	if (uap->ngroups < 0 || uap->ngroups > NGROUPS_MAX_K)
		return EINVAL;
	ga.ngroups = uap->ngroups;
	if (ga.ngroups > 0) {
		error =
		    copyin(uap->gidset, ga.groups, ga.ngroups * sizeof(gid_t));
		if (error != 0)
			return error;
	}
	return proc_change_cred(l, change_groups, &ga);
}
