/*
 * File-system types: registration and building their operation vectors
 * from the (descriptor, implementation) tables each one declares.
 */
#include "sys/param.h"
#include "sys/vnode.h"
#include "sys/mount.h"
#include "sys/lwp.h"
#include "rumpvfs_if_priv.h"

static kmutex_t vfs_list_lock;
static LIST_HEAD(, vfsops) vfs_list = LIST_HEAD_INITIALIZER(vfs_list);
static bool vfs_list_ready;

static void
vfs_list_init(void)
{
	/* File systems may attach before the VFS component runs. */
	if (!vfs_list_ready) {
		mutex_init(&vfs_list_lock);
		vfs_list_ready = true;
	}
}

void
vfs_opv_init(const struct vnodeopv_desc *const *descs)
{
	const struct vnodeopv_entry_desc *e;
	int (**vec)(void *), (*deflt)(void *);
	int i;

	for (; *descs != NULL; descs++) {
		vec = kmem_zalloc(VOP_NOPS * sizeof(*vec), KM_SLEEP);
		deflt = vn_default_error;
		for (e = (*descs)->opv_desc_ops; e->opve_op != NULL; e++)
			if (e->opve_op == &vop_default_desc)
				deflt = e->opve_impl;
		for (i = 0; i < VOP_NOPS; i++)
			vec[i] = deflt;
		for (e = (*descs)->opv_desc_ops; e->opve_op != NULL; e++) {
			KASSERT(e->opve_op->vdesc_offset < VOP_NOPS);
			vec[e->opve_op->vdesc_offset] = e->opve_impl;
		}
		*(*descs)->opv_desc_vector_p = vec;
	}
}

void
vfs_opv_free(const struct vnodeopv_desc *const *descs)
{
	for (; *descs != NULL; descs++) {
		kmem_free(*(*descs)->opv_desc_vector_p,
		    VOP_NOPS * sizeof(int (*)(void *)));
		*(*descs)->opv_desc_vector_p = NULL;
	}
}

int
vfs_attach(struct vfsops *vfs)
{
	vfs_list_init();
	mutex_enter(&vfs_list_lock);
	if (vfs_getopsbyname(vfs->vfs_name) != NULL) {
		mutex_exit(&vfs_list_lock);
		return EEXIST;
	}
	if (vfs->vfs_opv_descs != NULL)
		vfs_opv_init(vfs->vfs_opv_descs);
	if (vfs->vfs_init != NULL)
		vfs->vfs_init();
	LIST_INSERT_HEAD(&vfs_list, vfs, vfs_list);
	mutex_exit(&vfs_list_lock);
	return 0;
}

int
vfs_detach(struct vfsops *vfs)
{
	mutex_enter(&vfs_list_lock);
	if (vfs->vfs_refcount > 0) {
		mutex_exit(&vfs_list_lock);
		return EBUSY;
	}
	LIST_REMOVE(vfs, vfs_list);
	mutex_exit(&vfs_list_lock);
	if (vfs->vfs_done != NULL)
		vfs->vfs_done();
	if (vfs->vfs_opv_descs != NULL)
		vfs_opv_free(vfs->vfs_opv_descs);
	return 0;
}

/* Called with or without vfs_list_lock: the list only ever grows at init. */
struct vfsops *
vfs_getopsbyname(const char *name)
{
	struct vfsops *vfs;

	LIST_FOREACH(vfs, &vfs_list, vfs_list)
	{
		if (strcmp(vfs->vfs_name, name) == 0)
			return vfs;
	}
	return NULL;
}

int
rump_vfs_typenames(char *buf, size_t buflen)
{
	struct vfsops *vfs;
	size_t used = 0, n;

	if (buflen == 0)
		return EINVAL;
	buf[0] = '\0';
	LIST_FOREACH(vfs, &vfs_list, vfs_list)
	{
		n = strlen(vfs->vfs_name);
		if (used + n + 2 > buflen)
			return ENOSPC;
		if (used > 0)
			buf[used++] = ',';
		memcpy(buf + used, vfs->vfs_name, n + 1);
		used += n;
	}
	return 0;
}
