/* check_summary.c - unit tests of the fleet summary (summary.h) and of
 * kube-auditctl summarize.
 *
 * Reports are built in code, written with report_to_json into temporary
 * files, summarized, and the outputs are parsed back (jansson, libxml2) and
 * compared with what the inputs say; nothing is compared with a stored text.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "summary.h"
#include "testutil.h"

#if defined(__has_include)
#if __has_include(<libxml/parser.h>)
#define HAVE_LIBXML2_TEST 1
#include <libxml/parser.h>
#include <libxml/tree.h>
#endif
#endif

#define NRECS 12

/* The state host h gets for recommendation k: every state occurs, and most
 * hosts differ from each other. */
static enum result_state
state_of(unsigned h, unsigned k)
{
	static const enum result_state mix[] = {RS_PASS, RS_PASS, RS_FAIL, RS_PASS,
						RS_WARN, RS_SKIP, RS_PASS, RS_ERROR};

	return mix[(h * 5 + k * 3 + (h * k) % 7) % 8];
}

static char *
rec_id(unsigned k)
{
	return xasprintf("1.%u.%u", k / 5 + 1, k % 5 + 1);
}

/* A report of host h with nrecs results; all_pass forces PASS. */
static struct report *
make_report(const char *hostname, unsigned h, unsigned nrecs, const char *version,
	    const char *benchmark, int all_pass)
{
	struct report *r = xcalloc(1, sizeof(*r));

	r->tool = xstrdup("kube-auditd");
	r->version = xstrdup(version);
	r->benchmark = xstrdup(benchmark);
	r->hostname = xstrdup(hostname);
	strv_push(&r->roles, h % 3 == 0 ? "worker" : "control-plane");
	if (h % 3 == 1)
		strv_push(&r->roles, "etcd");
	r->started_at = xstrdup("2026-11-29T10:00:00Z");
	for (unsigned k = 0; k < nrecs; k++) {
		struct result *res = report_add_result(r);

		res->id = rec_id(k);
		res->section = xstrdup("1.1");
		res->title = xasprintf("Ensure that setting %u | holds", k);
		res->state = all_pass ? RS_PASS : state_of(h, k);
		res->automated = 1;
		res->component = xstrdup("kube-apiserver");
		res->reason = xasprintf("reason <%u> & \"more\"", k);
	}
	report_count(r);
	return r;
}

static char *
write_report(const char *dir, const char *file, const struct report *r)
{
	char *json = report_to_json(r), *path = xasprintf("%s/%s", dir, file);

	tu_write(dir, file, json, 0644);
	free(json);
	return path;
}

static char *
host_name(unsigned h)
{
	return xasprintf("node-%03u", h);
}

/* Writes hosts node-000.json ... with hostnames "h-NNN.example". */
static struct strv
write_fleet(const char *dir, unsigned nhosts, unsigned nrecs)
{
	struct strv files = {0};

	for (unsigned h = 0; h < nhosts; h++) {
		char *name = host_name(h), *hn = xasprintf("h-%03u.example", h);
		char *file = xasprintf("%s.json", name);
		struct report *r = make_report(hn, h, nrecs, PACKAGE_VERSION, "cis-1.12", 0);

		strv_push_take(&files, write_report(dir, file, r));
		report_free(r);
		free(name);
		free(hn);
		free(file);
	}
	return files;
}

static const char *const keys[RS__COUNT] = {"pass", "fail", "warn", "skip", "error"};

static int
json_strv_has(json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	}
	return 0;
}

/* Checks the JSON summary of hosts 0..nhosts-1 of write_fleet against what
 * the inputs say: per-host counts, roles, per-recommendation host lists. */
static void
verify_json(const char *text, unsigned nhosts, unsigned nrecs)
{
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr), *hosts, *recs, *v;
	size_t i, want_flagged = 0;

	ck_assert_msg(root != NULL, "summary JSON: %s", jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(root, "tool")), "kube-auditctl");
	ck_assert_str_eq(json_string_value(json_object_get(root, "benchmark")), "cis-1.12");
	hosts = json_object_get(root, "hosts");
	ck_assert_uint_eq(json_array_size(hosts), nhosts);
	json_array_foreach(hosts, i, v)
	{
		char *name = host_name((unsigned)i), *hn = xasprintf("h-%03zu.example", i);
		size_t want[RS__COUNT] = {0};
		json_t *sum = json_object_get(v, "summary");

		ck_assert_str_eq(json_string_value(json_object_get(v, "name")), name);
		ck_assert_str_eq(json_string_value(json_object_get(v, "hostname")), hn);
		ck_assert_int_eq(json_strv_has(json_object_get(v, "roles"), "worker"), i % 3 == 0);
		ck_assert_int_eq(json_strv_has(json_object_get(v, "roles"), "etcd"), i % 3 == 1);
		for (unsigned k = 0; k < nrecs; k++)
			want[state_of((unsigned)i, k)]++;
		for (int st = 0; st < RS__COUNT; st++)
			ck_assert_int_eq(json_integer_value(json_object_get(sum, keys[st])),
					 (json_int_t)want[st]);
		free(name);
		free(hn);
	}
	recs = json_object_get(root, "recommendations");
	for (unsigned k = 0; k < nrecs; k++) {
		int flagged = 0;

		for (unsigned h = 0; h < nhosts; h++) {
			enum result_state st = state_of(h, k);

			flagged |= st == RS_FAIL || st == RS_WARN || st == RS_ERROR;
		}
		want_flagged += flagged;
	}
	ck_assert_uint_eq(json_array_size(recs), want_flagged);
	json_array_foreach(recs, i, v)
	{
		const char *id = json_string_value(json_object_get(v, "id"));
		unsigned k = nrecs;

		for (unsigned j = 0; j < nrecs; j++) {
			char *rid = rec_id(j);

			if (strcmp(rid, id) == 0)
				k = j;
			free(rid);
		}
		ck_assert_msg(k < nrecs, "unknown id %s", id);
		if (i > 0) {
			const char *prev = json_string_value(
				json_object_get(json_array_get(recs, i - 1), "id"));
			ck_assert_int_lt(str_natcmp(prev, id), 0);
		}
		for (int st = RS_FAIL; st < RS__COUNT; st++) {
			json_t *list;
			size_t want = 0;

			if (st == RS_SKIP)
				continue;
			list = json_object_get(v, keys[st]);
			ck_assert(json_is_array(list));
			for (unsigned h = 0; h < nhosts; h++) {
				char *name = host_name(h);

				if (state_of(h, k) == (enum result_state)st) {
					want++;
					ck_assert_msg(json_strv_has(list, name), "%s %s lacks %s",
						      id, keys[st], name);
				}
				free(name);
			}
			ck_assert_uint_eq(json_array_size(list), want);
		}
	}
	json_decref(root);
}

static void
add_files(struct summary *s, const struct strv *files)
{
	for (size_t i = 0; i < files->n; i++)
		summary_add_file(s, files->v[i]);
}

/* ---- tests ---- */

START_TEST(t_id_cmp_and_names)
{
	char *n;

	ck_assert_int_lt(str_natcmp("1.2.9", "1.2.10"), 0);
	ck_assert_int_gt(str_natcmp("5.1.1", "4.2.13"), 0);
	ck_assert_int_lt(str_natcmp("1.1", "1.1.1"), 0);
	ck_assert_int_eq(str_natcmp("3.2.1", "3.2.1"), 0);
	n = summary_name_from_path("/x/y/cp-1.json");
	ck_assert_str_eq(n, "cp-1");
	free(n);
	ck_assert_ptr_null(summary_name_from_path("/x/report.txt"));
	ck_assert_ptr_null(summary_name_from_path("/x/.json"));
}
END_TEST

START_TEST(t_counts_json)
{
	char *dir = tu_mkdtemp(), *json;
	struct strv files = write_fleet(dir, 7, NRECS);
	struct summary s;
	int want_exit = 0;

	summary_init(&s, PACKAGE_VERSION, NULL);
	add_files(&s, &files);
	ck_assert_uint_eq(s.nhosts, 7);
	ck_assert_uint_eq(s.nbad, 0);
	json = summary_to_json(&s);
	verify_json(json, 7, NRECS);
	for (unsigned h = 0; h < 7; h++)
		for (unsigned k = 0; k < NRECS; k++) {
			if (state_of(h, k) == RS_ERROR)
				want_exit = 2;
			else if (state_of(h, k) == RS_FAIL && want_exit == 0)
				want_exit = 1;
		}
	ck_assert_int_eq(summary_exit_status(&s), want_exit);
	free(json);
	summary_free(&s);
	strv_free(&files);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(t_exit_status_clean)
{
	struct report *r = make_report("a", 0, NRECS, PACKAGE_VERSION, "cis-1.12", 1);
	struct summary s;
	char *err = NULL;

	summary_init(&s, PACKAGE_VERSION, NULL);
	ck_assert_int_eq(summary_add_report(&s, NULL, r, &err), 0);
	ck_assert_str_eq(s.hosts[0].name, "a");
	ck_assert_int_eq(summary_exit_status(&s), 0);
	/* the same host again is a duplicate, rejected */
	ck_assert_int_eq(summary_add_report(&s, "a", r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "duplicate"));
	free(err);
	report_free(r);
	r = make_report("b", 2, 3, PACKAGE_VERSION, "cis-1.12", 0);
	ck_assert_int_eq(summary_add_report(&s, NULL, r, NULL), 0);
	ck_assert_int_eq(summary_exit_status(&s), s.hosts[1].counts[RS_ERROR]  ? 2
						  : s.hosts[1].counts[RS_FAIL] ? 1
									       : 0);
	report_free(r);
	summary_free(&s);
}
END_TEST

START_TEST(t_mixed_versions)
{
	char *dir = tu_mkdtemp();
	struct strv files = write_fleet(dir, 3, NRECS);
	struct report *r = make_report("old", 9, NRECS, "97.3.1", "cis-1.12", 1);
	char *old = write_report(dir, "old.json", r), *json;
	struct summary s;
	json_t *root, *bad;

	summary_init(&s, PACKAGE_VERSION, NULL);
	summary_add_file(&s, files.v[0]);
	ck_assert_int_eq(summary_add_file(&s, old), -1);
	summary_add_file(&s, files.v[1]);
	summary_add_file(&s, files.v[2]);
	ck_assert_uint_eq(s.nhosts, 3);
	ck_assert_uint_eq(s.nbad, 1);
	ck_assert_str_eq(s.bad[0].name, "old");
	ck_assert_msg(strstr(s.bad[0].reason, "schema version 97.3.1") != NULL, "%s",
		      s.bad[0].reason);
	ck_assert_int_eq(summary_exit_status(&s), 2);
	json = summary_to_json(&s);
	verify_json(json, 3, NRECS);
	root = json_loads(json, 0, NULL);
	bad = json_object_get(root, "not_audited");
	ck_assert_uint_eq(json_array_size(bad), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(bad, 0), "name")), "old");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(bad, 0), "file")), old);
	json_decref(root);
	free(json);
	summary_free(&s);
	/* the same major.minor with another patch level is accepted */
	report_free(r);
	r = make_report("new", 9, NRECS, PACKAGE_VERSION ".99", "cis-1.12", 1);
	summary_init(&s, PACKAGE_VERSION, NULL);
	ck_assert_int_eq(summary_add_report(&s, NULL, r, NULL), 0);
	summary_free(&s);
	report_free(r);
	free(old);
	strv_free(&files);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(t_other_benchmark)
{
	char *dir = tu_mkdtemp();
	struct strv files = write_fleet(dir, 2, NRECS);
	struct report *r = make_report("x", 1, NRECS, PACKAGE_VERSION, "cis-1.11", 1);
	char *other = write_report(dir, "x.json", r);
	struct summary s;

	summary_init(&s, PACKAGE_VERSION, NULL);
	add_files(&s, &files);
	ck_assert_int_eq(summary_add_file(&s, other), -1);
	ck_assert_uint_eq(s.nhosts, 2);
	ck_assert_ptr_nonnull(strstr(s.bad[0].reason, "benchmark cis-1.11"));
	summary_free(&s);
	/* --benchmark: the first report is rejected too when it differs */
	summary_init(&s, PACKAGE_VERSION, "cis-1.11");
	ck_assert_int_eq(summary_add_file(&s, files.v[0]), -1);
	ck_assert_int_eq(summary_add_file(&s, other), 0);
	ck_assert_uint_eq(s.nhosts, 1);
	ck_assert_str_eq(s.hosts[0].name, "x");
	ck_assert_int_eq(summary_exit_status(&s), 2);
	summary_free(&s);
	report_free(r);
	free(other);
	strv_free(&files);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(t_bad_files)
{
	char *dir = tu_mkdtemp(), *json, *path;
	struct strv files = write_fleet(dir, 2, NRECS);
	struct report *r = make_report("t", 1, NRECS, PACKAGE_VERSION, "cis-1.12", 0);
	char *full = report_to_json(r);
	struct summary s;
	static const char *const names[] = {"trunc", "other", "array", "empty", "missing"};

	full[strlen(full) / 2] = '\0';
	tu_write(dir, "trunc.json", full, 0644);
	tu_write(dir, "other.json", "{\"tool\": \"kube-bench\", \"results\": []}", 0644);
	tu_write(dir, "array.json", "[1, 2]", 0644);
	tu_write(dir, "empty.json", "", 0644);
	summary_init(&s, PACKAGE_VERSION, NULL);
	for (size_t i = 0; i < 5; i++) {
		path = xasprintf("%s/%s.json", dir, names[i]);
		ck_assert_int_eq(summary_add_file(&s, path), -1);
		free(path);
	}
	add_files(&s, &files);
	ck_assert_uint_eq(s.nhosts, 2);
	ck_assert_uint_eq(s.nbad, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_str_eq(s.bad[i].name, names[i]);
		ck_assert_msg(strstr(s.bad[i].reason, i == 4   ? "cannot read"
						      : i == 3 ? "empty"
							       : "kube-auditd report") != NULL,
			      "%s: %s", names[i], s.bad[i].reason);
	}
	ck_assert_ptr_nonnull(strstr(s.bad[0].reason, "not a valid kube-auditd report: line"));
	json = summary_to_json(&s);
	verify_json(json, 2, NRECS);
	ck_assert_int_eq(summary_exit_status(&s), 2);
	free(json);
	summary_free(&s);
	free(full);
	report_free(r);
	strv_free(&files);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(t_unreachable)
{
	struct summary s;
	char *json;
	json_t *root, *bad;

	summary_init(&s, PACKAGE_VERSION, NULL);
	ck_assert_int_eq(summary_add_unreachable_arg(&s, "w-9=ssh: connection timed out"), 0);
	ck_assert_int_eq(summary_add_unreachable_arg(&s, "w-10="), 0);
	ck_assert_int_eq(summary_add_unreachable_arg(&s, "=reason"), -1);
	ck_assert_int_eq(summary_add_unreachable_arg(&s, "no-equals"), -1);
	ck_assert_uint_eq(s.nbad, 2);
	ck_assert_int_eq(summary_exit_status(&s), 2);
	json = summary_to_json(&s);
	root = json_loads(json, 0, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert(json_is_null(json_object_get(root, "benchmark")));
	bad = json_object_get(root, "not_audited");
	ck_assert_uint_eq(json_array_size(bad), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(bad, 0), "reason")),
			 "ssh: connection timed out");
	ck_assert_ptr_null(json_object_get(json_array_get(bad, 0), "file"));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(bad, 1), "name")),
			 "w-10");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(bad, 1), "reason")),
			 "unreachable");
	ck_assert_int_eq(
		json_integer_value(json_object_get(json_object_get(root, "totals"), "not_audited")),
		2);
	json_decref(root);
	free(json);
	summary_free(&s);
}
END_TEST

static int
count_lines_with(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

START_TEST(t_markdown)
{
	char *dir = tu_mkdtemp(), *md;
	struct strv files = write_fleet(dir, 4, NRECS);
	struct summary s;
	struct report *r = make_report("evil", 1, 1, PACKAGE_VERSION, "cis-1.12", 0);

	free(r->results[0].title);
	r->results[0].title = xstrdup("pipe | and\nnewline");
	free(r->results[0].id);
	r->results[0].id = xstrdup("9.9.9"); /* an id of its own: the first title is kept */
	r->results[0].state = RS_FAIL;
	summary_init(&s, PACKAGE_VERSION, NULL);
	add_files(&s, &files);
	ck_assert_int_eq(summary_add_report(&s, "evil|host", r, NULL), 0);
	summary_add_unreachable(&s, "gone", "ssh: no route");
	md = summary_to_markdown(&s);
	ck_assert_ptr_nonnull(
		strstr(md, "| Host | Hostname | Roles | PASS | FAIL | WARN | SKIP | ERROR |\n"));
	for (unsigned h = 0; h < 4; h++) {
		char *row = xasprintf("| node-%03u | h-%03u.example | ", h, h);
		char *counts;
		size_t c[RS__COUNT] = {0};

		for (unsigned k = 0; k < NRECS; k++)
			c[state_of(h, k)]++;
		counts = xasprintf(" | %zu | %zu | %zu | %zu | %zu |\n", c[0], c[1], c[2], c[3],
				   c[4]);
		ck_assert_msg(strstr(md, row) != NULL, "no row %s in\n%s", row, md);
		ck_assert_ptr_nonnull(strstr(strstr(md, row), counts));
		free(row);
		free(counts);
	}
	ck_assert_ptr_nonnull(strstr(md, "| evil\\|host |"));
	ck_assert_ptr_nonnull(strstr(md, "pipe \\| and newline"));
	ck_assert_ptr_nonnull(strstr(md, "## Not audited"));
	ck_assert_ptr_nonnull(strstr(md, "| gone | ssh: no route |"));
	/* every table line has the same number of unescaped '|' as its header */
	for (char *line = md; line && *line;) {
		char *nl = strchr(line, '\n');
		int bars = 0;

		for (char *p = line; p < (nl ? nl : line + strlen(line)); p++)
			if (*p == '|' && (p == line || p[-1] != '\\'))
				bars++;
		ck_assert(bars == 0 || bars == 9 || bars == 6 || bars == 3);
		line = nl ? nl + 1 : NULL;
	}
	ck_assert_int_eq(count_lines_with(md, "\n| node-"), 4);
	free(md);
	report_free(r);
	summary_free(&s);
	strv_free(&files);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

#ifdef HAVE_LIBXML2_TEST
static void
count_xml(xmlNode *n, size_t *cases, size_t *fail, size_t *err, size_t *skip, size_t *out,
	  const char *const *hosts, size_t nhosts)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "testcase") == 0) {
			xmlChar *cls = xmlGetProp(n, (const xmlChar *)"classname");
			int known = 0;

			(*cases)++;
			ck_assert_ptr_nonnull(cls);
			for (size_t i = 0; i < nhosts; i++)
				known |= strcmp((const char *)cls, hosts[i]) == 0;
			ck_assert_msg(known, "unknown classname %s", cls);
			xmlFree(cls);
		} else if (strcmp((const char *)n->name, "failure") == 0) {
			(*fail)++;
		} else if (strcmp((const char *)n->name, "error") == 0) {
			(*err)++;
		} else if (strcmp((const char *)n->name, "skipped") == 0) {
			(*skip)++;
		} else if (strcmp((const char *)n->name, "system-out") == 0) {
			(*out)++;
		}
		count_xml(n->children, cases, fail, err, skip, out, hosts, nhosts);
	}
}
#endif

START_TEST(t_junit)
{
#ifdef HAVE_LIBXML2_TEST
	char *dir = tu_mkdtemp(), *xml;
	struct strv files = write_fleet(dir, 5, NRECS);
	struct summary s;
	size_t want[RS__COUNT] = {0}, cases = 0, fail = 0, err = 0, skip = 0, out = 0;
	const char *hosts[] = {"node-000", "node-001", "node-002", "node-003", "node-004", "down"};
	xmlDoc *doc;

	summary_init(&s, PACKAGE_VERSION, NULL);
	add_files(&s, &files);
	summary_add_unreachable(&s, "down", "ssh <timeout> & \"x\"\x01");
	xml = summary_to_junit(&s);
	doc = xmlReadMemory(xml, (int)strlen(xml), "summary.xml", NULL, XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "JUnit is not well-formed XML:\n%s", xml);
	count_xml(xmlDocGetRootElement(doc), &cases, &fail, &err, &skip, &out, hosts, 6);
	for (unsigned h = 0; h < 5; h++)
		for (unsigned k = 0; k < NRECS; k++)
			want[state_of(h, k)]++;
	ck_assert_uint_eq(cases, 5 * NRECS + 1);
	ck_assert_uint_eq(fail, want[RS_FAIL]);
	ck_assert_uint_eq(err, want[RS_ERROR] + 1);
	ck_assert_uint_eq(skip, want[RS_SKIP]);
	ck_assert_uint_eq(out, want[RS_WARN]);
	xmlFreeDoc(doc);
	free(xml);
	summary_free(&s);
	strv_free(&files);
	tu_rmtree(dir);
	free(dir);
#else
	printf("t_junit: skipped (libxml2 headers not found)\n");
#endif
}
END_TEST

START_TEST(t_thousand)
{
	char *dir = tu_mkdtemp(), *json;
	struct strv files = write_fleet(dir, 1000, NRECS);
	struct summary s;
	struct timespec t0, t1;
	struct rusage ru;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	summary_init(&s, PACKAGE_VERSION, NULL);
	add_files(&s, &files);
	json = summary_to_json(&s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	printf("summary of 1000 reports (%d results each): %.3f s wall, peak RSS %ld KiB\n", NRECS,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       ru.ru_maxrss);
	ck_assert_uint_eq(s.nhosts, 1000);
	ck_assert_uint_eq(s.nbad, 0);
	ck_assert_uint_eq(s.nrecs, NRECS);
	verify_json(json, 1000, NRECS);
	free(json);
	summary_free(&s);
	strv_free(&files);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- kube-auditctl summarize, end to end ---- */

#ifdef TOP_BUILDDIR
#define CTL TOP_BUILDDIR "/kube-auditctl"
#endif

/* Runs kube-auditctl with argv (argv[0] set here); stderr into *errtext. */
static int
run_ctl(char **argv, const char *errfile, char **errtext)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		FILE *e = freopen(errfile, "w", stderr);

		if (e == NULL || freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	*errtext = tu_slurp(errfile);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(t_ctl_summarize)
{
#ifdef CTL
	char *dir, *out, *errfile, *errtext, *json;
	struct strv files, args = {0};
	struct report *r;
	json_t *root;

	if (access(CTL, X_OK) != 0) {
		printf("t_ctl_summarize: skipped (%s not built)\n", CTL);
		return;
	}
	dir = tu_mkdtemp();
	files = write_fleet(dir, 3, NRECS);
	r = make_report("old", 1, NRECS, "97.0.0", "cis-1.12", 1);
	strv_push_take(&files, write_report(dir, "old.json", r));
	report_free(r);
	out = xasprintf("%s/summary.json", dir);
	errfile = xasprintf("%s/stderr", dir);

	/* empty input: a usage error */
	strv_push(&args, CTL);
	strv_push(&args, "summarize");
	ck_assert_int_eq(run_ctl(args.v, errfile, &errtext), 2);
	ck_assert_msg(strstr(errtext, "no report given") != NULL, "%s", errtext);
	free(errtext);

	/* three good reports: exit status as the summary says */
	strv_push(&args, "--format");
	strv_push(&args, "json");
	strv_push(&args, "--output");
	strv_push(&args, out);
	for (size_t i = 0; i < 3; i++)
		strv_push(&args, files.v[i]);
	{
		struct summary s;
		int want;

		summary_init(&s, PACKAGE_VERSION, NULL);
		for (size_t i = 0; i < 3; i++)
			summary_add_file(&s, files.v[i]);
		want = summary_exit_status(&s);
		summary_free(&s);
		ck_assert_int_eq(run_ctl(args.v, errfile, &errtext), want);
		free(errtext);
	}
	json = tu_slurp(out);
	ck_assert_ptr_nonnull(json);
	verify_json(json, 3, NRECS);
	free(json);

	/* plus a report of another version and an unreachable host: exit 2 */
	strv_push(&args, files.v[3]);
	strv_push(&args, "--unreachable");
	strv_push(&args, "w-9=ssh: timeout");
	ck_assert_int_eq(run_ctl(args.v, errfile, &errtext), 2);
	ck_assert_msg(strstr(errtext, "old.json: rejected: schema version") != NULL, "%s", errtext);
	free(errtext);
	json = tu_slurp(out);
	verify_json(json, 3, NRECS);
	root = json_loads(json, 0, NULL);
	ck_assert_uint_eq(json_array_size(json_object_get(root, "not_audited")), 2);
	json_decref(root);
	free(json);

	/* written beside and renamed: no temporary file is left, and the mode
	 * is what the umask gives */
	{
		struct stat st;
		DIR *d = opendir(dir);
		struct dirent *de;
		mode_t um = umask(022);

		ck_assert_ptr_nonnull(d);
		while ((de = readdir(d)) != NULL)
			ck_assert_msg(strstr(de->d_name, ".tmp") == NULL, "left behind: %s",
				      de->d_name);
		closedir(d);
		ck_assert_int_eq(run_ctl(args.v, errfile, &errtext), 2);
		free(errtext);
		ck_assert_int_eq(stat(out, &st), 0);
		ck_assert_int_eq(st.st_mode & 07777, 0644);
		umask(um);
	}

	/* --output into a directory that does not exist: exit 2, the path named */
	{
		char *bad = xasprintf("%s/nodir/summary.json", dir);
		char *argv[] = {CTL, "summarize", "--output", bad, files.v[0], NULL};

		ck_assert_int_eq(run_ctl(argv, errfile, &errtext), 2);
		ck_assert_msg(strstr(errtext, bad) != NULL, "%s", errtext);
		free(errtext);
		free(bad);
	}

	/* a bad --unreachable and a bad format are usage errors */
	strv_clear(&args);
	strv_push(&args, CTL);
	strv_push(&args, "summarize");
	strv_push(&args, "--unreachable");
	strv_push(&args, "nohost");
	ck_assert_int_eq(run_ctl(args.v, errfile, &errtext), 2);
	ck_assert_ptr_nonnull(strstr(errtext, "HOST=REASON"));
	free(errtext);
	strv_clear(&args);
	strv_push(&args, CTL);
	strv_push(&args, "--format=prometheus");
	strv_push(&args, "summarize");
	strv_push(&args, files.v[0]);
	ck_assert_int_eq(run_ctl(args.v, errfile, &errtext), 2);
	ck_assert_ptr_nonnull(strstr(errtext, "unknown summary format"));
	free(errtext);

	strv_free(&args);
	strv_free(&files);
	free(out);
	free(errfile);
	tu_rmtree(dir);
	free(dir);
#else
	printf("t_ctl_summarize: skipped (TOP_BUILDDIR not defined)\n");
#endif
}
END_TEST

static Suite *
summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_id_cmp_and_names);
	tcase_add_test(tc, t_counts_json);
	tcase_add_test(tc, t_exit_status_clean);
	tcase_add_test(tc, t_mixed_versions);
	tcase_add_test(tc, t_other_benchmark);
	tcase_add_test(tc, t_bad_files);
	tcase_add_test(tc, t_unreachable);
	tcase_add_test(tc, t_markdown);
	tcase_add_test(tc, t_junit);
	tcase_add_test(tc, t_thousand);
	tcase_add_test(tc, t_ctl_summarize);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(summary_suite());
}
