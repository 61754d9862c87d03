/*
 * Open files of the FUSE kernel (fi->fh).  They are kept on a list so
 * that files still open when serving stops (a SIGTERM leaves the host's
 * files open on a detached mount) are closed before the unmount.
 */
#include <errno.h>
#include <stdlib.h>

#include "fb.h"

static pthread_mutex_t fb_files_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fb_file fb_files_head = {NULL, &fb_files_head, &fb_files_head};

struct fb_file *
fb_file_add(struct p2k_file *pf)
{
	struct fb_file *ff = malloc(sizeof(*ff));

	if (ff == NULL) {
		p2k_close(pf);
		return NULL;
	}
	ff->ff_pf = pf;
	pthread_mutex_lock(&fb_files_lock);
	ff->ff_next = fb_files_head.ff_next;
	ff->ff_prev = &fb_files_head;
	ff->ff_next->ff_prev = ff;
	fb_files_head.ff_next = ff;
	pthread_mutex_unlock(&fb_files_lock);
	return ff;
}

int
fb_file_close(struct fb_file *ff)
{
	struct p2k_file *pf;

	if (ff == NULL)
		return EBADF;
	pthread_mutex_lock(&fb_files_lock);
	ff->ff_prev->ff_next = ff->ff_next;
	ff->ff_next->ff_prev = ff->ff_prev;
	pthread_mutex_unlock(&fb_files_lock);
	pf = ff->ff_pf;
	free(ff);
	return p2k_close(pf);
}

size_t
fb_files_close_all(void)
{
	size_t n = 0;

	while (fb_files_head.ff_next != &fb_files_head) {
		fb_file_close(fb_files_head.ff_next);
		n++;
	}
	return n;
}
