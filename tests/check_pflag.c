/* check_pflag.c - command lines parsed like pflag (Kubernetes) and Go flag (etcd). */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pflag.h"
#include "testutil.h"

/* The flag types a component table would give (profiles/components.yaml). */
static const struct {
	const char *name;
	enum vtype type;
} types[] = {
	{"anonymous-auth", VT_BOOL},
	{"profiling", VT_BOOL},
	{"client-cert-auth", VT_BOOL},
	{"peer-auto-tls", VT_BOOL},
	{"secure-port", VT_INT},
	{"request-timeout", VT_DURATION},
	{"shutdown-delay", VT_DURATION},
	{"enable-admission-plugins", VT_SLICE},
	{"authorization-mode", VT_SLICE},
	{"api-audiences", VT_ARRAY},
	{"feature-gates", VT_MAP},
	{"kube-api-qps", VT_FLOAT},
	{"token-auth-file", VT_STRING},
	{"data-dir", VT_STRING},
	{"name", VT_STRING},
	{"listen-client-urls", VT_STRING},
};

static int type_calls;

static int
type_of(const char *name, enum vtype *t, void *arg)
{
	ck_assert_ptr_eq(arg, &type_calls);
	type_calls++;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(types[i].name, name) == 0) {
			*t = types[i].type;
			return 0;
		}
	}
	return -1;
}

/* Parses a NULL-terminated list of arguments (argv[0] first). */
static void
parse(struct flagset *fs, enum pflag_dialect d, ...)
{
	char *argv[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, d);
	while ((argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	ck_assert_int_eq(pflag_parse(fs, d, argv, n, type_of, &type_calls), 0);
}

static const struct flag *
get(const struct flagset *fs, const char *name)
{
	const struct flag *f = flagset_get(fs, name);

	ck_assert_msg(f != NULL, "flag %s not found", name);
	return f;
}

static char *
joined(const struct strv *sv)
{
	return strv_join(sv, "|");
}

static void
assert_strv(const struct strv *sv, const char *want)
{
	char *got = joined(sv);

	ck_assert_msg(strcmp(got, want) == 0, "got '%s', want '%s'", got, want);
	free(got);
}

START_TEST(test_bool_space)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "kube-apiserver", "--anonymous-auth", "false",
	      "--profiling=false", "--secure-port", "6443", NULL);
	f = get(&fs, "anonymous-auth");
	ck_assert_int_eq(f->known, 1);
	ck_assert_int_eq(f->type, VT_BOOL);
	ck_assert_int_eq(f->value.b, 1);
	ck_assert_ptr_null(f->error);
	ck_assert_uint_eq(f->nocc, 1);
	ck_assert_int_eq(f->occ[0].index, 1);
	ck_assert_str_eq(f->occ[0].text, "--anonymous-auth");
	ck_assert_str_eq(f->occ[0].value, "true");
	assert_strv(&fs.positional, "false");
	f = get(&fs, "profiling");
	ck_assert_int_eq(f->value.b, 0);
	ck_assert_int_eq(f->occ[0].index, 3);
	f = get(&fs, "secure-port");
	ck_assert(f->value.i == 6443);
	ck_assert_str_eq(f->occ[0].text, "--secure-port 6443");
	ck_assert_str_eq(f->occ[0].value, "6443");
	ck_assert_int_eq(f->occ[0].index, 4);
	ck_assert_uint_eq(fs.nflags, 3);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_bool_spellings)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
	static const char *const bad[] = {"yes", "on", "tRUE", "", "2", "enabled"};
	struct flagset fs;
	char arg[64];

	for (size_t i = 0; i < 6; i++) {
		snprintf(arg, sizeof(arg), "--profiling=%s", t[i]);
		parse(&fs, PFLAG_GO_PFLAG, "x", "--profiling=false", arg, NULL);
		ck_assert_int_eq(get(&fs, "profiling")->value.b, 1);
		ck_assert_ptr_null(get(&fs, "profiling")->error);
		flagset_free(&fs);
		snprintf(arg, sizeof(arg), "--profiling=%s", f[i]);
		parse(&fs, PFLAG_GO_PFLAG, "x", "--profiling", arg, NULL);
		ck_assert_int_eq(get(&fs, "profiling")->value.b, 0);
		ck_assert_ptr_null(get(&fs, "profiling")->error);
		flagset_free(&fs);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct flag *fl;

		snprintf(arg, sizeof(arg), "--profiling=%s", bad[i]);
		parse(&fs, PFLAG_GO_PFLAG, "x", arg, NULL);
		fl = get(&fs, "profiling");
		ck_assert_msg(fl->error != NULL, "'%s' accepted", arg);
		ck_assert_ptr_nonnull(strstr(fl->error, "--profiling"));
		ck_assert_msg(strstr(fl->error, "invalid argument") != NULL, "%s", fl->error);
		ck_assert_str_eq(fl->value.raw, bad[i]);
		flagset_free(&fs);
	}
}
END_TEST

START_TEST(test_repeated_scalars)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--secure-port=1", "--secure-port", "2", "pos",
	      "--secure-port=3", "--token-auth-file=/a", "--token-auth-file=/b", "--profiling",
	      "--profiling=false", NULL);
	f = get(&fs, "secure-port");
	ck_assert(f->value.i == 3);
	ck_assert_str_eq(f->value.raw, "3");
	ck_assert_uint_eq(f->nocc, 3);
	ck_assert_int_eq(f->occ[0].index, 1);
	ck_assert_int_eq(f->occ[1].index, 2);
	ck_assert_int_eq(f->occ[2].index, 5);
	ck_assert_str_eq(f->occ[1].text, "--secure-port 2");
	ck_assert_str_eq(f->occ[2].text, "--secure-port=3");
	ck_assert_str_eq(f->occ[2].value, "3");
	ck_assert_str_eq(get(&fs, "token-auth-file")->value.raw, "/b");
	ck_assert_int_eq(get(&fs, "profiling")->value.b, 0);
	ck_assert_uint_eq(get(&fs, "profiling")->nocc, 2);
	assert_strv(&fs.positional, "pos");
	/* typefn is asked once per distinct name */
	flagset_free(&fs);
	type_calls = 0;
	parse(&fs, PFLAG_GO_PFLAG, "x", "--secure-port=1", "--secure-port=2", "--zz", "--zz", NULL);
	ck_assert_int_eq(type_calls, 2);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_invalid_then_valid)
{
	struct flagset fs;
	const struct flag *f;

	/* the component would have refused the first value: the error stays */
	parse(&fs, PFLAG_GO_PFLAG, "x", "--secure-port=abc", "--secure-port=443", NULL);
	f = get(&fs, "secure-port");
	ck_assert_ptr_nonnull(f->error);
	ck_assert_ptr_nonnull(strstr(f->error, "abc"));
	ck_assert(f->value.i == 443);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_slices)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--enable-admission-plugins=NodeRestriction,\"A,B\"",
	      "--enable-admission-plugins", "PodSecurity",
	      "--enable-admission-plugins=", "--authorization-mode=Node,RBAC", NULL);
	f = get(&fs, "enable-admission-plugins");
	ck_assert_ptr_null(f->error);
	ck_assert_int_eq(f->value.type, VT_SLICE);
	assert_strv(&f->value.list, "NodeRestriction|A,B|PodSecurity");
	ck_assert_uint_eq(f->value.list.n, 3);
	ck_assert_uint_eq(f->nocc, 3);
	ck_assert_str_eq(f->occ[2].value, "");
	ck_assert_str_eq(f->value.raw, "NodeRestriction,\"A,B\",PodSecurity");
	f = get(&fs, "authorization-mode");
	assert_strv(&f->value.list, "Node|RBAC");
	ck_assert_str_eq(f->value.raw, "Node,RBAC");
	flagset_free(&fs);

	/* an empty value alone is an empty list, not [""] */
	parse(&fs, PFLAG_GO_PFLAG, "x", "--authorization-mode=", NULL);
	f = get(&fs, "authorization-mode");
	ck_assert_uint_eq(f->value.list.n, 0);
	ck_assert_ptr_null(f->error);
	ck_assert_str_eq(f->value.raw, "");
	flagset_free(&fs);

	/* bad CSV quoting is the component's own parse error */
	parse(&fs, PFLAG_GO_PFLAG, "x", "--authorization-mode=Node", "--authorization-mode=a\"b",
	      "--authorization-mode=RBAC", NULL);
	f = get(&fs, "authorization-mode");
	ck_assert_ptr_nonnull(f->error);
	ck_assert_ptr_nonnull(strstr(f->error, "--authorization-mode"));
	assert_strv(&f->value.list, "Node|RBAC");
	flagset_free(&fs);
}
END_TEST

START_TEST(test_arrays)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--api-audiences=a,b", "--api-audiences", "\"c\"",
	      "--api-audiences=", NULL);
	f = get(&fs, "api-audiences");
	ck_assert_int_eq(f->value.type, VT_ARRAY);
	ck_assert_uint_eq(f->value.list.n, 3);
	ck_assert_str_eq(f->value.list.v[0], "a,b");
	ck_assert_str_eq(f->value.list.v[1], "\"c\"");
	ck_assert_str_eq(f->value.list.v[2], "");
	ck_assert_ptr_null(f->error);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_maps)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "kubelet", "--feature-gates=A=true,B=false", "--feature-gates",
	      " B = true , C=false", "--feature-gates=A=false,,D=true", NULL);
	f = get(&fs, "feature-gates");
	ck_assert_ptr_null(f->error);
	ck_assert_int_eq(f->value.type, VT_MAP);
	ck_assert_uint_eq(f->value.list.n, 4);
	ck_assert_uint_eq(f->value.mapvals.n, 4);
	assert_strv(&f->value.list, "A|B|C|D");
	assert_strv(&f->value.mapvals, "false|true|false|true");
	ck_assert_str_eq(value_map_get(&f->value, "A"), "false");
	ck_assert_str_eq(value_map_get(&f->value, "B"), "true");
	ck_assert_str_eq(value_map_get(&f->value, "C"), "false");
	ck_assert_str_eq(f->value.raw, "A=false,B=true,C=false,D=true");
	ck_assert_uint_eq(f->nocc, 3);
	ck_assert_str_eq(f->occ[1].text, "--feature-gates  B = true , C=false");
	flagset_free(&fs);

	/* invalid entries: the component would refuse; valid entries still merge */
	parse(&fs, PFLAG_GO_PFLAG, "x", "--feature-gates=A=true,oops,B=true",
	      "--feature-gates=A=false", NULL);
	f = get(&fs, "feature-gates");
	ck_assert_ptr_nonnull(f->error);
	ck_assert_ptr_nonnull(strstr(f->error, "oops"));
	ck_assert_ptr_nonnull(strstr(f->error, "key=value"));
	ck_assert_str_eq(value_map_get(&f->value, "A"), "false");
	ck_assert_str_eq(value_map_get(&f->value, "B"), "true");
	ck_assert_uint_eq(f->value.list.n, 2);
	ck_assert_str_eq(f->value.raw, "A=false,B=true");
	flagset_free(&fs);
}
END_TEST

START_TEST(test_double_dash)
{
	struct flagset fs;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--profiling", "--", "--anonymous-auth=false", "y", "--",
	      NULL);
	ck_assert_int_eq(get(&fs, "profiling")->value.b, 1);
	ck_assert_ptr_null(flagset_get(&fs, "anonymous-auth"));
	assert_strv(&fs.positional, "--anonymous-auth=false|y|--");
	ck_assert_uint_eq(fs.nflags, 1);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_value_takes_next)
{
	struct flagset fs;
	const struct flag *f;

	/* a value flag takes the next argument whatever it looks like */
	parse(&fs, PFLAG_GO_PFLAG, "x", "--token-auth-file", "--profiling", "--secure-port", "--",
	      "--anonymous-auth", NULL);
	f = get(&fs, "token-auth-file");
	ck_assert_str_eq(f->value.raw, "--profiling");
	ck_assert_str_eq(f->occ[0].text, "--token-auth-file --profiling");
	ck_assert_ptr_null(flagset_get(&fs, "profiling"));
	f = get(&fs, "secure-port");
	ck_assert_str_eq(f->occ[0].value, "--");
	ck_assert_ptr_nonnull(f->error);
	ck_assert_int_eq(get(&fs, "anonymous-auth")->value.b, 1);
	ck_assert_uint_eq(fs.positional.n, 0);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_missing_value)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--secure-port=10", "--secure-port", NULL);
	f = get(&fs, "secure-port");
	ck_assert_ptr_nonnull(f->error);
	ck_assert_ptr_nonnull(strstr(f->error, "flag needs an argument"));
	ck_assert_ptr_nonnull(strstr(f->error, "--secure-port"));
	ck_assert_uint_eq(f->nocc, 2);
	ck_assert_int_eq(f->occ[1].index, 2);
	ck_assert_str_eq(f->occ[1].text, "--secure-port");
	ck_assert(f->value.i == 10);
	flagset_free(&fs);

	/* a bool at the end is fine */
	parse(&fs, PFLAG_GO_PFLAG, "x", "--profiling", NULL);
	ck_assert_ptr_null(get(&fs, "profiling")->error);
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_FLAG, "etcd", "-data-dir", NULL);
	f = get(&fs, "data-dir");
	ck_assert_ptr_nonnull(f->error);
	ck_assert_ptr_nonnull(strstr(f->error, "flag needs an argument: -data-dir"));
	flagset_free(&fs);
}
END_TEST

START_TEST(test_unknown_flags)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--foo=bar", "--baz", "qux", "--bare", "--next", "--empty",
	      "", "--last", NULL);
	f = get(&fs, "foo");
	ck_assert_int_eq(f->known, 0);
	ck_assert_int_eq(f->type, VT_STRING);
	ck_assert_str_eq(f->value.raw, "bar");
	f = get(&fs, "baz");
	ck_assert_str_eq(f->value.raw, "qux");
	ck_assert_str_eq(f->occ[0].text, "--baz qux");
	ck_assert_str_eq(get(&fs, "bare")->value.raw, "true");
	ck_assert_str_eq(get(&fs, "bare")->occ[0].text, "--bare");
	ck_assert_str_eq(get(&fs, "next")->value.raw, "true");
	ck_assert_str_eq(get(&fs, "empty")->value.raw, "");
	ck_assert_str_eq(get(&fs, "last")->value.raw, "true");
	ck_assert_ptr_null(get(&fs, "last")->error);
	ck_assert_uint_eq(fs.positional.n, 0);
	ck_assert_uint_eq(fs.nflags, 6);
	flagset_free(&fs);

	/* no type table at all: everything unknown */
	{
		char *argv[] = {"x", "--profiling", "false", NULL};

		ck_assert_int_eq(pflag_parse(&fs, PFLAG_GO_PFLAG, argv, 3, NULL, NULL), 0);
		f = get(&fs, "profiling");
		ck_assert_int_eq(f->known, 0);
		ck_assert_str_eq(f->value.raw, "false");
		flagset_free(&fs);
	}
}
END_TEST

START_TEST(test_interspersed_and_short)
{
	struct flagset fs;

	parse(&fs, PFLAG_GO_PFLAG, "x", "pos1", "--profiling", "pos2", "-v", "3", "-x=1", "---y",
	      "--=z", "-", "", "--secure-port=1", NULL);
	assert_strv(&fs.positional, "pos1|pos2|-v|3|-x=1|---y|--=z|-|");
	ck_assert_uint_eq(fs.positional.n, 9);
	ck_assert_int_eq(get(&fs, "profiling")->value.b, 1);
	ck_assert(get(&fs, "secure-port")->value.i == 1);
	ck_assert_uint_eq(fs.nflags, 2);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_normalize_underscore)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--anonymous-auth=true", "--anonymous_auth=false", NULL);
	f = get(&fs, "anonymous-auth");
	ck_assert_uint_eq(fs.nflags, 1);
	ck_assert_int_eq(f->known, 1);
	ck_assert_int_eq(f->value.b, 0);
	ck_assert_str_eq(f->occ[1].text, "--anonymous_auth=false");
	flagset_free(&fs);

	/* Go's flag package does not normalize */
	parse(&fs, PFLAG_GO_FLAG, "etcd", "--data_dir=/x", NULL);
	ck_assert_ptr_null(flagset_get(&fs, "data-dir"));
	ck_assert_int_eq(get(&fs, "data_dir")->known, 0);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_etcd_forms)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_FLAG, "etcd", "-name", "n1", "--data-dir=/var/lib/etcd",
	      "-client-cert-auth", "--peer-auto-tls=false", "--listen-client-urls",
	      "https://127.0.0.1:2379", "-secure-port=0x10", "-profiling=0", NULL);
	ck_assert_str_eq(get(&fs, "name")->value.raw, "n1");
	ck_assert_str_eq(get(&fs, "name")->occ[0].text, "-name n1");
	ck_assert_str_eq(get(&fs, "data-dir")->value.raw, "/var/lib/etcd");
	f = get(&fs, "client-cert-auth");
	ck_assert_int_eq(f->value.b, 1);
	ck_assert_str_eq(f->occ[0].text, "-client-cert-auth");
	ck_assert_int_eq(get(&fs, "peer-auto-tls")->value.b, 0);
	ck_assert_str_eq(get(&fs, "listen-client-urls")->value.raw, "https://127.0.0.1:2379");
	ck_assert_int_eq(get(&fs, "listen-client-urls")->occ[0].index, 6);
	ck_assert(get(&fs, "secure-port")->value.i == 16);
	ck_assert_int_eq(get(&fs, "profiling")->value.b, 0);
	ck_assert_uint_eq(fs.positional.n, 0);
	flagset_free(&fs);

	/* a value flag takes the next argument even when it starts with '-' */
	parse(&fs, PFLAG_GO_FLAG, "etcd", "-name", "-x", NULL);
	ck_assert_str_eq(get(&fs, "name")->value.raw, "-x");
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_FLAG, "etcd", "-client-cert-auth=maybe", NULL);
	f = get(&fs, "client-cert-auth");
	ck_assert_ptr_nonnull(f->error);
	ck_assert_ptr_nonnull(
		strstr(f->error, "invalid value \"maybe\" for flag -client-cert-auth"));
	flagset_free(&fs);

	/* unknown flags use the same guess */
	parse(&fs, PFLAG_GO_FLAG, "etcd", "-foo", "bar", "-baz", "--name=a", NULL);
	ck_assert_str_eq(get(&fs, "foo")->value.raw, "bar");
	ck_assert_str_eq(get(&fs, "baz")->value.raw, "true");
	ck_assert_str_eq(get(&fs, "name")->value.raw, "a");
	flagset_free(&fs);
}
END_TEST

START_TEST(test_goflag_stops)
{
	struct flagset fs;

	parse(&fs, PFLAG_GO_FLAG, "etcd", "-client-cert-auth", "false", "--data-dir=/x", NULL);
	ck_assert_int_eq(get(&fs, "client-cert-auth")->value.b, 1);
	ck_assert_ptr_null(flagset_get(&fs, "data-dir"));
	assert_strv(&fs.positional, "false|--data-dir=/x");
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_FLAG, "etcd", "--name=a", "-", "--name=b", NULL);
	ck_assert_str_eq(get(&fs, "name")->value.raw, "a");
	assert_strv(&fs.positional, "-|--name=b");
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_FLAG, "etcd", "--name=a", "--", "-name=b", NULL);
	ck_assert_str_eq(get(&fs, "name")->value.raw, "a");
	assert_strv(&fs.positional, "-name=b");
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_FLAG, "etcd", "-name=a", "---x", "-name=b", NULL);
	ck_assert_str_eq(get(&fs, "name")->value.raw, "a");
	assert_strv(&fs.positional, "---x|-name=b");
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_FLAG, "etcd", "", "-name=b", NULL);
	ck_assert_ptr_null(flagset_get(&fs, "name"));
	ck_assert_uint_eq(fs.positional.n, 2);
	flagset_free(&fs);

	/* unlike pflag, "-name=a" and "--name=b" are the same flag */
	parse(&fs, PFLAG_GO_FLAG, "etcd", "-name=a", "--name=b", NULL);
	ck_assert_str_eq(get(&fs, "name")->value.raw, "b");
	ck_assert_uint_eq(get(&fs, "name")->nocc, 2);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_durations)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--request-timeout=1m0s", "--shutdown-delay=0s", NULL);
	ck_assert(get(&fs, "request-timeout")->value.dur_ns == 60000000000LL);
	ck_assert(get(&fs, "shutdown-delay")->value.dur_ns == 0);
	ck_assert_ptr_null(get(&fs, "shutdown-delay")->error);
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_PFLAG, "x", "--shutdown-delay=5s", "--shutdown-delay", "0h0m0s",
	      "--request-timeout=1h", "--request-timeout", "0", NULL);
	ck_assert(get(&fs, "shutdown-delay")->value.dur_ns == 0);
	ck_assert(get(&fs, "request-timeout")->value.dur_ns == 0);
	ck_assert_ptr_null(get(&fs, "request-timeout")->error);
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_PFLAG, "x", "--request-timeout=60", NULL);
	f = get(&fs, "request-timeout");
	ck_assert_ptr_nonnull(f->error);
	ck_assert_ptr_nonnull(strstr(f->error, "duration"));
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_PFLAG, "x", "--request-timeout=", NULL);
	ck_assert_ptr_nonnull(get(&fs, "request-timeout")->error);
	flagset_free(&fs);
}
END_TEST

START_TEST(test_ints_floats)
{
	struct flagset fs;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--secure-port=0x10", "--kube-api-qps=2.5", NULL);
	ck_assert(get(&fs, "secure-port")->value.i == 16);
	ck_assert(get(&fs, "kube-api-qps")->value.d == 2.5);
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_PFLAG, "x", "--secure-port", "017", NULL);
	ck_assert(get(&fs, "secure-port")->value.i == 15);
	flagset_free(&fs);

	parse(&fs, PFLAG_GO_PFLAG, "x", "--secure-port=6443abc", "--kube-api-qps=x", NULL);
	ck_assert_ptr_nonnull(get(&fs, "secure-port")->error);
	ck_assert_ptr_nonnull(strstr(get(&fs, "secure-port")->error, "integer"));
	ck_assert_ptr_nonnull(get(&fs, "kube-api-qps")->error);
	flagset_free(&fs);
}
END_TEST

/* Valid UTF-8 without control characters. */
static int
is_clean_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80		 ? 1
			   : (*p & 0xe0) == 0xc0 ? 2
			   : (*p & 0xf0) == 0xe0 ? 3
			   : (*p & 0xf8) == 0xf0 ? 4
						 : 0;
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)))
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

START_TEST(test_non_utf8)
{
	struct flagset fs;
	const struct flag *f;

	parse(&fs, PFLAG_GO_PFLAG, "x", "--token-auth-file=/x\xff\xfe", "--name\xc3", "\xc3\x28\n",
	      "\xe9t\xe9", "--data-dir", "/caf\xc3\xa9", NULL);
	f = get(&fs, "token-auth-file");
	ck_assert_str_eq(f->value.raw, "/x\xff\xfe");
	ck_assert_str_eq(f->occ[0].value, "/x\xff\xfe");
	ck_assert(is_clean_utf8(f->occ[0].text));
	ck_assert_ptr_nonnull(strstr(f->occ[0].text, "\\xff"));
	f = get(&fs, "name\xc3");
	ck_assert_str_eq(f->value.raw, "\xc3\x28\n");
	ck_assert(is_clean_utf8(f->occ[0].text));
	ck_assert_ptr_nonnull(strstr(f->occ[0].text, "\\x0a"));
	assert_strv(&fs.positional, "\xe9t\xe9");
	f = get(&fs, "data-dir");
	ck_assert_str_eq(f->occ[0].text, "--data-dir /caf\xc3\xa9");
	flagset_free(&fs);

	/* a bad value's error message is clean too */
	parse(&fs, PFLAG_GO_PFLAG, "x", "--profiling=\xff\x01", NULL);
	ck_assert_ptr_nonnull(get(&fs, "profiling")->error);
	ck_assert(is_clean_utf8(get(&fs, "profiling")->error));
	flagset_free(&fs);
}
END_TEST

START_TEST(test_huge_argument)
{
	size_t n = 100 * 1024;
	char *big = malloc(n + 32), *val = malloc(n + 1), *prof;
	struct flagset fs;
	const struct flag *f;

	memset(val, 'a', n);
	val[n] = '\0';
	snprintf(big, n + 32, "--token-auth-file=%s", val);
	prof = xasprintf("--profiling=%s", val);
	parse(&fs, PFLAG_GO_PFLAG, "x", big, "--data-dir", val, prof, val, NULL);
	f = get(&fs, "token-auth-file");
	ck_assert_uint_eq(strlen(f->value.raw), n);
	ck_assert_uint_eq(strlen(f->occ[0].text), n + 18);
	f = get(&fs, "data-dir");
	ck_assert_uint_eq(strlen(f->occ[0].text), n + 11);
	ck_assert_ptr_nonnull(get(&fs, "profiling")->error);
	ck_assert_uint_lt(strlen(get(&fs, "profiling")->error), 300);
	ck_assert_uint_eq(fs.positional.n, 1);
	flagset_free(&fs);

	/* a huge unknown flag name */
	big[0] = big[1] = '-';
	memset(big + 2, 'n', n);
	big[n + 2] = '\0';
	parse(&fs, PFLAG_GO_PFLAG, "x", big, big, NULL);
	ck_assert_uint_eq(fs.nflags, 1);
	ck_assert_uint_eq(fs.flags[0].nocc, 2);
	ck_assert_uint_eq(strlen(fs.flags[0].name), n);
	flagset_free(&fs);
	free(big);
	free(val);
	free(prof);
}
END_TEST

START_TEST(test_many_arguments)
{
	size_t n = 10000;
	char **argv = calloc(n + 1, sizeof(*argv));
	struct flagset fs;
	const struct flag *f;

	/* 10,000 arguments: distinct unknown flags, a growing slice, distinct
	 * map keys and one key set over and over */
	argv[0] = strdup("x");
	for (size_t i = 1; i < n; i++) {
		switch (i % 4) {
		case 0:
			argv[i] = xasprintf("--unknown-%zu=v%zu", i, i);
			break;
		case 1:
			argv[i] = xasprintf("--enable-admission-plugins=P%zu", i);
			break;
		case 2:
			argv[i] = xasprintf("--feature-gates=K%zu=true", i);
			break;
		default:
			argv[i] =
				xasprintf("--feature-gates=Same=%s", i % 8 == 3 ? "true" : "false");
			break;
		}
	}
	ck_assert_int_eq(pflag_parse(&fs, PFLAG_GO_PFLAG, argv, n, type_of, &type_calls), 0);
	ck_assert_uint_eq(fs.nflags, 2 + (n - 1) / 4);
	f = get(&fs, "enable-admission-plugins");
	ck_assert_uint_eq(f->value.list.n, (n + 2) / 4);
	ck_assert_uint_eq(f->nocc, f->value.list.n);
	ck_assert_str_eq(f->value.list.v[0], "P1");
	f = get(&fs, "feature-gates");
	ck_assert_uint_eq(f->value.list.n, (n + 1) / 4 + 1);
	ck_assert_uint_eq(f->nocc, (n + 1) / 4 + (n / 4));
	/* the last "Same=" is at i = 9999, 9999 % 8 == 7: false */
	ck_assert_str_eq(value_map_get(&f->value, "Same"), "false");
	ck_assert_str_eq(value_map_get(&f->value, "K9998"), "true");
	f = get(&fs, "unknown-9996");
	ck_assert_str_eq(f->value.raw, "v9996");
	ck_assert_int_eq(f->occ[0].index, 9996);
	flagset_free(&fs);
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
}
END_TEST

START_TEST(test_edge_inputs)
{
	struct flagset fs;
	char *argv[] = {"x", NULL, "--secure-port", NULL, NULL};

	/* NULL entries read as "" */
	ck_assert_int_eq(pflag_parse(&fs, PFLAG_GO_PFLAG, argv, 4, type_of, &type_calls), 0);
	ck_assert_uint_eq(fs.positional.n, 1);
	ck_assert_str_eq(fs.positional.v[0], "");
	ck_assert_ptr_nonnull(get(&fs, "secure-port")->error);
	ck_assert_str_eq(get(&fs, "secure-port")->occ[0].text, "--secure-port ");
	flagset_free(&fs);

	ck_assert_int_eq(pflag_parse(&fs, PFLAG_GO_PFLAG, argv, 0, type_of, &type_calls), 0);
	ck_assert_uint_eq(fs.nflags, 0);
	flagset_free(&fs);
	ck_assert_int_eq(pflag_parse(&fs, PFLAG_GO_FLAG, argv, 1, type_of, &type_calls), 0);
	ck_assert_uint_eq(fs.nflags, 0);
	ck_assert_uint_eq(fs.positional.n, 0);
	ck_assert_ptr_null(flagset_get(&fs, "x"));
	flagset_free(&fs);
	ck_assert_int_eq(pflag_parse(&fs, PFLAG_GO_FLAG, NULL, 5, type_of, &type_calls), 0);
	flagset_free(&fs);
	flagset_free(&fs);
	flagset_free(NULL);
	ck_assert_ptr_null(flagset_get(NULL, "x"));

	/* "--a=b=c": the first '=' splits */
	parse(&fs, PFLAG_GO_PFLAG, "x", "--token-auth-file=b=c", "--feature-gates=A=B=C", NULL);
	ck_assert_str_eq(get(&fs, "token-auth-file")->value.raw, "b=c");
	ck_assert_str_eq(value_map_get(&get(&fs, "feature-gates")->value, "A"), "B=C");
	flagset_free(&fs);
}
END_TEST

static Suite *
pflag_suite(void)
{
	Suite *s = suite_create("pflag");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_bool_space);
	tcase_add_test(tc, test_bool_spellings);
	tcase_add_test(tc, test_repeated_scalars);
	tcase_add_test(tc, test_invalid_then_valid);
	tcase_add_test(tc, test_slices);
	tcase_add_test(tc, test_arrays);
	tcase_add_test(tc, test_maps);
	tcase_add_test(tc, test_double_dash);
	tcase_add_test(tc, test_value_takes_next);
	tcase_add_test(tc, test_missing_value);
	tcase_add_test(tc, test_unknown_flags);
	tcase_add_test(tc, test_interspersed_and_short);
	tcase_add_test(tc, test_normalize_underscore);
	tcase_add_test(tc, test_etcd_forms);
	tcase_add_test(tc, test_goflag_stops);
	tcase_add_test(tc, test_durations);
	tcase_add_test(tc, test_ints_floats);
	tcase_add_test(tc, test_non_utf8);
	tcase_add_test(tc, test_huge_argument);
	tcase_add_test(tc, test_many_arguments);
	tcase_add_test(tc, test_edge_inputs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pflag_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
