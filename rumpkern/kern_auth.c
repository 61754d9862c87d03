/*
 * Credentials.  A credential is immutable once it is shared: changing
 * one means making a copy (see kern_prot.c), so readers need no lock.
 * NOCRED and FSCRED stand for the kernel itself and may do anything.
 */
#include "sys/param.h"
#include "sys/kauth.h"
#include "sys/lwp.h"

static bool
cred_is_kernel(kauth_cred_t cred)
{
	return cred == NOCRED || cred == FSCRED;
}

/* This thread's view of its process's credential; valid for the entry. */
kauth_cred_t
kauth_cred_get(void)
{
	return curlwp->l_cred;
}

/* A fresh credential: all ids 0, no supplementary groups. */
kauth_cred_t
kauth_cred_alloc(void)
{
	kauth_cred_t cred = kmem_zalloc(sizeof(*cred), KM_SLEEP);

	cred->cr_refcnt = 1;
	return cred;
}

kauth_cred_t
kauth_cred_dup(kauth_cred_t src)
{
	kauth_cred_t cred = kauth_cred_alloc();

	/* Field by field: src's reference count may be changing. */
	if (!cred_is_kernel(src)) {
		cred->cr_uid = src->cr_uid;
		cred->cr_euid = src->cr_euid;
		cred->cr_svuid = src->cr_svuid;
		cred->cr_gid = src->cr_gid;
		cred->cr_egid = src->cr_egid;
		cred->cr_svgid = src->cr_svgid;
		cred->cr_ngroups = src->cr_ngroups;
		memcpy(
		    cred->cr_groups, src->cr_groups, sizeof(cred->cr_groups));
	}
	return cred;
}

void
kauth_cred_hold(kauth_cred_t cred)
{
	if (cred_is_kernel(cred))
		return;
	if (__atomic_fetch_add(&cred->cr_refcnt, 1, __ATOMIC_RELAXED) <= 0)
		panic("kauth_cred_hold: credential %p already freed",
		    (void *)cred);
}

void
kauth_cred_free(kauth_cred_t cred)
{
	int n;

	if (cred == NULL || cred_is_kernel(cred))
		return;
	n = __atomic_sub_fetch(&cred->cr_refcnt, 1, __ATOMIC_ACQ_REL);
	if (n < 0)
		panic("kauth_cred_free: credential %p freed too often",
		    (void *)cred);
	if (n == 0)
		kmem_free(cred, sizeof(*cred));
}

uid_t
kauth_cred_geteuid(kauth_cred_t cred)
{
	return cred_is_kernel(cred) ? 0 : cred->cr_euid;
}

gid_t
kauth_cred_getegid(kauth_cred_t cred)
{
	return cred_is_kernel(cred) ? 0 : cred->cr_egid;
}

bool
kauth_cred_groupmember(kauth_cred_t cred, gid_t gid)
{
	if (cred_is_kernel(cred))
		return true;
	if (cred->cr_egid == gid)
		return true;
	for (int i = 0; i < cred->cr_ngroups; i++)
		if (cred->cr_groups[i] == gid)
			return true;
	return false;
}

bool
kauth_cred_issuser(kauth_cred_t cred)
{
	return cred_is_kernel(cred) || cred->cr_euid == 0;
}
