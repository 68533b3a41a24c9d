/* check_value.c - Go parsing rules for typed values (value.c). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "value.h"

/* ---- bool ---- */

START_TEST(test_bool_spellings)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
	int b;

	for (size_t i = 0; i < 6; i++) {
		b = -1;
		ck_assert_int_eq(go_parse_bool(t[i], &b), 0);
		ck_assert_int_eq(b, 1);
		b = -1;
		ck_assert_int_eq(go_parse_bool(f[i], &b), 0);
		ck_assert_int_eq(b, 0);
	}
}
END_TEST

START_TEST(test_bool_invalid)
{
	static const char *const bad[] = {"",	   "yes",   "no", "on", "off", "tRUE",	"TRue",
					  " true", "true ", "2",  "01", "y",   "FALSe", "truee"};
	int b = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(go_parse_bool(bad[i], &b) == -1, "'%s' accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(b, 7);
	ck_assert_int_eq(go_parse_bool(NULL, &b), -1);
}
END_TEST

/* ---- int ---- */

START_TEST(test_int_valid)
{
	static const struct {
		const char *s;
		long long v;
	} ok[] = {
		{"0", 0},
		{"42", 42},
		{"-42", -42},
		{"+7", 7},
		{"10250", 10250},
		{"0x10", 16},
		{"0X1f", 31},
		{"0o17", 15},
		{"0O17", 15},
		{"017", 15},
		{"00", 0},
		{"0b101", 5},
		{"1_000", 1000},
		{"0x_1f", 31},
		{"0_7", 7},
		{"-0x10", -16},
		{"9223372036854775807", LLONG_MAX},
		{"-9223372036854775808", LLONG_MIN},
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		long long v = 12345;

		ck_assert_msg(go_parse_int(ok[i].s, &v) == 0, "'%s' rejected", ok[i].s);
		ck_assert_msg(v == ok[i].v, "'%s' gave %lld", ok[i].s, v);
	}
}
END_TEST

START_TEST(test_int_invalid)
{
	static const char *const bad[] = {"",	 "08",	"1_",  "_1",   "1__0", "0x",  "12a",
					  " 1",	 "1 ",	"+",   "-",    "--1",  "+-1", "1e3",
					  "1.0", "0b2", "0o8", "0x1g", "abc"};
	long long v = 99;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(go_parse_int(bad[i], &v) == -1, "'%s' accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(v, 99);
	errno = 0;
	ck_assert_int_eq(go_parse_int("9223372036854775808", &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(go_parse_int("-9223372036854775809", &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(go_parse_int("0x8000000000000000", &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(go_parse_int("123456789012345678901234567890", &v), -1);
	ck_assert_int_eq(errno, ERANGE);
}
END_TEST

/* ---- duration ---- */

#define SEC 1000000000LL

START_TEST(test_duration_valid)
{
	static const struct {
		const char *s;
		long long ns;
	} ok[] = {
		{"0", 0},
		{"+0", 0},
		{"-0", 0},
		{"0s", 0},
		{"0h0m0s", 0},
		{"0ms", 0},
		{"5m0s", 300 * SEC},
		{"1h30m", 5400 * SEC},
		{"300ms", 300000000LL},
		{"1.5h", 5400 * SEC},
		{"-2m", -120 * SEC},
		{"+2m", 120 * SEC},
		{"1ns", 1},
		{"1us", 1000},
		{"1\xc2\xb5s", 1000},
		{"1\xce\xbcs", 1000},
		{".5s", 500000000LL},
		{"1.s", SEC},
		{"2h45m30.5s", (2 * 3600 + 45 * 60 + 30) * SEC + 500000000LL},
		{"1h1h", 7200 * SEC},
		{"100000000s", 100000000 * SEC},
		{"1.0000000000000000000000001s", SEC},
		{"9223372036854775807ns", LLONG_MAX},
		{"-9223372036854775808ns", LLONG_MIN},
		{"2562047h", 2562047LL * 3600 * SEC},
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		long long ns = 12345;

		ck_assert_msg(go_parse_duration(ok[i].s, &ns) == 0, "'%s' rejected", ok[i].s);
		ck_assert_msg(ns == ok[i].ns, "'%s' gave %lld, want %lld", ok[i].s, ns, ok[i].ns);
	}
}
END_TEST

START_TEST(test_duration_invalid)
{
	static const char *const bad[] = {"",	 "5",	 "60",	 "-",	  "+",	    "s",
					  ".s",	 "-.s",	 "1x",	 "1hh",	  "1 h",    "1h ",
					  " 1h", "1e3s", "--1s", "5m-3s", "1.5.5s", "1S",
					  "1H",	 "0.0",	 "00",	 "1sec",  "1d",	    "\xc2\xb5s"};
	long long ns = 7;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(go_parse_duration(bad[i], &ns) == -1, "'%s' accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_int_eq(ns, 7);
	errno = 0;
	ck_assert_int_eq(go_parse_duration("9223372036854775808ns", &ns), -1);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(go_parse_duration("2562048h", &ns), -1);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(go_parse_duration("99999999999999999999s", &ns), -1);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(go_parse_duration("2562047h48m", &ns), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(ns, 7);
}
END_TEST

/* ---- CSV ---- */

/* Splits s and compares with the '|'-joined expectation. */
static void
csv_expect(const char *s, const char *want, size_t n)
{
	struct strv sv = {0};
	char *got;

	ck_assert_msg(go_split_csv(s, &sv) == 0, "CSV '%s' rejected", s);
	ck_assert_msg(sv.n == n, "CSV '%s' gave %zu fields, want %zu", s, sv.n, n);
	got = strv_join(&sv, "|");
	ck_assert_msg(strcmp(got, want) == 0, "CSV '%s' gave '%s', want '%s'", s, got, want);
	free(got);
	strv_free(&sv);
}

START_TEST(test_csv_valid)
{
	csv_expect("", "", 0);
	csv_expect("a", "a", 1);
	csv_expect("a,b", "a|b", 2);
	csv_expect("\"a,b\",c", "a,b|c", 2);
	csv_expect("a,,b", "a||b", 3);
	csv_expect("a,", "a|", 2);
	csv_expect(",", "|", 2);
	csv_expect("\"a\"\"b\"", "a\"b", 1);
	csv_expect("\"\"", "", 1);
	csv_expect(" a , b ", " a | b ", 2);
	csv_expect("a\nb", "a", 1);
	csv_expect("\n\na,b", "a|b", 2);
	csv_expect("\"a\nb\",c", "a\nb|c", 2);
	csv_expect("a\r\n", "a", 1);
	csv_expect("\"a\r\nb\"", "a\nb", 1);
	csv_expect("a\r", "a", 1);
	csv_expect("a\rb", "a\rb", 1);
	csv_expect("\"x\",\"y\"", "x|y", 2);
	csv_expect("NodeRestriction,PodSecurity", "NodeRestriction|PodSecurity", 2);
}
END_TEST

START_TEST(test_csv_invalid)
{
	static const char *const bad[] = {"a\"b", "\"ab", "\"a\"b",   "a,\"b", "\n",
					  "\r\n", "\r",	  "x,\"y\"z", " \"a\""};
	struct strv sv = {0};

	strv_push(&sv, "keep");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(go_split_csv(bad[i], &sv) == -1, "CSV '%s' accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
		/* a failed split leaves what was there before */
		ck_assert_uint_eq(sv.n, 1);
		ck_assert_str_eq(sv.v[0], "keep");
	}
	strv_free(&sv);
}
END_TEST

/* ---- value_parse ---- */

START_TEST(test_parse_scalars)
{
	struct value v;
	const char *err = NULL;

	ck_assert_int_eq(value_parse(&v, VT_BOOL, "False", &err), 0);
	ck_assert_int_eq(v.type, VT_BOOL);
	ck_assert_int_eq(v.b, 0);
	ck_assert_str_eq(v.raw, "False");
	value_free(&v);

	ck_assert_int_eq(value_parse(&v, VT_BOOL, "yes", &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "bool"));
	/* a failed parse leaves nothing to free */
	ck_assert_ptr_null(v.raw);
	ck_assert_int_eq(v.b, 0);
	value_free(&v);

	err = NULL;
	ck_assert_int_eq(value_parse(&v, VT_INT, "0x10", &err), 0);
	ck_assert_int_eq(v.i, 16);
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_INT, "99999999999999999999", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "range"));
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_INT, "ten", &err), -1);
	ck_assert_str_eq(err, "invalid integer");
	value_free(&v);

	ck_assert_int_eq(value_parse(&v, VT_DURATION, "1h30m", &err), 0);
	ck_assert(v.dur_ns == 5400 * SEC);
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_DURATION, "90", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "duration"));
	value_free(&v);

	ck_assert_int_eq(value_parse(&v, VT_STRING, "any thing", &err), 0);
	ck_assert_str_eq(v.raw, "any thing");
	value_free(&v);

	ck_assert_int_eq(value_parse(&v, VT_STRING, NULL, NULL), 0);
	ck_assert_str_eq(v.raw, "");
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_BOOL, "x", NULL), -1);
	value_free(&v);
}
END_TEST

START_TEST(test_parse_float)
{
	static const struct {
		const char *s;
		double d;
	} ok[] = {
		{"1.5", 1.5}, {"-2", -2},	   {"1e3", 1000},   {"0x1p4", 16},  {"5", 5},
		{".5", 0.5},  {"1_000.5", 1000.5}, {"+3.25", 3.25}, {"1E-2", 0.01},
	};
	static const char *const bad[] = {"",	"0x10", "+nan",	   "-nan", "1e", "abc", "1.2.3",
					  " 1", "1 ",	"infinit", "1_",   "_1", ".",	"1e_5"};
	struct value v;
	const char *err;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(value_parse(&v, VT_FLOAT, ok[i].s, &err) == 0, "'%s' rejected",
			      ok[i].s);
		ck_assert_msg(v.d == ok[i].d, "'%s' gave %g", ok[i].s, v.d);
		value_free(&v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(value_parse(&v, VT_FLOAT, bad[i], &err) == -1, "'%s' accepted",
			      bad[i]);
		value_free(&v);
	}
	ck_assert_int_eq(value_parse(&v, VT_FLOAT, "Inf", &err), 0);
	ck_assert(isinf(v.d) && v.d > 0);
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_FLOAT, "-Infinity", &err), 0);
	ck_assert(isinf(v.d) && v.d < 0);
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_FLOAT, "NaN", &err), 0);
	ck_assert(isnan(v.d));
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_FLOAT, "1e400", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "range"));
	value_free(&v);
}
END_TEST

START_TEST(test_parse_lists)
{
	struct value v;
	const char *err = NULL;

	ck_assert_int_eq(value_parse(&v, VT_SLICE, "\"a,b\",c", &err), 0);
	ck_assert_uint_eq(v.list.n, 2);
	ck_assert_str_eq(v.list.v[0], "a,b");
	ck_assert_str_eq(v.list.v[1], "c");
	ck_assert_str_eq(v.raw, "\"a,b\",c");
	value_free(&v);

	ck_assert_int_eq(value_parse(&v, VT_SLICE, "", &err), 0);
	ck_assert_uint_eq(v.list.n, 0);
	value_free(&v);

	ck_assert_int_eq(value_parse(&v, VT_SLICE, "a\"b", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "CSV"));
	ck_assert_uint_eq(v.list.n, 0);
	value_free(&v);

	ck_assert_int_eq(value_parse(&v, VT_ARRAY, "a,b", &err), 0);
	ck_assert_uint_eq(v.list.n, 1);
	ck_assert_str_eq(v.list.v[0], "a,b");
	value_free(&v);
}
END_TEST

START_TEST(test_parse_map)
{
	struct value v;
	const char *err = NULL;

	ck_assert_int_eq(value_parse(&v, VT_MAP, "A=true,B=false", &err), 0);
	ck_assert_uint_eq(v.list.n, 2);
	ck_assert_uint_eq(v.mapvals.n, 2);
	ck_assert_str_eq(v.list.v[0], "A");
	ck_assert_str_eq(value_map_get(&v, "A"), "true");
	ck_assert_str_eq(value_map_get(&v, "B"), "false");
	ck_assert_ptr_null(value_map_get(&v, "C"));
	value_free(&v);

	/* TrimSpace (also Unicode spaces), empty pieces skipped, '=' in value, repeats */
	ck_assert_int_eq(value_parse(&v, VT_MAP,
				     " A = true ,,B=x=y,\t\xc2\xa0"
				     "C\xe3\x80\x80=1 ,A=false,",
				     &err),
			 0);
	ck_assert_uint_eq(v.list.n, 3);
	ck_assert_str_eq(value_map_get(&v, "A"), "false");
	ck_assert_str_eq(value_map_get(&v, "B"), "x=y");
	ck_assert_str_eq(value_map_get(&v, "C"), "1");
	ck_assert_str_eq(v.list.v[0], "A");
	ck_assert_str_eq(v.list.v[1], "B");
	ck_assert_str_eq(v.list.v[2], "C");
	value_free(&v);

	/* a piece without '=' is an error, and the value is left empty */
	err = NULL;
	ck_assert_int_eq(value_parse(&v, VT_MAP, "A=true,oops,B=false", &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "key=value"));
	ck_assert_uint_eq(v.list.n, 0);
	ck_assert_uint_eq(v.mapvals.n, 0);
	ck_assert_ptr_null(v.raw);
	ck_assert_ptr_null(value_map_get(&v, "A"));

	ck_assert_int_eq(value_parse(&v, VT_MAP, " ", &err), -1);
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_MAP, "", &err), 0);
	ck_assert_uint_eq(v.list.n, 0);
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_MAP, "=x", &err), 0);
	ck_assert_str_eq(value_map_get(&v, ""), "x");
	value_free(&v);
}
END_TEST

START_TEST(test_map_get_set)
{
	struct value v = {0};

	value_map_set(&v, "RotateKubeletServerCertificate", "true");
	value_map_set(&v, "B", "false");
	ck_assert_int_eq(v.type, VT_MAP);
	/* raw is the caller's to rebuild once after merging */
	ck_assert_ptr_null(v.raw);
	ck_assert_str_eq(v.list.v[0], "RotateKubeletServerCertificate");
	ck_assert_str_eq(v.mapvals.v[1], "false");
	value_map_set(&v, "RotateKubeletServerCertificate", "false");
	ck_assert_uint_eq(v.list.n, 2);
	ck_assert_uint_eq(v.mapvals.n, 2);
	ck_assert_str_eq(value_map_get(&v, "RotateKubeletServerCertificate"), "false");
	ck_assert_str_eq(v.mapvals.v[0], "false");
	ck_assert_str_eq(v.list.v[1], "B");
	value_map_set(&v, "C", NULL);
	ck_assert_str_eq(value_map_get(&v, "C"), "");
	ck_assert_ptr_null(value_map_get(&v, "rotatekubeletservercertificate"));
	value_free(&v);
	ck_assert_ptr_null(v.raw);
	ck_assert_uint_eq(v.list.n, 0);
	/* freeing twice is harmless */
	value_free(&v);
	value_free(NULL);
}
END_TEST

START_TEST(test_copy_free)
{
	struct value a, b;
	const char *err;

	ck_assert_int_eq(value_parse(&a, VT_MAP, "A=1,B=2", &err), 0);
	value_copy(&b, &a);
	ck_assert_int_eq(b.type, VT_MAP);
	ck_assert_str_eq(b.raw, "A=1,B=2");
	ck_assert_ptr_ne(b.raw, a.raw);
	ck_assert_uint_eq(b.list.n, 2);
	ck_assert_ptr_ne(b.list.v[0], a.list.v[0]);
	value_map_set(&b, "A", "9");
	ck_assert_str_eq(b.raw, "A=1,B=2");
	ck_assert_str_eq(value_map_get(&a, "A"), "1");
	ck_assert_str_eq(value_map_get(&b, "A"), "9");
	value_free(&a);
	ck_assert_str_eq(value_map_get(&b, "B"), "2");
	value_free(&b);

	ck_assert_int_eq(value_parse(&a, VT_DURATION, "5m0s", &err), 0);
	a.b = 1;
	a.i = -3;
	a.d = 2.5;
	value_copy(&b, &a);
	ck_assert(b.dur_ns == 300 * SEC);
	ck_assert_int_eq(b.b, 1);
	ck_assert(b.i == -3);
	ck_assert(b.d == 2.5);
	ck_assert_uint_eq(b.list.n, 0);
	value_free(&a);
	value_free(&b);

	memset(&a, 0, sizeof(a));
	value_copy(&b, &a);
	ck_assert_ptr_null(b.raw);
	value_free(&b);
}
END_TEST

START_TEST(test_vtype_names)
{
	static const char *const names[] = {"string", "bool",  "int", "duration",
					    "slice",  "array", "map", "float"};
	enum vtype t;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_int_eq(vtype_from_name(names[i], &t), 0);
		ck_assert_str_eq(vtype_name(t), names[i]);
	}
	ck_assert_int_eq(vtype_from_name("Bool", &t), -1);
	ck_assert_int_eq(vtype_from_name("", &t), -1);
	ck_assert_int_eq(vtype_from_name(NULL, &t), -1);
	ck_assert_str_eq(vtype_name((enum vtype)99), "unknown");
}
END_TEST

START_TEST(test_huge_values)
{
	size_t n = 100 * 1024;
	char *s = malloc(n + 3);
	struct value v;
	const char *err;

	memset(s, 'a', n);
	s[n] = '\0';
	ck_assert_int_eq(value_parse(&v, VT_SLICE, s, &err), 0);
	ck_assert_uint_eq(v.list.n, 1);
	ck_assert_uint_eq(strlen(v.list.v[0]), n);
	value_free(&v);
	memset(s, '9', n);
	ck_assert_int_eq(value_parse(&v, VT_INT, s, &err), -1);
	value_free(&v);
	ck_assert_int_eq(value_parse(&v, VT_DURATION, s, &err), -1);
	value_free(&v);
	strcpy(s + n, "ns");
	ck_assert_int_eq(go_parse_duration(s, &v.dur_ns), -1);
	for (size_t i = 0; i < n; i++)
		s[i] = i % 2 ? ',' : 'x';
	s[n] = '\0';
	ck_assert_int_eq(value_parse(&v, VT_SLICE, s, &err), 0);
	ck_assert_uint_eq(v.list.n, n / 2 + 1);
	value_free(&v);
	free(s);
}
END_TEST

static Suite *
value_suite(void)
{
	Suite *s = suite_create("value");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_bool_spellings);
	tcase_add_test(tc, test_bool_invalid);
	tcase_add_test(tc, test_int_valid);
	tcase_add_test(tc, test_int_invalid);
	tcase_add_test(tc, test_duration_valid);
	tcase_add_test(tc, test_duration_invalid);
	tcase_add_test(tc, test_csv_valid);
	tcase_add_test(tc, test_csv_invalid);
	tcase_add_test(tc, test_parse_scalars);
	tcase_add_test(tc, test_parse_float);
	tcase_add_test(tc, test_parse_lists);
	tcase_add_test(tc, test_parse_map);
	tcase_add_test(tc, test_map_get_set);
	tcase_add_test(tc, test_copy_free);
	tcase_add_test(tc, test_vtype_names);
	tcase_add_test(tc, test_huge_values);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(value_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
