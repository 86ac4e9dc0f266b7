/*
 * main.c - the recfs daemon: options, keyrings, the FUSE session, and the
 * poller that keeps the snapshot in step with the catalog.
 *
 *   recfs [-f] [-d] [-s] [-o OPTS] REGISTER MOUNTPOINT
 *
 * also as mount.fuse.recfs (mount -t fuse.recfs, fstab), where mount.fuse3
 * calls `recfs REGISTER MOUNTPOINT -o OPTS`.  Order of start-up, and why:
 * everything that can fail for a reason a person should read (options,
 * register, keyrings and their passphrases, the mount itself) happens
 * before fuse_daemonize, so the error reaches the terminal; sqlite
 * connections are opened only after the fork (a connection must not cross
 * fork(): its POSIX locks do not), and the keyring is copied into fresh
 * guarded memory in the child (mlock is not inherited either).  Threads
 * start last.  On SIGTERM or unmount the loop returns, the poller stops,
 * the session is destroyed (destroy flushes the audit queue) and the queue
 * is written out before exit: no audit entry is lost on a clean stop.
 */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "auditq.h"
#include "caller.h"
#include "recfs_i.h"
#include "dek.h"
#include "prefetch.h"
#include "tree.h"

#define POLL_MS 200
#define READAHEAD_KB 1024
#define READAHEAD_TRIES 10	/* poller passes; then it is left as it is */
#define REFRESH_WAIT_S 3
#define DEKCACHE_SLOTS 4096	/* 128 KiB of guarded memory */

struct options {
	char *keyrings;		/* colon-separated, accumulated */
	char *passfile;
	char *extpass;
	char *reg_dir;
	char *mountpoint;
	int foreground, debug, singlethread, help, version;
	int bad;
};

enum { KEY_HELP, KEY_VERSION, KEY_KEYRING, KEY_FG, KEY_DEBUG, KEY_SINGLE, KEY_DEFPERM };

static const struct fuse_opt option_spec[] = {
	{ "passfile=%s", offsetof(struct options, passfile), 0 },
	{ "extpass=%s", offsetof(struct options, extpass), 0 },
	FUSE_OPT_KEY("keyring=", KEY_KEYRING),
	FUSE_OPT_KEY("default_permissions", KEY_DEFPERM),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_KEY("-f", KEY_FG),
	FUSE_OPT_KEY("-d", KEY_DEBUG),
	FUSE_OPT_KEY("debug", KEY_DEBUG),
	FUSE_OPT_KEY("-s", KEY_SINGLE),
	FUSE_OPT_END
};

static int log_to_syslog;

void recfs_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_to_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

static void fuse_log_to_recfs(enum fuse_log_level level, const char *fmt, va_list ap)
{
	if (log_to_syslog)
		vsyslog((int)level, fmt, ap);
	else
		vfprintf(stderr, fmt, ap);
}

static void usage(void)
{
	printf("usage: recfs [-f] [-d] [-s] [-o OPTIONS] REGISTER MOUNTPOINT\n"
	       "\n"
	       "Mount the recfs register REGISTER (e.g. /var/lib/recfs) at MOUNTPOINT.\n"
	       "\n"
	       "recfs options:\n"
	       "    -o keyring=FILE      level keyring for this mount; repeat the option or\n"
	       "                         give FILE:FILE... (without one, nothing opens: ENOKEY)\n"
	       "    -o passfile=FILE     passphrase of protected keyrings, first line of FILE\n"
	       "    -o extpass=CMD       passphrase from the output of CMD (/bin/sh -c)\n"
	       "                         (else asked on the terminal)\n"
	       "    -f                   stay in the foreground, log to stderr\n"
	       "    -d                   FUSE debug output (implies -f)\n"
	       "    -s                   single-threaded\n"
	       "    -h, --help           this text\n"
	       "    -V, --version        version\n"
	       "\n"
	       "allow_other is always on and default_permissions is never used: recfs\n"
	       "decides each request by the caller's level.  See recfs(8).\n"
	       "\n"
	       "FUSE options:\n");
	fuse_lowlevel_help();
}

static int opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct options *o = data;
	char *s;

	(void)outargs;
	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		if (!o->reg_dir) {
			o->reg_dir = xstrdup(arg);
			return 0;
		}
		if (!o->mountpoint) {
			o->mountpoint = xstrdup(arg);
			return 0;
		}
		fprintf(stderr, "recfs: unexpected argument '%s' (see recfs --help)\n", arg);
		o->bad = 1;
		return 0;
	case KEY_KEYRING:
		arg += strlen("keyring=");
		s = o->keyrings ? xasprintf("%s:%s", o->keyrings, arg) : xstrdup(arg);
		free(o->keyrings);
		o->keyrings = s;
		return 0;
	case KEY_DEFPERM:
		fprintf(stderr, "recfs: ignoring default_permissions: recfs decides per caller\n");
		return 0;
	case KEY_HELP:
		o->help = 1;
		return 0;
	case KEY_VERSION:
		o->version = 1;
		return 0;
	case KEY_FG:
		o->foreground = 1;
		return 0;
	case KEY_DEBUG:
		o->debug = 1;
		o->foreground = 1;
		return 1;	/* libfuse prints the requests */
	case KEY_SINGLE:
		o->singlethread = 1;
		return 0;
	default:
		return 1;
	}
}

/* Load every keyring of the colon-separated list into *out. */
static int load_keyrings(const struct options *o, struct keyring **out)
{
	char *list = xstrdup(o->keyrings ? o->keyrings : ""), *save = NULL, **paths = NULL;
	const char *failed = NULL;
	size_t n = 0;
	int rc;

	for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		paths = xrealloc(paths, (n + 1) * sizeof(*paths));
		paths[n++] = p;
	}
	rc = keyring_load_all(paths, n, o->passfile, o->extpass, out, &failed);
	if (rc < 0)
		fprintf(stderr, "recfs: cannot load keyring %s: %s\n", failed, keyring_strerror(rc));
	free(paths);
	free(list);
	return rc;
}

static void resolve_level_gids(struct recfs *fs)
{
	const struct policy *p = fs->reg->policy;
	struct group gr, *res;
	char buf[4096];
	size_t i;

	for (i = 0; i < p->n_levels && i < POLICY_MAX_LEVELS; i++) {
		res = NULL;
		fs->level_gid[i] = 0;
		if (p->levels[i].group && getgrnam_r(p->levels[i].group, &gr, buf, sizeof(buf), &res) == 0 && res)
			fs->level_gid[i] = res->gr_gid;
	}
}

struct tree *recfs_tree(struct recfs *fs)
{
	struct tree *t;

	pthread_mutex_lock(&fs->tree_lock);
	t = fs->tree;
	tree_ref(t);
	pthread_mutex_unlock(&fs->tree_lock);
	return t;
}

void recfs_refresh(struct recfs *fs)
{
	struct timespec ts;
	uint64_t target;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += REFRESH_WAIT_S;
	pthread_mutex_lock(&fs->tree_lock);
	if (!fs->poller_running) {
		pthread_mutex_unlock(&fs->tree_lock);
		return;
	}
	fs->kick = 1;
	target = fs->pass_started + 1;
	pthread_cond_broadcast(&fs->tree_cond);
	while (fs->pass_done < target && !fs->stop)
		if (pthread_cond_timedwait(&fs->tree_cond, &fs->tree_lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&fs->tree_lock);
}

static void inval_entry(void *ctx, uint64_t parent, const char *name)
{
	struct recfs *fs = ctx;

	(void)fuse_lowlevel_notify_inval_entry(fs->se, parent, name, strlen(name));
}

static void inval_inode(void *ctx, uint64_t ino)
{
	struct recfs *fs = ctx;

	(void)fuse_lowlevel_notify_inval_inode(fs->se, ino, 0, 0);
}

/* Two snapshots whose difference the kernel has to be told. */
struct tree_pair {
	struct tree *old, *cur;
	struct tree_pair *next;
};

static void *invalidator(void *arg)
{
	struct recfs *fs = arg;
	struct tree_pair *p;

	pthread_mutex_lock(&fs->tree_lock);
	for (;;) {
		while (!fs->invals && !fs->stop)
			pthread_cond_wait(&fs->tree_cond, &fs->tree_lock);
		p = fs->invals;
		if (!p)
			break;
		fs->invals = p->next;
		pthread_mutex_unlock(&fs->tree_lock);
		if (!fs->stop)
			tree_diff(p->old, p->cur, inval_entry, inval_inode, fs);
		tree_unref(p->old);
		tree_unref(p->cur);
		free(p);
		pthread_mutex_lock(&fs->tree_lock);
	}
	pthread_mutex_unlock(&fs->tree_lock);
	return NULL;
}

/*
 * The kernel reads ahead of a FUSE file in 128 KiB by default; 1 MiB lets a
 * sequential read come in fewer, larger requests (about 9 % more
 * throughput here).  It is a setting of the mount's backing device in
 * sysfs, which only root may change, and which the kernel lowers again when
 * it takes the INIT reply: so the path is found at mount (AT_STATX_DONT_SYNC
 * keeps statx from asking this daemon, whose loop is not running yet; the
 * device numbers come from the superblock) and the poller writes it once
 * INIT is done, checking on its next passes that it stayed.
 */
static void readahead_find(struct recfs *fs, const char *mountpoint)
{
	struct statx stx;

	if (statx(AT_FDCWD, mountpoint, AT_STATX_DONT_SYNC, STATX_TYPE, &stx) == 0)
		snprintf(fs->readahead_path, sizeof(fs->readahead_path), "/sys/class/bdi/%u:%u/read_ahead_kb",
			 stx.stx_dev_major, stx.stx_dev_minor);
}

static void readahead_pass(struct recfs *fs)
{
	char buf[32] = "";
	ssize_t n;
	int fd, len;

	if (!fs->readahead_path[0] || fs->readahead_tries >= READAHEAD_TRIES ||
	    !__atomic_load_n(&fs->inited, __ATOMIC_ACQUIRE))
		return;
	fs->readahead_tries++;
	fd = open(fs->readahead_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fs->readahead_tries = READAHEAD_TRIES;	/* not root: keep the default */
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0 && atoi(buf) >= READAHEAD_KB) {
		fs->readahead_tries = READAHEAD_TRIES;	/* set, and it stayed */
	} else {
		len = snprintf(buf, sizeof(buf), "%d", READAHEAD_KB);
		if (pwrite(fd, buf, (size_t)len, 0) < 0)
			fs->readahead_tries = READAHEAD_TRIES;
	}
	close(fd);
}

/*
 * Poll the catalog every POLL_MS (or at once when kicked), rebuild on a
 * change, swap, wake the waiters, and hand the pair of snapshots to the
 * invalidator: an invalidation may wait for a directory lock that the
 * kernel holds until a handler blocked in recfs_refresh replies, and that
 * handler may be waiting for the poller's next pass.
 */
static void *poller(void *arg)
{
	struct recfs *fs = arg;
	struct tree *cur, *next, *old;
	struct timespec ts;
	uint64_t pass;
	int64_t v, seen_dv = -1;
	int rc, failed = 0;

	pthread_mutex_lock(&fs->tree_lock);
	for (;;) {
		if (!fs->kick && !fs->stop) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += POLL_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&fs->tree_cond, &fs->tree_lock, &ts);
		}
		if (fs->stop)
			break;
		readahead_pass(fs);
		fs->kick = 0;
		pass = ++fs->pass_started;
		cur = fs->tree;
		tree_ref(cur);
		pthread_mutex_unlock(&fs->tree_lock);

		/* data_version is free to read and moves with any commit by
		 * another connection; only then look at the content version,
		 * which audit writes leave alone. */
		next = NULL;
		rc = catalog_data_version(fs->poll_cat, &v);
		if (rc == 0 && v != seen_dv) {
			int64_t cv;

			rc = catalog_content_version(fs->poll_cat, &cv);
			if (rc == 0 && cv != cur->content_version) {
				/* Seals may be gone (erasure, restriction): no
				 * cached data key may outlive them. */
				dek_forget_seals(fs->deks);
				rc = tree_build(fs->poll_cat, fs->reg->policy, fs->level_gid, fs->notice_len, &next);
			}
			if (rc == 0)
				seen_dv = v;
		}
		if (rc < 0 && !failed)
			recfs_log(LOG_ERR, "recfs: cannot reread the catalog: %s",
				  *meta_errmsg() ? meta_errmsg() : strerror(-rc));
		failed = rc < 0;

		pthread_mutex_lock(&fs->tree_lock);
		old = NULL;
		if (next) {
			struct tree_pair *p = xcalloc(1, sizeof(*p)), **pp;

			old = fs->tree;
			fs->tree = next;
			p->old = cur;
			p->cur = next;
			tree_ref(next);
			cur = NULL;
			for (pp = &fs->invals; *pp; pp = &(*pp)->next)
				;
			*pp = p;
		}
		fs->pass_done = pass;
		pthread_cond_broadcast(&fs->tree_cond);
		pthread_mutex_unlock(&fs->tree_lock);

		tree_unref(old);
		tree_unref(cur);
		pthread_mutex_lock(&fs->tree_lock);
	}
	pthread_mutex_unlock(&fs->tree_lock);
	return NULL;
}

/* After the fork: sqlite connections, the snapshot, the threads. */
static int start_mount(struct recfs *fs, const char *reg_dir)
{
	struct keyring *kr = NULL;
	char *path = NULL;
	int rc;

	/* Fresh guarded (mlocked) memory in this process. */
	rc = keyring_new(&kr);
	if (rc == 0)
		rc = keyring_merge(kr, fs->kr);
	if (rc < 0)
		goto out;
	keyring_free(fs->kr);
	fs->kr = kr;
	kr = NULL;

	rc = reg_open(reg_dir, &fs->reg);
	if (rc < 0)
		goto out;
	fs->notice = policy_notice(fs->reg->policy);
	fs->notice_len = fs->notice ? strlen(fs->notice) : 0;
	resolve_level_gids(fs);
	rc = dek_new(DEKCACHE_SLOTS, &fs->deks);
	if (rc < 0)
		goto out;
	rc = prefetch_new(fs, &fs->pf);
	if (rc < 0)
		goto out;
	rc = caller_cache_new(fs->reg->policy, &fs->callers);
	if (rc < 0)
		goto out;
	rc = auditq_new(fs->reg->cat, &fs->cat_lock, &fs->aq);
	if (rc < 0)
		goto out;
	path = reg_path(fs->reg, "catalog.db");
	rc = catalog_open(path, 0, &fs->poll_cat);
	if (rc < 0)
		goto out;
	rc = tree_build(fs->poll_cat, fs->reg->policy, fs->level_gid, fs->notice_len, &fs->tree);
	if (rc < 0)
		goto out;
	rc = auditq_start(fs->aq);
	if (rc < 0)
		goto out;
	rc = -pthread_create(&fs->invalidator, NULL, invalidator, fs);
	if (rc < 0)
		goto out;
	fs->invalidator_running = 1;
	rc = -pthread_create(&fs->poller, NULL, poller, fs);
	if (rc < 0)
		goto out;
	fs->poller_running = 1;
out:
	if (rc < 0)
		recfs_log(LOG_ERR, "recfs: cannot start on %s: %s", reg_dir,
			  *meta_errmsg() ? meta_errmsg() : strerror(-rc));
	keyring_free(kr);
	free(path);
	return rc;
}

static void stop_mount(struct recfs *fs)
{
	prefetch_free(fs->pf);
	fs->pf = NULL;
	if (fs->poller_running) {
		pthread_mutex_lock(&fs->tree_lock);
		fs->stop = 1;
		pthread_cond_broadcast(&fs->tree_cond);
		pthread_mutex_unlock(&fs->tree_lock);
		pthread_join(fs->poller, NULL);
		fs->poller_running = 0;
	}
	if (fs->invalidator_running) {
		pthread_mutex_lock(&fs->tree_lock);
		fs->stop = 1;
		pthread_cond_broadcast(&fs->tree_cond);
		pthread_mutex_unlock(&fs->tree_lock);
		pthread_join(fs->invalidator, NULL);
		fs->invalidator_running = 0;
	}
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_loop_config loop = { .clone_fd = 0, .max_idle_threads = 10 };
	struct options o;
	struct recfs fs;
	struct reg *check = NULL;
	char reg_dir[PATH_MAX];
	struct stat st;
	int rc, ret = 1, mounted = 0, handlers = 0;

	memset(&o, 0, sizeof(o));
	memset(&fs, 0, sizeof(fs));
	/* Reads of up to 1 MiB from heap memory that stays mapped, not an
	 * mmap, page faults and munmap each (10 % on a long read here). */
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	pthread_mutex_init(&fs.cat_lock, NULL);
	pthread_mutex_init(&fs.tree_lock, NULL);
	pthread_cond_init(&fs.tree_cond, NULL);
	fuse_set_log_func(fuse_log_to_recfs);

	if (fuse_opt_parse(&args, &o, option_spec, opt_proc) == -1 || o.bad)
		goto out;
	if (o.help) {
		usage();
		ret = 0;
		goto out;
	}
	if (o.version) {
		printf("recfs %s (FUSE library %s)\n", RECFS_VERSION, fuse_pkgversion());
		ret = 0;
		goto out;
	}
	if (!o.reg_dir || !o.mountpoint) {
		fprintf(stderr, "usage: recfs [-f] [-d] [-o OPTIONS] REGISTER MOUNTPOINT (see recfs --help)\n");
		goto out;
	}
	fs.foreground = o.foreground;
	if (crypto_setup() < 0) {
		fprintf(stderr, "recfs: cannot initialise libsodium\n");
		goto out;
	}
	if (!realpath(o.reg_dir, reg_dir)) {
		fprintf(stderr, "recfs: cannot use register %s: %s\n", o.reg_dir, strerror(errno));
		goto out;
	}
	if (stat(o.mountpoint, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "recfs: cannot mount on %s: %s\n", o.mountpoint,
			errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a directory");
		goto out;
	}
	/* Check the register now, while there is a terminal to say why. */
	rc = reg_open(reg_dir, &check);
	if (rc < 0) {
		fprintf(stderr, "recfs: cannot open register %s: %s\n", reg_dir,
			*meta_errmsg() ? meta_errmsg() : rc == -ENOENT ? "not a recfs register" : strerror(-rc));
		goto out;
	}
	reg_close(check);
	if (load_keyrings(&o, &fs.kr) < 0)
		goto out;
	if (!keyring_level_count(fs.kr))
		fprintf(stderr, "recfs: warning: no level keyring given; every open will fail with ENOKEY\n");

	/* We decide per caller: other users must reach us at all.  Nothing
	 * here is ever a device or set-uid, whatever fstab says. */
	if (fuse_opt_add_arg(&args, "-oallow_other,nosuid,nodev,fsname=recfs,subtype=recfs") < 0)
		goto out;
	fs.se = fuse_session_new(&args, &recfs_ops, sizeof(recfs_ops), &fs);
	if (!fs.se)
		goto out;
	if (fuse_set_signal_handlers(fs.se) < 0)
		goto out;
	handlers = 1;
	if (fuse_session_mount(fs.se, o.mountpoint) < 0)
		goto out;
	mounted = 1;
	readahead_find(&fs, o.mountpoint);
	if (!o.foreground) {
		openlog("recfs", LOG_PID, LOG_DAEMON);
		log_to_syslog = 1;
	}
	if (fuse_daemonize(o.foreground) < 0)
		goto out;
	if (start_mount(&fs, reg_dir) < 0)
		goto out;
	recfs_log(LOG_INFO, "recfs: %s mounted on %s with %zu level key(s)", reg_dir, o.mountpoint,
		  keyring_level_count(fs.kr));
	if (o.singlethread)
		rc = fuse_session_loop(fs.se);
	else
		rc = fuse_session_loop_mt(fs.se, &loop);
	ret = rc == 0 ? 0 : 1;
out:
	stop_mount(&fs);
	if (mounted)
		fuse_session_unmount(fs.se);
	if (handlers)
		fuse_remove_signal_handlers(fs.se);
	if (fs.se)
		fuse_session_destroy(fs.se);
	auditq_free(fs.aq);
	tree_unref(fs.tree);
	if (fs.poll_cat)
		catalog_close(fs.poll_cat);
	caller_cache_free(fs.callers);
	dek_free(fs.deks);
	free(fs.notice);
	if (fs.reg)
		reg_close(fs.reg);
	keyring_free(fs.kr);
	fuse_opt_free_args(&args);
	free(o.keyrings);
	free(o.passfile);
	free(o.extpass);
	free(o.reg_dir);
	free(o.mountpoint);
	return ret;
}
