/* Unit tests of meta/macpipe: a stream hashed through a pipe, on its
 * thread or not, is crypto_mac_stream's over the same bytes however they
 * are cut and wherever they cross a slot; one pipe serves streams in turn;
 * its thread takes none of the caller's signals. */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto.h"
#include "macpipe.h"
#include "t.h"

#define SLOT MACPIPE_SLOT_BYTES

static struct crypto_key *key;
static uint8_t *data;		/* DATA_MAX bytes of a pattern */
#define DATA_MAX (4 * SLOT + 4099)

static void direct(size_t len, const char *kind, uint8_t out[CRYPTO_MAC_BYTES])
{
	struct crypto_mac_stream *m = crypto_mac_stream_new(key, kind);

	crypto_mac_stream_add(m, data, len);
	crypto_mac_stream_end(m, out);
}

/* len bytes of data into p's new stream of kind, in pieces of the sizes
 * cut[] in turn; its hash. */
static void piped(struct mac_pipe *p, size_t len, const char *kind, const size_t *cut, size_t ncut,
		  uint8_t out[CRYPTO_MAC_BYTES])
{
	size_t off = 0;

	mac_pipe_start(p, crypto_mac_stream_new(key, kind));
	for (size_t i = 0; off < len; i++) {
		size_t n = cut[i % ncut];

		if (n > len - off)
			n = len - off;
		mac_pipe_add(p, data + off, n);
		off += n;
	}
	mac_pipe_end(p, out);
}

static void same_hash_every_way(int threaded)
{
	static const size_t lens[] = { 0, 1, SLOT - 1, SLOT, SLOT + 1, 2 * SLOT, 3 * SLOT + 17, DATA_MAX };
	static const size_t cut_chunk[] = { 4096 };
	static const size_t cut_odd[] = { 1, 4095, 7, SLOT, 3 * SLOT + 5, 0 };
	struct mac_pipe *p = mac_pipe_new(threaded);
	uint8_t want[CRYPTO_MAC_BYTES], got[CRYPTO_MAC_BYTES];

	CHECK(p != NULL);
	if (!p)
		return;
	/* One pipe, every stream in turn: nothing of one is left in the next. */
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		direct(lens[i], "ingest-audio", want);
		piped(p, lens[i], "ingest-audio", cut_chunk, 1, got);
		CHECK(crypto_equal(want, got, sizeof(want)));
		piped(p, lens[i], "ingest-audio", cut_odd, sizeof(cut_odd) / sizeof(cut_odd[0]), got);
		CHECK(crypto_equal(want, got, sizeof(want)));
		/* The kind is in the hash: another kind, another hash. */
		piped(p, lens[i], "other", cut_chunk, 1, got);
		CHECK(!crypto_equal(want, got, sizeof(want)));
	}
	/* A byte changed in the third slot changes the hash. */
	direct(3 * SLOT + 17, "ingest-audio", want);
	data[2 * SLOT + 9] ^= 1;
	piped(p, 3 * SLOT + 17, "ingest-audio", cut_chunk, 1, got);
	data[2 * SLOT + 9] ^= 1;
	CHECK(!crypto_equal(want, got, sizeof(want)));
	mac_pipe_free(p);
}

TEST(test_macpipe_hashes_as_the_stream_does_on_its_thread)
{
	same_hash_every_way(1);
}

TEST(test_macpipe_hashes_as_the_stream_does_without_a_thread)
{
	same_hash_every_way(0);
}

/* A stream cancelled halfway, with a slot in the thread's hands, leaves
 * nothing in the next; a pipe freed with a stream in hand frees it. */
TEST(test_macpipe_cancel_leaves_the_next_stream_whole)
{
	static const size_t cut[] = { 4096 };
	struct mac_pipe *p = mac_pipe_new(1);
	uint8_t want[CRYPTO_MAC_BYTES], got[CRYPTO_MAC_BYTES];

	CHECK(p != NULL);
	if (!p)
		return;
	mac_pipe_start(p, crypto_mac_stream_new(key, "ingest-audio"));
	mac_pipe_add(p, data, 2 * SLOT + 100);
	mac_pipe_cancel(p);
	direct(SLOT + 3, "ingest-audio", want);
	piped(p, SLOT + 3, "ingest-audio", cut, 1, got);
	CHECK(crypto_equal(want, got, sizeof(want)));
	mac_pipe_start(p, crypto_mac_stream_new(key, "ingest-audio"));
	mac_pipe_add(p, data, SLOT + 1);
	mac_pipe_free(p);
	mac_pipe_free(NULL);
}

#define TASKS_MAX 64

/* The ids of this process's threads (at most TASKS_MAX); their count. */
static int tasks(int *ids)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && n < TASKS_MAX)
			ids[n++] = atoi(e->d_name);
	if (d)
		closedir(d);
	return n;
}

/* The threads of this process not among the n of old[], into out[]
 * (at most TASKS_MAX); their count. */
static int tasks_since(const int *old, int n, int *out)
{
	int now[TASKS_MAX], m = tasks(now), k = 0;

	for (int i = 0; i < m; i++) {
		int seen = 0;

		for (int j = 0; j < n; j++)
			seen |= old[j] == now[i];
		if (!seen)
			out[k++] = now[i];
	}
	return k;
}

/* Of the threads that are not among the n of old[]: how many there are,
 * and 1 when each blocks SIGTERM, SIGINT, SIGHUP and SIGCHLD. */
static int new_ones_block_term(const int *old, int n, int *n_new)
{
	int added[TASKS_MAX], all = 1;

	*n_new = tasks_since(old, n, added);
	for (int i = 0; i < *n_new; i++) {
		char path[64], line[128];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%d/status", added[i]);
		if (!(f = fopen(path, "r"))) {
			all = 0;
			continue;
		}
		while (fgets(line, sizeof(line), f)) {
			unsigned long long blk;

			if (sscanf(line, "SigBlk: %llx", &blk) != 1)
				continue;
			/* Signal n is bit n - 1. */
			if (!(blk & (1ULL << (SIGTERM - 1))) || !(blk & (1ULL << (SIGINT - 1))) ||
			    !(blk & (1ULL << (SIGHUP - 1))) || !(blk & (1ULL << (SIGCHLD - 1))))
				all = 0;
		}
		fclose(f);
	}
	return all;
}

/* The thread blocks every signal (recctl watch takes its own from a
 * signalfd, where a thread that took one would lose it), and is gone
 * once the pipe is freed. */
TEST(test_macpipe_thread_takes_no_signal_and_ends_with_the_pipe)
{
	int before[TASKS_MAX], n_before, n;
	sigset_t none, old, now;
	struct mac_pipe *p;

	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, &old);
	n_before = tasks(before);
	p = mac_pipe_new(1);
	CHECK(p != NULL);
	CHECK(new_ones_block_term(before, n_before, &n));
	CHECK_EQ(n, 1);
	mac_pipe_free(p);
	/* pthread_join has returned: the task is gone from /proc. */
	new_ones_block_term(before, n_before, &n);
	CHECK_EQ(n, 0);
	/* The caller's own mask is as it was. */
	pthread_sigmask(SIG_SETMASK, NULL, &now);
	CHECK(!sigismember(&now, SIGTERM));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* The voluntary context switches of thread tid: how often it slept. */
static long switches(int tid)
{
	char path[64], line[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * A stream shorter than a slot (a short call) is hashed on the caller's
 * thread at its end: the pipe's thread is not woken for it, so the caller
 * never waits for that thread to be scheduled (with several ingests at
 * once on two cores, that wait cost more than the hash).  A longer
 * stream does wake it, which shows the count is the thread's.
 */
TEST(test_macpipe_short_streams_leave_the_thread_asleep)
{
	static const size_t cut[] = { 4096 };
	int before[TASKS_MAX], added[TASKS_MAX], n_before, tid = 0;
	uint8_t want[CRYPTO_MAC_BYTES], got[CRYPTO_MAC_BYTES];
	struct mac_pipe *p;
	long s0, s1, s2;

	n_before = tasks(before);
	p = mac_pipe_new(1);
	CHECK(p != NULL);
	if (!p)
		return;
	if (tasks_since(before, n_before, added) == 1)
		tid = added[0];
	CHECK(tid != 0);
	/* Asleep on its condition, once it has started. */
	for (int i = 0; i < 100 && switches(tid) < 1; i++)
		usleep(1000);
	s0 = switches(tid);
	direct(SLOT - 1, "ingest-audio", want);
	for (int i = 0; i < 100; i++) {
		piped(p, SLOT - 1, "ingest-audio", cut, 1, got);
		CHECK(crypto_equal(want, got, sizeof(want)));
	}
	s1 = switches(tid);
	CHECK(s0 >= 1);
	/* Not woken by a hundred short streams (a spurious wake-up or two aside). */
	CHECK(s1 - s0 < 5);
	direct(3 * SLOT + 17, "ingest-audio", want);
	piped(p, 3 * SLOT + 17, "ingest-audio", cut, 1, got);
	CHECK(crypto_equal(want, got, sizeof(want)));
	/* Woken, it sleeps again once it has handed the last slot back,
	 * which may come just after the caller has its hash: waited for (a
	 * thread never woken never counts one more). */
	for (int i = 0; i < 1000 && (s2 = switches(tid)) <= s1; i++)
		usleep(1000);
	CHECK(s2 > s1);
	mac_pipe_free(p);
}

int main(void)
{
	if (crypto_setup())
		return 1;
	key = crypto_key_new(CRYPTO_INDEX_KEY_BYTES, 1);
	data = malloc(DATA_MAX);
	if (!key || !data)
		return 1;
	for (size_t i = 0; i < DATA_MAX; i++)
		data[i] = (uint8_t)(i * 131 + (i >> 9));
	RUN(test_macpipe_hashes_as_the_stream_does_on_its_thread);
	RUN(test_macpipe_hashes_as_the_stream_does_without_a_thread);
	RUN(test_macpipe_cancel_leaves_the_next_stream_whole);
	RUN(test_macpipe_thread_takes_no_signal_and_ends_with_the_pipe);
	RUN(test_macpipe_short_streams_leave_the_thread_asleep);
	free(data);
	crypto_key_free(key);
	T_DONE();
}
