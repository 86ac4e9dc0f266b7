/*
 * passphrase.c - a passphrase from a file, from a command's output, or from
 * the terminal with echo off (the sources in passphrase.h).
 *
 * Invariants: the passphrase is only ever read into guarded memory (one
 * crypto_key of PASSPHRASE_MAX + 1 bytes), never into a stack or malloc'd
 * buffer; what follows its first line is wiped, and so is what a command
 * prints after it.  The terminal's echo is restored on every path once it
 * was turned off.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "passphrase.h"

/*
 * Read from fd into buf (PASSPHRASE_MAX + 1 bytes) until a newline or end of
 * input; *len becomes the length of the first line.  -E2BIG when the first
 * line does not fit.
 */
static int read_first_line(int fd, uint8_t *buf, size_t *len)
{
	size_t got = 0;
	uint8_t *nl = NULL;

	while (got < PASSPHRASE_MAX + 1) {
		ssize_t n = read(fd, buf + got, PASSPHRASE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		nl = memchr(buf + got, '\n', (size_t)n);
		got += (size_t)n;
		if (nl)
			break;
	}
	if (!nl)
		nl = memchr(buf, '\n', got);
	if (!nl && got > PASSPHRASE_MAX)
		return -E2BIG;
	*len = nl ? (size_t)(nl - buf) : got;
	if (*len && buf[*len - 1] == '\r')
		(*len)--;
	crypto_memzero(buf + *len, PASSPHRASE_MAX + 1 - *len);
	return 0;
}

static int pass_from_file(const char *passfile, uint8_t *buf, size_t *len)
{
	int fd = open(passfile, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return meta_fail(-errno, "cannot open passphrase file %s: %s", passfile, strerror(errno));
	rc = read_first_line(fd, buf, len);
	close(fd);
	return rc;
}

char *passphrase_file_warning(const char *passfile)
{
	struct stat st;

	if (stat(passfile, &st) < 0 || !(st.st_mode & (S_IRGRP | S_IROTH)))
		return NULL;
	return xasprintf("passphrase file %s is mode %04o, readable by %s; chmod 600 it", passfile,
			 (unsigned)(st.st_mode & 07777),
			 (st.st_mode & S_IRGRP) && (st.st_mode & S_IROTH) ? "group and others"
			 : st.st_mode & S_IRGRP ? "its group" : "others");
}

static int pass_from_command(const char *extpass, uint8_t *buf, size_t *len)
{
	uint8_t drain[256];
	int p[2] = { -1, -1 }, status, rc;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(p[0]);
		close(p[1]);
		return rc;
	}
	if (pid == 0) {
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", extpass, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	rc = read_first_line(p[0], buf, len);
	/* Let the command finish writing; what follows the line is unused. */
	for (;;) {
		ssize_t n = read(p[0], drain, sizeof(drain));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
	}
	crypto_memzero(drain, sizeof(drain));
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return rc ? rc : -errno;
	}
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = meta_fail(-EIO, "passphrase command failed (exit status %d)",
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return rc;
}

static int pass_from_tty(const char *prompt, uint8_t *buf, size_t *len)
{
	struct termios old, quiet;
	int fd, rc;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return meta_fail(-ENOTTY, "no terminal to ask for the passphrase; use a passphrase file");
	if (tcgetattr(fd, &old) < 0) {
		close(fd);
		return meta_fail(-ENOTTY, "no terminal to ask for the passphrase; use a passphrase file");
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ICANON;
	if (prompt)
		(void)!util_write_all(fd, prompt, strlen(prompt));
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0) {
		rc = -errno;
		goto out;
	}
	rc = read_first_line(fd, buf, len);
	tcsetattr(fd, TCSAFLUSH, &old);
	(void)!util_write_all(fd, "\n", 1);
out:
	crypto_memzero(&quiet, sizeof(quiet));
	close(fd);
	return rc;
}

int passphrase_get(const char *passfile, const char *extpass, const char *prompt, struct crypto_key **out)
{
	struct crypto_key *buf;
	size_t len = 0;
	int rc;

	buf = crypto_key_new(PASSPHRASE_MAX + 1, 0);
	if (!buf)
		return -ENOMEM;
	if (passfile)
		rc = pass_from_file(passfile, buf->bytes, &len);
	else if (extpass)
		rc = pass_from_command(extpass, buf->bytes, &len);
	else
		rc = pass_from_tty(prompt, buf->bytes, &len);
	if (rc == -E2BIG)
		rc = meta_fail(-EINVAL, "passphrase longer than %d bytes", PASSPHRASE_MAX);
	if (rc == 0 && len == 0)
		rc = meta_fail(-EINVAL, "empty passphrase");
	if (rc) {
		crypto_key_free(buf);
		return rc;
	}
	buf->bytes[len] = '\0';
	buf->len = len; /* the allocation stays PASSPHRASE_MAX + 1; crypto_key_free wipes it all */
	*out = buf;
	return 0;
}
