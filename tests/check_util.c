/* check_util.c - string vectors, buffers, sanitising and the log hook. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

START_TEST(test_strv)
{
	struct strv a = {0}, b = {0};
	char *j;

	ck_assert_ptr_null(a.v);
	j = strv_join(&a, ",");
	ck_assert_str_eq(j, "");
	free(j);
	for (int i = 0; i < 100; i++) {
		char buf[8];

		snprintf(buf, sizeof(buf), "s%d", i);
		strv_push(&a, buf);
	}
	ck_assert_uint_eq(a.n, 100);
	ck_assert_ptr_null(a.v[a.n]); /* always NULL-terminated */
	ck_assert_int_eq(strv_index(&a, "s42"), 42);
	ck_assert_int_eq(strv_index(&a, "s4"), 4);
	ck_assert_int_eq(strv_index(&a, "nope"), -1);
	strv_remove_at(&a, 0);
	ck_assert_str_eq(a.v[0], "s1");
	ck_assert_ptr_null(a.v[a.n]);
	strv_remove_at(&a, 1000); /* out of range: nothing */
	ck_assert_uint_eq(a.n, 99);
	strv_copy(&b, &a);
	ck_assert_uint_eq(b.n, 99);
	ck_assert_ptr_ne(b.v[0], a.v[0]); /* deep copy */
	strv_clear(&b);
	ck_assert_uint_eq(b.n, 0);
	strv_push_take(&b, xstrdup("x"));
	strv_push(&b, "y");
	j = strv_join(&b, ", ");
	ck_assert_str_eq(j, "x, y");
	free(j);
	strv_free(&a);
	strv_free(&b);
}
END_TEST

START_TEST(test_sbuf)
{
	struct sbuf b = {0};
	char *s;

	ck_assert_str_eq(sbuf_str(&b), "");
	sbuf_add(&b, "a");
	sbuf_addc(&b, 'b');
	sbuf_addn(&b, "cdef", 2);
	sbuf_addf(&b, "%d-%s", 42, "x");
	ck_assert_str_eq(sbuf_str(&b), "abcd42-x");
	ck_assert_uint_eq(b.len, 8);
	for (int i = 0; i < 10000; i++)
		sbuf_addc(&b, 'z');
	ck_assert_uint_eq(b.len, 10008);
	ck_assert_uint_eq(strlen(sbuf_str(&b)), 10008);
	s = sbuf_steal(&b);
	ck_assert_ptr_null(b.s);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	s = sbuf_steal(&b); /* empty buffer: "" */
	ck_assert_str_eq(s, "");
	free(s);
	sbuf_free(&b);
}
END_TEST

START_TEST(test_sanitize)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain ascii", "plain ascii"},
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
		{"bad \xff\xfe end", "bad \\xff\\xfe end"},
		{"tab\tnl\nesc\x1b", "tab\\x09nl\\x0aesc\\x1b"},
		{"del\x7f", "del\\x7f"},
		{"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
		{"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
		{"cut \xe2\x82", "cut \\xe2\\x82"},
		{"too big \xf4\x90\x80\x80", "too big \\xf4\\x90\\x80\\x80"},
		{"", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = str_sanitize(cases[i].in);

		ck_assert_msg(strcmp(s, cases[i].out) == 0, "case %zu: got '%s'", i, s);
		free(s);
	}
	{
		char *s = str_sanitize(NULL);

		ck_assert_str_eq(s, "");
		free(s);
	}
	ck_assert(str_has_prefix("kube-apiserver", "kube-"));
	ck_assert(!str_has_prefix("kube", "kube-"));
	ck_assert(str_has_suffix("a.conf", ".conf"));
	ck_assert(!str_has_suffix("conf", ".conf"));
	/* natural order, total */
	ck_assert_int_lt(str_natcmp("1.1.2", "1.1.10"), 0);
	ck_assert_int_lt(str_natcmp("1.1.10", "1.2.1"), 0);
	ck_assert_int_gt(str_natcmp("5.1.1", "4.2.13"), 0);
	ck_assert_int_lt(str_natcmp("1.1", "1.1.1"), 0);
	ck_assert_int_eq(str_natcmp("3.2.1", "3.2.1"), 0);
	ck_assert_int_ne(str_natcmp("1.01", "1.1"), 0);
	ck_assert_int_eq(str_natcmp("1.01", "1.1"), -str_natcmp("1.1", "1.01"));
}
END_TEST

struct captured {
	int n;
	enum log_level lvl;
	char msg[256];
};

static void
capture(enum log_level lvl, const char *msg, void *arg)
{
	struct captured *c = arg;

	c->n++;
	c->lvl = lvl;
	snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

START_TEST(test_log_hook)
{
	struct captured c = {0};

	log_set_hook(capture, &c);
	errno = ENOENT;
	log_warn("open %s", "x");
	ck_assert_int_eq(c.lvl, LOG_LVL_WARN);
	ck_assert_str_eq(c.msg, "open x: No such file or directory");
	ck_assert_int_eq(errno, ENOENT); /* logging keeps errno */
	log_warnx("plain %d", 7);
	ck_assert_str_eq(c.msg, "plain 7");
	log_info("info");
	ck_assert_int_eq(c.lvl, LOG_LVL_INFO);
	ck_assert_int_eq(c.n, 3);
	log_set_hook(NULL, NULL);
}
END_TEST

START_TEST(test_fatal_exits_2)
{
	fatalx("stop here");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_strv);
	tcase_add_test(tc, test_sbuf);
	tcase_add_test(tc, test_sanitize);
	tcase_add_test(tc, test_log_hook);
	tcase_add_exit_test(tc, test_fatal_exits_2, 2);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
