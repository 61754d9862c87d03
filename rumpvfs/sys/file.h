/* Open files, descriptor tables and per-process directories. */
#ifndef _SYS_FILE_H_
#define _SYS_FILE_H_

#include "sys/param.h"
#include "sys/lock.h"
#include "sys/kauth.h"
#include "sys/uio.h"

struct vnode;
struct lwp;
struct proc;

/* f_flag: the open mode as the kernel keeps it (FREAD/FWRITE + O_ flags). */
#define FREAD	  0x00000001
#define FWRITE	  0x00000002
#define FAPPEND	  RUMP_O_APPEND
#define FNONBLOCK RUMP_O_NONBLOCK
#define FSYNC	  RUMP_O_SYNC
#define FDSYNC	  RUMP_O_DSYNC
#define FMASK	  (FREAD | FWRITE | FAPPEND | FNONBLOCK | FSYNC | FDSYNC)
/* O_RDONLY=0, O_WRONLY=1, O_RDWR=2  ->  FREAD, FWRITE, FREAD|FWRITE */
#define FFLAGS(oflags) ((oflags) + 1)
#define OFLAGS(fflags) ((fflags)-1)

struct file {
	kmutex_t f_lock;
	int f_flag;
	int f_count;
	off_t f_offset;
	struct vnode *f_vnode;
	kauth_cred_t f_cred;
};

struct filedesc {
	kmutex_t fd_lock;
	int fd_nfiles;
	struct file **fd_ofiles;
	uint8_t *fd_oflags; /* close-on-exec */
};

struct cwdinfo {
	krwlock_t cwdi_lock;
	struct vnode *cwdi_cdir;
	struct vnode *cwdi_rdir; /* NULL: the kernel's root */
	mode_t cwdi_cmask;
	int cwdi_refcnt;
};

/* Look up an open file and hold it; fd_putfile() drops the hold. */
struct file *fd_getfile(int fd);
void fd_putfile(struct file *);
int fd_alloc(struct file *, int minfd, int *fdp);
int fd_close(int fd);
int fd_dup2(int from, int to);
struct file *file_alloc(void);
void file_release(struct file *);

void filedesc_init(void);

/* vfs_vnops.c */
struct nameidata;
int vn_open(struct nameidata *, int fmode, mode_t cmode);
int vn_io(struct file *, enum uio_rw, void *, size_t, off_t pos, bool usepos,
    int64_t *done);

#endif /* _SYS_FILE_H_ */
