/* Unit tests of meta/subject: normalisation for the blind index. */
#include "subject.h"
#include "t.h"

static const char *norm(const char *kind, const char *in)
{
	static char out[128];

	if (subject_normalise(kind, in, out, sizeof(out)))
		return "(error)";
	return out;
}

TEST(test_subject_phone_numbers_normalise_to_plus_and_digits)
{
	CHECK_STR(norm("phone", "+358 40 123 4567"), "+358401234567");
	CHECK_STR(norm("phone", "00358-40-1234567"), "+358401234567");
	CHECK_STR(norm("phone", " 040 123 4567 "), "0401234567");
	CHECK_STR(norm("phone", "+"), "(error)");
	CHECK_STR(norm("phone", "call me"), "(error)");
}

TEST(test_subject_emails_and_references_fold_case_and_trim)
{
	CHECK_STR(norm("email", "  Matti@Example.FI "), "matti@example.fi");
	CHECK_STR(norm("ref", "CRM-123"), "crm-123");
	CHECK_STR(norm("email", "   "), "(error)");
}

TEST(test_subject_blind_index_differs_by_kind_and_key)
{
	struct crypto_key *k1 = crypto_key_new(CRYPTO_INDEX_KEY_BYTES, 1);
	struct crypto_key *k2 = crypto_key_new(CRYPTO_INDEX_KEY_BYTES, 1);
	uint8_t a[CRYPTO_MAC_BYTES], b[CRYPTO_MAC_BYTES], c[CRYPTO_MAC_BYTES], d[CRYPTO_MAC_BYTES];

	crypto_blind_index(k1, "phone", "+358401234567", a);
	crypto_blind_index(k1, "phone", "+358401234567", b);
	crypto_blind_index(k1, "ref", "+358401234567", c);
	crypto_blind_index(k2, "phone", "+358401234567", d);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK(memcmp(a, c, sizeof(a)) != 0);
	CHECK(memcmp(a, d, sizeof(a)) != 0);
	crypto_key_free(k1);
	crypto_key_free(k2);
}

int main(void)
{
	if (crypto_setup())
		return 2;
	RUN(test_subject_phone_numbers_normalise_to_plus_and_digits);
	RUN(test_subject_emails_and_references_fold_case_and_trim);
	RUN(test_subject_blind_index_differs_by_kind_and_key);
	T_DONE();
}
