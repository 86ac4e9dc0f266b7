/*
 * test_naming.c - meta/naming: the stem, the artifact names of the mount
 * and the export, and the one extension rule ingest stores by.
 */
#include "t.h"

#include "naming.h"

/* 2026-11-28T10:15:00Z */
#define T_RECORDED 1795860900

static struct cat_recording recording(const char *source)
{
	struct cat_recording r = { .recorded_at = T_RECORDED, .source = (char *)source };

	snprintf(r.id, sizeof(r.id), "%s", "1f3a9c2e5b7d4e6f8a0b1c2d3e4f5a6b");
	return r;
}

TEST(test_naming_stem_is_stamp_source_and_eight_hex_digits)
{
	struct cat_recording r = recording("customer-service");
	char stem[NAMING_STEM_MAX];

	naming_stem(stem, &r);
	CHECK_STR(stem, "20261128T101500Z_customer-service_1f3a9c2e");
}

TEST(test_naming_stem_never_leaves_its_folder)
{
	const char *sources[] = { "../etc", "..", ".", "", NULL };
	const char *want[] = { "20261128T101500Z_.._etc_1f3a9c2e", "20261128T101500Z___1f3a9c2e",
			       "20261128T101500Z___1f3a9c2e", "20261128T101500Z___1f3a9c2e",
			       "20261128T101500Z___1f3a9c2e" };
	char stem[NAMING_STEM_MAX];

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		struct cat_recording r = recording(sources[i]);

		naming_stem(stem, &r);
		CHECK_STR(stem, want[i]);
		CHECK(!strchr(stem, '/'));
	}
}

TEST(test_naming_stem_cuts_a_long_source)
{
	char source[200], stem[NAMING_STEM_MAX];
	struct cat_recording r;

	memset(source, 'a', sizeof(source) - 1);
	source[sizeof(source) - 1] = '\0';
	r = recording(source);
	naming_stem(stem, &r);
	CHECK_EQ(strlen(stem), 16 + 1 + NAMING_STEM_SOURCE_LEN + 1 + 8);
	CHECK(!strcmp(stem + strlen(stem) - 9, "_1f3a9c2e"));
}

TEST(test_naming_artifacts_by_role)
{
	char name[NAMING_NAME_MAX];
	const char *stem = "20261128T101500Z_customer-service_1f3a9c2e";

	naming_artifact(name, stem, "audio", 0, "opus");
	CHECK_STR(name, "20261128T101500Z_customer-service_1f3a9c2e.opus");
	naming_artifact(name, stem, "chat", 0, "txt");
	CHECK_STR(name, "20261128T101500Z_customer-service_1f3a9c2e.chat.txt");
	naming_artifact(name, stem, "file", 1, "pdf");
	CHECK_STR(name, "20261128T101500Z_customer-service_1f3a9c2e.1.pdf");
	naming_artifact(name, stem, NULL, 12, "pptx");
	CHECK_STR(name, "20261128T101500Z_customer-service_1f3a9c2e.12.pptx");
	naming_wav(name, stem);
	CHECK_STR(name, "20261128T101500Z_customer-service_1f3a9c2e.wav");
}

TEST(test_naming_label_is_the_name_after_the_stem_with_chat_for_the_transcript)
{
	char label[NAMING_LABEL_MAX];

	naming_label(label, "audio", 0, "opus");
	CHECK_STR(label, "opus");
	naming_label(label, "chat", 0, "txt");
	CHECK_STR(label, "chat");
	naming_label(label, "file", 1, "PDF");
	CHECK_STR(label, "1.pdf");
	naming_label(label, "file", 3, "../x");
	CHECK_STR(label, "3.bin");
	CHECK_STR(NAMING_LABEL_WAV, "wav");
}

TEST(test_naming_artifact_extension_from_the_catalog_is_sanitised)
{
	char name[NAMING_NAME_MAX];

	naming_artifact(name, "S", "file", 2, "../../x");
	CHECK_STR(name, "S.2.bin");
	naming_artifact(name, "S", "file", 2, "PDF");
	CHECK_STR(name, "S.2.pdf");
	naming_artifact(name, "S", "file", 2, NULL);
	CHECK_STR(name, "S.2.bin");
	naming_artifact(name, "S", "file", 2, "");
	CHECK_STR(name, "S.2.bin");
}

TEST(test_naming_ext_allows_the_systems_file_types_of_up_to_eight_letters_or_digits)
{
	char e[NAMING_EXT_MAX];

	naming_ext(e, "pdf");
	CHECK_STR(e, "pdf");
	naming_ext(e, "Mp4");
	CHECK_STR(e, "mp4");
	naming_ext(e, "pptx");
	CHECK_STR(e, "pptx");
	naming_ext(e, "7z");
	CHECK_STR(e, "7z");
	naming_ext(e, "abcdefghi");
	CHECK_STR(e, "bin");
	naming_ext(e, "tar-gz");
	CHECK_STR(e, "bin");
	naming_ext(e, "p\xc3\xa4");
	CHECK_STR(e, "bin");
	naming_ext(e, "");
	CHECK_STR(e, "bin");
	naming_ext(e, NULL);
	CHECK_STR(e, "bin");
	/* a number or a word the recorder put in the name, no file type
	 * (bb7 F1, atk24) */
	naming_ext(e, "19700707");
	CHECK_STR(e, "bin");
	naming_ext(e, "001");
	CHECK_STR(e, "bin");
	naming_ext(e, "virtanen");
	CHECK_STR(e, "bin");
	naming_ext(e, "Anna");
	CHECK_STR(e, "bin");
	CHECK_STR(naming_media_type("pdf"), "application/pdf");
	CHECK(naming_media_type("virtanen") == NULL);
}

TEST(test_naming_ext_of_file_takes_the_last_dot)
{
	char e[NAMING_EXT_MAX];

	naming_ext_of_file(e, "slides.PDF");
	CHECK_STR(e, "pdf");
	naming_ext_of_file(e, "backup.tar.gz");
	CHECK_STR(e, "gz");
	naming_ext_of_file(e, "README");
	CHECK_STR(e, "bin");
	naming_ext_of_file(e, ".profile");
	CHECK_STR(e, "bin");
	naming_ext_of_file(e, "trailing.");
	CHECK_STR(e, "bin");
	naming_ext_of_file(e, "dir.d/file");
	CHECK_STR(e, "bin");
}

TEST(test_naming_component_of_catalog_text)
{
	char c[8];

	naming_component(c, sizeof(c), "S-7K2QF9");
	CHECK_STR(c, "S-7K2QF");	/* cut to the buffer */
	naming_component(c, sizeof(c), "a/b");
	CHECK_STR(c, "a_b");
	naming_component(c, sizeof(c), "..");
	CHECK_STR(c, "_");
	naming_component(c, sizeof(c), NULL);
	CHECK_STR(c, "_");
}

TEST(test_naming_component_turns_control_characters_into_underscores)
{
	char c[32];
	struct cat_recording r = recording("Desk\tA\nB");
	char stem[NAMING_STEM_MAX];

	naming_component(c, sizeof(c), "Desk\nA");
	CHECK_STR(c, "Desk_A");
	naming_component(c, sizeof(c), "\t\r\x01\x1f\x7f");
	CHECK_STR(c, "_____");
	naming_component(c, sizeof(c), "caf\xc3\xa9 ~!");	/* UTF-8 and space stay */
	CHECK_STR(c, "caf\xc3\xa9 ~!");
	naming_stem(stem, &r);
	CHECK_STR(stem, "20261128T101500Z_Desk_A_B_1f3a9c2e");
}

int main(void)
{
	RUN(test_naming_stem_is_stamp_source_and_eight_hex_digits);
	RUN(test_naming_stem_never_leaves_its_folder);
	RUN(test_naming_stem_cuts_a_long_source);
	RUN(test_naming_artifacts_by_role);
	RUN(test_naming_label_is_the_name_after_the_stem_with_chat_for_the_transcript);
	RUN(test_naming_artifact_extension_from_the_catalog_is_sanitised);
	RUN(test_naming_ext_allows_the_systems_file_types_of_up_to_eight_letters_or_digits);
	RUN(test_naming_ext_of_file_takes_the_last_dot);
	RUN(test_naming_component_of_catalog_text);
	RUN(test_naming_component_turns_control_characters_into_underscores);
	T_DONE();
}
