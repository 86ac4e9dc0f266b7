/* Unit tests of meta/request: a request is due a month after receipt,
 * extends once by two months and only within the first month, closes
 * once, shows up as overdue, and keeps its free texts out of the audit
 * log. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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
	RUN(test_request_open_for_names_the_oldest_open_request);
	RUN(test_request_extends_once_by_two_months);
	RUN(test_request_past_due_cannot_be_extended_and_is_overdue);
	RUN(test_request_closes_once);
	reg_close(reg);
	keyring_free(secrets);
	util_remove_tree(dir);
	T_DONE();
}
