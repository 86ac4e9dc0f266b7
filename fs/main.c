/*
 * main.c - the recfs daemon: options, keyrings, the FUSE session, and the
 * order in which the mount's parts (snapshot.h, dek.h, auditq.h, ...)
 * start and stop.
 *
 *   recfs [-f] [-d] [-s] [-o OPTS] REGISTER MOUNTPOINT
 *
 * With -o level=NAME the mount serves one policy level (caller.h): the
 * daemon keeps only that level's key (and, for the rights level, the
 * blind-index key) of the keyrings it was given, and refuses to start
 * without it, so that a mount of one level can never open more.
 *
 * also through mount -t fuse.recfs and fstab: mount(8) runs the installed
 * helper mount.fuse.recfs (packaging/), which has mount.fuse3 call
 * `/usr/bin/recfs REGISTER MOUNTPOINT -o OPTS`.  A mount point that is
 * already a recfs mount is refused.  Order of start-up, and why:
 * everything that can fail for a reason a person should read (options,
 * register, keyrings and their passphrases, the mount itself) happens
 * before fuse_daemonize, so the error reaches the terminal; sqlite
 * connections are opened only after the fork (a connection must not cross
 * fork(): its POSIX locks do not), and the keyring is copied into fresh
 * guarded memory in the child (mlock is not inherited either).  The
 * watchdog (watchdog.h) is forked right after fuse_daemonize, before any
 * thread or connection exists, so that it holds nothing of the mount.
 * Threads start last.  On SIGTERM or unmount the loop returns, the
 * poller and the invalidator stop (snapshot_stop; the snapshot's tree is
 * left to exit, not freed node by node), the watchdog is told
 * goodbye, the session is destroyed (destroy flushes the audit queue and
 * closes the folders still open) and the queue is written out before
 * exit: no audit entry is lost on a clean stop.  libfuse sends no release
 * for what the kernel still holds open then, so the files still open are
 * closed last (fs->open), their keys wiped.
 *
 * The daemon holds level keys, so it is not dumpable from its first line:
 * no core file, and no ptrace or /proc/PID/mem by its own user, which
 * matters when it runs as the register's owner (the packaged recfs@.service
 * runs it as the recfs system user, not root; see recfs(8)).
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "auditq.h"
#include "caller.h"
#include "caps.h"
#include "subuid.h"
#include "content.h"
#include "recfs_i.h"
#include "dek.h"
#include "ghost.h"
#include "jsonmem.h"
#include "notice.h"
#include "prefetch.h"
#include "quiet.h"
#include "snapshot.h"
#include "testhook.h"
#include "tree.h"
#include "watchdog.h"

#define GHOST_TTL 10	/* seconds an erased name answers rm -r */
#define DEKCACHE_SLOTS 4096	/* 128 KiB of guarded memory */

struct options {
	char *keyrings;		/* colon-separated, accumulated */
	char *passfile;
	char *extpass;
	char *level;		/* -o level=NAME, or NULL */
	char *reg_dir;
	char *mountpoint;
	int foreground, debug, singlethread, help, version;
	int audit_fsync;
	struct caps_limits caps;
	int bad;
};

enum { KEY_HELP, KEY_VERSION, KEY_KEYRING, KEY_FG, KEY_DEBUG, KEY_SINGLE, KEY_DEFPERM };

static const struct fuse_opt option_spec[] = {
	{ "passfile=%s", offsetof(struct options, passfile), 0 },
	{ "extpass=%s", offsetof(struct options, extpass), 0 },
	{ "level=%s", offsetof(struct options, level), 0 },
	{ "audit_fsync", offsetof(struct options, audit_fsync), 1 },
	{ "max_handles_per_uid=%u", offsetof(struct options, caps.handles_per_uid), 0 },
	{ "max_handles=%u", offsetof(struct options, caps.handles), 0 },
	{ "max_decoders_per_uid=%u", offsetof(struct options, caps.decoders_per_uid), 0 },
	{ "max_decoders=%u", offsetof(struct options, caps.decoders), 0 },
	{ "max_dirs_per_uid=%u", offsetof(struct options, caps.dirs_per_uid), 0 },
	{ "max_dirs=%u", offsetof(struct options, caps.dirs), 0 },
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
	       "    -o level=NAME        serve one policy level: its view only, cached by the\n"
	       "                         kernel; callers of lower levels get EACCES, higher ones\n"
	       "                         act as NAME; only NAME's key is kept (one mount per\n"
	       "                         level on a host that several levels share)\n"
	       "    -o audit_fsync       an open waits until its audit entry is on disk, not\n"
	       "                         only written (survives a crash of the machine too)\n"
	       "    -o max_handles_per_uid=N  open files of one user (default %d; EMFILE)\n"
	       "    -o max_handles=N     open files of the mount (default %d, lowered to fit\n"
	       "                         the descriptor limit; ENFILE)\n"
	       "    -o max_decoders_per_uid=N  open .wav files of one user (default %d)\n"
	       "    -o max_decoders=N    open .wav files of the mount (default %d)\n"
	       "    -o max_dirs_per_uid=N  open folders of one user (default %d; EMFILE)\n"
	       "    -o max_dirs=N        open folders of the mount (default %d; ENFILE)\n"
	       "    -f                   stay in the foreground, log to stderr\n"
	       "    -d                   FUSE debug output (implies -f)\n"
	       "    -s                   single-threaded\n"
	       "    -h, --help           this text\n"
	       "    -V, --version        version\n"
	       "\n"
	       "allow_other is always on and default_permissions is never used: recfs\n"
	       "decides each request by the caller's level.  See recfs(8).\n"
	       "\n"
	       "FUSE options:\n", CAPS_HANDLES_PER_UID, CAPS_HANDLES, CAPS_DECODERS_PER_UID, CAPS_DECODERS,
	       CAPS_DIRS_PER_UID, CAPS_DIRS);
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

/* Each line of text (meta's warnings: one a line, NULL for none) on
 * stderr, while there is a terminal to read them; text is freed. */
static void print_warnings(char *text)
{
	for (const char *w = text, *nl; w && (nl = strchr(w, '\n')); w = nl + 1)
		fprintf(stderr, "recfs: warning: %.*s\n", (int)(nl - w), w);
	free(text);
}

/* Load every keyring of the colon-separated list into *out; its warnings
 * on stderr, while there is a terminal to read them (before the daemon
 * forks). */
static int load_keyrings(const struct options *o, struct keyring **out)
{
	char *list = xstrdup(o->keyrings ? o->keyrings : ""), *save = NULL, **paths = NULL, *warnings = NULL;
	const char *failed = NULL;
	size_t n = 0;
	int rc;

	for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		paths = xrealloc(paths, (n + 1) * sizeof(*paths));
		paths[n++] = p;
	}
	rc = keyring_load_all(paths, n, o->passfile, o->extpass, out, &failed, &warnings);
	if (rc < 0)
		fprintf(stderr, "recfs: cannot load keyring %s: %s\n", failed, keyring_strerror(rc));
	print_warnings(warnings);
	free(paths);
	free(list);
	return rc;
}

/*
 * -o level=NAME: *kr keeps NAME's key alone (and the blind-index key when
 * NAME is the rights level, which rectifies indexed fields with it).  Says
 * on stderr what it dropped.  -ENOKEY (said on stderr) when no keyring
 * given holds NAME's key; -ENOMEM.
 */
static int keep_level_key(struct keyring **kr, const struct policy *p, int level)
{
	const char *name = p->levels[level].name;
	const struct crypto_key *sk, *ik;
	struct keyring *only = NULL;
	uint8_t pk[CRYPTO_PK_BYTES];
	size_t i;
	int rc;

	sk = keyring_level(*kr, name, pk);
	if (!sk) {
		fprintf(stderr, "recfs: level=%s: no keyring given holds the %s level's key; give it with "
			"-o keyring=FILE (recctl keys export %s)\n", name, name, name);
		return -ENOKEY;
	}
	rc = keyring_new(&only);
	if (rc == 0)
		rc = keyring_add_level(only, name, sk);
	ik = keyring_index_key(*kr);
	if (rc == 0 && ik && level == p->rights_level)
		rc = keyring_set_index_key(only, ik);
	/* The public keys stay: the mount checks the register's with them
	 * again once it has forked (reg_check_keyring). */
	if (rc == 0)
		rc = keyring_pin_all(only, *kr);
	if (rc < 0) {
		keyring_free(only);
		return rc;
	}
	for (i = 0; i < keyring_level_count(*kr); i++)
		if (strcmp(keyring_level_name(*kr, i), name))
			fprintf(stderr, "recfs: level=%s: not keeping the %s level's key (this mount serves %s only)\n",
				name, keyring_level_name(*kr, i), name);
	keyring_free(*kr);
	*kr = only;
	return 0;
}

/* -o level=NAME: the index of NAME in p, or -1 (said on stderr). */
static int served_level(const struct policy *p, const char *name)
{
	int i = policy_level_index(p, name);
	size_t k;

	if (i >= 0 && i < POLICY_MAX_LEVELS)
		return i;
	fprintf(stderr, "recfs: level=%s is not a level of the register's policy; its levels are:", name);
	for (k = 0; k < p->n_levels; k++)
		fprintf(stderr, " %s", p->levels[k].name);
	fputc('\n', stderr);
	return -1;
}

static void resolve_level_gids(struct recfs *fs)
{
	const struct policy *p = fs->reg->policy;
	size_t i;

	for (i = 0; i < p->n_levels && i < POLICY_MAX_LEVELS; i++)
		if (util_group_gid(p->levels[i].group, &fs->level_gid[i]) < 0)
			fs->level_gid[i] = 0;
}

/*
 * Descriptors: the soft limit raised to the hard one (systemd starts
 * services at 1,024), so that open files can have their cap and lookups of
 * users and groups, sqlite and /proc still find descriptors (caps.h).
 * Returns the soft limit now in force.
 */
static uint64_t raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max;

		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
}

/* The caps of the mount: the options, the global handle cap lowered to
 * what the descriptor limit leaves. */
static int start_caps(struct recfs *fs, const struct caps_limits *opt)
{
	struct caps_limits l = *opt;
	uint64_t nofile = raise_nofile();
	int rc;

	l.handles = caps_handles_for_fds(l.handles, nofile);
	/* A user's subordinate uids count against its limits (subuid.h),
	 * told by libsubid; its messages go to /dev/null, a failed lookup is
	 * logged by the watch.  The poller stats the file once a second. */
	if (subuid_lib_init("recfs") < 0)
		recfs_log(LOG_WARNING, "recfs: libsubid could not open /dev/null for its messages");
	rc = subuid_watch_new(SUBUID_PATH, NULL, recfs_log, &fs->subuids);
	if (rc < 0)
		return rc;
	rc = caps_new(&l, recfs_log, &fs->caps);
	if (rc < 0)
		return rc;
	caps_limits(fs->caps, &l);
	recfs_log(LOG_INFO, "recfs: open files at most %u (%u per user), .wav at most %u (%u per user); "
		  "folders at most %u (%u per user); %llu descriptors; subordinate uids (%s, libsubid) "
		  "count as their owners", l.handles, l.handles_per_uid, l.decoders,
		  l.decoders_per_uid, l.dirs, l.dirs_per_uid, (unsigned long long)nofile, SUBUID_PATH);
	return 0;
}

/* The housekeeping of caps.h: decoders of views not read for a while. */
static unsigned idle_views(int64_t now)
{
	return content_idle(now, CONTENT_IDLE_SECONDS);
}

/* After the fork: sqlite connections, the snapshot, the threads. */
static int start_mount(struct recfs *fs, const char *reg_dir, const char *level, const char *readahead_path,
		       int audit_fsync, const struct caps_limits *caps)
{
	struct keyring *kr = NULL;
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

	/* First: no connection of this process has the catalog open yet. */
	reg_prefetch_catalog(reg_dir);
	rc = reg_open(reg_dir, &fs->reg);
	if (rc < 0)
		goto out;
	/* The public keys were read again: checked again, since what was
	 * checked before the fork may have been replaced since. */
	meta_clear_error();
	if ((rc = reg_check_keyring(fs->reg, fs->kr)) < 0) {
		recfs_log(LOG_ERR, "recfs: %s", meta_errmsg());
		goto out;
	}
	/* Checked before the fork; the policy may have changed since. */
	if (level && (fs->level = policy_level_index(fs->reg->policy, level)) < 0) {
		rc = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < fs->reg->policy->n_langs; i++) {
		fs->notice[i] = notice_render_in(fs->reg->policy, fs->reg->policy->langs[i]);
		fs->notice_len[i] = fs->notice[i] ? strlen(fs->notice[i]) : 0;
	}
	resolve_level_gids(fs);
	rc = dek_new(DEKCACHE_SLOTS, &fs->deks);
	if (rc < 0)
		goto out;
	rc = content_set_new(&fs->open);
	if (rc < 0)
		goto out;
	rc = ghosts_new(GHOST_TTL, &fs->ghosts);
	if (rc < 0)
		goto out;
	rc = quiet_new(QUIET_WINDOW, QUIET_MAX, &fs->quiet);
	if (rc < 0)
		goto out;
	rc = prefetch_new(fs, &fs->pf);
	if (rc < 0)
		goto out;
	rc = caller_cache_new(fs->reg->policy, &fs->callers);
	if (rc < 0)
		goto out;
	caller_cache_serve_level(fs->callers, fs->level);
	rc = auditq_new(reg_dir, audit_fsync, &fs->aq);
	if (rc < 0)
		goto out;
	rc = auditq_start(fs->aq);
	if (rc < 0)
		goto out;
	recfs_unlogged_start(fs);
	rc = start_caps(fs, caps);
	if (rc < 0)
		goto out;
	rc = caps_start(fs->caps, idle_views);
	if (rc < 0)
		goto out;
	rc = snapshot_start(fs, readahead_path, &fs->snap);
out:
	if (rc < 0)
		recfs_log(LOG_ERR, "recfs: cannot start on %s: %s", reg_dir,
			  meta_strerror(rc));
	keyring_free(kr);
	return rc;
}

/*
 * The mount's device, read without asking the daemon (whose loop is not
 * running yet): AT_STATX_DONT_SYNC takes the root's attributes from the
 * superblock.  -errno.
 */
static int mount_dev(const char *mountpoint, unsigned *major, unsigned *minor)
{
	struct statx stx;

	if (statx(AT_FDCWD, mountpoint, AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0)
		return -errno;
	*major = stx.stx_dev_major;
	*minor = stx.stx_dev_minor;
	return 0;
}

/* Undo the octal escapes (\040 for a space, ...) of a mountinfo field, in place. */
static void mountinfo_unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/*
 * 1 when the topmost mount on dir (a canonical path) is a recfs mount, 0
 * when dir is no mount point or another file system is on top, -errno when
 * the mount table cannot be read.  Read from /proc/self/mountinfo, which
 * asks no file system anything; later lines are mounted later, on top.
 */
static int mounted_recfs(const char *dir)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *mnt = NULL, *type = NULL, *tok;
		int field = 0, after_sep = 0;

		for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save), field++) {
			if (field == 4)
				mnt = tok;
			else if (field > 5 && !after_sep && !strcmp(tok, "-"))
				after_sep = 1;
			else if (after_sep) {
				type = tok;
				break;
			}
		}
		if (!mnt || !type)
			continue;
		mountinfo_unescape(mnt);
		if (!strcmp(mnt, dir))
			rc = !strcmp(type, "fuse.recfs");
	}
	free(line);
	fclose(f);
	return rc;
}

/* In the watchdog child: no key stays in a process that does not use it.
 * Its one thread runs alone (the daemon has started none yet:
 * watchdog.h), so the keyring's locks are free. */
static void scrub_watchdog(void *arg)
{
	struct recfs *fs = arg;

	crypto_wipe_all();	/* every guarded block, the keyring's among them */
	keyring_free(fs->kr);
	fs->kr = NULL;
}

static void stop_mount(struct recfs *fs)
{
	caps_stop(fs->caps);
	prefetch_free(fs->pf);
	fs->pf = NULL;
	snapshot_stop(fs->snap);
	fs->snap = NULL;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_loop_config loop = { .clone_fd = 0, .max_idle_threads = 10 };
	struct options o;
	struct recfs fs;
	struct reg *check = NULL;
	char reg_dir[PATH_MAX], mnt_dir[PATH_MAX], readahead_path[SNAPSHOT_READAHEAD_PATH] = "";
	struct stat st;
	unsigned dev_major = 0, dev_minor = 0;
	int rc, ret = 1, mounted = 0, handlers = 0, have_dev = 0;

	/* Before any jansson call: details and cards are parsed with it, and
	 * every block it frees is wiped first (jsonmem.h). */
	if (jsonmem_setup())
		return 1;
	/* Before a key or a passphrase is read; fork keeps it. */
	rc = util_no_core();
	if (rc < 0) {
		fprintf(stderr, "recfs: cannot make the daemon non-dumpable: %s\n", strerror(-rc));
		return 1;
	}
	memset(&o, 0, sizeof(o));
	memset(&fs, 0, sizeof(fs));
	fs.level = -1;
	/* Reads of up to 1 MiB from heap memory that stays mapped, not an
	 * mmap, page faults and munmap each (10 % on a long read here).  Free
	 * memory beyond that at the top of the heap goes back at once, the
	 * rest when caps.c's housekeeping trims after files are released. */
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	o.caps = (struct caps_limits){ .handles_per_uid = CAPS_HANDLES_PER_UID, .handles = CAPS_HANDLES,
				       .decoders_per_uid = CAPS_DECODERS_PER_UID, .decoders = CAPS_DECODERS,
				       .dirs_per_uid = CAPS_DIRS_PER_UID, .dirs = CAPS_DIRS };
	pthread_mutex_init(&fs.cat_lock, NULL);
	pthread_mutex_init(&fs.dirs_lock, NULL);
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
	if (stat(o.mountpoint, &st) < 0 || !S_ISDIR(st.st_mode) || !realpath(o.mountpoint, mnt_dir)) {
		fprintf(stderr, "recfs: cannot mount on %s: %s\n", o.mountpoint,
			errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a directory");
		goto out;
	}
	/* The kernel would stack a second mount on the first, silently: two
	 * daemons on one mount point, the lower one unreachable but alive. */
	if (mounted_recfs(mnt_dir) > 0) {
		fprintf(stderr, "recfs: %s is already a recfs mount; unmount it first (fusermount3 -u %s)\n",
			mnt_dir, mnt_dir);
		goto out;
	}
	/* Check the register now, while there is a terminal to say why. */
	rc = reg_open(reg_dir, &check);
	if (rc < 0) {
		fprintf(stderr, "recfs: cannot open register %s: %s\n", reg_dir,
			*meta_errmsg() ? meta_errmsg() : rc == -ENOENT ? "not a recfs register" : strerror(-rc));
		goto out;
	}
	print_warnings(reg_mode_warnings(check));
	if (o.level && (fs.level = served_level(check->policy, o.level)) < 0) {
		reg_close(check);
		goto out;
	}
	if (load_keyrings(&o, &fs.kr) < 0) {
		reg_close(check);
		goto out;
	}
	/* Before anything is sealed for a level (a rectification, a
	 * restriction lifted): its public key must be the one issued. */
	meta_clear_error();
	if (reg_check_keyring(check, fs.kr) < 0) {
		fprintf(stderr, "recfs: %s\n", meta_errmsg());
		reg_close(check);
		goto out;
	}
	if (fs.level >= 0 && keep_level_key(&fs.kr, check->policy, fs.level) < 0) {
		reg_close(check);
		goto out;
	}
	reg_close(check);
	if (!keyring_level_count(fs.kr))
		fprintf(stderr, "recfs: warning: no level keyring given; every open will fail with ENOKEY\n");
	/* On the terminal, before fuse_daemonize: without syslog a daemon's
	 * recfs_log has nowhere to go. */
	if (!audit_syslog_mirrored())
		fprintf(stderr, "recfs: warning: no syslog at /dev/log: audit entries are kept in the catalog only, "
			"with no copy outside the host\n");

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
	if (mount_dev(o.mountpoint, &dev_major, &dev_minor) == 0) {
		have_dev = 1;
		snapshot_readahead_path(dev_major, dev_minor, readahead_path, sizeof(readahead_path));
	}
	if (!o.foreground) {
		openlog("recfs", LOG_PID, LOG_DAEMON);
		log_to_syslog = 1;
	}
	if (fuse_daemonize(o.foreground) < 0)
		goto out;
	/* Before any thread and any catalog connection (watchdog.h). */
	rc = have_dev ? watchdog_start(dev_minor, scrub_watchdog, &fs, &fs.wd) : -ENODEV;
	if (rc < 0)
		recfs_log(LOG_WARNING, "recfs: warning: no watchdog for %s (%s): if this daemon is killed, "
			  "the mount may hang until its connection is aborted in /sys/fs/fuse/connections",
			  o.mountpoint, strerror(-rc));
	/* The test build can wait here, for a test to replace a public key
	 * between the check above and start_mount's. */
	if ((rc = test_hook_ms("RECFS_TEST_START_DELAY_MS")) > 0) {
		fprintf(stderr, "recfs: test: waiting before start_mount\n");
		usleep((useconds_t)rc * 1000);
	}
	if (start_mount(&fs, reg_dir, o.level, readahead_path, o.audit_fsync, &o.caps) < 0)
		goto out;
	recfs_log(LOG_INFO, "recfs: %s mounted on %s with %zu level key(s)%s%s", reg_dir, o.mountpoint,
		  keyring_level_count(fs.kr), o.level ? ", serving level " : "", o.level ? o.level : "");
	if (o.singlethread)
		rc = fuse_session_loop(fs.se);
	else
		rc = fuse_session_loop_mt(fs.se, &loop);
	/* A positive rc is the signal that ended the loop (SIGTERM, SIGINT,
	 * SIGHUP, fuse_set_signal_handlers): a clean stop, as an unmount is
	 * (atk33 F2: recfs@.service's stop of a busy mount ended "failed"). */
	ret = rc < 0 ? 1 : 0;
out:
	stop_mount(&fs);
	if (mounted)
		fuse_session_unmount(fs.se);
	/* After an abort libfuse takes the mount for gone (snapshot.c). */
	if (mounted && watchdog_aborted(fs.wd) && umount2(mnt_dir, MNT_DETACH) < 0)
		recfs_log(LOG_WARNING, "recfs: the connection was aborted to stop; unmount %s with "
			  "fusermount3 -u", mnt_dir);
	watchdog_stop(fs.wd);
	if (handlers)
		fuse_remove_signal_handlers(fs.se);
	if (fs.se)
		fuse_session_destroy(fs.se);
	recfs_unlogged_stop();
	auditq_free(fs.aq);
	caps_free(fs.caps);
	if (fs.subuids) {
		size_t cached;
		uint64_t lookups;

		subuid_watch_stats(fs.subuids, &cached, &lookups);
		recfs_log(LOG_INFO, "recfs: %llu lookups of callers' uids in %s (libsubid)",
			  (unsigned long long)lookups, SUBUID_PATH);
	}
	subuid_watch_free(fs.subuids);
	caller_cache_free(fs.callers);
	/* After the session: the files the kernel still held open (no release
	 * came for them), their keys wiped. */
	content_set_free(fs.open);
	dek_free(fs.deks);
	ghosts_free(fs.ghosts);
	quiet_free(fs.quiet);
	for (size_t i = 0; i < POLICY_MAX_LANGS; i++)
		free(fs.notice[i]);
	if (fs.reg)
		reg_close(fs.reg);
	keyring_free(fs.kr);
	fuse_opt_free_args(&args);
	free(o.keyrings);
	free(o.passfile);
	free(o.extpass);
	free(o.level);
	free(o.reg_dir);
	free(o.mountpoint);
	return ret;
}
