/*
 * rump_fuse (rump_ext2fs, rump_ffs, rump_msdos, rump_cd9660, rump_lfs):
 * mount a file-system image on the host through FUSE, with the file
 * system's code running in this process's rump kernel.
 *
 * Life of the daemon: mount the image (read-write when the image and the
 * file system allow it, else read-only), mount FUSE, detach (unless -f),
 * serve requests on several threads, and write back now and then.  When
 * the mount goes (fusermount3 -u, umount) or a SIGTERM/SIGINT/SIGHUP
 * arrives, it writes everything back, unmounts the image and exits 0.
 * The image stays open (and locked) until then, so "fuser IMAGE" tells
 * when the daemon is done.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fb.h"
#include "ukfs.h"

static int fb_daemonized;
static const char *fb_progname = "rump_fuse";

/* Report on stderr, or to syslog once stderr is gone. */
static void __attribute__((format(printf, 2, 3)))
fb_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (fb_daemonized) {
		vsyslog(prio, fmt, ap);
	} else {
		fprintf(stderr, "%s: ", fb_progname);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/* Reasons a read-write mount fails that a read-only one may not have. */
static int
fb_ro_may_help(int error)
{
	return error == EROFS || error == EACCES || error == EPERM ||
	    error == EINVAL;
}

static struct p2k_mount *fb_mount_spec(
    const struct fb_opts *, const struct ukfs_spec *, int, int *);

/* The image (read-write if it may be), or the kernel's memory fs. */
static struct p2k_mount *
fb_mount_image(const struct fb_opts *o, int *rdonlyp)
{
	struct ukfs_spec spec;
	struct p2k_mount *pm;
	int flags = o->fo_bsdgroups ? 0 : P2K_SYSVGROUPS;
	int error;

	if (o->fo_fstype != NULL && strcmp(o->fo_fstype, "rumpfs") == 0) {
		/* no image: the kernel's memory file system, for tests */
		pm = p2k_mount_memfs(flags, &error);
		if (pm == NULL)
			fb_log(LOG_ERR, "%s", p2k_errmsg());
		*rdonlyp = 0;
		return pm;
	}
	/* IMAGE may name a part of a file (ukfs_spec: partition syntax). */
	switch (ukfs_spec_parse(o->fo_image, UKFS_SPEC_WHOLE, &spec)) {
	case 1:
		break;
	case 0:
		fb_log(LOG_ERR, "%s: %s", o->fo_image, strerror(ENOENT));
		return NULL;
	default:
		fb_log(LOG_ERR, "%s: %s", o->fo_image, strerror(errno));
		return NULL;
	}
	if (strcmp(spec.path, "/") != 0) {
		fb_log(LOG_ERR, "%s: only whole file systems can be mounted",
		    o->fo_image);
		ukfs_spec_free(&spec);
		return NULL;
	}
	pm = fb_mount_spec(o, &spec, flags, rdonlyp);
	ukfs_spec_free(&spec);
	return pm;
}

static struct p2k_mount *
fb_mount_spec(const struct fb_opts *o, const struct ukfs_spec *sp, int flags,
    int *rdonlyp)
{
	struct p2k_mount *pm;
	int error;

	/* Types that are never writable go read-only without a word. */
	if (o->fo_mode != FB_MODE_RO && o->fo_fstype != NULL &&
	    strcmp(o->fo_fstype, "cd9660") == 0) {
		if (o->fo_mode == FB_MODE_RW) {
			fb_log(LOG_ERR, "%s: cd9660 is read-only", sp->image);
			return NULL;
		}
	} else if (o->fo_mode != FB_MODE_RO) {
		pm = p2k_mount(o->fo_fstype, sp->image, sp->offset, sp->size,
		    flags | P2K_RDWR, o->fo_fsopts, &error);
		if (pm != NULL) {
			*rdonlyp = 0;
			return pm;
		}
		if (o->fo_mode == FB_MODE_RW || !fb_ro_may_help(error)) {
			fb_log(LOG_ERR, "%s", p2k_errmsg());
			return NULL;
		}
		fb_log(LOG_NOTICE, "%s; mounting read-only", p2k_errmsg());
	}
	pm = p2k_mount(o->fo_fstype, sp->image, sp->offset, sp->size,
	    flags | P2K_RDONLY, o->fo_fsopts, &error);
	if (pm == NULL) {
		fb_log(LOG_ERR, "%s", p2k_errmsg());
		return NULL;
	}
	*rdonlyp = 1;
	return pm;
}

/* libfuse's arguments: our FUSE options plus the name of the mount. */
static int
fb_fuse_args(const struct fb_opts *o, int rdonly, struct fuse_args *args)
{
	char *opts = NULL, *image, *fsname = NULL, *subtype = NULL;
	int error = ENOMEM;

	image = realpath(o->fo_image, NULL);
	if (asprintf(&fsname, "fsname=%s", image ? image : o->fo_image) < 0)
		fsname = NULL;
	/* "fuse.rump_ext2fs" in mount(8) */
	if (asprintf(&subtype, "subtype=%s", o->fo_progname) < 0)
		subtype = NULL;
	free(image);
	if (fsname != NULL && subtype != NULL &&
	    fuse_opt_add_opt_escaped(&opts, fsname) == 0 &&
	    fuse_opt_add_opt(&opts, subtype) == 0 &&
	    (!rdonly || fuse_opt_add_opt(&opts, "ro") == 0) &&
	    (o->fo_fuseopts == NULL ||
	        fuse_opt_add_opt(&opts, o->fo_fuseopts) == 0) &&
	    fuse_opt_add_arg(args, o->fo_progname) == 0 &&
	    fuse_opt_add_arg(args, "-o") == 0 &&
	    fuse_opt_add_arg(args, opts) == 0 &&
	    (!o->fo_debug || fuse_opt_add_arg(args, "-d") == 0))
		error = 0;
	free(opts);
	free(fsname);
	free(subtype);
	return error;
}

/* Write-back every sync_interval seconds, as a kernel's syncer does. */
struct fb_syncer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	int stop;
	unsigned interval;
	struct p2k_mount *pm;
};

static void *
fb_syncer_main(void *arg)
{
	struct fb_syncer *s = arg;
	struct timespec ts;
	int error;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += s->interval;
		if (pthread_cond_timedwait(&s->cv, &s->lock, &ts) !=
		        ETIMEDOUT ||
		    s->stop)
			continue;
		pthread_mutex_unlock(&s->lock);
		if ((error = p2k_sync(s->pm)) != 0)
			fb_log(LOG_WARNING, "write-back failed: %s",
			    strerror(error));
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void
fb_syncer_stop(struct fb_syncer *s)
{
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
}

static int
fb_serve(struct fuse_session *se, const struct fb_opts *o)
{
	struct fuse_loop_config *cfg;
	int ret;

	cfg = fuse_loop_cfg_create();
	if (cfg == NULL)
		return -ENOMEM;
	fuse_loop_cfg_set_clone_fd(cfg, 1);
	fuse_loop_cfg_set_idle_threads(cfg, 8);
	if (o->fo_threads > 0)
		fuse_loop_cfg_set_max_threads(cfg, o->fo_threads);
	ret = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	return ret;
}

/*
 * Everything back to the image, then the image unmounted.  The host
 * kernel has gone: what it left open or looked up is ours to drop.
 */
static int
fb_writeback(struct fb *fb)
{
	int error, serror;

	fb_files_close_all();
	fb_nodes_release(&fb->fb_nodes);
	/* A sync first, so that data is safe even if the unmount fails. */
	serror = fb->fb_rdonly ? 0 : p2k_sync(fb->fb_pm);
	if (serror != 0)
		fb_log(LOG_ERR, "write-back failed: %s", strerror(serror));
	error = p2k_unmount(fb->fb_pm, 0);
	if (error != 0)
		fb_log(LOG_ERR, "%s", p2k_errmsg());
	return error != 0 ? error : serror;
}

int
main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se = NULL;
	struct fb_syncer syncer;
	struct fb_opts o;
	struct fb fb;
	int rc, ret, syncing = 0;

	rc = fb_opts_parse(argc, argv, &o);
	if (rc != 0 || o.fo_unmount) {
		if (rc == 0)
			rc = fb_umount(o.fo_progname, o.fo_mountpoint);
		fb_opts_free(&o);
		return rc == 2 ? 0 : rc;
	}
	fb_progname = o.fo_progname;
	memset(&fb, 0, sizeof(fb));
	fb.fb_opts = &o;
	if ((fb.fb_pm = fb_mount_image(&o, &fb.fb_rdonly)) == NULL) {
		fb_opts_free(&o);
		return 1;
	}
	if (fb_nodes_init(&fb.fb_nodes, p2k_root(fb.fb_pm)) != 0 ||
	    fb_fuse_args(&o, fb.fb_rdonly, &args) != 0) {
		fb_log(LOG_ERR, "%s", strerror(ENOMEM));
		goto fail;
	}
	se = fuse_session_new(&args, &fb_ops, sizeof(fb_ops), &fb);
	if (se == NULL)
		goto fail; /* libfuse said why */
	if (fuse_set_signal_handlers(se) != 0)
		goto fail;
	if (fuse_session_mount(se, o.fo_mountpoint) != 0) {
		fuse_remove_signal_handlers(se);
		goto fail;
	}
	if (fuse_daemonize(o.fo_foreground) != 0)
		fb_log(
		    LOG_WARNING, "cannot detach: going on in the foreground");
	else if (!o.fo_foreground) {
		openlog(o.fo_progname, LOG_PID, LOG_DAEMON);
		fb_daemonized = 1;
	}
	if (!fb.fb_rdonly && o.fo_sync_interval > 0) {
		memset(&syncer, 0, sizeof(syncer));
		pthread_mutex_init(&syncer.lock, NULL);
		pthread_cond_init(&syncer.cv, NULL);
		syncer.interval = o.fo_sync_interval;
		syncer.pm = fb.fb_pm;
		syncing = pthread_create(&syncer.thread, NULL, fb_syncer_main,
		              &syncer) == 0;
	}

	ret = fb_serve(se, &o);

	if (syncing)
		fb_syncer_stop(&syncer);
	fuse_session_unmount(se);
	fuse_remove_signal_handlers(se);
	rc = fb_writeback(&fb) == 0 && ret >= 0 ? 0 : 1;
	if (ret < 0)
		fb_log(LOG_ERR, "serving failed: %s", strerror(-ret));
	fuse_session_destroy(se);
	fuse_opt_free_args(&args);
	fb_nodes_destroy(&fb.fb_nodes);
	fb_opts_free(&o);
	return rc;

fail:
	if (se != NULL)
		fuse_session_destroy(se);
	fuse_opt_free_args(&args);
	fb_nodes_destroy(&fb.fb_nodes);
	p2k_unmount(fb.fb_pm, 0);
	fb_opts_free(&o);
	return 1;
}
