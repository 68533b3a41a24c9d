/* check_report.c - unit tests of the report structure and its four formats.
 *
 * Outputs are parsed back (jansson, libxml2, a small Prometheus line parser,
 * line scans of the text) and compared field by field with the report that
 * produced them; no test compares a whole document with a stored string.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "testutil.h"

/* libxml2 is found through pkg-config libxml-2.0; without its include path
 * the JUnit test falls back to a structural scan. */
#if defined(__has_include)
#if __has_include(<libxml/parser.h>)
#define HAVE_LIBXML2_TEST 1
#include <libxml/parser.h>
#include <libxml/tree.h>
#endif
#endif

/* Strings a careless producer might leave unsanitized, and what the JSON
 * format must turn them into (invalid bytes escaped like str_sanitize, valid
 * characters - control characters included - kept). */
#define RAW_ARGV "--profiling=true <&>\"' \xff\xfe\x01 \xef\xbf\xbe end"
#define ESC_ARGV "--profiling=true <&>\"' \\xff\\xfe\x01 \xef\xbf\xbe end"
#define RAW_NOTE "bad \xc3( byte\tafter tab"
#define ESC_NOTE "bad \\xc3( byte\tafter tab"
#define HOSTNAME "cp-1 <&>\"'"
#define LONG_REMEDIATION                                                                           \
	"Edit the API server pod specification file "                                              \
	"/etc/kubernetes/manifests/kube-apiserver.yaml "                                           \
	"on the control plane node and set the --authorization-mode parameter to values other "    \
	"than AlwaysAllow, for example --authorization-mode=Node,RBAC.\n"                          \
	"Then restart the kubelet: "                                                               \
	"a-very-long-word-that-does-not-fit-anywhere-on-one-line-at-all-"                          \
	"because-it-is-longer-than-the-whole-width"

/* ---- building reports ---- */

static struct result *
add_res(struct report *r, const char *id, const char *section, enum result_state st, int automated,
	const char *component)
{
	struct result *res = report_add_result(r);

	res->id = xstrdup(id);
	res->section = xstrdup(section);
	res->title = xasprintf("Ensure that check %s holds", id);
	res->state = st;
	res->automated = automated;
	res->component = xstrdup(component);
	return res;
}

static struct evidence *
add_file_ev(struct result *res, const char *path, unsigned mode, unsigned uid, const char *owner,
	    const char *link, const char *view)
{
	struct evidence *e = result_add_evidence(res);

	e->source = EV_FILE;
	e->file = xstrdup(path);
	e->has_stat = 1;
	e->mode = mode;
	e->uid = e->gid = uid;
	e->owner = owner ? xstrdup(owner) : NULL;
	e->group = owner ? xstrdup(owner) : NULL;
	e->link = link ? xstrdup(link) : NULL;
	e->view = view ? xstrdup(view) : NULL;
	return e;
}

/* Every state, every evidence source, sections interleaved (1.1 comes back
 * after 1.2), special and invalid bytes. */
static struct report *
build_report(void)
{
	struct report *r = xcalloc(1, sizeof(*r));
	struct result *res;
	struct evidence *e;

	r->tool = xstrdup("kube-auditd");
	r->version = xstrdup("0.1.0");
	r->benchmark = xstrdup("cis-1.12");
	r->hostname = xstrdup(HOSTNAME);
	strv_push(&r->roles, "control-plane");
	strv_push(&r->roles, "etcd");
	strv_push(&r->roles, "worker");
	r->ncomps = 2;
	r->comps = xcalloc(2, sizeof(*r->comps));
	r->comps[0].name = xstrdup("kube-apiserver");
	r->comps[0].pid = 812;
	r->comps[0].exe = xstrdup("/usr/local/bin/kube-apiserver");
	r->comps[1].name = xstrdup("etcd");
	r->comps[1].pid = 700;
	r->started_at = xstrdup("2026-11-29T10:00:00Z");
	r->duration_ms = 3.1;
	strv_push(&r->notes, "hidepid=2 on /proc: processes of other users may be hidden");
	strv_push(&r->notes, RAW_NOTE);

	/* 0: PASS with file evidence */
	res = add_res(r, "1.1.1", "1.1", RS_PASS, 1, "(files)");
	res->expected = xstrdup("permissions 600 or more restrictive");
	res->actual = xstrdup("0600");
	add_file_ev(res, "/etc/kubernetes/manifests/kube-apiserver.yaml", 0100600, 0, "root", NULL,
		    "root");

	/* 1: FAIL with argv and a linked file */
	res = add_res(r, "1.2.6", "1.2", RS_FAIL, 1, "kube-apiserver");
	res->expected = xstrdup("authorization-mode does not contain AlwaysAllow");
	res->actual = xstrdup("AlwaysAllow");
	res->reason = xstrdup("");
	res->remediation = xstrdup(LONG_REMEDIATION);
	e = result_add_evidence(res);
	e->source = EV_ARGV;
	e->pid = 812;
	e->index = 7;
	e->text = xstrdup("--authorization-mode=AlwaysAllow");
	add_file_ev(res, "/etc/kubernetes/manifests/kube-apiserver.yaml", 0100644, 0, "root",
		    "/etc/kubernetes/manifests/real.yaml", NULL);

	/* 2: FAIL whose argv holds markup and invalid bytes, plus a default */
	res = add_res(r, "1.2.15", "1.2", RS_FAIL, 1, "kube-apiserver");
	res->expected = xstrdup("profiling is false");
	res->actual = xstrdup("true <&>");
	res->remediation = xstrdup("Set --profiling=false & restart.");
	e = result_add_evidence(res);
	e->source = EV_ARGV;
	e->pid = 812;
	e->index = 9;
	e->text = xstrdup(RAW_ARGV);
	e = result_add_evidence(res);
	e->source = EV_DEFAULT;
	e->text = xstrdup("components.yaml default for kube-apiserver: profiling=true");

	/* 3: WARN, manual, note evidence */
	res = add_res(r, "1.2.1", "1.2", RS_WARN, 0, "kube-apiserver");
	res->reason = xstrdup("manual recommendation: review the anonymous requests needed");
	res->remediation = xstrdup("Decide whether anonymous requests are needed.");
	e = result_add_evidence(res);
	e->source = EV_NOTE;
	e->text = xstrdup("anonymous-auth is not set");

	/* 4: PASS with environ evidence */
	res = add_res(r, "2.1", "2", RS_PASS, 1, "etcd");
	e = result_add_evidence(res);
	e->source = EV_ENVIRON;
	e->pid = 700;
	e->text = xstrdup("ETCD_CERT_FILE=/etc/kubernetes/pki/etcd/server.crt");

	/* 5: FAIL with config and dropin evidence */
	res = add_res(r, "4.2.1", "4.2", RS_FAIL, 1, "kubelet");
	res->expected = xstrdup("anonymous auth disabled");
	res->actual = xstrdup("true");
	res->remediation = xstrdup("Set authentication.anonymous.enabled to false.");
	e = result_add_evidence(res);
	e->source = EV_CONFIG;
	e->file = xstrdup("/var/lib/kubelet/config.yaml");
	e->line = 12;
	e->text = xstrdup("authentication.anonymous.enabled: true");
	e = result_add_evidence(res);
	e->source = EV_DROPIN;
	e->file = xstrdup("/etc/kubernetes/kubelet.conf.d/10-anon.conf");
	e->line = 3;
	e->text = xstrdup("authentication.anonymous.enabled: true");

	/* 6: SKIP; its remediation must not be printed */
	res = add_res(r, "4.1.1", "4.1", RS_SKIP, 1, "(files)");
	res->reason = xstrdup("kubelet.service: file absent");
	res->remediation = xstrdup("SKIP-REMEDIATION-NOT-SHOWN");

	/* 7: ERROR in 1.1 again, file without names, with link, view and text */
	res = add_res(r, "1.1.12", "1.1", RS_ERROR, 1, "(files)");
	res->reason = xstrdup("/var/lib/etcd: Permission denied");
	e = add_file_ev(res, "/var/lib/etcd", 040700, 1000, NULL, "/srv/etcd", "proc:700");
	e->text = xstrdup("Permission denied");

	/* 8: WARN without evidence */
	res = add_res(r, "5.1.1", "5.1", RS_WARN, 0, "cluster");
	res->reason = xstrdup("cluster scope");

	/* 9: SKIP with a file that has no stat */
	res = add_res(r, "1.1.13", "1.1", RS_SKIP, 1, "(files)");
	res->reason = xstrdup("file absent");
	e = result_add_evidence(res);
	e->source = EV_FILE;
	e->file = xstrdup("/etc/kubernetes/super-admin.conf");
	return r;
}

static void
count_states(const struct report *r, size_t counts[RS__COUNT])
{
	memset(counts, 0, RS__COUNT * sizeof(counts[0]));
	for (size_t i = 0; i < r->nresults; i++)
		counts[r->results[i].state]++;
}

static char *
render(const struct report *r, enum report_format fmt, int color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(report_write(r, fmt, f, color), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	return buf;
}

/* Valid UTF-8 according to an independent validator (jansson's). */
static int
is_utf8(const char *s)
{
	json_t *j = json_string(s);
	int ok = j != NULL;

	json_decref(j);
	return ok;
}

/* ---- names, structure, counts, exit status ---- */

START_TEST(test_names)
{
	static const char *const states[] = {"PASS", "FAIL", "WARN", "SKIP", "ERROR"};
	static const char *const sources[] = {"argv",	 "environ", "config", "dropin",
					      "default", "file",    "note"};
	static const struct {
		const char *name;
		enum report_format fmt;
	} fmts[] = {{"text", FMT_TEXT},
		    {"json", FMT_JSON},
		    {"junit", FMT_JUNIT},
		    {"prometheus", FMT_PROMETHEUS}};
	enum report_format f;

	for (int s = 0; s < RS__COUNT; s++)
		ck_assert_str_eq(result_state_name(s), states[s]);
	for (int s = EV_ARGV; s <= EV_NOTE; s++)
		ck_assert_str_eq(ev_source_name(s), sources[s]);
	ck_assert_ptr_nonnull(result_state_name((enum result_state)99));
	ck_assert_ptr_nonnull(ev_source_name((enum ev_source)99));
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		f = (enum report_format) - 1;
		ck_assert_int_eq(report_format_from_name(fmts[i].name, &f), 0);
		ck_assert_int_eq(f, fmts[i].fmt);
	}
	ck_assert_int_eq(report_format_from_name("xml", &f), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(report_format_from_name("JSON", &f), -1);
	ck_assert_int_eq(report_format_from_name("", &f), -1);
	ck_assert_int_eq(report_format_from_name(NULL, &f), -1);
}
END_TEST

START_TEST(test_add_and_free)
{
	struct report *r = xcalloc(1, sizeof(*r));

	for (int i = 0; i < 200; i++) {
		struct result *res = report_add_result(r);

		ck_assert_ptr_null(res->id);
		ck_assert_uint_eq(res->nev, 0);
		res->id = xasprintf("9.%d", i);
		res->state = (enum result_state)(i % RS__COUNT);
		for (int j = 0; j < i % 4; j++) {
			struct evidence *e = result_add_evidence(res);

			ck_assert_int_eq(e->index, -1);
			ck_assert_ptr_null(e->text);
			ck_assert_int_eq(e->has_stat, 0);
			e->text = xasprintf("ev %d", j);
		}
	}
	ck_assert_uint_eq(r->nresults, 200);
	ck_assert_str_eq(r->results[123].id, "9.123");
	ck_assert_uint_eq(r->results[123].nev, 123 % 4);
	ck_assert_str_eq(r->results[123].ev[2].text, "ev 2");
	report_count(r);
	for (int s = 0; s < RS__COUNT; s++)
		ck_assert_uint_eq(r->counts[s], 40);
	report_free(r);
	report_free(NULL);
}
END_TEST

START_TEST(test_count)
{
	struct report *r = build_report();
	size_t want[RS__COUNT];

	count_states(r, want);
	report_count(r);
	for (int s = 0; s < RS__COUNT; s++)
		ck_assert_uint_eq(r->counts[s], want[s]);
	ck_assert_uint_eq(r->counts[RS_FAIL], 3);
	report_free(r);
}
END_TEST

START_TEST(test_exit_status)
{
	/* every subset of states present */
	for (unsigned mask = 0; mask < (1u << RS__COUNT); mask++) {
		struct report *r = xcalloc(1, sizeof(*r));
		int want = (mask & (1u << RS_ERROR)) ? 2 : (mask & (1u << RS_FAIL)) ? 1 : 0;

		for (int s = 0; s < RS__COUNT; s++) {
			if (mask & (1u << s)) {
				report_add_result(r)->state = s;
				report_add_result(r)->state = RS_PASS;
			}
		}
		ck_assert_msg(report_exit_status(r) == want, "mask %#x: got %d want %d", mask,
			      report_exit_status(r), want);
		report_free(r);
	}
}
END_TEST

/* ---- JSON ---- */

static void
assert_keys(json_t *o, const char *const *keys, const char *what)
{
	const char *k;
	json_t *v;
	size_t i = 0;

	ck_assert_msg(json_is_object(o), "%s is not an object", what);
	json_object_foreach(o, k, v)
	{
		ck_assert_msg(keys[i] != NULL, "%s: unexpected key %s", what, k);
		ck_assert_msg(strcmp(k, keys[i]) == 0, "%s: key %zu is %s, want %s", what, i, k,
			      keys[i]);
		i++;
	}
	ck_assert_msg(keys[i] == NULL, "%s: missing key %s", what, keys[i]);
}

static const char *
jget_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_string(v), "\"%s\" is not a string", key);
	return json_string_value(v);
}

static json_int_t
jget_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "\"%s\" is not an integer", key);
	return json_integer_value(v);
}

static json_t *
load_json(const char *text)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);

	ck_assert_msg(root != NULL, "invalid JSON at %d:%d: %s", jerr.line, jerr.column, jerr.text);
	return root;
}

START_TEST(test_json_document)
{
	static const char *const top_keys[] = {"tool",	     "version",	    "benchmark", "node",
					       "started_at", "duration_ms", "summary",	 "notes",
					       "results",    NULL};
	static const char *const node_keys[] = {"hostname", "roles", "components", NULL};
	static const char *const comp_keys[] = {"name", "pid", "exe", NULL};
	static const char *const res_keys[] = {"id",	    "section",	 "title",	"status",
					       "automated", "component", "expected",	"actual",
					       "evidence",  "reason",	 "remediation", NULL};
	static const char *const sum_keys[] = {"pass", "fail", "warn", "skip", "error", NULL};
	struct report *r = build_report();
	char *text = render(r, FMT_JSON, 0);
	json_t *root = load_json(text), *node, *comps, *results, *sum;
	size_t counts[RS__COUNT];

	assert_keys(root, top_keys, "report");
	ck_assert_str_eq(jget_str(root, "tool"), "kube-auditd");
	ck_assert_str_eq(jget_str(root, "version"), r->version);
	ck_assert_str_eq(jget_str(root, "benchmark"), r->benchmark);
	ck_assert_str_eq(jget_str(root, "started_at"), r->started_at);
	ck_assert(json_is_number(json_object_get(root, "duration_ms")));
	ck_assert(fabs(json_number_value(json_object_get(root, "duration_ms")) - 3.1) < 1e-9);
	/* pretty-printed with two spaces */
	ck_assert_ptr_nonnull(strstr(text, "\n  \"tool\": \"kube-auditd\""));

	node = json_object_get(root, "node");
	assert_keys(node, node_keys, "node");
	ck_assert_str_eq(jget_str(node, "hostname"), HOSTNAME);
	ck_assert_uint_eq(json_array_size(json_object_get(node, "roles")), 3);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(node, "roles"), 1)),
			 "etcd");
	comps = json_object_get(node, "components");
	ck_assert_uint_eq(json_array_size(comps), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *c = json_array_get(comps, i);

		assert_keys(c, comp_keys, "component");
		ck_assert_str_eq(jget_str(c, "name"), r->comps[i].name);
		ck_assert_int_eq(jget_int(c, "pid"), r->comps[i].pid);
	}
	ck_assert_str_eq(jget_str(json_array_get(comps, 0), "exe"), r->comps[0].exe);
	ck_assert(json_is_null(json_object_get(json_array_get(comps, 1), "exe")));

	count_states(r, counts);
	sum = json_object_get(root, "summary");
	assert_keys(sum, sum_keys, "summary");
	for (int s = 0; s < RS__COUNT; s++)
		ck_assert_int_eq(jget_int(sum, sum_keys[s]), (json_int_t)counts[s]);

	ck_assert_uint_eq(json_array_size(json_object_get(root, "notes")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "notes"), 0)),
			 r->notes.v[0]);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "notes"), 1)),
			 ESC_NOTE);

	results = json_object_get(root, "results");
	ck_assert_uint_eq(json_array_size(results), r->nresults);
	for (size_t i = 0; i < r->nresults; i++) {
		json_t *jr = json_array_get(results, i);
		const struct result *res = &r->results[i];

		assert_keys(jr, res_keys, res->id);
		ck_assert_str_eq(jget_str(jr, "id"), res->id);
		ck_assert_str_eq(jget_str(jr, "section"), res->section);
		ck_assert_str_eq(jget_str(jr, "title"), res->title);
		ck_assert_str_eq(jget_str(jr, "status"), result_state_name(res->state));
		ck_assert(json_is_boolean(json_object_get(jr, "automated")));
		ck_assert_int_eq(json_is_true(json_object_get(jr, "automated")), res->automated);
		ck_assert_str_eq(jget_str(jr, "component"), res->component);
		/* NULL strings are written as "" */
		ck_assert_str_eq(jget_str(jr, "reason"), res->reason ? res->reason : "");
		ck_assert_str_eq(jget_str(jr, "expected"), res->expected ? res->expected : "");
		ck_assert_uint_eq(json_array_size(json_object_get(jr, "evidence")), res->nev);
	}
	json_decref(root);
	free(text);
	report_free(r);
}
END_TEST

START_TEST(test_json_evidence)
{
	static const char *const argv_keys[] = {"source", "pid", "index", "text", NULL};
	static const char *const env_keys[] = {"source", "pid", "text", NULL};
	static const char *const cfg_keys[] = {"source", "file", "line", "text", NULL};
	static const char *const text_keys[] = {"source", "text", NULL};
	static const char *const file_named[] = {"source", "path",  "mode", "uid", "gid",
						 "owner",  "group", "view", NULL};
	static const char *const file_linked[] = {"source", "path",  "mode", "uid", "gid",
						  "owner",  "group", "link", NULL};
	static const char *const file_unnamed[] = {"source", "path", "mode", "uid", "gid",
						   "link",   "view", "text", NULL};
	static const char *const file_nostat[] = {"source", "path", NULL};
	struct report *r = build_report();
	char *text = report_to_json(r);
	json_t *root = load_json(text), *results = json_object_get(root, "results"), *ev;

#define EV(ri, ei) json_array_get(json_object_get(json_array_get(results, ri), "evidence"), ei)
	/* argv */
	ev = EV(1, 0);
	assert_keys(ev, argv_keys, "argv");
	ck_assert_str_eq(jget_str(ev, "source"), "argv");
	ck_assert_int_eq(jget_int(ev, "pid"), 812);
	ck_assert_int_eq(jget_int(ev, "index"), 7);
	ck_assert_str_eq(jget_str(ev, "text"), "--authorization-mode=AlwaysAllow");
	/* argv with invalid bytes: escaped, the rest (markup, control, U+FFFE) kept */
	ev = EV(2, 0);
	ck_assert_str_eq(jget_str(ev, "text"), ESC_ARGV);
	ck_assert_int_eq(jget_int(ev, "index"), 9);
	/* default */
	ev = EV(2, 1);
	assert_keys(ev, text_keys, "default");
	ck_assert_str_eq(jget_str(ev, "source"), "default");
	/* note */
	ev = EV(3, 0);
	assert_keys(ev, text_keys, "note");
	ck_assert_str_eq(jget_str(ev, "source"), "note");
	ck_assert_str_eq(jget_str(ev, "text"), "anonymous-auth is not set");
	/* environ */
	ev = EV(4, 0);
	assert_keys(ev, env_keys, "environ");
	ck_assert_str_eq(jget_str(ev, "source"), "environ");
	ck_assert_int_eq(jget_int(ev, "pid"), 700);
	/* config and dropin */
	ev = EV(5, 0);
	assert_keys(ev, cfg_keys, "config");
	ck_assert_str_eq(jget_str(ev, "source"), "config");
	ck_assert_str_eq(jget_str(ev, "file"), "/var/lib/kubelet/config.yaml");
	ck_assert_int_eq(jget_int(ev, "line"), 12);
	ck_assert_str_eq(jget_str(ev, "text"), "authentication.anonymous.enabled: true");
	ev = EV(5, 1);
	assert_keys(ev, cfg_keys, "dropin");
	ck_assert_str_eq(jget_str(ev, "source"), "dropin");
	ck_assert_int_eq(jget_int(ev, "line"), 3);
	/* file: mode is an octal string of the permission bits only */
	ev = EV(0, 0);
	assert_keys(ev, file_named, "file");
	ck_assert_str_eq(jget_str(ev, "source"), "file");
	ck_assert_str_eq(jget_str(ev, "path"), "/etc/kubernetes/manifests/kube-apiserver.yaml");
	ck_assert_str_eq(jget_str(ev, "mode"), "0600");
	ck_assert_int_eq(jget_int(ev, "uid"), 0);
	ck_assert_int_eq(jget_int(ev, "gid"), 0);
	ck_assert_str_eq(jget_str(ev, "owner"), "root");
	ck_assert_str_eq(jget_str(ev, "group"), "root");
	ck_assert_str_eq(jget_str(ev, "view"), "root");
	ck_assert_ptr_null(json_object_get(ev, "link"));
	ev = EV(1, 1);
	assert_keys(ev, file_linked, "file with link");
	ck_assert_str_eq(jget_str(ev, "mode"), "0644");
	ck_assert_str_eq(jget_str(ev, "link"), "/etc/kubernetes/manifests/real.yaml");
	ev = EV(7, 0);
	assert_keys(ev, file_unnamed, "file without names");
	ck_assert_str_eq(jget_str(ev, "mode"), "0700");
	ck_assert_int_eq(jget_int(ev, "uid"), 1000);
	ck_assert_str_eq(jget_str(ev, "view"), "proc:700");
	ev = EV(9, 0);
	assert_keys(ev, file_nostat, "file without stat");
#undef EV
	json_decref(root);
	free(text);
	report_free(r);
}
END_TEST

START_TEST(test_json_no_notes)
{
	struct report *r = build_report();
	char *text;
	json_t *root;

	strv_clear(&r->notes);
	text = report_to_json(r);
	root = load_json(text);
	ck_assert_ptr_null(json_object_get(root, "notes"));
	ck_assert_ptr_nonnull(json_object_get(root, "results"));
	json_decref(root);
	free(text);
	report_free(r);
}
END_TEST

/* What a string must read after a JSON round trip. */
static const char *
json_expect(const char *s)
{
	if (s == NULL)
		return "";
	if (strcmp(s, RAW_ARGV) == 0)
		return ESC_ARGV;
	if (strcmp(s, RAW_NOTE) == 0)
		return ESC_NOTE;
	return s;
}

#define ck_json_str(orig, got, what)                                                               \
	ck_assert_msg(strcmp(json_expect(orig), (got) ? (got) : "") == 0, "%s: \"%s\" != \"%s\"",  \
		      what, json_expect(orig), (got) ? (got) : "(null)")

static void
compare_evidence(const struct evidence *a, const struct evidence *b, const char *id)
{
	ck_assert_int_eq(a->source, b->source);
	ck_assert_int_eq(a->pid, b->pid);
	ck_assert_int_eq(a->index, b->index);
	ck_assert_int_eq(a->line, b->line);
	ck_assert_int_eq(a->has_stat, b->has_stat);
	ck_assert_uint_eq(a->mode & 07777, b->mode);
	ck_assert_uint_eq(a->uid, b->uid);
	ck_assert_uint_eq(a->gid, b->gid);
	ck_json_str(a->text, b->text, id);
	ck_json_str(a->file, b->file, id);
	/* optional strings stay NULL when absent */
	ck_assert_int_eq(a->owner == NULL, b->owner == NULL);
	ck_assert_int_eq(a->group == NULL, b->group == NULL);
	ck_assert_int_eq(a->link == NULL, b->link == NULL);
	ck_assert_int_eq(a->view == NULL, b->view == NULL);
	ck_json_str(a->owner, b->owner, id);
	ck_json_str(a->group, b->group, id);
	ck_json_str(a->link, b->link, id);
	ck_json_str(a->view, b->view, id);
}

static void
compare_reports(const struct report *a, const struct report *b)
{
	ck_json_str(a->tool, b->tool, "tool");
	ck_json_str(a->version, b->version, "version");
	ck_json_str(a->benchmark, b->benchmark, "benchmark");
	ck_json_str(a->hostname, b->hostname, "hostname");
	ck_json_str(a->started_at, b->started_at, "started_at");
	ck_assert(fabs(a->duration_ms - b->duration_ms) < 1e-9);
	ck_assert_uint_eq(a->roles.n, b->roles.n);
	for (size_t i = 0; i < a->roles.n; i++)
		ck_json_str(a->roles.v[i], b->roles.v[i], "role");
	ck_assert_uint_eq(a->notes.n, b->notes.n);
	for (size_t i = 0; i < a->notes.n; i++)
		ck_json_str(a->notes.v[i], b->notes.v[i], "note");
	ck_assert_uint_eq(a->ncomps, b->ncomps);
	for (size_t i = 0; i < a->ncomps; i++) {
		ck_json_str(a->comps[i].name, b->comps[i].name, "comp");
		ck_assert_int_eq(a->comps[i].pid, b->comps[i].pid);
		ck_assert_int_eq(a->comps[i].exe == NULL, b->comps[i].exe == NULL);
		ck_json_str(a->comps[i].exe, b->comps[i].exe, "exe");
	}
	ck_assert_uint_eq(a->nresults, b->nresults);
	for (size_t i = 0; i < a->nresults; i++) {
		const struct result *x = &a->results[i], *y = &b->results[i];

		ck_json_str(x->id, y->id, "id");
		ck_json_str(x->section, y->section, x->id);
		ck_json_str(x->title, y->title, x->id);
		ck_assert_int_eq(x->state, y->state);
		ck_assert_int_eq(x->automated, y->automated);
		ck_json_str(x->component, y->component, x->id);
		ck_json_str(x->expected, y->expected, x->id);
		ck_json_str(x->actual, y->actual, x->id);
		ck_json_str(x->reason, y->reason, x->id);
		ck_json_str(x->remediation, y->remediation, x->id);
		ck_assert_uint_eq(x->nev, y->nev);
		for (size_t j = 0; j < x->nev; j++)
			compare_evidence(&x->ev[j], &y->ev[j], x->id);
	}
}

START_TEST(test_json_roundtrip)
{
	struct report *r = build_report(), *back, *again;
	char *json1 = report_to_json(r), *json2, *err = NULL;
	size_t want[RS__COUNT];

	back = report_from_json(json1, &err);
	ck_assert_msg(back != NULL, "report_from_json: %s", err);
	ck_assert_ptr_null(err);
	compare_reports(r, back);
	/* counts are filled from the results */
	count_states(r, want);
	for (int s = 0; s < RS__COUNT; s++)
		ck_assert_uint_eq(back->counts[s], want[s]);
	/* a parsed report writes the same document again */
	json2 = report_to_json(back);
	ck_assert_str_eq(json1, json2);
	again = report_from_json(json2, NULL);
	ck_assert_ptr_nonnull(again);
	compare_reports(back, again);
	report_free(again);
	free(json2);
	free(json1);
	report_free(back);
	report_free(r);
}
END_TEST

START_TEST(test_json_minimal_and_lenient)
{
	char *err = NULL;
	struct report *r = report_from_json("{\"tool\":\"kube-auditd\",\"results\":[]}", &err);

	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_uint_eq(r->nresults, 0);
	ck_assert_ptr_null(r->hostname);
	report_free(r);

	/* an evidence source from a newer version is kept as a note */
	r = report_from_json("{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1.2.1\","
			     "\"status\":\"WARN\",\"automated\":false,\"evidence\":[{\"source\":"
			     "\"endpoint\",\"text\":\"401 Unauthorized\"}]}]}",
			     &err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(r->results[0].state, RS_WARN);
	ck_assert_int_eq(r->results[0].automated, 0);
	ck_assert_int_eq(r->results[0].ev[0].source, EV_NOTE);
	ck_assert_ptr_nonnull(strstr(r->results[0].ev[0].text, "endpoint"));
	ck_assert_ptr_nonnull(strstr(r->results[0].ev[0].text, "401 Unauthorized"));
	ck_assert_int_eq(r->results[0].ev[0].index, -1);
	ck_assert_uint_eq(r->counts[RS_WARN], 1);
	report_free(r);
}
END_TEST

static const struct {
	const char *json;
	const char *want; /* substring of the error */
} bad_json[] = {
	{"{", "line 1 column"},
	{"", "line 1"},
	{"{\"tool\":\"kube-auditd\",\n\"results\":[}", "line 2 column"},
	{"{\"tool\":\"kube-auditd\",\"tool\":\"x\",\"results\":[]}", "duplicate"},
	{"[1,2]", "not a kube-auditd report"},
	{"\"kube-auditd\"", "line 1 column"},
	{"{\"results\":[]}", "\"tool\""},
	{"{\"tool\":7,\"results\":[]}", "\"tool\""},
	{"{\"tool\":\"kube-bench\",\"results\":[]}", "\"tool\""},
	{"{\"tool\":\"kube-auditd\"}", "\"results\""},
	{"{\"tool\":\"kube-auditd\",\"results\":{}}", "\"results\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[7]}", "results[0]"},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"status\":\"PASS\"}]}", "\"id\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1.1.1\"}]}", "\"status\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":5}]}", "\"status\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":\"MAYBE\"}]}",
	 "unknown status"},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":\"PASS\","
	 "\"automated\":\"yes\"}]}",
	 "\"automated\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":\"PASS\","
	 "\"evidence\":{}}]}",
	 "\"evidence\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":\"PASS\","
	 "\"evidence\":[{\"text\":\"x\"}]}]}",
	 "results[0].evidence[0]: missing \"source\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":\"PASS\","
	 "\"evidence\":[{\"source\":\"file\",\"path\":\"/x\",\"mode\":\"0x9\"}]}]}",
	 "\"mode\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":\"PASS\","
	 "\"evidence\":[{\"source\":\"file\",\"path\":\"/x\",\"mode\":420}]}]}",
	 "\"mode\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":\"PASS\","
	 "\"evidence\":[{\"source\":\"argv\",\"pid\":\"812\"}]}]}",
	 "\"pid\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[{\"id\":\"1\",\"status\":\"PASS\","
	 "\"evidence\":[{\"source\":\"file\",\"uid\":-1}]}]}",
	 "\"uid\" is out of range"},
	{"{\"tool\":\"kube-auditd\",\"results\":[],\"node\":[]}", "\"node\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[],\"node\":{\"roles\":[1]}}", "roles[0]"},
	{"{\"tool\":\"kube-auditd\",\"results\":[],\"node\":{\"components\":[{\"pid\":1}]}}",
	 "node.components[0]: missing \"name\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[],\"duration_ms\":\"3\"}", "\"duration_ms\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[],\"summary\":{\"pass\":\"x\"}}", "\"pass\""},
	{"{\"tool\":\"kube-auditd\",\"results\":[],\"notes\":\"x\"}", "\"notes\""},
};

START_TEST(test_json_invalid)
{
	char *err = (char *)"untouched";
	struct report *r;

	r = report_from_json(bad_json[_i].json, &err);
	ck_assert_msg(r == NULL, "accepted: %s", bad_json[_i].json);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, bad_json[_i].want) != NULL, "%s: error \"%s\" lacks \"%s\"",
		      bad_json[_i].json, err, bad_json[_i].want);
	free(err);
	/* err is optional */
	ck_assert_ptr_null(report_from_json(bad_json[_i].json, NULL));
}
END_TEST

START_TEST(test_json_null_input)
{
	char *err = NULL;

	ck_assert_ptr_null(report_from_json(NULL, &err));
	ck_assert_ptr_nonnull(err);
	free(err);
}
END_TEST

/* A report a buggy producer left half empty must still give valid output. */
static struct report *
build_broken(void)
{
	struct report *r = xcalloc(1, sizeof(*r));
	struct result *res;
	struct evidence *e;

	r->duration_ms = NAN;
	r->started_at = xstrdup("yesterday");
	strv_push(&r->notes, "\x1b[31mred\x1b[0m");
	res = report_add_result(r);
	res->state = (enum result_state)42;
	e = result_add_evidence(res);
	e->source = (enum ev_source)99;
	e = result_add_evidence(res);
	e->source = EV_FILE;
	res = report_add_result(r);
	res->state = RS_FAIL;
	res->remediation = xstrdup("   \n  ");
	return r;
}

START_TEST(test_robust)
{
	struct report *r = build_broken(), *back;
	char *text, *err = NULL;
	json_t *root, *jr;

	text = render(r, FMT_JSON, 0);
	root = load_json(text);
	ck_assert_str_eq(jget_str(root, "tool"), "kube-auditd");
	jr = json_array_get(json_object_get(root, "results"), 0);
	/* an unknown state is never shown as a pass */
	ck_assert_str_eq(jget_str(jr, "status"), "ERROR");
	ck_assert_int_eq(jget_int(json_object_get(root, "summary"), "error"), 1);
	ck_assert(json_is_number(json_object_get(root, "duration_ms")));
	back = report_from_json(text, &err);
	ck_assert_msg(back != NULL, "%s", err);
	ck_assert_int_eq(back->results[0].state, RS_ERROR);
	report_free(back);
	free(text);
	json_decref(root);
	ck_assert_int_eq(report_exit_status(r), 2);

	for (int f = FMT_TEXT; f <= FMT_PROMETHEUS; f++) {
		text = render(r, (enum report_format)f, f == FMT_TEXT);
		ck_assert(is_utf8(text));
		if (f != FMT_TEXT)
			ck_assert_ptr_null(strchr(text, '\x1b'));
		free(text);
	}
	report_free(r);
}
END_TEST

START_TEST(test_write_errors)
{
	struct report *r = build_report();
	FILE *f;

	for (int fmt = FMT_TEXT; fmt <= FMT_PROMETHEUS; fmt++) {
		f = fopen("/dev/full", "w");
		ck_assert_ptr_nonnull(f);
		errno = 0;
		ck_assert_int_eq(report_write(r, (enum report_format)fmt, f, 0), -1);
		ck_assert_int_eq(errno, ENOSPC);
		fclose(f);
	}
	f = tmpfile();
	ck_assert_int_eq(report_write(r, (enum report_format)17, f, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(report_write(NULL, FMT_TEXT, f, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	fclose(f);
	report_free(r);
}
END_TEST

/* ---- JUnit ---- */

#ifdef HAVE_LIBXML2_TEST

static size_t
xml_count(xmlNode *n, const char *name)
{
	size_t c = 0;

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, name) == 0)
			c++;
		c += xml_count(n->children, name);
	}
	return c;
}

static xmlNode *
xml_child(xmlNode *n, const char *name)
{
	for (n = n->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* Attribute value as a new malloc'd string ("" when absent). */
static char *
xml_attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = xstrdup(v ? (const char *)v : "");

	xmlFree(v);
	return s;
}

static size_t
xml_attr_num(xmlNode *n, const char *name)
{
	char *s = xml_attr(n, name), *end;
	size_t v = strtoul(s, &end, 10);

	ck_assert_msg(*s && *end == '\0', "attribute %s=\"%s\" is not a number", name, s);
	free(s);
	return v;
}

static char *
xml_text(xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = xstrdup(v ? (const char *)v : "");

	xmlFree(v);
	return s;
}

static char *
xml_property(xmlNode *tc, const char *name)
{
	xmlNode *props = xml_child(tc, "properties");

	for (xmlNode *p = props ? props->children : NULL; p; p = p->next) {
		char *k;

		if (p->type != XML_ELEMENT_NODE)
			continue;
		k = xml_attr(p, "name");
		if (strcmp(k, name) == 0) {
			free(k);
			return xml_attr(p, "value");
		}
		free(k);
	}
	return NULL;
}

static void
junit_testcase(xmlNode *tc, const struct report *r, const char *section, size_t *seen)
{
	char *name = xml_attr(tc, "name"), *cls = xml_attr(tc, "classname"), *want, *v;
	const struct result *res = NULL;
	xmlNode *child;

	for (size_t i = 0; i < r->nresults; i++) {
		want = xasprintf("%s ", r->results[i].id);
		if (str_has_prefix(name, want))
			res = &r->results[i];
		free(want);
	}
	ck_assert_msg(res != NULL, "testcase %s matches no result", name);
	(*seen)++;
	ck_assert_str_eq(res->section, section);
	ck_assert_ptr_nonnull(strstr(name, res->title));
	want = xasprintf("%s.%s", r->benchmark, res->section);
	ck_assert_str_eq(cls, want);
	free(want);
	v = xml_property(tc, "status");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, result_state_name(res->state));
	free(v);
	ck_assert_int_eq(xml_count(tc->children, "failure"), res->state == RS_FAIL);
	ck_assert_int_eq(xml_count(tc->children, "error"), res->state == RS_ERROR);
	ck_assert_int_eq(xml_count(tc->children, "skipped"), res->state == RS_SKIP);
	if (res->state == RS_SKIP) {
		child = xml_child(tc, "skipped");
		v = xml_attr(child, "message");
		ck_assert_str_eq(v, res->reason);
		free(v);
	}
	if (res->state == RS_WARN) {
		child = xml_child(tc, "system-out");
		ck_assert_ptr_nonnull(child);
		v = xml_text(child);
		ck_assert_msg(str_has_prefix(v, "WARN"), "system-out: %s", v);
		ck_assert_ptr_nonnull(strstr(v, res->reason));
		free(v);
	}
	if (strcmp(res->id, "1.2.6") == 0) {
		/* element text keeps the remediation's line breaks */
		v = xml_text(xml_child(tc, "failure"));
		ck_assert_ptr_nonnull(strstr(v, "Node,RBAC.\nThen restart"));
		free(v);
	}
	if (strcmp(res->id, "1.2.15") == 0) {
		/* markup survives as text; invalid bytes and controls as \xNN */
		v = xml_text(xml_child(tc, "failure"));
		ck_assert_ptr_nonnull(strstr(v, "--profiling=true <&>\"' \\xff\\xfe\\x01"));
		ck_assert_ptr_nonnull(strstr(v, "\\xef\\xbf\\xbe end"));
		ck_assert_ptr_nonnull(strstr(v, "Set --profiling=false & restart."));
		free(v);
		v = xml_attr(xml_child(tc, "failure"), "message");
		ck_assert_ptr_nonnull(strstr(v, "true <&>"));
		free(v);
	}
	free(name);
	free(cls);
}

START_TEST(test_junit)
{
	struct report *r = build_report();
	char *text = render(r, FMT_JUNIT, 0), *v;
	xmlDoc *doc;
	xmlNode *root;
	size_t counts[RS__COUNT], seen = 0, nsuites = 0;
	struct strv sections = {0};

	ck_assert(str_has_prefix(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
	doc = xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	ck_assert_msg(doc != NULL, "JUnit output is not well-formed XML");
	root = xmlDocGetRootElement(doc);
	ck_assert_str_eq((const char *)root->name, "testsuites");
	count_states(r, counts);
	v = xml_attr(root, "name");
	ck_assert_str_eq(v, "kube-auditd");
	free(v);
	ck_assert_uint_eq(xml_attr_num(root, "tests"), r->nresults);
	ck_assert_uint_eq(xml_attr_num(root, "failures"), counts[RS_FAIL]);
	ck_assert_uint_eq(xml_attr_num(root, "errors"), counts[RS_ERROR]);
	ck_assert_uint_eq(xml_attr_num(root, "skipped"), counts[RS_SKIP]);
	ck_assert_uint_eq(xml_count(root->children, "testcase"), r->nresults);
	ck_assert_uint_eq(xml_count(root->children, "failure"), counts[RS_FAIL]);
	ck_assert_uint_eq(xml_count(root->children, "error"), counts[RS_ERROR]);
	ck_assert_uint_eq(xml_count(root->children, "skipped"), counts[RS_SKIP]);
	ck_assert_uint_eq(xml_count(root->children, "system-out"), counts[RS_WARN]);

	for (size_t i = 0; i < r->nresults; i++)
		if (strv_index(&sections, r->results[i].section) < 0)
			strv_push(&sections, r->results[i].section);
	for (xmlNode *ts = root->children; ts; ts = ts->next) {
		char *want;

		if (ts->type != XML_ELEMENT_NODE)
			continue;
		ck_assert_str_eq((const char *)ts->name, "testsuite");
		ck_assert_uint_lt(nsuites, sections.n);
		v = xml_attr(ts, "name");
		want = xasprintf("%s %s", r->benchmark, sections.v[nsuites]);
		ck_assert_str_eq(v, want);
		free(want);
		free(v);
		v = xml_attr(ts, "hostname");
		ck_assert_str_eq(v, HOSTNAME);
		free(v);
		ck_assert_uint_eq(xml_attr_num(ts, "tests"), xml_count(ts->children, "testcase"));
		ck_assert_uint_eq(xml_attr_num(ts, "failures"), xml_count(ts->children, "failure"));
		ck_assert_uint_eq(xml_attr_num(ts, "errors"), xml_count(ts->children, "error"));
		ck_assert_uint_eq(xml_attr_num(ts, "skipped"), xml_count(ts->children, "skipped"));
		for (xmlNode *tc = ts->children; tc; tc = tc->next)
			if (tc->type == XML_ELEMENT_NODE)
				junit_testcase(tc, r, sections.v[nsuites], &seen);
		nsuites++;
	}
	ck_assert_uint_eq(nsuites, sections.n);
	ck_assert_uint_eq(seen, r->nresults);
	strv_free(&sections);
	xmlFreeDoc(doc);
	xmlCleanupParser();
	free(text);
	report_free(r);
}
END_TEST

#else /* no libxml2: a structural scan */

static size_t
count_str(const char *s, const char *needle)
{
	size_t n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

START_TEST(test_junit)
{
	struct report *r = build_report();
	char *text = render(r, FMT_JUNIT, 0);
	size_t counts[RS__COUNT];

	count_states(r, counts);
	ck_assert(str_has_prefix(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
	ck_assert_uint_eq(count_str(text, "<testcase "), r->nresults);
	ck_assert_uint_eq(count_str(text, "<failure "), counts[RS_FAIL]);
	ck_assert_uint_eq(count_str(text, "<error "), counts[RS_ERROR]);
	ck_assert_uint_eq(count_str(text, "<skipped "), counts[RS_SKIP]);
	ck_assert(is_utf8(text));
	for (const char *p = text; *p; p++) {
		ck_assert((unsigned char)*p >= 0x20 || *p == '\n');
		if (*p == '&')
			ck_assert(str_has_prefix(p, "&amp;") || str_has_prefix(p, "&lt;") ||
				  str_has_prefix(p, "&gt;") || str_has_prefix(p, "&quot;") ||
				  str_has_prefix(p, "&apos;"));
	}
	free(text);
	report_free(r);
}
END_TEST

#endif

/* ---- Prometheus ---- */

struct sample {
	char name[128];
	char labels[8][2][256]; /* name, unescaped value */
	int nlabels;
	double value;
};

static const char *
sample_label(const struct sample *s, const char *name)
{
	for (int i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i][0], name) == 0)
			return s->labels[i][1];
	return NULL;
}

/* Parses one sample line of the exposition format; fails the test on syntax
 * errors. */
static void
parse_sample(const char *line, struct sample *s)
{
	const char *p = line;
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");
	char *end;

	memset(s, 0, sizeof(*s));
	ck_assert_msg(n > 0 && n < sizeof(s->name), "bad metric name: %s", line);
	memcpy(s->name, p, n);
	p += n;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			size_t k = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
			size_t o = 0;

			ck_assert_msg(k > 0 && p[k] == '=' && p[k + 1] == '"', "bad label: %s",
				      line);
			ck_assert_int_lt(s->nlabels, 8);
			memcpy(s->labels[s->nlabels][0], p, k);
			p += k + 2;
			for (; *p != '"'; p++) {
				ck_assert_msg(*p != '\0' && *p != '\n', "unterminated: %s", line);
				if (*p == '\\') {
					p++;
					ck_assert_msg(*p == '\\' || *p == '"' || *p == 'n',
						      "bad escape in %s", line);
					s->labels[s->nlabels][1][o++] = *p == 'n' ? '\n' : *p;
				} else
					s->labels[s->nlabels][1][o++] = *p;
				ck_assert_uint_lt(o, 255);
			}
			p++;
			s->nlabels++;
			if (*p == ',')
				p++;
			else
				ck_assert_msg(*p == '}', "bad label list: %s", line);
		}
		p++;
	}
	ck_assert_msg(*p == ' ', "no value: %s", line);
	s->value = strtod(p + 1, &end);
	ck_assert_msg(end != p + 1 && *end == '\0', "bad value: %s", line);
}

struct prom {
	struct strv help, type;
	struct sample *samples;
	size_t n;
};

static void
prom_parse(const char *text, struct prom *pr)
{
	char *copy = xstrdup(text), *save = NULL;

	memset(pr, 0, sizeof(*pr));
	ck_assert(str_has_suffix(text, "\n"));
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128];

		if (str_has_prefix(line, "# HELP ")) {
			ck_assert_int_eq(sscanf(line, "# HELP %127s", name), 1);
			ck_assert_msg(strv_index(&pr->help, name) < 0, "HELP %s twice", name);
			ck_assert_msg(strlen(line) > strlen("# HELP ") + strlen(name) + 1,
				      "empty HELP for %s", name);
			strv_push(&pr->help, name);
		} else if (str_has_prefix(line, "# TYPE ")) {
			char type[32];

			ck_assert_int_eq(sscanf(line, "# TYPE %127s %31s", name, type), 2);
			ck_assert_str_eq(type, "gauge");
			ck_assert_msg(strv_index(&pr->type, name) < 0, "TYPE %s twice", name);
			strv_push(&pr->type, name);
		} else {
			ck_assert_msg(line[0] != '#', "unexpected comment: %s", line);
			pr->samples = xrealloc(pr->samples, (pr->n + 1) * sizeof(*pr->samples));
			parse_sample(line, &pr->samples[pr->n]);
			/* HELP and TYPE come before the metric's first sample */
			ck_assert_msg(strv_index(&pr->help, pr->samples[pr->n].name) >= 0,
				      "no HELP before %s", line);
			ck_assert_msg(strv_index(&pr->type, pr->samples[pr->n].name) >= 0,
				      "no TYPE before %s", line);
			pr->n++;
		}
	}
	free(copy);
}

static void
prom_free(struct prom *pr)
{
	strv_free(&pr->help);
	strv_free(&pr->type);
	free(pr->samples);
}

static const struct sample *
prom_find(const struct prom *pr, const char *name, const char *label, const char *value)
{
	for (size_t i = 0; i < pr->n; i++) {
		const char *v;

		if (strcmp(pr->samples[i].name, name) != 0)
			continue;
		if (label == NULL)
			return &pr->samples[i];
		v = sample_label(&pr->samples[i], label);
		if (v && strcmp(v, value) == 0)
			return &pr->samples[i];
	}
	return NULL;
}

static size_t
prom_count(const struct prom *pr, const char *name)
{
	size_t c = 0;

	for (size_t i = 0; i < pr->n; i++)
		c += strcmp(pr->samples[i].name, name) == 0;
	return c;
}

START_TEST(test_prometheus)
{
	static const char *const lower[RS__COUNT] = {"pass", "fail", "warn", "skip", "error"};
	struct report *r = build_report();
	char *text, *want_version;
	struct prom pr;
	const struct sample *s;
	size_t counts[RS__COUNT];
	struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 29, .tm_hour = 10};

	free(r->version);
	r->version = xstrdup("0.1.0-\"rc\\1\"\n\xff");
	text = render(r, FMT_PROMETHEUS, 0);
	prom_parse(text, &pr);
	count_states(r, counts);

	ck_assert_uint_eq(prom_count(&pr, "kube_auditd_check_status"), r->nresults);
	for (size_t i = 0; i < r->nresults; i++) {
		const struct result *res = &r->results[i];

		s = prom_find(&pr, "kube_auditd_check_status", "id", res->id);
		ck_assert_msg(s != NULL, "no series for %s", res->id);
		ck_assert_int_eq(s->nlabels, 4);
		ck_assert_str_eq(sample_label(s, "section"), res->section);
		ck_assert_str_eq(sample_label(s, "status"), result_state_name(res->state));
		ck_assert_str_eq(sample_label(s, "automated"), res->automated ? "true" : "false");
		ck_assert(s->value == 1);
	}
	ck_assert_uint_eq(prom_count(&pr, "kube_auditd_checks"), RS__COUNT);
	for (int st = 0; st < RS__COUNT; st++) {
		s = prom_find(&pr, "kube_auditd_checks", "status", lower[st]);
		ck_assert_msg(s != NULL, "no count for %s", lower[st]);
		ck_assert(s->value == (double)counts[st]);
	}
	s = prom_find(&pr, "kube_auditd_last_scan_timestamp_seconds", NULL, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert(s->value == (double)timegm(&tm));
	s = prom_find(&pr, "kube_auditd_scan_duration_seconds", NULL, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert(fabs(s->value - 0.0031) < 1e-12);
	s = prom_find(&pr, "kube_auditd_info", NULL, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert(s->value == 1);
	want_version = str_sanitize(r->version);
	ck_assert_str_eq(sample_label(s, "version"), want_version);
	ck_assert_str_eq(sample_label(s, "benchmark"), "cis-1.12");
	free(want_version);
	ck_assert(is_utf8(text));
	prom_free(&pr);
	free(text);
	report_free(r);
}
END_TEST

START_TEST(test_prometheus_timestamps)
{
	struct report *r = build_report();
	struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 29, .tm_hour = 10};
	struct prom pr;
	const struct sample *s;
	char *text;

	/* an offset and a fraction */
	free(r->started_at);
	r->started_at = xstrdup("2026-11-29T12:00:00.5+02:00");
	text = render(r, FMT_PROMETHEUS, 0);
	prom_parse(text, &pr);
	s = prom_find(&pr, "kube_auditd_last_scan_timestamp_seconds", NULL, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert(s->value == (double)timegm(&tm) + 0.5);
	prom_free(&pr);
	free(text);

	/* unparsable: the metric is left out, not made up */
	free(r->started_at);
	r->started_at = xstrdup("2026-11-29 noon");
	text = render(r, FMT_PROMETHEUS, 0);
	prom_parse(text, &pr);
	ck_assert_ptr_null(prom_find(&pr, "kube_auditd_last_scan_timestamp_seconds", NULL, NULL));
	ck_assert_int_lt(strv_index(&pr.help, "kube_auditd_last_scan_timestamp_seconds"), 0);
	prom_free(&pr);
	free(text);
	report_free(r);
}
END_TEST

START_TEST(test_prometheus_duplicates)
{
	struct report *r = build_report();
	struct prom pr;
	char *text;
	size_t n = r->nresults;

	/* the same series twice would make node_exporter drop the file */
	add_res(r, "1.2.6", "1.2", RS_FAIL, 1, "kube-apiserver");
	/* same id, other status: a distinct series */
	add_res(r, "1.2.6", "1.2", RS_ERROR, 1, "kube-apiserver");
	text = render(r, FMT_PROMETHEUS, 0);
	prom_parse(text, &pr);
	ck_assert_uint_eq(prom_count(&pr, "kube_auditd_check_status"), n + 1);
	prom_free(&pr);
	free(text);
	report_free(r);
}
END_TEST

/* ---- text ---- */

static void
strip_ansi(char *s)
{
	char *w = s;

	for (char *p = s; *p;) {
		if (*p == '\033' && p[1] == '[') {
			p += 2;
			while (*p && *p != 'm')
				p++;
			if (*p)
				p++;
		} else
			*w++ = *p++;
	}
	*w = '\0';
}

static size_t
utf8_cols(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static void
assert_summary(const char *text, const struct report *r)
{
	const char *p = strstr(text, "== Summary: ");
	size_t got[RS__COUNT], want[RS__COUNT];

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(
		sscanf(p, "== Summary: %zu pass, %zu fail, %zu warn, %zu skip, %zu error ==",
		       &got[RS_PASS], &got[RS_FAIL], &got[RS_WARN], &got[RS_SKIP], &got[RS_ERROR]),
		5);
	count_states(r, want);
	for (int s = 0; s < RS__COUNT; s++)
		ck_assert_uint_eq(got[s], want[s]);
}

START_TEST(test_text)
{
	struct report *r = build_report();
	char *text = render(r, FMT_TEXT, 0), *copy, *save = NULL;
	struct strv lines = {0};
	const char *first_result, *notes;
	struct sbuf remed = {0};
	int in_remed = 0;

	ck_assert(is_utf8(text));
	for (const char *p = text; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "control byte %#x in text",
			      (unsigned char)*p);
	assert_summary(text, r);

	/* header, then notes, then results */
	ck_assert(str_has_prefix(text, "kube-auditd 0.1.0"));
	ck_assert_ptr_nonnull(strstr(text, "cis-1.12"));
	ck_assert_ptr_nonnull(strstr(text, HOSTNAME));
	ck_assert_ptr_nonnull(strstr(text, "control-plane, etcd, worker"));
	ck_assert_ptr_nonnull(strstr(text, "kube-apiserver (pid 812)"));
	ck_assert_ptr_nonnull(strstr(text, "etcd (pid 700)"));
	notes = strstr(text, "hidepid=2");
	first_result = strstr(text, "\n[");
	ck_assert_ptr_nonnull(notes);
	ck_assert_ptr_nonnull(first_result);
	ck_assert(notes < first_result);
	/* sanitized for the terminal: the tab too */
	ck_assert_ptr_nonnull(strstr(text, "bad \\xc3( byte\\x09after tab"));

	/* evidence, one line each */
	ck_assert_ptr_nonnull(strstr(text, "argv pid 812 [7]: --authorization-mode=AlwaysAllow\n"));
	ck_assert_ptr_nonnull(strstr(text, "config /var/lib/kubelet/config.yaml:12: "
					   "authentication.anonymous.enabled: true\n"));
	ck_assert_ptr_nonnull(
		strstr(text, "dropin /etc/kubernetes/kubelet.conf.d/10-anon.conf:3: "));
	ck_assert_ptr_nonnull(strstr(text,
				     "file /etc/kubernetes/manifests/kube-apiserver.yaml mode "
				     "0644 owner root(0):root(0) -> "
				     "/etc/kubernetes/manifests/real.yaml\n"));
	ck_assert_ptr_nonnull(strstr(text, "file /var/lib/etcd mode 0700 owner 1000:1000 -> "
					   "/srv/etcd (view proc:700): Permission denied\n"));
	ck_assert_ptr_nonnull(strstr(text, "note: anonymous-auth is not set\n"));
	ck_assert_ptr_nonnull(strstr(text, "default: components.yaml default"));
	ck_assert_ptr_nonnull(strstr(text, "\\xff\\xfe\\x01"));
	/* a PASS shows no details, a SKIP no remediation */
	ck_assert_ptr_null(strstr(text, "ETCD_CERT_FILE"));
	ck_assert_ptr_null(strstr(text, "SKIP-REMEDIATION-NOT-SHOWN"));
	ck_assert_ptr_nonnull(strstr(text, "kubelet.service: file absent"));

	copy = xstrdup(text);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		strv_push(&lines, l);
	for (size_t i = 0; i < r->nresults; i++) {
		const struct result *res = &r->results[i];
		char *want =
			xasprintf("[%s] %s %s", result_state_name(res->state), res->id, res->title);
		size_t found = 0;

		for (size_t j = 0; j < lines.n; j++) {
			if (!str_has_prefix(lines.v[j], want))
				continue;
			found++;
			/* a PASS line is followed by no detail line */
			if (res->state == RS_PASS && j + 1 < lines.n)
				ck_assert_msg(lines.v[j + 1][0] != ' ', "details after %s", want);
			if (res->state != RS_PASS)
				ck_assert(j + 1 < lines.n && lines.v[j + 1][0] == ' ');
			if (!res->automated)
				ck_assert_ptr_nonnull(strstr(lines.v[j], "(Manual)"));
		}
		ck_assert_msg(found == 1, "%s found %zu times", want, found);
		free(want);
	}
	/* results are grouped: section 1.1 appears once, with all its results */
	for (size_t j = 0, in11 = 0, n11 = 0; j < lines.n; j++) {
		if (str_has_prefix(lines.v[j], "== Section "))
			in11 = strcmp(lines.v[j], "== Section 1.1 ==") == 0;
		else if (lines.v[j][0] == '[')
			n11 += in11 && strstr(lines.v[j], " 1.1.") != NULL;
		if (j + 1 == lines.n)
			ck_assert_uint_eq(n11, 3);
	}
	/* remediation: wrapped at 78 columns except for a word longer than a
	 * line, and no word lost; blocks are joined with '|' */
	for (size_t j = 0; j < lines.n; j++) {
		const char *l = lines.v[j];
		const char *label = strstr(l, "remediation: ");

		if (label && l[0] == ' ') {
			sbuf_addc(&remed, '|');
			in_remed = 1;
			l = label + strlen("remediation: ");
		} else if (in_remed && strspn(l, " ") == 20) {
			sbuf_addc(&remed, ' ');
			l += 20;
		} else {
			in_remed = 0;
			continue;
		}
		if (strstr(l, "a-very-long-word") == NULL)
			ck_assert_msg(utf8_cols(lines.v[j], strlen(lines.v[j])) <= 78,
				      "too long: %s", lines.v[j]);
		sbuf_add(&remed, l);
	}
	{
		/* LONG_REMEDIATION with its newline as a space */
		char *norm = xstrdup(LONG_REMEDIATION);

		for (char *p = norm; *p; p++)
			if (*p == '\n')
				*p = ' ';
		ck_assert_msg(strstr(sbuf_str(&remed), norm) != NULL, "remediation lost words: %s",
			      sbuf_str(&remed));
		free(norm);
	}
	ck_assert_ptr_nonnull(strstr(sbuf_str(&remed), "Set --profiling=false & restart."));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&remed), "Decide whether anonymous"));
	sbuf_free(&remed);
	strv_free(&lines);
	free(copy);
	free(text);
	report_free(r);
}
END_TEST

START_TEST(test_text_color)
{
	static const char *const tags[] = {"\033[32m[PASS]", "\033[31m[FAIL]", "\033[33m[WARN]",
					   "\033[2m[SKIP]", "\033[35m[ERROR]"};
	struct report *r = build_report();
	char *text = render(r, FMT_TEXT, 1), *plain = render(r, FMT_TEXT, 0);

	for (int s = 0; s < RS__COUNT; s++)
		ck_assert_msg(strstr(text, tags[s]) != NULL, "no colored %s", tags[s] + 4);
	ck_assert_ptr_null(strchr(plain, '\033'));
	strip_ansi(text);
	ck_assert_str_eq(text, plain); /* color adds escapes and nothing else */
	assert_summary(text, r);
	free(text);
	free(plain);
	report_free(r);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_add_and_free);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_exit_status);
	tcase_add_test(tc, test_json_document);
	tcase_add_test(tc, test_json_evidence);
	tcase_add_test(tc, test_json_no_notes);
	tcase_add_test(tc, test_json_roundtrip);
	tcase_add_test(tc, test_json_minimal_and_lenient);
	tcase_add_loop_test(tc, test_json_invalid, 0,
			    (int)(sizeof(bad_json) / sizeof(bad_json[0])));
	tcase_add_test(tc, test_json_null_input);
	tcase_add_test(tc, test_robust);
	tcase_add_test(tc, test_write_errors);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_prometheus);
	tcase_add_test(tc, test_prometheus_timestamps);
	tcase_add_test(tc, test_prometheus_duplicates);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_text_color);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
