/*
 * watchdog.c - the child that aborts the mount's FUSE connection when the
 * daemon dies without saying goodbye (watchdog.h).
 *
 * Protocol: one pipe from the daemon to the child.  The daemon writes
 * BYE when it stops cleanly, after its threads are joined; the child then
 * exits without acting.  The child acts on the first of: PR_SET_PDEATHSIG
 * (the forking thread, the one that runs the session loop, is gone), end
 * of file on the pipe (the whole daemon is gone), or a parent that had
 * died before the signal was armed; in each case unless BYE is in the
 * pipe.  Acting is one write to the abort file, harmless on a connection
 * that is already aborted or gone.  Invariants: the child never touches
 * the mount point or anything below it (that would block on the dead
 * daemon), it holds only its three descriptors (abort file, pipe,
 * signalfd) and stderr, and it ignores the terminal's and the service
 * manager's polite signals: only the daemon's end frees it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "recfs_i.h"
#include "watchdog.h"

#define FUSECTL_DIR "/sys/fs/fuse/connections"
#define FUSECTL_SUPER_MAGIC 0x65735543
#define BYE 'b'

struct watchdog {
	pid_t pid;
	int bye_fd;		/* the pipe's write end */
	int abort_fd;		/* the daemon's own copy, for watchdog_abort */
	unsigned conn;
	int aborted;		/* watchdog_abort wrote to abort_fd */
};

/* The abort file of conn, write-only; fusectl is mounted when missing and
 * we are root (systemd mounts it at boot; a bare system may not). */
static int open_abort(unsigned conn)
{
	char path[64];
	struct statfs sf;
	int fd;

	snprintf(path, sizeof(path), FUSECTL_DIR "/%u/abort", conn);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	if (statfs(FUSECTL_DIR, &sf) == 0 && sf.f_type == FUSECTL_SUPER_MAGIC)
		return -ENOENT;	/* mounted, and no such connection */
	if (mount("fusectl", FUSECTL_DIR, "fusectl", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -ENOENT;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

static int cmp_fd(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Close every descriptor from 3 up but the n in keep (reordered; -1s are
 * skipped). */
static void close_others(int *keep, size_t n)
{
	unsigned from = 3;

	qsort(keep, n, sizeof(*keep), cmp_fd);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			(void)close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	(void)close_range(from, ~0U, 0);
}

/* 1 when the daemon said goodbye; never blocks. */
static int said_bye(int fd)
{
	char c;
	ssize_t n;

	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1 && c == BYE;
}

static void __attribute__((noreturn)) child(pid_t parent, unsigned conn, int abort_fd, int bye_fd)
{
	struct pollfd pfd[2];
	sigset_t set;
	int sfd, keep[3];
	char c;
	ssize_t n;

	(void)prctl(PR_SET_NAME, "recfs-watchdog");
	(void)prctl(PR_SET_DUMPABLE, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (prctl(PR_SET_PDEATHSIG, SIGUSR1) < 0 || sfd < 0)
		recfs_log(LOG_ERR, "recfs: watchdog cannot watch the daemon: %s", strerror(errno));
	keep[0] = abort_fd;
	keep[1] = bye_fd;
	keep[2] = sfd;
	closelog();	/* its socket goes with the others; reopened when used */
	close_others(keep, 3);

	if (getppid() == parent) {
		pfd[0] = (struct pollfd){ .fd = bye_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (;;) {
			if (poll(pfd, sfd >= 0 ? 2 : 1, -1) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (pfd[0].revents) {
				n = read(bye_fd, &c, 1);
				if (n < 0 && errno == EINTR)
					continue;
				if (n == 1 && c == BYE)
					_exit(0);
				break;	/* end of file: the daemon is gone */
			}
			if (pfd[1].revents)
				break;	/* the daemon's loop thread is gone */
		}
	}
	if (said_bye(bye_fd))
		_exit(0);
	if (write(abort_fd, "1", 1) == 1)
		recfs_log(LOG_ERR, "recfs: the daemon died without unmounting; FUSE connection %u aborted, "
			  "so the mount can be unmounted (umount or fusermount3 -u)", conn);
	_exit(0);
}

int watchdog_start(unsigned conn, void (*scrub)(void *arg), void *arg, struct watchdog **out)
{
	struct watchdog *w = calloc(1, sizeof(*w));
	int p[2] = { -1, -1 }, child_fd = -1, rc;
	pid_t parent = getpid(), pid;

	if (!w)
		return -ENOMEM;
	w->conn = conn;
	w->bye_fd = -1;
	w->abort_fd = open_abort(conn);
	if (w->abort_fd < 0) {
		rc = w->abort_fd;
		goto out;
	}
	child_fd = fcntl(w->abort_fd, F_DUPFD_CLOEXEC, 3);
	if (child_fd < 0 || pipe2(p, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		goto out;
	}
	if (pid == 0) {
		close(p[1]);
		close(w->abort_fd);
		if (scrub)
			scrub(arg);
		child(parent, conn, child_fd, p[0]);
	}
	w->pid = pid;
	w->bye_fd = p[1];
	p[1] = -1;
	*out = w;
	w = NULL;
	rc = 0;
out:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	if (child_fd >= 0)
		close(child_fd);
	if (w && w->abort_fd >= 0)
		close(w->abort_fd);
	free(w);
	return rc;
}

void watchdog_abort(struct watchdog *w)
{
	if (!w)
		return;
	if (write(w->abort_fd, "1", 1) == 1)
		w->aborted = 1;
	else
		recfs_log(LOG_WARNING, "recfs: cannot abort FUSE connection %u: %s", w->conn, strerror(errno));
}

int watchdog_aborted(const struct watchdog *w)
{
	return w && w->aborted;
}

void watchdog_stop(struct watchdog *w)
{
	const char bye = BYE;

	if (!w)
		return;
	if (write(w->bye_fd, &bye, 1) != 1)
		recfs_log(LOG_WARNING, "recfs: cannot say goodbye to the watchdog: %s", strerror(errno));
	close(w->bye_fd);
	close(w->abort_fd);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(w);
}
