/* Unit tests of meta/request: a request is due a month after receipt,
 * extends once by two months and only within the first month, closes
 * once, shows up as overdue, and keeps its free texts out of the audit
 * log. */
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog_i.h"
#include "crypto.h"
#include "ingest.h"
#include "request.h"
#include "subject.h"
#include "t.h"
#include "t_reg.h"

static char *dir;
static struct reg *reg;
static struct keyring *secrets;
static struct audit_actor actor;
static char handle[CATALOG_HANDLE_MAX];

static int count_cb(const struct cat_request *q, void *ctx)
{
	(void)q;
	(*(int *)ctx)++;
	return 0;
}

static int n_of(enum request_filter f)
{
	int n = 0;

	CHECK_EQ(request_each(reg, f, count_cb, &n), 0);
	return n;
}

/*
 * A request's texts are shown by request show and in the answer letters:
 * none holds a character that acts on a terminal or reorders what is
 * shown, by the one rule of util.c (util_find_control): C0, DEL, C1, a
 * line separator, a bidirectional override or isolate; nor bytes that are
 * not UTF-8.  Nothing of such a request is kept.
 */
TEST(test_request_texts_hold_no_control_character_of_any_kind)
{
	static const char *const bad[] = { "pass\x1b[2Jport", "pass\tport", "pass\x7fport", "pass\xc2\x9bport",
					   "pass\xe2\x80\xaeport", "pass\xe2\x81\xa6port", "pass\xe2\x80\xa8port",
					   "pass\xffport" };
	struct request_in in = { .type = "access", .handle = handle };
	int n = t_count(reg, "SELECT count(*) FROM request");
	int64_t id;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(request_new(reg, &actor, "access", handle, bad[i], &id), -EINVAL);
		CHECK(strstr(meta_errmsg(), "verified_by (how the identity was checked) holds control characters"));
		in.requester = bad[i];
		CHECK_EQ(request_receive(reg, &actor, &in, &id), -EINVAL);
		CHECK(strstr(meta_errmsg(), "the requester holds control characters"));
	}
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM request"), n);
}

TEST(test_request_new_is_due_one_month_after_receipt)
{
	struct cat_request q;
	int64_t id, t;

	CHECK_EQ(request_new(reg, &actor, "deletion", handle, "passport", &id), -EINVAL);
	CHECK_EQ(request_new(reg, &actor, "access", "S-NOSUCH", "passport", &id), -ENOENT);
	CHECK_EQ(request_new(reg, &actor, "access", handle, "", &id), -EINVAL);
	CHECK_EQ(request_new(reg, &actor, "access", handle, "passport seen by Liisa Tarkka", &id), 0);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_STR(q.type, "access");
	CHECK_STR(q.handle, handle);
	CHECK_EQ(util_parse_time("2026-01-31T09:00:00Z", &t), 0);
	CHECK_EQ(q.received, t);
	CHECK_EQ(util_parse_time("2026-02-28T09:00:00Z", &t), 0);
	CHECK_EQ(q.due, t);
	CHECK_EQ(q.closed, 0);
	cat_request_clear(&q);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE "
			      "action='request-new' AND reason LIKE 'request=1 type=access%'"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE reason LIKE '%Liisa%'"), 0);
}

TEST(test_request_open_for_names_the_oldest_open_request)
{
	int64_t id;

	CHECK_EQ(request_open_for(reg, handle, &id), 0);
	CHECK_EQ(id, 1);
	CHECK_EQ(request_open_for(reg, "S-NOSUCH", &id), -ENOENT);
}

TEST(test_request_extends_once_by_two_months)
{
	struct cat_request q;
	int64_t t;

	CHECK_EQ(request_extend(reg, &actor, 1, ""), -EINVAL);
	CHECK_EQ(request_extend(reg, &actor, 99, "complex"), -ENOENT);
	CHECK_EQ(request_extend(reg, &actor, 1, "many recordings to review"), 0);
	CHECK_EQ(request_get(reg, 1, &q), 0);
	CHECK_EQ(util_parse_time("2026-04-28T09:00:00Z", &t), 0);
	CHECK_EQ(q.due, t);
	CHECK_STR(q.extended_reason, "many recordings to review");
	cat_request_clear(&q);
	CHECK_EQ(request_extend(reg, &actor, 1, "again"), -EALREADY);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE "
			      "action='request-extend' AND reason='request=1 due=2026-04-28'"), 1);
}

TEST(test_request_past_due_cannot_be_extended_and_is_overdue)
{
	int64_t id;

	CHECK_EQ(request_new(reg, &actor, "erasure", handle, "phone call back", &id), 0);
	CHECK_EQ(n_of(REQUEST_OVERDUE), 0);
	setenv("RECFS_NOW", "2026-03-15T00:00:00Z", 1);
	CHECK_EQ(n_of(REQUEST_OVERDUE), 1);	/* #2; #1 was extended */
	CHECK_EQ(request_extend(reg, &actor, id, "late"), -EINVAL);
	CHECK_EQ(n_of(REQUEST_OPEN), 2);
}

TEST(test_request_closes_once)
{
	struct cat_request q;

	CHECK_EQ(request_close(reg, &actor, 2, ""), -EINVAL);
	CHECK_EQ(request_close(reg, &actor, 2, "erased 3 recordings"), 0);
	CHECK_EQ(request_close(reg, &actor, 2, "again"), -EALREADY);
	CHECK_EQ(request_extend(reg, &actor, 2, "x"), -EINVAL);
	CHECK_EQ(request_get(reg, 2, &q), 0);
	CHECK(q.closed != 0);
	CHECK_STR(q.outcome, "erased 3 recordings");
	cat_request_clear(&q);
	CHECK_EQ(n_of(REQUEST_OVERDUE), 0);
	CHECK_EQ(n_of(REQUEST_ALL), 2);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE "
			      "action='request-close' AND reason='request=2 late'"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE reason LIKE '%erased 3%'"), 0);
	CHECK_EQ(audit_verify(reg->cat, NULL, util_now(), &(struct audit_report){ 0 }), 0);
}

static int64_t day(const char *iso)
{
	int64_t t = 0;

	CHECK_EQ(util_parse_date(iso, &t), 0);
	return t;
}

TEST(test_request_received_earlier_is_due_a_month_after_that_day_and_never_in_the_future)
{
	struct request_in in = { .type = "direct-marketing-ban", .handle = handle, .channel = "post" };
	struct cat_request q;
	int64_t id;

	setenv("RECFS_NOW", "2026-03-20T12:00:00Z", 1);
	in.received = day("2026-03-21");
	CHECK_EQ(request_receive(reg, &actor, &in, &id), -EINVAL);
	in.channel = "pigeon";
	in.received = day("2026-03-02");
	CHECK_EQ(request_receive(reg, &actor, &in, &id), -EINVAL);
	in.channel = "post";
	CHECK_EQ(request_receive(reg, &actor, &in, &id), 0);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_EQ(q.received, day("2026-03-02"));
	CHECK_EQ(q.due, day("2026-04-02"));
	CHECK_STR(request_state_of(&q), REQUEST_RECEIVED);
	CHECK_STR(q.channel, "post");
	CHECK(q.verified_by == NULL);
	cat_request_clear(&q);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='request-new' AND "
			      "reason='request=3 type=direct-marketing-ban state=received due=2026-04-02'"), 1);
}

TEST(test_request_waiting_for_the_requester_restarts_the_month_when_the_answer_arrives)
{
	struct cat_request q;

	CHECK_EQ(request_proceed(reg, &actor, 3, day("2026-03-10"), NULL), 0);	/* from received: due stays */
	CHECK_EQ(request_get(reg, 3, &q), 0);
	CHECK_EQ(q.due, day("2026-04-02"));
	CHECK_STR(request_state_of(&q), REQUEST_IN_PROGRESS);
	cat_request_clear(&q);
	/* In progress, nothing is awaited any more. */
	CHECK_EQ(request_await(reg, &actor, 3, REQUEST_AWAITING_IDENTITY), -EINVAL);
	CHECK_EQ(request_await(reg, &actor, 3, "in-progress"), -EINVAL);
	CHECK_EQ(request_proceed(reg, &actor, 3, 0, NULL), -EINVAL);
	CHECK_EQ(request_await(reg, &actor, 99, REQUEST_AWAITING_IDENTITY), -ENOENT);
}

TEST(test_request_identity_then_clarification_then_progress)
{
	struct request_in in = { .type = "access", .handle = handle, .channel = "email" };
	struct cat_request q;
	int64_t id;

	in.received = day("2026-03-01");
	CHECK_EQ(request_receive(reg, &actor, &in, &id), 0);
	CHECK_EQ(request_await(reg, &actor, id, REQUEST_AWAITING_IDENTITY), 0);
	CHECK_EQ(request_extend(reg, &actor, id, "complex"), -EINVAL);	/* waiting: nothing to extend */
	/* Leaving awaiting-identity needs the check it waited for. */
	CHECK_EQ(request_proceed(reg, &actor, id, day("2026-03-10"), NULL), -EINVAL);
	/* naming the option that gives it */
	CHECK(strstr(meta_errmsg(), "say how it was checked (--verified-by TEXT)") != NULL);
	CHECK_EQ(request_await(reg, &actor, id, REQUEST_AWAITING_CLARIFICATION), 0);
	CHECK_EQ(request_proceed(reg, &actor, id, day("2026-02-27"), "passport"), -EINVAL);	/* before receipt */
	CHECK_EQ(request_proceed(reg, &actor, id, day("2026-03-21"), "passport"), -EINVAL);	/* future */
	CHECK_EQ(request_proceed(reg, &actor, id, day("2026-03-12"), "passport"), 0);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_EQ(q.counted_from, day("2026-03-12"));
	CHECK_EQ(q.due, day("2026-04-12"));
	CHECK_STR(q.verified_by, "passport");
	cat_request_clear(&q);
	CHECK_EQ(request_extend(reg, &actor, id, "many recordings"), 0);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_EQ(q.due, day("2026-06-12"));
	CHECK_STR(request_state_of(&q), REQUEST_EXTENDED);
	cat_request_clear(&q);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='request-state' AND "
			      "reason='request=4 state=in-progress due=2026-04-12'"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE reason LIKE '%passport%'"), 0);
}

TEST(test_request_refusal_needs_its_ground_and_no_data_needs_no_subject)
{
	struct cat_request q;

	CHECK_EQ(request_finish(reg, &actor, 4, "refused", NULL, NULL), -EINVAL);
	CHECK_EQ(request_finish(reg, &actor, 4, "granted", "Art. 12(5)", NULL), -EINVAL);
	CHECK_EQ(request_finish(reg, &actor, 4, "no-data", "Art. 12(5)", NULL), -EINVAL);
	CHECK_EQ(request_finish(reg, &actor, 4, "partly-granted", "", NULL), -EINVAL);
	CHECK_EQ(request_finish(reg, &actor, 4, "answered", NULL, NULL), -EINVAL);
	CHECK_EQ(request_finish(reg, &actor, 4, "no-data", NULL, NULL), -EINVAL);
	CHECK_EQ(request_finish(reg, &actor, 4, "refused", "Art. 12(5): manifestly unfounded", "told by letter"), 0);
	CHECK_EQ(request_finish(reg, &actor, 4, "granted", NULL, NULL), -EALREADY);
	CHECK_EQ(request_get(reg, 4, &q), 0);
	CHECK_STR(request_state_of(&q), REQUEST_CLOSED);
	CHECK_STR(q.outcome, "refused");
	CHECK_STR(q.ground, "Art. 12(5): manifestly unfounded");
	CHECK_STR(q.note, "told by letter");
	cat_request_clear(&q);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='request-close' AND "
			      "reason='request=4 state=closed outcome=refused'"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE reason LIKE '%unfounded%'"), 0);
}

TEST(test_request_of_someone_not_in_the_register_is_sealed_then_linked)
{
	struct request_in in = { .type = "erasure", .requester = "Oona Outsider, oona@example.fi" };
	struct cat_request q;
	char *text = NULL;
	int64_t id, id2;

	CHECK_EQ(request_receive(reg, &actor, &(struct request_in){ .type = "erasure" }, &id), -EINVAL);
	CHECK_EQ(request_receive(reg, &actor, &in, &id), 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM request WHERE handle = '' AND requester IS NOT NULL"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE action='request-new' AND object IS NULL"), 1);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK(q.handle == NULL);
	CHECK_EQ(request_read_requester(reg, NULL, &q, &text), -ENOKEY);
	CHECK_EQ(request_read_requester(reg, secrets, &q, &text), 0);
	CHECK_STR(text, "Oona Outsider, oona@example.fi");
	crypto_memzero(text, strlen(text));
	free(text);
	cat_request_clear(&q);
	CHECK_EQ(request_link(reg, &actor, id, "S-NOSUCH"), -ENOENT);
	CHECK_EQ(request_link(reg, &actor, id, handle), 0);
	CHECK_EQ(request_link(reg, &actor, id, handle), -EALREADY);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_STR(q.handle, handle);
	cat_request_clear(&q);
	/* One that stays unknown closes with no data. */
	CHECK_EQ(request_receive(reg, &actor, &in, &id2), 0);
	CHECK_EQ(request_finish(reg, &actor, id2, "no-data", NULL, "nothing found by phone or e-mail"), 0);
	CHECK_EQ(request_link(reg, &actor, id2, handle), -EINVAL);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM audit WHERE reason LIKE '%Oona%' OR reason LIKE '%example.fi%'"),
		 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM request WHERE verified_by LIKE '%Oona%'"), 0);
	CHECK_EQ(audit_verify(reg->cat, NULL, util_now(), &(struct audit_report){ 0 }), 0);
}

TEST(test_request_expire_drops_closed_requests_before_the_limit_with_their_requester)
{
	size_t n = 0;
	int before = t_count(reg, "SELECT count(*) FROM request");

	struct catalog *writer = NULL;
	char *path = xasprintf("%s/reg/catalog.db", dir);
	time_t t0;

	/* A dry run only reads: it does not wait for another writer. */
	CHECK_EQ(catalog_open(path, 0, &writer), 0);
	CHECK_EQ(catalog_begin(writer), 0);
	t0 = time(NULL);
	CHECK_EQ(request_expire(reg, util_now() + 1, 1, &n), 0);	/* dry run */
	CHECK(time(NULL) - t0 < 5);
	catalog_rollback(writer);
	catalog_close(writer);
	free(path);
	CHECK_EQ(n, 3);	/* #2, #4 and #6 are closed */
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM request"), before);
	CHECK_EQ(request_expire(reg, util_now() + 1, 0, &n), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM request"), before - 3);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM request WHERE closed IS NOT NULL"), 0);
	/* #6's requester record went with it, #5's stays. */
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM record WHERE id IN (SELECT requester FROM request)"), 1);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM record r WHERE r.owner IS NULL AND r.id NOT IN "
			      "(SELECT requester FROM request WHERE requester IS NOT NULL) AND r.id NOT IN "
			      "(SELECT card FROM subject) AND r.id NOT IN (SELECT details_id FROM recording)"), 0);
}

/* The numbers of requests expired are not given again: a new request N
 * would read the audit entries of the old N (another person's erasures)
 * into its letter. */
TEST(test_request_numbers_of_expired_requests_are_never_given_again)
{
	int64_t a = 0, b = 0, c = 0, d = 0;
	size_t n = 0;

	CHECK_EQ(request_new(reg, &actor, "access", handle, "passport", &a), 0);
	CHECK_EQ(request_new(reg, &actor, "erasure", handle, "passport", &b), 0);
	CHECK_EQ(request_new(reg, &actor, "erasure", handle, "passport", &c), 0);
	CHECK(a < b && b < c);
	CHECK_EQ(request_finish(reg, &actor, b, "granted", NULL, NULL), 0);
	CHECK_EQ(request_finish(reg, &actor, c, "granted", NULL, NULL), 0);
	CHECK_EQ(request_expire(reg, util_now() + 1, 0, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(request_new(reg, &actor, "erasure", handle, "passport", &d), 0);
	CHECK(d > c);
	CHECK_EQ(request_finish(reg, &actor, a, "granted", NULL, NULL), 0);
	CHECK_EQ(request_finish(reg, &actor, d, "granted", NULL, NULL), 0);
}

TEST(test_request_rows_older_than_the_lifecycle_read_as_what_they_were)
{
	struct cat_request q;
	int64_t id;
	char *forget;

	CHECK_EQ(request_new(reg, &actor, "objection", handle, "passport", &id), 0);
	forget = xasprintf("UPDATE request SET state = NULL WHERE id = %lld", (long long)id);
	CHECK_EQ(catalog_exec(reg->cat, forget), 0);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_STR(request_state_of(&q), REQUEST_IN_PROGRESS);
	cat_request_clear(&q);
	CHECK_EQ(request_extend(reg, &actor, id, "many recordings"), 0);
	CHECK_EQ(catalog_exec(reg->cat, forget), 0);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_STR(request_state_of(&q), REQUEST_EXTENDED);
	cat_request_clear(&q);
	CHECK_EQ(request_finish(reg, &actor, id, "partly-granted", "Art. 21(1): compelling grounds for one call", NULL),
		 0);
	CHECK_EQ(catalog_exec(reg->cat, forget), 0);
	CHECK_EQ(request_get(reg, id, &q), 0);
	CHECK_STR(request_state_of(&q), REQUEST_CLOSED);
	CHECK_STR(q.ground, "Art. 21(1): compelling grounds for one call");
	cat_request_clear(&q);
	free(forget);
}

/* A requester's description (who asked, how to reach them: sealed) takes
 * up to REQUEST_REQUESTER_MAX = 4096 bytes as recctl(1) says; the texts of
 * the row up to 512; one byte more is refused with the limit named. */
TEST(test_request_requester_takes_4096_bytes_and_the_other_texts_512)
{
	char *big = xcalloc(1, 4098), *text = NULL, *mid = xcalloc(1, 514);
	struct request_in in = { .type = "access" };
	struct cat_request q;
	int n = t_count(reg, "SELECT count(*) FROM request"), got;
	int64_t id = 0;

	memset(big, 'x', 4097);
	memset(mid, 'p', 513);
	in.requester = big;
	CHECK_EQ(request_receive(reg, &actor, &in, &id), -EINVAL);
	CHECK(strstr(meta_errmsg(), "the requester is longer than 4096 bytes"));
	big[4096] = '\0';
	CHECK_EQ(request_receive(reg, &actor, &in, &id), 0);
	got = request_get(reg, id, &q);
	CHECK_EQ(got, 0);
	if (got == 0) {
		CHECK_EQ(request_read_requester(reg, secrets, &q, &text), 0);
		CHECK(text && !strcmp(text, big));
		if (text) {
			crypto_memzero(text, strlen(text));
			free(text);
		}
		cat_request_clear(&q);
	}
	CHECK_EQ(request_new(reg, &actor, "access", handle, mid, &id), -EINVAL);
	CHECK(strstr(meta_errmsg(), "verified_by (how the identity was checked) is longer than 512 bytes"));
	mid[512] = '\0';
	CHECK_EQ(request_new(reg, &actor, "access", handle, mid, &id), 0);
	CHECK_EQ(t_count(reg, "SELECT count(*) FROM request"), n + 2);
	free(big);
	free(mid);
}

int main(void)
{
	static const char manifest[] = "{\"recorded_at\": \"2026-01-02T10:00:00Z\", \"source\": \"customer-service\","
				       " \"subjects\": [{\"phone\": \"+358501\"}], \"audio\": \"a.opus\"}";
	struct ingest_result res;
	char *p, *m;

	setenv("RECFS_NOW", "2026-01-31T09:00:00Z", 1);
	if (!(dir = t_mkdtemp("request")) || t_register(dir, &secrets, &reg))
		return 2;
	audit_self(&actor, NULL);
	p = xasprintf("%s/a.opus", dir);
	m = xasprintf("%s/a.json", dir);
	if (util_copy_file("tests/fixtures/mono.opus", p, 0600) ||
	    util_write_file_atomic(m, manifest, strlen(manifest), 0600) ||
	    ingest_manifest(reg, keyring_index_key(secrets), &actor, m, &res) ||
	    subject_find(reg, keyring_index_key(secrets), "phone", "+358501", handle)) {
		fprintf(stderr, "cannot ingest: %s\n", meta_errmsg());
		return 2;
	}
	free(p);
	free(m);
	RUN(test_request_new_is_due_one_month_after_receipt);
	RUN(test_request_texts_hold_no_control_character_of_any_kind);
	RUN(test_request_open_for_names_the_oldest_open_request);
	RUN(test_request_extends_once_by_two_months);
	RUN(test_request_past_due_cannot_be_extended_and_is_overdue);
	RUN(test_request_closes_once);
	RUN(test_request_received_earlier_is_due_a_month_after_that_day_and_never_in_the_future);
	RUN(test_request_waiting_for_the_requester_restarts_the_month_when_the_answer_arrives);
	RUN(test_request_identity_then_clarification_then_progress);
	RUN(test_request_refusal_needs_its_ground_and_no_data_needs_no_subject);
	RUN(test_request_of_someone_not_in_the_register_is_sealed_then_linked);
	RUN(test_request_expire_drops_closed_requests_before_the_limit_with_their_requester);
	RUN(test_request_numbers_of_expired_requests_are_never_given_again);
	RUN(test_request_rows_older_than_the_lifecycle_read_as_what_they_were);
	RUN(test_request_requester_takes_4096_bytes_and_the_other_texts_512);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
