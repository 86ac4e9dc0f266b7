/*
 * test_passphrase.c - the passphrase sources: a file's first line, a
 * command's first line, the terminal (and its absence), and the bounds.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

#include "passphrase.h"

static char *tmpdir;
static int path_seq;

static char *new_path(void)
{
	return xasprintf("%s/p%d", tmpdir, path_seq++);
}

static void write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	CHECK_EQ(util_write_file_atomic(path, buf, len, mode), 0);
}

TEST(test_passphrase_comes_from_the_first_line_of_a_file)
{
	char *path = new_path();
	struct crypto_key *p = NULL;

	write_file(path, "correct horse\nsecond line\n", 26, 0600);
	CHECK_EQ(passphrase_get(path, NULL, NULL, &p), 0);
	CHECK(p && p->len == 13 && !strcmp((char *)p->bytes, "correct horse"));
	crypto_key_free(p);
	p = NULL;
	write_file(path, "no newline", 10, 0600);
	CHECK_EQ(passphrase_get(path, NULL, NULL, &p), 0);
	CHECK(p && p->len == 10 && !strcmp((char *)p->bytes, "no newline"));
	crypto_key_free(p);
	p = NULL;
	write_file(path, "\nx\n", 3, 0600);
	CHECK_EQ(passphrase_get(path, NULL, NULL, &p), -EINVAL);
	free(path);
	path = new_path();
	CHECK_EQ(passphrase_get(path, NULL, NULL, &p), -ENOENT);
	CHECK(p == NULL);
	free(path);
}

TEST(test_passphrase_comes_from_the_first_line_of_a_command)
{
	struct crypto_key *p = NULL;

	CHECK_EQ(passphrase_get(NULL, "printf 'correct horse\\nrest\\n'; echo more", NULL, &p), 0);
	CHECK(p && p->len == 13 && !strcmp((char *)p->bytes, "correct horse"));
	crypto_key_free(p);
	p = NULL;
	CHECK(passphrase_get(NULL, "echo secret; exit 3", NULL, &p) < 0);
	CHECK(p == NULL);
}

TEST(test_passphrase_prompt_without_a_terminal_is_enotty)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		struct crypto_key *p = NULL;
		int rc;

		setsid(); /* no controlling terminal from here on */
		rc = passphrase_get(NULL, NULL, "Passphrase: ", &p);
		_exit(rc < 0 ? -rc : 0);
	}
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), ENOTTY);
}

TEST(test_passphrase_of_passphrase_max_bytes_is_taken_a_longer_one_refused_and_cr_dropped)
{
	char *path = new_path(), *line = xcalloc(1, PASSPHRASE_MAX + 2);
	struct crypto_key *p = NULL;

	memset(line, 'x', PASSPHRASE_MAX);
	line[PASSPHRASE_MAX] = '\n';
	write_file(path, line, PASSPHRASE_MAX + 1, 0600);
	CHECK_EQ(passphrase_get(path, NULL, NULL, &p), 0);
	CHECK(p && p->len == PASSPHRASE_MAX && strlen((char *)p->bytes) == PASSPHRASE_MAX);
	crypto_key_free(p);
	p = NULL;
	line[PASSPHRASE_MAX] = 'x';
	write_file(path, line, PASSPHRASE_MAX + 1, 0600);
	CHECK_EQ(passphrase_get(path, NULL, NULL, &p), -EINVAL);
	CHECK(p == NULL);
	write_file(path, "dos line\r\n", 10, 0600);
	CHECK_EQ(passphrase_get(path, NULL, NULL, &p), 0);
	CHECK(p && p->len == 8 && !strcmp((char *)p->bytes, "dos line"));
	crypto_key_free(p);
	free(line);
	free(path);
}

int main(void)
{
	if (crypto_setup())
		return 1;
	tmpdir = t_mkdtemp("passphrase");
	if (!tmpdir)
		return 1;
	RUN(test_passphrase_comes_from_the_first_line_of_a_file);
	RUN(test_passphrase_comes_from_the_first_line_of_a_command);
	RUN(test_passphrase_prompt_without_a_terminal_is_enotty);
	RUN(test_passphrase_of_passphrase_max_bytes_is_taken_a_longer_one_refused_and_cr_dropped);
	util_remove_tree(tmpdir);
	free(tmpdir);
	T_DONE();
}
