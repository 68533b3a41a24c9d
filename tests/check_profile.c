/* check_profile.c - unit tests for the profile loader (checks/profile.c).
 *
 * Every test writes a small profile tree into a temporary directory with
 * explicit modes, loads it, and asserts either the data the loader built or
 * the exact "file:line:col" and words of the error it refused it with.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "testutil.h"
#include "util.h"

/* A components.yaml with one component of every model and every flag type. */
static const char COMPONENTS[] =
	"components:\n"
	"  - name: kube-apiserver\n"
	"    names: [kube-apiserver, apiserver]\n"
	"    target: master\n"
	"    role: control-plane\n"
	"    parser: pflag\n"
	"    model: flags\n"
	"    flags:\n"
	"      profiling: {type: bool, default: \"true\"}\n"
	"      anonymous-auth: {type: bool, default: \"true\"}\n"
	"      authentication-config: {type: string, path: true}\n"
	"      authorization-mode: {type: slice}\n"
	"      authorization-config: {type: string, path: true}\n"
	"      enable-admission-plugins: {type: slice}\n"
	"      disable-admission-plugins: {type: slice}\n"
	"      admission-control: {type: slice}\n"
	"      audit-log-maxage: {type: int, default: \"0\"}\n"
	"      request-timeout: {type: duration, default: 1m0s}\n"
	"      tls-cipher-suites: {type: slice}\n"
	"      service-account-key-file: {type: array}\n"
	"      feature-gates: {type: map}\n"
	"      bind-address: {type: string, default: 0.0.0.0}\n"
	"      audit-log-path: {type: string}\n"
	"      ratio: {type: float, default: \"0.5\"}\n"
	"      client-ca-file: {type: string, path: true}\n"
	"    derived:\n"
	"      admission-plugins:\n"
	"        kind: admission-plugins\n"
	"        flag: enable-admission-plugins\n"
	"        flag2: disable-admission-plugins\n"
	"        flag3: admission-control\n"
	"        defaults: [NamespaceLifecycle, ServiceAccount]\n"
	"      authorization-modes:\n"
	"        kind: authorization-modes\n"
	"        flag: authorization-mode\n"
	"        flag2: authorization-config\n"
	"        defaults: [AlwaysAllow]\n"
	"      anonymous:\n"
	"        kind: apiserver-anonymous\n"
	"        flag: anonymous-auth\n"
	"        flag2: authentication-config\n"
	"  - name: kubelet\n"
	"    target: node\n"
	"    role: worker\n"
	"    parser: pflag\n"
	"    model: kubelet\n"
	"    config_flag: config\n"
	"    config_dir_flag: config-dir\n"
	"    flags:\n"
	"      config: {type: string, path: true}\n"
	"      config-dir: {type: string, path: true}\n"
	"      anonymous-auth:\n"
	"        type: bool\n"
	"        key: authentication.anonymous.enabled\n"
	"        default: \"true\"\n"
	"        default_config: \"false\"\n"
	"        default_note: legacy flag default\n"
	"      read-only-port: {type: int, key: readOnlyPort, default: \"10255\", "
	"default_config: \"0\"}\n"
	"      pod-manifest-path: {type: string, key: staticPodPath, path: true}\n"
	"      kubeconfig: {type: string, path: true}\n"
	"      feature-gates: {type: map, key: featureGates}\n"
	"  - name: etcd\n"
	"    target: etcd\n"
	"    role: etcd\n"
	"    parser: goflag\n"
	"    model: etcd\n"
	"    config_flag: config-file\n"
	"    config_env: ETCD_CONFIG_FILE\n"
	"    flags:\n"
	"      config-file: {type: string, env: ETCD_CONFIG_FILE, path: true}\n"
	"      name: {type: string, env: ETCD_NAME, key: name, default: default}\n"
	"      data-dir: {type: string, env: ETCD_DATA_DIR, key: data-dir, "
	"default: \"${name}.etcd\", path: true}\n"
	"      listen-client-urls: {type: slice, env: ETCD_LISTEN_CLIENT_URLS}\n"
	"  - name: kube-scheduler\n"
	"    target: master\n"
	"    parser: pflag\n"
	"    model: configfile\n"
	"    config_flag: config\n"
	"    flags:\n"
	"      config: {type: string, path: true}\n"
	"      bind-address: {type: string, default: 0.0.0.0, with_config: true}\n"
	"      profiling: {type: bool, key: enableProfiling, default: \"true\"}\n";

/* A tree: dir/components.yaml and dir/bench/, modes set explicitly. */
static char *
tree_new(const char *components)
{
	char *dir = tu_mkdtemp();

	ck_assert_int_eq(chmod(dir, 0755), 0);
	tu_write(dir, "components.yaml", components ? components : COMPONENTS, 0644);
	tu_mkdirs(dir, "bench");
	ck_assert_int_eq(chmod(dir, 0755), 0);
	return dir;
}

static void
tree_dir(const char *dir, const char *bench)
{
	char buf[PATH_MAX];

	tu_mkdirs(dir, bench);
	snprintf(buf, sizeof(buf), "%s/%s", dir, bench);
	ck_assert_int_eq(chmod(buf, 0755), 0);
}

static struct profile *
load_ok(const char *dir, const char *bench)
{
	char *err = NULL;
	struct profile *p = profile_load(dir, bench, &err);

	ck_assert_msg(p != NULL, "profile_load failed: %s", err ? err : "(no message)");
	ck_assert_ptr_null(err);
	return p;
}

static int load_errno; /* errno after the last load_err */

/* Loads, expects a refusal, returns the message (caller frees). */
static char *
load_err(const char *dir, const char *bench)
{
	char *err = NULL;
	struct profile *p;

	errno = 0;
	p = profile_load(dir, bench, &err);
	load_errno = errno;
	if (getenv("CHECK_PROFILE_VERBOSE") && err)
		fprintf(stderr, "%s\n", err);
	if (p != NULL)
		profile_free(p);
	ck_assert_msg(p == NULL, "profile %s/%s loaded but should not have", dir, bench);
	ck_assert_msg(err != NULL && *err != '\0', "no error message");
	ck_assert_msg(load_errno != 0, "errno not set");
	return err;
}

/* err must start with "<dir>/<rel>:<line>:<col>: " (col 0: not checked;
 * line 0: no position; line -1: any position)
 * and contain every word of `words` ('|'-separated phrases). */
static void
assert_err(const char *err, const char *dir, const char *rel, int line, int col, const char *words)
{
	char prefix[PATH_MAX + 64];
	char *w = strdup(words), *save = NULL;

	if (line < 0)
		snprintf(prefix, sizeof(prefix), "%s/%s:", dir, rel);
	else if (line > 0 && col > 0)
		snprintf(prefix, sizeof(prefix), "%s/%s:%d:%d: ", dir, rel, line, col);
	else if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s/%s:%d:", dir, rel, line);
	else
		snprintf(prefix, sizeof(prefix), "%s/%s: ", dir, rel);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0,
		      "error '%s' does not start with '%s'", err, prefix);
	for (char *p = strtok_r(w, "|", &save); p; p = strtok_r(NULL, "|", &save))
		ck_assert_msg(strstr(err, p) != NULL, "error '%s' lacks '%s'", err, p);
	free(w);
}

/* Column (1-based) of needle in line. */
static int
col_of(const char *line, const char *needle)
{
	const char *p = strstr(line, needle);

	ck_assert_msg(p != NULL, "test bug: '%s' not in '%s'", needle, line);
	return (int)(p - line) + 1;
}

/* Nine fixed lines, then the line under test as line 10. */
#define CHECK_HEAD                                                                                 \
	"benchmark: bench\n"                                                                       \
	"checks:\n"                                                                                \
	"  - id: \"1.1\"\n"                                                                        \
	"    title: t\n"                                                                           \
	"    target: master\n"                                                                     \
	"    component: kube-apiserver\n"                                                          \
	"    automated: true\n"                                                                    \
	"    expected: e\n"                                                                        \
	"    remediation: r\n"

static char *
one_check(const char *line10)
{
	return xasprintf(CHECK_HEAD "%s\n", line10);
}

/* ---- the AST of a valid profile ---- */

static const char BENCH_A[] =
	"benchmark: bench\n"
	"title: Test Benchmark\n"
	"checks:\n"
	"  - id: \"1.2.1\"\n" /* 4 */
	"    title: every operator\n"
	"    target: master\n"
	"    component: kube-apiserver\n"
	"    role: control-plane\n"
	"    automated: true\n"
	"    expected: all hold\n"
	"    remediation: fix it\n"
	"    test:\n"
	"      all:\n" /* 13 */
	"        - {setting: audit-log-path, op: present}\n"
	"        - {setting: client-ca-file, op: absent}\n"
	"        - {setting: audit-log-path, op: nonempty}\n"
	"        - {setting: audit-log-path, op: empty}\n"
	"        - {setting: profiling, op: eq, value: false}\n"
	"        - {setting: request-timeout, op: ne, value: \"0\"}\n"
	"        - {setting: bind-address, op: in, values: [127.0.0.1, \"::1\"]}\n"
	"        - {setting: authorization-modes, op: has, value: Node}\n"
	"        - {setting: admission-plugins, op: lacks, value: AlwaysAdmit}\n"
	"        - {setting: tls-cipher-suites, op: subset, values: [A, B]}\n"
	"        - {setting: audit-log-maxage, op: gt, value: \"29\"}\n"
	"        - {setting: audit-log-maxage, op: ge, value: \"30\"}\n"
	"        - {setting: request-timeout, op: lt, value: 5m}\n"
	"        - {setting: ratio, op: le, value: \"0.75\"}\n"
	"        - {setting: audit-log-path, op: regex, value: \"^/var/log/.+\"}\n"
	"        - {setting: bind-address, op: loopback}\n"
	"        - {setting: feature-gates, key: RotateKubeletServerCertificate, op: ne, value: "
	"\"false\"}\n"
	"        - {setting: anonymous, op: eq, value: \"false\"}\n"
	"        - {setting: service-account-key-file, op: nonempty}\n"
	"        - {setting: anonymous-auth, component: kubelet, op: eq, value: \"false\"}\n"
	"  - id: \"1.1.1\"\n" /* 34 */
	"    title: files\n"
	"    target: master\n"
	"    component: (files)\n"
	"    automated: true\n"
	"    expected: 600\n"
	"    remediation: chmod\n"
	"    test:\n"
	"      any:\n"
	"        - file: {setting: pod-manifest-path, component: kubelet, default: "
	"/etc/kubernetes/manifests, join: kube-apiserver.yaml}\n"
	"          mode_max: \"0600\"\n"
	"        - files: [{path: /etc/kubernetes/admin.conf, missing: skip}, {path: "
	"/etc/kubernetes/super-admin.conf, missing: error}]\n"
	"          owner: {uid: 0, gid: 0}\n"
	"        - not: {file: {path: /etc/kubernetes/pki, glob: \"*.crt\", recursive: true}, "
	"mode_max: \"644\"}\n"
	"        - {file: {path: /etc/kubernetes/pki, tree: true}, owner: {user: etcd, group: "
	"etcd}}\n"
	"        - {file: {units: kubelet}, mode_max: \"0600\", owner: {uid: \"0\", gid: \"0\"}}\n"
	"        - {file: {setting: data-dir, component: etcd}, mode_max: \"700\"}\n";

static const char BENCH_B[] = "benchmark: bench\n"
			      "title: Ignored Second Title\n"
			      "checks:\n"
			      "  - id: \"2.1\"\n"
			      "    title: etcd builtin\n"
			      "    target: etcd\n"
			      "    component: etcd\n"
			      "    automated: true\n"
			      "    expected: ok\n"
			      "    remediation: r\n"
			      "    test: {builtin: encryption-secrets, args: [aescbc, kms]}\n"
			      "    skip_if:\n"
			      "      test: {builtin: etcd-single-member}\n"
			      "      reason: single member\n"
			      "  - id: \"5.1.1\"\n"
			      "    section: \"5.1\"\n"
			      "    title: cluster\n"
			      "    target: policies\n"
			      "    component: cluster\n"
			      "    automated: false\n"
			      "    expected: reviewed\n"
			      "    cluster_scope: true\n"
			      "    manual_reason: lives in the API\n"
			      "    evidence: {builtin: static-pods, args: [hostPath]}\n"
			      "    remediation: r\n"
			      "  - id: \"3.1.1\"\n"
			      "    title: manual\n"
			      "    target: controlplane\n"
			      "    component: kube-apiserver\n"
			      "    automated: False\n"
			      "    expected: judged\n"
			      "    manual_reason: organisational\n"
			      "    remediation: r\n"
			      "  - id: \"1.2.9\"\n"
			      "    title: builtins\n"
			      "    target: master\n"
			      "    component: kube-apiserver\n"
			      "    automated: TRUE\n"
			      "    expected: ok\n"
			      "    remediation: r\n"
			      "    test:\n"
			      "      all:\n"
			      "        - builtin: admission-config-has\n"
			      "          args: [EventRateLimit]\n"
			      "        - {builtin: audit-policy-minimal}\n"
			      "        - {builtin: audit-policy-coverage}\n"
			      "        - {builtin: etcd-ca-unique}\n";

START_TEST(test_components)
{
	char *dir = tree_new(NULL);
	struct profile *p;
	const struct compdef *api, *kl, *etcd, *sched;
	const struct flagdef *f;
	const struct deriveddef *d;

	tu_write(dir, "bench/a.yaml", BENCH_A, 0644);
	p = load_ok(dir, "bench");
	ck_assert_int_eq(p->ncomps, 4);
	ck_assert_int_eq(profile_comp_index(p, "kubelet"), 1);
	ck_assert_int_eq(profile_comp_index(p, "nope"), -1);
	ck_assert_ptr_null(profile_comp(p, "(files)"));
	api = profile_comp(p, "kube-apiserver");
	kl = profile_comp(p, "kubelet");
	etcd = profile_comp(p, "etcd");
	sched = profile_comp(p, "kube-scheduler");
	ck_assert_ptr_nonnull(api);
	ck_assert_ptr_eq(kl, &p->comps[1]);

	ck_assert_int_eq(api->names.n, 2);
	ck_assert_str_eq(api->names.v[1], "apiserver");
	ck_assert_str_eq(api->target, "master");
	ck_assert_str_eq(api->role, "control-plane");
	ck_assert_int_eq(api->dialect, PFLAG_GO_PFLAG);
	ck_assert_int_eq(api->model, MODEL_FLAGS);
	ck_assert_ptr_null(api->config_flag);
	ck_assert_int_eq(api->nflags, 17);
	f = compdef_flag(api, "profiling");
	ck_assert_int_eq(f->type, VT_BOOL);
	ck_assert_str_eq(f->def, "true");
	ck_assert_int_eq(compdef_flag(api, "request-timeout")->type, VT_DURATION);
	ck_assert_int_eq(compdef_flag(api, "service-account-key-file")->type, VT_ARRAY);
	ck_assert_int_eq(compdef_flag(api, "feature-gates")->type, VT_MAP);
	ck_assert_int_eq(compdef_flag(api, "ratio")->type, VT_FLOAT);
	ck_assert_int_eq(compdef_flag(api, "client-ca-file")->is_path, 1);
	ck_assert_int_eq(compdef_flag(api, "audit-log-path")->is_path, 0);
	ck_assert_ptr_null(compdef_flag(api, "audit-log-path")->def);
	ck_assert_ptr_null(compdef_flag(api, "admission-plugins"));
	ck_assert_ptr_null(compdef_flag(api, ""));
	ck_assert_ptr_null(compdef_flag(NULL, "profiling"));
	{
		static const char *const names[] = {"profiling",
						    "anonymous-auth",
						    "authentication-config",
						    "authorization-mode",
						    "authorization-config",
						    "enable-admission-plugins",
						    "disable-admission-plugins",
						    "admission-control",
						    "audit-log-maxage",
						    "request-timeout",
						    "tls-cipher-suites",
						    "service-account-key-file",
						    "feature-gates",
						    "bind-address",
						    "audit-log-path",
						    "ratio",
						    "client-ca-file"};

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			f = compdef_flag(api, names[i]);
			ck_assert_msg(f != NULL, "flag %s not found", names[i]);
			ck_assert_str_eq(f->name, names[i]);
		}
	}

	ck_assert_int_eq(api->nderived, 3);
	d = compdef_derived(api, "admission-plugins");
	ck_assert_int_eq(d->kind, DERIVED_ADMISSION_PLUGINS);
	ck_assert_str_eq(d->flag, "enable-admission-plugins");
	ck_assert_str_eq(d->flag2, "disable-admission-plugins");
	ck_assert_str_eq(d->flag3, "admission-control");
	ck_assert_int_eq(d->defaults.n, 2);
	ck_assert_str_eq(d->defaults.v[1], "ServiceAccount");
	d = compdef_derived(api, "authorization-modes");
	ck_assert_int_eq(d->kind, DERIVED_AUTHZ_MODES);
	ck_assert_str_eq(d->flag2, "authorization-config");
	ck_assert_ptr_null(d->flag3);
	d = compdef_derived(api, "anonymous");
	ck_assert_int_eq(d->kind, DERIVED_APISERVER_ANONYMOUS);
	ck_assert_str_eq(d->flag, "anonymous-auth");
	ck_assert_int_eq(d->defaults.n, 0);
	ck_assert_ptr_null(compdef_derived(api, "profiling"));

	/* names defaults to the component's own name */
	ck_assert_int_eq(kl->names.n, 1);
	ck_assert_str_eq(kl->names.v[0], "kubelet");
	ck_assert_int_eq(kl->model, MODEL_KUBELET);
	ck_assert_str_eq(kl->config_flag, "config");
	ck_assert_str_eq(kl->config_dir_flag, "config-dir");
	f = compdef_flag(kl, "anonymous-auth");
	ck_assert_str_eq(f->key, "authentication.anonymous.enabled");
	ck_assert_str_eq(f->def, "true");
	ck_assert_str_eq(f->def_config, "false");
	ck_assert_str_eq(f->def_note, "legacy flag default");
	ck_assert_str_eq(compdef_flag(kl, "read-only-port")->def_config, "0");

	ck_assert_int_eq(etcd->dialect, PFLAG_GO_FLAG);
	ck_assert_int_eq(etcd->model, MODEL_ETCD);
	ck_assert_str_eq(etcd->config_flag, "config-file");
	ck_assert_str_eq(etcd->config_env, "ETCD_CONFIG_FILE");
	f = compdef_flag(etcd, "data-dir");
	ck_assert_str_eq(f->env, "ETCD_DATA_DIR");
	ck_assert_str_eq(f->def, "${name}.etcd");
	ck_assert_int_eq(f->is_path, 1);

	ck_assert_int_eq(sched->model, MODEL_CONFIGFILE);
	ck_assert_ptr_null(sched->role);
	ck_assert_int_eq(compdef_flag(sched, "bind-address")->with_config, 1);
	ck_assert_int_eq(compdef_flag(sched, "profiling")->with_config, 0);

	profile_free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_ast)
{
	static const char *const ops[] = {"present", "absent", "nonempty", "empty",   "eq", "ne",
					  "in",	     "has",    "lacks",	   "subset",  "gt", "ge",
					  "lt",	     "le",     "regex",	   "loopback"};
	char *dir = tree_new(NULL);
	struct profile *p;
	const struct check *k;
	const struct test *t, *s;

	tu_write(dir, "bench/a.yaml", BENCH_A, 0644);
	tu_write(dir, "bench/b.yaml", BENCH_B, 0644);
	p = load_ok(dir, "bench");
	ck_assert_str_eq(p->benchmark, "bench");
	ck_assert_str_eq(p->title, "Test Benchmark");
	ck_assert_str_eq(p->dir, dir);
	ck_assert_int_eq(p->nchecks, 6);
	ck_assert_str_eq(p->checks[0].id, "1.1.1");
	ck_assert_str_eq(p->checks[1].id, "1.2.1");
	ck_assert_str_eq(p->checks[2].id, "1.2.9");
	ck_assert_str_eq(p->checks[3].id, "2.1");
	ck_assert_str_eq(p->checks[4].id, "3.1.1");
	ck_assert_str_eq(p->checks[5].id, "5.1.1");

	/* every operator, in the order written */
	k = profile_check(p, "1.2.1");
	ck_assert_ptr_eq(k, &p->checks[1]);
	ck_assert_str_eq(k->section, "1.2");
	ck_assert_str_eq(k->title, "every operator");
	ck_assert_str_eq(k->target, "master");
	ck_assert_str_eq(k->component, "kube-apiserver");
	ck_assert_str_eq(k->role, "control-plane");
	ck_assert_int_eq(k->automated, 1);
	ck_assert_int_eq(k->cluster_scope, 0);
	ck_assert_str_eq(k->expected, "all hold");
	ck_assert_str_eq(k->remediation, "fix it");
	ck_assert_int_eq(k->line, 4);
	ck_assert_ptr_nonnull(strstr(k->file, "/bench/a.yaml"));
	ck_assert_ptr_null(k->skip_if);
	ck_assert_ptr_null(k->manual_reason);
	t = k->test;
	ck_assert_int_eq(t->kind, T_ALL);
	ck_assert_int_eq(t->line, 13); /* the mapping under test: starts at "all:" */
	ck_assert_int_eq(t->nsub, 20);
	for (int i = 0; i < 16; i++) {
		s = t->sub[i];
		ck_assert_int_eq(s->kind, T_SETTING);
		ck_assert_int_eq(s->op, i);
		ck_assert_str_eq(test_op_name(s->op), ops[i]);
		ck_assert_int_eq(s->line, 14 + i);
		ck_assert_int_eq(s->col, 11);
		ck_assert_ptr_null(s->component);
	}
	ck_assert_str_eq(t->sub[0]->setting, "audit-log-path");
	ck_assert_ptr_null(t->sub[0]->value);
	ck_assert_str_eq(t->sub[4]->value, "false");
	ck_assert_str_eq(t->sub[5]->value, "0");
	ck_assert_int_eq(t->sub[6]->values.n, 2);
	ck_assert_str_eq(t->sub[6]->values.v[1], "::1");
	ck_assert_ptr_null(t->sub[6]->value);
	ck_assert_str_eq(t->sub[7]->setting, "authorization-modes");
	ck_assert_str_eq(t->sub[7]->value, "Node");
	ck_assert_str_eq(t->sub[9]->values.v[0], "A");
	ck_assert_str_eq(t->sub[12]->value, "5m");
	s = t->sub[14];
	ck_assert_int_eq(s->has_re, 1);
	ck_assert_int_eq(regexec(&s->re, "/var/log/audit.log", 0, NULL, 0), 0);
	ck_assert_int_ne(regexec(&s->re, "/tmp/audit.log", 0, NULL, 0), 0);
	ck_assert_int_eq(t->sub[13]->has_re, 0);
	s = t->sub[16];
	ck_assert_str_eq(s->key, "RotateKubeletServerCertificate");
	ck_assert_int_eq(s->op, OP_NE);
	ck_assert_str_eq(t->sub[17]->setting, "anonymous");
	ck_assert_str_eq(t->sub[19]->component, "kubelet");
	ck_assert_str_eq(test_op_name(OP__COUNT), "?");

	/* file tests */
	k = profile_check(p, "1.1.1");
	ck_assert_str_eq(k->section, "1.1");
	ck_assert_str_eq(k->component, "(files)");
	ck_assert_str_eq(k->expected, "600");
	t = k->test;
	ck_assert_int_eq(t->kind, T_ANY);
	ck_assert_int_eq(t->nsub, 6);
	s = t->sub[0];
	ck_assert_int_eq(s->kind, T_FILE);
	ck_assert_int_eq(s->nfiles, 1);
	ck_assert_ptr_null(s->files[0].path);
	ck_assert_str_eq(s->files[0].setting, "pod-manifest-path");
	ck_assert_str_eq(s->files[0].component, "kubelet");
	ck_assert_str_eq(s->files[0].def, "/etc/kubernetes/manifests");
	ck_assert_str_eq(s->files[0].join, "kube-apiserver.yaml");
	ck_assert_int_eq(s->files[0].missing, MISSING_AUTO);
	ck_assert_int_eq(s->has_mode_max, 1);
	ck_assert_uint_eq(s->mode_max, 0600);
	ck_assert_int_eq(s->has_owner, 0);
	s = t->sub[1];
	ck_assert_int_eq(s->nfiles, 2);
	ck_assert_str_eq(s->files[0].path, "/etc/kubernetes/admin.conf");
	ck_assert_int_eq(s->files[0].missing, MISSING_SKIP);
	ck_assert_str_eq(s->files[1].path, "/etc/kubernetes/super-admin.conf");
	ck_assert_int_eq(s->files[1].missing, MISSING_ERROR);
	ck_assert_int_eq(s->has_mode_max, 0);
	ck_assert_int_eq(s->has_owner, 1);
	ck_assert_int_eq(s->owner_by_name, 0);
	ck_assert_uint_eq(s->uid, 0);
	ck_assert_uint_eq(s->gid, 0);
	s = t->sub[2];
	ck_assert_int_eq(s->kind, T_NOT);
	ck_assert_int_eq(s->nsub, 1);
	s = s->sub[0];
	ck_assert_int_eq(s->kind, T_FILE);
	ck_assert_str_eq(s->files[0].glob, "*.crt");
	ck_assert_int_eq(s->files[0].recursive, 1);
	ck_assert_int_eq(s->files[0].dir_all, 0);
	ck_assert_uint_eq(s->mode_max, 0644);
	s = t->sub[3];
	ck_assert_int_eq(s->files[0].dir_all, 1);
	ck_assert_int_eq(s->files[0].recursive, 1);
	ck_assert_int_eq(s->owner_by_name, 1);
	ck_assert_str_eq(s->user, "etcd");
	ck_assert_str_eq(s->group, "etcd");
	s = t->sub[4];
	ck_assert_str_eq(s->files[0].units, "kubelet");
	ck_assert_int_eq(s->has_owner, 1);
	ck_assert_int_eq(s->has_mode_max, 1);
	s = t->sub[5];
	ck_assert_str_eq(s->files[0].setting, "data-dir");
	ck_assert_str_eq(s->files[0].component, "etcd");
	ck_assert_uint_eq(s->mode_max, 0700);

	/* builtins, skip_if, cluster scope, manual */
	k = profile_check(p, "2.1");
	ck_assert_str_eq(k->section, "2");
	ck_assert_int_eq(k->test->kind, T_BUILTIN);
	ck_assert_str_eq(k->test->builtin, "encryption-secrets");
	ck_assert_int_eq(k->test->args.n, 2);
	ck_assert_str_eq(k->test->args.v[1], "kms");
	ck_assert_ptr_nonnull(k->skip_if);
	ck_assert_str_eq(k->skip_if->builtin, "etcd-single-member");
	ck_assert_int_eq(k->skip_if->args.n, 0);
	ck_assert_str_eq(k->skip_reason, "single member");
	ck_assert_ptr_nonnull(strstr(k->file, "/bench/b.yaml"));

	k = profile_check(p, "5.1.1");
	ck_assert_str_eq(k->section, "5.1");
	ck_assert_int_eq(k->cluster_scope, 1);
	ck_assert_int_eq(k->automated, 0);
	ck_assert_ptr_null(k->test);
	ck_assert_str_eq(k->manual_reason, "lives in the API");
	ck_assert_str_eq(k->evidence->builtin, "static-pods");
	ck_assert_str_eq(k->evidence->args.v[0], "hostPath");

	k = profile_check(p, "3.1.1");
	ck_assert_ptr_null(k->test);
	ck_assert_int_eq(k->automated, 0);
	ck_assert_str_eq(k->target, "controlplane");
	ck_assert_str_eq(k->manual_reason, "organisational");

	k = profile_check(p, "1.2.9");
	ck_assert_int_eq(k->automated, 1);
	ck_assert_int_eq(k->test->nsub, 4);
	ck_assert_str_eq(k->test->sub[0]->builtin, "admission-config-has");
	ck_assert_str_eq(k->test->sub[0]->args.v[0], "EventRateLimit");
	ck_assert_str_eq(k->test->sub[3]->builtin, "etcd-ca-unique");

	ck_assert_ptr_null(profile_check(p, "9.9"));
	ck_assert_ptr_null(profile_check(p, "1.2"));
	profile_free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- errors in a test (line 10 of a one-check file) ---- */

#define TEST11 "    test: {builtin: etcd-ca-unique}"

struct line_case {
	const char *line;   /* line 10 of the benchmark file */
	const char *needle; /* where the error points, within that line */
	const char *words;  /* '|'-separated phrases the message must contain */
};

static const struct line_case test_errors[] = {
	{"    test: {setting: profiling, op: eq, value: \"false\", bogus: 1}", "bogus",
	 "unknown key 'bogus' in a test|allowed: all, any, not, setting"},
	{"    test: {setting: profiling, op: equals, value: \"false\"}", "equals",
	 "unknown op 'equals' (allowed: present, absent, nonempty, empty, eq, ne, in, has, lacks, "
	 "subset, gt, ge, lt, le, regex, loopback)"},
	{"    test: {setting: profiling, op: static-pods}", "static-pods",
	 "unknown op 'static-pods'"},
	{"    test: {setting: profiling, op: eq, value: maybe}", "maybe",
	 "value 'maybe' is not a valid bool|profiling"},
	{"    test: {setting: profiling, op: in, values: [\"true\", maybe]}", "maybe",
	 "value 'maybe' is not a valid bool"},
	{"    test: {setting: audit-log-maxage, op: ge, value: 3x}", "3x", "not a valid int"},
	{"    test: {setting: audit-log-maxage, op: eq, value: \"1.5\"}", "\"1.5\"",
	 "not a valid int"},
	{"    test: {setting: request-timeout, op: gt, value: 5 minutes}", "5 minutes",
	 "not a valid duration"},
	{"    test: {setting: ratio, op: lt, value: half}", "half", "not a valid float"},
	{"    test: {setting: bind-address, op: gt, value: \"1\"}", "gt,",
	 "op gt needs a setting of type int, float or duration|bind-address has type string"},
	{"    test: {setting: profiling, op: has, value: x}", "has", "op has needs a list setting"},
	{"    test: {setting: profiling, op: subset, values: [x]}", "subset",
	 "needs a list setting"},
	{"    test: {setting: authorization-mode, op: eq, value: RBAC}", "eq,", "single-valued"},
	{"    test: {setting: admission-plugins, op: in, values: [a]}", "in,", "single-valued"},
	{"    test: {setting: audit-log-maxage, op: loopback}", "loopback",
	 "needs an address setting"},
	{"    test: {setting: profiling, key: zz, op: present}", "zz",
	 "setting profiling is a bool, not a map"},
	{"    test: {setting: feature-gates, key: A, op: gt, value: \"1\"}", "gt,",
	 "with key A has type map"},
	{"    test: {setting: feature-gates, key: A, op: has, value: b}", "has,",
	 "compares a whole list"},
	{"    test: {setting: profiling, op: in, value: \"true\"}", "\"true\"", "takes 'values'"},
	{"    test: {setting: profiling, op: eq, values: [\"true\"]}", "[", "takes 'value', not"},
	{"    test: {setting: profiling, op: in}", "{", "op in needs 'values'"},
	{"    test: {setting: profiling, op: in, values: []}", "[]", "values must not be empty"},
	{"    test: {setting: profiling, op: eq}", "{", "op eq needs 'value'"},
	{"    test: {setting: profiling}", "{", "a setting test needs 'op'"},
	{"    test: {setting: profiling, op: present, value: \"true\"}", "\"true\"",
	 "op present takes no value"},
	{"    test: {setting: admission-plugins, op: has, value: \"\"}", "\"\"",
	 "non-empty element"},
	{"    test: {setting: bind-address, op: regex, value: \"a(b\"}", "\"a(b\"",
	 "invalid regular expression 'a(b'"},
	{"    test: {setting: bind-address, op: regex, value: \"(a{200}){200}\"}", "\"(a",
	 "too complex"},
	{"    test: {setting: bind-address, op: regex, value: \"a{1000}\"}", "\"a{", "too complex"},
	{"    test: {setting: bind-address, op: regex, value: \"(a*)*\\\\1\"}", "\"(a",
	 "back-reference"},
	{"    test: {setting: nosuch, op: present}", "nosuch",
	 "unknown setting 'nosuch' of component kube-apiserver"},
	{"    test: {setting: anonymous-auth, component: kube-nope, op: present}", "kube-nope",
	 "unknown component 'kube-nope'"},
	{"    test: {setting: read-only-port, op: present}", "read-only-port",
	 "unknown setting 'read-only-port' of component kube-apiserver"},
	{"    test: {setting: [profiling], op: present}", "[", "setting must be a scalar"},
	{"    test: {setting: profiling, op: eq, value: {a: b}}", "{a", "value must be a scalar"},
	{"    test: {setting: profiling, op: eq, value: ~}", "~", "value must not be null"},
	{"    test: {file: {path: /etc/x}, mode_max: \"0800\"}", "\"0800\"",
	 "mode_max '0800' must be octal digits"},
	{"    test: {file: {path: /etc/x}, mode_max: \"17777\"}", "\"17777\"", "at most 07777"},
	{"    test: {file: {path: /etc/x}, mode_max: 0o600}", "0o600", "octal digits"},
	{"    test: {file: {path: etc/x}, mode_max: \"0600\"}", "etc/x", "must be absolute"},
	{"    test: {file: {path: /etc/../x}, mode_max: \"0600\"}", "/etc/..", "without '..'"},
	{"    test: {file: {glob: \"*.key\"}, mode_max: \"0600\"}", "{glob",
	 "exactly one of path, setting, units"},
	{"    test: {file: {path: /a, units: kubelet}, mode_max: \"0600\"}", "{path",
	 "exactly one of path, setting, units"},
	{"    test: {file: {setting: profiling}, mode_max: \"0600\"}", "profiling",
	 "setting 'profiling' is not a path setting of kube-apiserver"},
	{"    test: {file: {setting: kubeconfig, component: nope}, mode_max: \"0600\"}", "nope",
	 "unknown component 'nope'"},
	{"    test: {file: {path: /a, component: kubelet}, mode_max: \"0600\"}", "kubelet",
	 "component: only with setting"},
	{"    test: {file: {path: /a, default: /b}, mode_max: \"0600\"}", "/b",
	 "default: only with setting"},
	{"    test: {file: {setting: client-ca-file, default: b}, mode_max: \"0600\"}", "b}",
	 "default 'b' must be an absolute path"},
	{"    test: {file: {path: /a, join: ../b}, mode_max: \"0600\"}", "../b",
	 "must be a relative path"},
	{"    test: {file: {path: /a, glob: \"x/*.key\"}, mode_max: \"0600\"}", "\"x/", "no '/'"},
	{"    test: {file: {path: /a, recursive: true}, mode_max: \"0600\"}", "true",
	 "recursive: only with glob or tree"},
	{"    test: {file: {path: /a, tree: false, recursive: true}, mode_max: \"0600\"}", "true",
	 "recursive: only with glob or tree"},
	{"    test: {file: {path: /a, glob: \"*\", tree: true}, mode_max: \"0600\"}", "true",
	 "tree: not with glob"},
	{"    test: {file: {path: /a, tree: yes}, mode_max: \"0600\"}", "yes",
	 "tree must be true or false"},
	{"    test: {file: {units: kubelet, join: x}, mode_max: \"0600\"}", "x}",
	 "join: not with units"},
	{"    test: {file: {units: \"../x\"}, mode_max: \"0600\"}", "\"../x\"",
	 "invalid unit name"},
	{"    test: {file: {path: /a, missing: ignore}, mode_max: \"0600\"}", "ignore",
	 "invalid missing 'ignore' (allowed: skip, error)"},
	{"    test: {file: {path: /a}, owner: {uid: 0, group: root}}", "{uid",
	 "owner needs uid and gid, or user and group"},
	{"    test: {file: {path: /a}, owner: {uid: root, gid: 0}}", "root",
	 "uid 'root' must be a decimal number"},
	{"    test: {file: {path: /a}, owner: {uid: 0, gid: 4294967295}}", "4294967295",
	 "gid '4294967295'"},
	{"    test: {file: {path: /a}, owner: {user: \"r t\", group: root}}", "\"r t\"",
	 "invalid user name"},
	{"    test: {file: {path: /a}}", "{file", "a file test needs mode_max or owner"},
	{"    test: {files: [], mode_max: \"0600\"}", "[]", "files must be a non-empty sequence"},
	{"    test: {file: [/a], mode_max: \"0600\"}", "[", "a file selector must be a mapping"},
	{"    test: {builtin: nope}", "nope", "invalid builtin 'nope'|encryption-secrets"},
	{"    test: {builtin: encryption-secrets, args: [aescbc, identity]}", "identity",
	 "invalid provider 'identity'"},
	{"    test: {builtin: encryption-secrets}", "{", "needs args"},
	{"    test: {builtin: etcd-ca-unique, args: [x]}", "[x]",
	 "builtin etcd-ca-unique takes no args"},
	{"    test: {builtin: static-pods, args: [hostFoo]}", "hostFoo",
	 "invalid static-pods field 'hostFoo'"},
	{"    test: {builtin: admission-config-has, args: [a, b]}", "[a", "exactly one arg"},
	{"    test: {setting: profiling, op: present, builtin: etcd-ca-unique}", "{",
	 "both 'setting' and 'builtin'"},
	{"    test: {file: {path: /a}, files: [{path: /b}], mode_max: \"0600\"}", "{",
	 "both 'file' and 'files'"},
	{"    test: {op: present}", "{", "a test needs one of all, any, not"},
	{"    test: {builtin: etcd-ca-unique, op: present}", "present",
	 "key 'op' does not belong in a builtin test (allowed: builtin, args)"},
	{"    test: {all: [{builtin: etcd-ca-unique}], mode_max: \"0600\"}", "\"0600\"",
	 "does not belong in an all test"},
	{"    test: {all: []}", "[]", "all must be a non-empty sequence"},
	{"    test: {any: {builtin: etcd-ca-unique}}", "{builtin",
	 "any must be a non-empty sequence"},
	{"    test: {not: [{builtin: etcd-ca-unique}]}", "[", "a test must be a mapping"},
	{"    test: {all: [{builtin: etcd-ca-unique}, {any: [{setting: nope, op: present}]}]}",
	 "nope", "unknown setting 'nope'"},
	{"    test: [{builtin: etcd-ca-unique}]", "[", "a test must be a mapping"},
	{"    test: {builtin: etcd-ca-unique, builtin: static-pods}", "builtin: static",
	 "duplicate key"},
	{"    bogus: 1", "bogus", "unknown key 'bogus' in a check (allowed: id, section, title,"},
	{"    cluster_scope: maybe", "maybe", "cluster_scope must be true or false"},
	{"    manual_reason: needs a person", "    ", "check 1.1 is automated but has no test"},
	{"    section: \"2\"", "\"2\"", "section '2' is not a prefix of id 1.1"},
	{"    skip_if: {test: {builtin: etcd-single-member}}\n" TEST11, "{test",
	 "skip_if needs 'reason'"},
	{"    skip_if: {reason: r}\n" TEST11, "{reason", "skip_if needs 'test'"},
	{"    skip_if: {test: {builtin: nope}, reason: r}\n" TEST11, "nope",
	 "invalid builtin 'nope'"},
	{"    skip_if: {test: {builtin: etcd-ca-unique}, reason: \"\"}\n" TEST11, "\"\"",
	 "skip_if reason must not be empty"},
	{"    evidence: {builtin: static-pods, args: [hostPath]}", "",
	 "needs 'test', 'manual_reason'"},
	{"    role: master", "master",
	 "invalid role 'master' (allowed: control-plane, etcd, worker)"},
};

START_TEST(test_test_errors)
{
	const struct line_case *lc = &test_errors[_i];
	char *dir = tree_new(NULL);
	char *yaml = one_check(lc->line);
	char *err;
	int line = 10, col;

	tu_write(dir, "bench/a.yaml", yaml, 0644);
	err = load_err(dir, "bench");
	if (*lc->needle == '\0') {
		line = 3; /* the check itself */
		col = 5;
	} else if (strcmp(lc->needle, "    ") == 0) {
		line = 7; /* automated: */
		col = 16;
	} else {
		col = col_of(lc->line, lc->needle);
	}
	assert_err(err, dir, "bench/a.yaml", line, col, lc->words);
	free(err);
	free(yaml);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- errors in a benchmark file (whole texts) ---- */

struct file_case {
	const char *yaml;
	int line;	    /* 0: no position; -1: any position */
	const char *needle; /* where the error points within that line; a
			       leading ": " is skipped */
	const char *words;
};

#define CHECK_BODY                                                                                 \
	"    title: t\n"                                                                           \
	"    target: master\n"                                                                     \
	"    component: kube-apiserver\n"                                                          \
	"    automated: false\n"                                                                   \
	"    expected: e\n"                                                                        \
	"    manual_reason: m\n"                                                                   \
	"    remediation: r\n"

#define ONE(line5, line6, line7, more)                                                             \
	"benchmark: bench\nchecks:\n  - id: \"1.2\"\n    title: t\n" line5 "\n" line6 "\n" line7   \
	"\n    expected: e\n" more "    remediation: r\n"
#define STD5 "    target: master"
#define STD6 "    component: kube-apiserver"
#define STD7 "    automated: false"
#define MANUAL "    manual_reason: m\n"

static const struct file_case file_errors[] = {
	{"benchmark: other\nchecks: []\n", 1, "other",
	 "benchmark 'other' does not match its directory 'bench'"},
	{"title: x\nchecks: []\n", 1, "title", "a benchmark file needs 'benchmark'"},
	{"benchmark: bench\nversion: 2\n", 2, "version",
	 "unknown key 'version' in a benchmark file (allowed: benchmark, title, checks, base, "
	 "remove)"},
	{"benchmark: bench\nchecks: {a: b}\n", 2, "{", "checks must be a sequence"},
	{"benchmark: bench\nchecks: [x]\n", 2, "x", "a check must be a mapping"},
	{"- a\n- b\n", 1, "-", "a benchmark file must be a mapping"},
	{"", 0, NULL, "empty file"},
	{"benchmark: bench\nremove: [\"1.1\"]\nchecks:\n  - id: \"1.2\"\n" CHECK_BODY, 2, "\"1.1\"",
	 "remove: only in an overlay"},
	{"benchmark: bench\nchecks:\n  - title: t\n", 3, "title", "check needs 'id'"},
	{"benchmark: bench\nchecks:\n  - id: \"1..2\"\n" CHECK_BODY, 3, "\"1..2\"",
	 "invalid check id '1..2'"},
	{"benchmark: bench\nchecks:\n  - id: \"1.2 \"\n" CHECK_BODY, 3, "\"1.2 \"",
	 "invalid check id"},
	{"benchmark: bench\nchecks:\n  - id: \"1.2\"\n    title: t\n", 3, "id",
	 "check 1.2 needs 'target'"},
	{"benchmark: bench\nchecks:\n  - id: \"1.2\"\n    title: [t]\n" STD5 "\n" STD6 "\n" STD7
	 "\n    expected: e\n" MANUAL "    remediation: r\n",
	 4, "[t]", "title must be a scalar, not a sequence"},
	{"benchmark: bench\nchecks:\n  - id: \"1.2\"\n    title: \"\"\n" STD5 "\n" STD6 "\n" STD7
	 "\n    expected: e\n" MANUAL "    remediation: r\n",
	 4, "\"\"", "title must not be empty"},
	{ONE("    target: worker", STD6, STD7, MANUAL), 5, "worker",
	 "invalid target 'worker' (allowed: master, controlplane, etcd, node, policies)"},
	{ONE(STD5, "    component: kube-foo", STD7, MANUAL), 6, "kube-foo",
	 "unknown component 'kube-foo'|\"(files)\" or \"cluster\""},
	{ONE(STD5, STD6, "    automated: yes", MANUAL), 7, "yes",
	 "automated must be true or false"},
	{ONE(STD5, STD6, "    automated: \"false\"", MANUAL), 7, "\"false\"",
	 "automated must be true or false"},
	{ONE(STD5, STD6, "    automated: ~", MANUAL), 7, "~", "automated must be true or false"},
	{ONE(STD5, STD6, STD7, ""), 3, "id",
	 "check 1.2 needs 'test', 'manual_reason' or 'cluster_scope: true'"},
	{ONE("    target: policies", "    component: cluster", STD7,
	     "    cluster_scope: true\n    test: {builtin: etcd-ca-unique}\n"),
	 10, "{", "a cluster_scope check is not judged on the node"},
	{ONE(STD5, STD6, STD7,
	     "    test: {file: {path: /x, host_namespace: true}, mode_max: \"0600\"}\n"),
	 9, "true", "host_namespace: only with setting"},
	{ONE(STD5, "    component: (files)", STD7, "    test: {setting: profiling, op: present}\n"),
	 9, "{", "a setting test in a '(files)' check must name a component"},
	{ONE(STD5, "    component: cluster", STD7,
	     "    test: {file: {setting: kubeconfig}, mode_max: \"0600\"}\n"),
	 9, "{setting", "a file selector with setting in a 'cluster' check must name a component"},
	{"benchmark: bench\nchecks:\n  - id: \"1.2\"\n" CHECK_BODY "  - id: \"1.3\"\n" CHECK_BODY
	 "  - id: \"1.2\"\n" CHECK_BODY,
	 19, "\"1.2\"", "duplicate check id '1.2' (first in "},
	{"benchmark: bench\nchecks:\n  - id: \"1.2\"\n" CHECK_BODY "    title: again\n", 11,
	 "title", "duplicate key"},
	{"benchmark: bench\nchecks:\n  - id: \"1.2\"\n    title: \xff\xfe\n", -1, NULL, ""},
	{"benchmark: bench\nchecks: [\n", -1, NULL, ""},
	{"benchmark: bench\nbase: ../x\n", 2, "../x", "invalid benchmark name '../x'"},
	{"benchmark: bench\nbase: [a]\n", 2, "[a]", "base must be a scalar"},
	{"benchmark: bench\nbase: base\nremove: \"1.1\"\n", 3, "\"1.1\"",
	 "remove must be a sequence of check ids"},
};

/* Line n (1-based) of text, as a new string. */
static char *
line_of(const char *text, int n)
{
	const char *p = text, *end;

	for (int i = 1; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	ck_assert_msg(p != NULL, "test bug: no line %d", n);
	end = strchr(p, '\n');
	return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

static void
assert_case(const char *err, const char *dir, const char *rel, const char *yaml, int line,
	    const char *needle, const char *words)
{
	int col = 0;

	if (line > 0 && needle != NULL) {
		char *l = line_of(yaml, line);
		int skip = strncmp(needle, ": ", 2) == 0 ? 2 : 0;

		col = col_of(l, needle) + skip;
		free(l);
	}
	assert_err(err, dir, rel, line, col, words);
}

START_TEST(test_file_errors)
{
	const struct file_case *fc = &file_errors[_i];
	char *dir = tree_new(NULL);
	char *err;

	tu_write(dir, "bench/a.yaml", fc->yaml, 0644);
	err = load_err(dir, "bench");
	assert_case(err, dir, "bench/a.yaml", fc->yaml, fc->line, fc->needle, fc->words);
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- errors in components.yaml ---- */

#define COMP_HEAD                                                                                  \
	"components:\n"                                                                            \
	"  - name: kubelet\n"                                                                      \
	"    target: node\n"                                                                       \
	"    parser: pflag\n"
#define FLAGS_MODEL COMP_HEAD "    model: flags\n"
#define DERIVED(x) FLAGS_MODEL "    flags:\n      x: {type: " x "}\n    derived:\n      "

static const struct file_case comp_errors[] = {
	{FLAGS_MODEL "    flags:\n      x: {type: boolean}\n", 7, "boolean",
	 "invalid type 'boolean'|string, bool, int"},
	{"components:\n  - name: kubelet\n    target: node\n    parser: cobra\n    model: flags\n",
	 4, "cobra", "invalid parser 'cobra' (allowed: pflag, goflag)"},
	{COMP_HEAD "    model: systemd\n", 5, "systemd",
	 "invalid model 'systemd' (allowed: flags, kubelet, configfile, etcd)"},
	{DERIVED("slice") "d: {kind: magic, flag: x}\n", 9, "magic",
	 "invalid derived kind 'magic'"},
	{DERIVED("bool") "d: {kind: authorization-modes, flag: x}\n", 9, "x}",
	 "flag 'x' has type bool (needs slice, array)"},
	{DERIVED("slice") "d: {kind: admission-plugins, flag: x}\n", 9, "{",
	 "an admission-plugins setting needs 'flag2'"},
	{DERIVED("slice") "d: {kind: authorization-modes, flag: y}\n", 9, "y}",
	 "flag 'y' is not a flag of kubelet"},
	{DERIVED("slice") "x: {kind: authorization-modes, flag: x}\n", 9,
	 "x:", "derived setting 'x' has the name of a flag"},
	{DERIVED("bool") "d: {kind: apiserver-anonymous, flag: x, defaults: [a]}\n", 9, "[a]",
	 "takes its default from its flag"},
	{DERIVED("bool") "d: {kind: apiserver-anonymous, flag: x, flag3: x}\n", 9, ": x}",
	 "flag3: only for admission-plugins"},
	{DERIVED("bool") "d: {kind: apiserver-anonymous, flag: x, flug: x}\n", 9, "flug",
	 "unknown key 'flug' in a derived setting (allowed: kind, flag, flag2, flag3, defaults)"},
	{DERIVED("slice") "d: [x]\n", 9, "[x]", "a derived setting must be a mapping"},
	{FLAGS_MODEL "  - name: kubelet\n    target: node\n    parser: pflag\n    model: flags\n",
	 6, "kubelet", "duplicate component 'kubelet' (first at line 2)"},
	{FLAGS_MODEL "  - name: kubelet2\n    names: [kubelet]\n    target: node\n"
		     "    parser: pflag\n    model: flags\n",
	 7, "kubelet]", "duplicate process name 'kubelet'"},
	{FLAGS_MODEL "    names: [a/b]\n", 6, "a/b", "a process name has no '/'"},
	{FLAGS_MODEL "    flags:\n      x: {type: bool}\n      x: {type: int}\n", 8, "x",
	 "duplicate key"},
	{COMP_HEAD "    model: kubelet\n", 2, "name",
	 "a component of this model needs 'config_flag'"},
	{COMP_HEAD "    model: kubelet\n    config_flag: config\n", 6, ": config",
	 "config_flag 'config' is not a flag of kubelet"},
	{COMP_HEAD "    model: kubelet\n    config_flag: config\n    flags:\n      config: {type: "
		   "int}\n",
	 6, ": config", "config_flag 'config' has type int (needs string)"},
	{FLAGS_MODEL "    config_flag: config\n", 6, ": config",
	 "config_flag: the flags model reads no config file"},
	{FLAGS_MODEL "    config_env: X\n", 6, ": X", "config_env: only for the etcd model"},
	{FLAGS_MODEL "    config_dir_flag: X\n", 6, ": X",
	 "config_dir_flag: only for the kubelet model"},
	{FLAGS_MODEL "    flags:\n      x: {type: bool, env: ETCD_X}\n", 7, "ETCD_X",
	 "env: only the etcd model reads the environment"},
	{FLAGS_MODEL "    flags:\n      x: {type: bool, key: a.b}\n", 7, "a.b",
	 "key: the flags model reads no config file"},
	{COMP_HEAD "    model: etcd\n    config_flag: c\n    flags:\n      c: {type: string, key: "
		   "a..b}\n",
	 8, "a..b", "invalid config key 'a..b'"},
	{COMP_HEAD "    model: etcd\n    config_flag: c\n    flags:\n      c: {type: string, env: "
		   "1X}\n",
	 8, "1X", "invalid environment variable name '1X'"},
	{FLAGS_MODEL "    flags:\n      x: {type: int, default: ten}\n", 7, "ten",
	 "default 'ten' of flag x is not a valid int"},
	{FLAGS_MODEL "    flags:\n      x: {type: bool, default: \"yes\"}\n", 7, "\"yes\"",
	 "default 'yes' of flag x is not a valid bool"},
	{FLAGS_MODEL "    flags:\n      x: {type: duration, default: 5 minutes}\n", 7, "5 minutes",
	 "not a valid duration"},
	{FLAGS_MODEL "    flags:\n      x: {type: string, default: \"${nope}.etcd\"}\n", 7,
	 "\"${nope}", "refers to 'nope', which is not a flag of kubelet"},
	{FLAGS_MODEL "    flags:\n      x: {type: string, default: \"${x\"}\n", 7, "\"${x",
	 "unterminated '${'"},
	{FLAGS_MODEL "    flags:\n      x: {type: int, default_config: \"1\"}\n", 7, "\"1\"",
	 "default_config: only for the kubelet model"},
	{FLAGS_MODEL "    flags:\n      x: {type: int, path: true}\n", 7, "true",
	 "path: true needs a flag of type string"},
	{FLAGS_MODEL "    flags:\n      x: {type: string, with_config: true}\n", 7, "true",
	 "with_config: only for the configfile model"},
	{FLAGS_MODEL "    flags:\n      x: {tipe: string}\n", 7, "tipe",
	 "unknown key 'tipe' in a flag definition (allowed: type, key, env, default"},
	{FLAGS_MODEL "    flags:\n      x: {key: a}\n", 7, "{", "a flag definition needs 'type'"},
	{FLAGS_MODEL "    flags:\n      \"-x\": {type: bool}\n", 7, "\"-x\"",
	 "invalid flag name '-x'"},
	{FLAGS_MODEL "    flags: [x]\n", 6, "[x]", "flags must be a mapping"},
	{FLAGS_MODEL "    role: master\n", 6, "master", "invalid role 'master'"},
	{FLAGS_MODEL "    colour: blue\n", 6, "colour",
	 "unknown key 'colour' in a component (allowed: name, names, target, role, parser, model,"},
	{"components:\n  - name: cluster\n    target: node\n    parser: pflag\n    model: flags\n",
	 2, "cluster", "'cluster' is reserved"},
	{"components:\n  - name: a/b\n    target: node\n    parser: pflag\n    model: flags\n", 2,
	 "a/b", "invalid component name 'a/b'"},
	{"components:\n  - name: k\n    target: policies\n    parser: pflag\n    model: flags\n", 3,
	 "policies", "invalid component target 'policies' (allowed: master, etcd, node)"},
	{"components:\n  - name: k\n    parser: pflag\n    model: flags\n", 2, "name",
	 "a component needs 'target'"},
	{"components: []\n", 1, "[]", "components must not be empty"},
	{"components: {}\n", 1, "{}", "components must be a sequence"},
	{"components: [a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, "
	 "a, a, "
	 "a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, "
	 "a, a, "
	 "a, a, a, a, a, a, a]\n",
	 1, "[", "more than 64 components"},
	{"comps: []\n", 1, "comps", "unknown key 'comps' in components.yaml (allowed: components)"},
	{"", 0, NULL, "empty file"},
};

START_TEST(test_comp_errors)
{
	const struct file_case *fc = &comp_errors[_i];
	char *dir = tree_new(fc->yaml);
	char *err;

	tu_write(dir, "bench/a.yaml", "benchmark: bench\nchecks: []\n", 0644);
	err = load_err(dir, "bench");
	assert_case(err, dir, "components.yaml", fc->yaml, fc->line, fc->needle, fc->words);
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- file system security ---- */

static const char VALID[] = CHECK_HEAD "    test: {setting: profiling, op: eq, value: false}\n";

START_TEST(test_group_writable_file)
{
	char *dir = tree_new(NULL);
	char *err;

	tu_write(dir, "bench/a.yaml", VALID, 0664);
	err = load_err(dir, "bench");
	assert_err(err, dir, "bench/a.yaml", 0, 0,
		   "refusing a profile file that is group- or world-writable (mode 0664)");
	ck_assert_int_eq(load_errno, EPERM);
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_writable_components)
{
	char *dir = tree_new(NULL);
	char path[PATH_MAX];
	char *err;

	tu_write(dir, "bench/a.yaml", VALID, 0644);
	snprintf(path, sizeof(path), "%s/components.yaml", dir);
	ck_assert_int_eq(chmod(path, 0646), 0);
	err = load_err(dir, "bench");
	assert_err(err, dir, "components.yaml", 0, 0, "group- or world-writable (mode 0646)");
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_world_writable_dir)
{
	char *dir = tree_new(NULL);
	char path[PATH_MAX];
	char *err;
	struct profile *p;

	tu_write(dir, "bench/a.yaml", VALID, 0644);
	snprintf(path, sizeof(path), "%s/bench", dir);
	ck_assert_int_eq(chmod(path, 0777), 0);
	errno = 0;
	err = NULL;
	p = profile_load(dir, "bench", &err);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(errno, EPERM);
	assert_err(err, dir, "bench", 0, 0,
		   "refusing a profile directory that is group- or world-writable (mode 0777)");
	free(err);

	/* the profile directory itself */
	ck_assert_int_eq(chmod(path, 0755), 0);
	ck_assert_int_eq(chmod(dir, 01777), 0);
	err = load_err(dir, "bench");
	ck_assert_msg(strncmp(err, dir, strlen(dir)) == 0 && strstr(err, "(mode 1777)"), "%s", err);
	free(err);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	p = load_ok(dir, "bench");
	profile_free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_foreign_owner)
{
	char *dir = tree_new(NULL);
	char path[PATH_MAX];
	char *err;

	if (geteuid() != 0) {
		fprintf(stderr,
			"check_profile: not root, cannot chown: foreign-owner test skipped\n");
		tu_rmtree(dir);
		free(dir);
		return;
	}
	tu_write(dir, "bench/a.yaml", VALID, 0644);
	snprintf(path, sizeof(path), "%s/bench/a.yaml", dir);
	ck_assert_int_eq(chown(path, 4242, 0), 0);
	err = load_err(dir, "bench");
	ck_assert_int_eq(load_errno, EPERM);
	assert_err(err, dir, "bench/a.yaml", 0, 0,
		   "refusing a profile file owned by uid 4242 (neither root nor the caller)");
	free(err);
	ck_assert_int_eq(chown(path, 0, 0), 0);

	snprintf(path, sizeof(path), "%s/bench", dir);
	ck_assert_int_eq(chown(path, 4242, 4242), 0);
	err = load_err(dir, "bench");
	assert_err(err, dir, "bench", 0, 0, "profile directory owned by uid 4242");
	free(err);
	ck_assert_int_eq(chown(path, 0, 0), 0);

	snprintf(path, sizeof(path), "%s/components.yaml", dir);
	ck_assert_int_eq(chown(path, 4242, 0), 0);
	err = load_err(dir, "bench");
	assert_err(err, dir, "components.yaml", 0, 0, "owned by uid 4242");
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_symlinks)
{
	char *dir = tree_new(NULL);
	char path[PATH_MAX], target[PATH_MAX];
	char *err;

	tu_write(dir, "real.yaml", VALID, 0644);
	snprintf(target, sizeof(target), "%s/real.yaml", dir);
	snprintf(path, sizeof(path), "%s/bench/a.yaml", dir);
	ck_assert_int_eq(symlink(target, path), 0);
	err = load_err(dir, "bench");
	ck_assert_int_eq(load_errno, EPERM);
	assert_err(err, dir, "bench/a.yaml", 0, 0,
		   "refusing a profile file that is a symbolic link");
	free(err);

	/* a linked benchmark directory */
	tree_dir(dir, "other");
	tu_write(dir, "other/a.yaml", VALID, 0644);
	snprintf(path, sizeof(path), "%s/linked", dir);
	ck_assert_int_eq(symlink("other", path), 0);
	err = load_err(dir, "linked");
	assert_err(err, dir, "linked", 0, 0,
		   "refusing a profile directory that is a symbolic link");
	free(err);

	/* components.yaml */
	snprintf(path, sizeof(path), "%s/components.yaml", dir);
	ck_assert_int_eq(unlink(path), 0);
	tu_write(dir, "comp-real.yaml", COMPONENTS, 0644);
	ck_assert_int_eq(symlink("comp-real.yaml", path), 0);
	err = load_err(dir, "other");
	assert_err(err, dir, "components.yaml", 0, 0, "symbolic link");
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_special_files)
{
	char *dir = tree_new(NULL);
	char path[PATH_MAX];
	char *err;

	/* a FIFO must be refused, not block the loader */
	tu_write(dir, "bench/a.yaml", VALID, 0644);
	snprintf(path, sizeof(path), "%s/bench/b.yaml", dir);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	err = load_err(dir, "bench");
	assert_err(err, dir, "bench/b.yaml", 0, 0, "not a regular file");
	free(err);
	unlink(path);

	/* a directory named like a profile file */
	tree_dir(dir, "bench/c.yaml");
	err = load_err(dir, "bench");
	assert_err(err, dir, "bench/c.yaml", 0, 0, "not a regular file");
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_missing)
{
	char *dir = tree_new(NULL);
	char path[PATH_MAX];
	char *err;

	err = load_err(dir, "bench");
	assert_err(err, dir, "bench", 0, 0, "no *.yaml files");
	free(err);

	/* dot files and other suffixes are ignored */
	tu_write(dir, "bench/.a.yaml", "garbage: [", 0644);
	tu_write(dir, "bench/notes.txt", "garbage: [", 0644);
	tu_write(dir, "bench/b.yml", "garbage: [", 0644);
	err = load_err(dir, "bench");
	assert_err(err, dir, "bench", 0, 0, "no *.yaml files");
	free(err);

	err = load_err(dir, "nosuch");
	ck_assert_int_eq(load_errno, ENOENT);
	assert_err(err, dir, "nosuch", 0, 0, "cannot open|No such file");
	free(err);

	err = load_err(dir, "../bench");
	ck_assert_ptr_nonnull(strstr(err, "invalid benchmark name '../bench'"));
	free(err);

	tu_write(dir, "bench/a.yaml", "benchmark: bench\nchecks: []\n", 0644);
	err = load_err(dir, "bench");
	ck_assert_ptr_nonnull(strstr(err, "benchmark bench has no checks"));
	free(err);

	snprintf(path, sizeof(path), "%s/components.yaml", dir);
	ck_assert_int_eq(unlink(path), 0);
	err = load_err(dir, "bench");
	assert_err(err, dir, "components.yaml", 0, 0, "cannot open");
	free(err);

	snprintf(path, sizeof(path), "%s/nonexistent", dir);
	err = load_err(path, "bench");
	ck_assert_ptr_nonnull(strstr(err, "cannot open profile directory"));
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- overlays ---- */

static char *
check_yaml(const char *id, const char *title)
{
	return xasprintf("  - id: \"%s\"\n    title: %s\n    target: master\n"
			 "    component: kube-apiserver\n    automated: false\n    expected: e\n"
			 "    manual_reason: m\n    remediation: r\n",
			 id, title);
}

static void
write_bench(const char *dir, const char *name, const char *head, const char *const *ids,
	    const char *title)
{
	struct sbuf b = {0};
	char rel[256];

	tree_dir(dir, name);
	sbuf_addf(&b, "benchmark: %s\n%schecks:%s\n", name, head ? head : "", ids[0] ? "" : " []");
	for (size_t i = 0; ids[i]; i++) {
		char *c = check_yaml(ids[i], title);

		sbuf_add(&b, c);
		free(c);
	}
	snprintf(rel, sizeof(rel), "%s/checks.yaml", name);
	tu_write(dir, rel, sbuf_str(&b), 0644);
	sbuf_free(&b);
}

START_TEST(test_overlay)
{
	static const char *const base_ids[] = {"1.1", "1.2", "1.10", "2.1", "3.1", NULL};
	static const char *const ovl_ids[] = {"1.10", "1.3", NULL};
	char *dir = tree_new(NULL);
	struct profile *p;

	write_bench(dir, "base", "title: Base Title\n", base_ids, "base");
	write_bench(dir, "ovl", "base: base\nremove: [\"1.2\", \"3.1\"]\n", ovl_ids, "replaced");
	/* a second overlay file adds one more check */
	tu_write(dir, "ovl/z.yaml", "benchmark: ovl\nchecks:\n  - id: \"0.9\"\n" CHECK_BODY, 0644);
	p = load_ok(dir, "ovl");
	ck_assert_str_eq(p->benchmark, "ovl");
	ck_assert_str_eq(p->title, "Base Title");
	ck_assert_int_eq(p->nchecks, 5);
	ck_assert_str_eq(p->checks[0].id, "0.9");
	ck_assert_str_eq(p->checks[1].id, "1.1");
	ck_assert_str_eq(p->checks[1].title, "base");
	ck_assert_ptr_nonnull(strstr(p->checks[1].file, "/base/checks.yaml"));
	ck_assert_str_eq(p->checks[2].id, "1.3");
	ck_assert_str_eq(p->checks[2].title, "replaced");
	ck_assert_str_eq(p->checks[3].id, "1.10");
	ck_assert_str_eq(p->checks[3].title, "replaced");
	ck_assert_ptr_nonnull(strstr(p->checks[3].file, "/ovl/checks.yaml"));
	ck_assert_str_eq(p->checks[4].id, "2.1");
	ck_assert_ptr_null(profile_check(p, "1.2"));
	ck_assert_ptr_null(profile_check(p, "3.1"));
	ck_assert_ptr_eq(profile_check(p, "1.10"), &p->checks[3]);
	profile_free(p);

	/* the base itself is unchanged on disk and loads alone */
	p = load_ok(dir, "base");
	ck_assert_int_eq(p->nchecks, 5);
	ck_assert_str_eq(p->checks[2].id, "1.10");
	ck_assert_str_eq(p->checks[2].title, "base");
	profile_free(p);

	/* a chained overlay with its own title */
	write_bench(dir, "ovl2", "base: ovl\ntitle: Third\nremove: [\"0.9\"]\n", ovl_ids, "again");
	p = load_ok(dir, "ovl2");
	ck_assert_str_eq(p->title, "Third");
	ck_assert_int_eq(p->nchecks, 4);
	ck_assert_str_eq(p->checks[0].id, "1.1");
	ck_assert_str_eq(p->checks[2].title, "again");
	profile_free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_overlay_errors)
{
	static const char *const ids[] = {"1.1", "1.2", NULL};
	static const char *const none[] = {NULL};
	char *dir = tree_new(NULL);
	char *err;

	write_bench(dir, "a", "base: b\n", ids, "t");
	write_bench(dir, "b", "base: a\n", none, "t");
	err = load_err(dir, "a");
	assert_err(err, dir, "b/checks.yaml", 2, 7, "overlay cycle: a -> b -> a");
	free(err);

	write_bench(dir, "self", "base: self\n", ids, "t");
	err = load_err(dir, "self");
	assert_err(err, dir, "self/checks.yaml", 2, 7, "overlay cycle: self -> self");
	free(err);

	write_bench(dir, "base", NULL, ids, "t");
	write_bench(dir, "rm", "base: base\nremove: [\"1.1\", \"9.9\"]\n", none, "t");
	err = load_err(dir, "rm");
	assert_err(err, dir, "rm/checks.yaml", 3, 17,
		   "remove: no check '9.9' in base benchmark base");
	free(err);

	write_bench(dir, "rm2", "base: base\nremove: [\"1.1\", \"1.1\"]\n", none, "t");
	err = load_err(dir, "rm2");
	assert_err(err, dir, "rm2/checks.yaml", 3, 17, "'1.1' is listed twice");
	free(err);

	write_bench(dir, "rmrep", "base: base\nremove: [\"1.1\"]\n", ids, "t");
	err = load_err(dir, "rmrep");
	assert_err(err, dir, "rmrep/checks.yaml", 5, 9, "check '1.1' is both removed and replaced");
	free(err);

	write_bench(dir, "nobase", "base: missing\n", ids, "t");
	err = load_err(dir, "nobase");
	assert_err(err, dir, "nobase/checks.yaml", 2, 7,
		   "base missing: |/missing: cannot open benchmark directory: No such file");
	free(err);

	write_bench(dir, "twice", "base: base\n", ids, "t");
	tu_write(dir, "twice/z.yaml", "benchmark: twice\nbase: base\n", 0644);
	err = load_err(dir, "twice");
	assert_err(err, dir, "twice/z.yaml", 2, 7, "base: set again");
	free(err);

	/* a chain of 8 bases loads; 9 is too deep */
	write_bench(dir, "c0", NULL, ids, "t");
	for (int i = 1; i <= 9; i++) {
		char name[16], head[32];

		snprintf(name, sizeof(name), "c%d", i);
		snprintf(head, sizeof(head), "base: c%d\n", i - 1);
		write_bench(dir, name, head, none, "t");
	}
	profile_free(load_ok(dir, "c8"));
	err = load_err(dir, "c9");
	assert_err(err, dir, "c1/checks.yaml", 2, 7, "overlays nested deeper than 8 levels");
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- ordering ---- */

START_TEST(test_natural_sort)
{
	static const char *const ids_b[] = {"5.1.1", "1.1.10", "2.1", NULL};
	static const char *const ids_a[] = {"1.2.1", "1.1.2", "10.1", "1.1.1", "2.10", "2.9", NULL};
	static const char *const want[] = {"1.1.1", "1.1.2", "1.1.10", "1.2.1", "2.1",
					   "2.9",   "2.10",  "5.1.1",  "10.1"};
	char *dir = tree_new(NULL);
	struct profile *p;
	struct sbuf b = {0};

	write_bench(dir, "bench", NULL, ids_a, "t");
	sbuf_add(&b, "benchmark: bench\nchecks:\n");
	for (size_t i = 0; ids_b[i]; i++) {
		char *c = check_yaml(ids_b[i], "t");

		sbuf_add(&b, c);
		free(c);
	}
	tu_write(dir, "bench/0-first.yaml", sbuf_str(&b), 0644);
	sbuf_free(&b);
	p = load_ok(dir, "bench");
	ck_assert_int_eq(p->nchecks, 9);
	for (size_t i = 0; i < 9; i++) {
		ck_assert_str_eq(p->checks[i].id, want[i]);
		ck_assert_ptr_eq(profile_check(p, want[i]), &p->checks[i]);
	}
	ck_assert_str_eq(profile_check(p, "1.1.10")->section, "1.1");
	ck_assert_str_eq(profile_check(p, "2.10")->section, "2");
	ck_assert_str_eq(profile_check(p, "10.1")->section, "10");
	profile_free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- hostile input ---- */

static char *
nested_nots(int n)
{
	struct sbuf b = {0};

	sbuf_add(&b, CHECK_HEAD "    test: ");
	for (int i = 0; i < n; i++)
		sbuf_add(&b, "{not: ");
	sbuf_add(&b, "{builtin: etcd-ca-unique}");
	for (int i = 0; i < n; i++)
		sbuf_add(&b, "}");
	sbuf_add(&b, "\n");
	return sbuf_steal(&b);
}

START_TEST(test_depth_limit)
{
	char *dir = tree_new(NULL);
	char *yaml, *err;
	struct profile *p;
	const struct test *t;
	int depth = 0;

	yaml = nested_nots(31); /* 32 test levels */
	tu_write(dir, "bench/a.yaml", yaml, 0644);
	free(yaml);
	p = load_ok(dir, "bench");
	for (t = p->checks[0].test; t->kind == T_NOT; t = t->sub[0])
		depth++;
	ck_assert_int_eq(depth, 31);
	ck_assert_int_eq(t->kind, T_BUILTIN);
	profile_free(p);

	yaml = nested_nots(32);
	tu_write(dir, "bench/a.yaml", yaml, 0644);
	err = load_err(dir, "bench");
	{
		char *l = line_of(yaml, 10);

		/* the 33rd level is the innermost test */
		assert_err(err, dir, "bench/a.yaml", 10, col_of(l, "{builtin"),
			   "tests nested deeper than 32 levels");
		free(l);
	}
	free(err);
	free(yaml);

	/* deeper than the YAML parser's own limit */
	yaml = nested_nots(80);
	tu_write(dir, "bench/a.yaml", yaml, 0644);
	err = load_err(dir, "bench");
	assert_err(err, dir, "bench/a.yaml", 10, 0, "");
	free(err);
	free(yaml);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_alias_bomb)
{
	char *dir = tree_new(NULL);
	struct sbuf b = {0};
	char *err;

	/* ten levels of ten aliases each: 10^10 test nodes if expanded */
	sbuf_add(&b, CHECK_HEAD "    test: {all: [&a0 {builtin: etcd-ca-unique}");
	for (int i = 1; i < 10; i++) {
		sbuf_addf(&b, ", &a%d {all: [", i);
		for (int j = 0; j < 10; j++)
			sbuf_addf(&b, "%s*a%d", j ? ", " : "", i - 1);
		sbuf_add(&b, "]}");
	}
	sbuf_add(&b, "]}\n");
	tu_write(dir, "bench/a.yaml", sbuf_str(&b), 0644);
	sbuf_free(&b);
	err = load_err(dir, "bench");
	ck_assert_msg(strstr(err, "profile too large") != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "/bench/a.yaml:10:"));
	free(err);

	/* one big scalar named by many checks */
	{
		size_t big = 3u << 20;
		char *s = malloc(big + 1);

		memset(s, 'x', big);
		s[big] = '\0';
		sbuf_add(&b, "benchmark: bench\nchecks:\n  - &c\n    id: \"1.1\"\n    title: &t ");
		sbuf_add(&b, s);
		sbuf_add(&b, "\n    target: master\n    component: kube-apiserver\n"
			     "    automated: false\n    expected: *t\n    manual_reason: *t\n"
			     "    remediation: *t\n");
		for (int i = 0; i < 40; i++)
			sbuf_add(&b, "  - *c\n");
		free(s);
	}
	tu_write(dir, "bench/a.yaml", sbuf_str(&b), 0644);
	sbuf_free(&b);
	err = load_err(dir, "bench");
	ck_assert_msg(strstr(err, "MiB of text") != NULL, "%s", err);
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_alias_shared)
{
	char *dir = tree_new(NULL);
	struct profile *p;
	static const char yaml[] =
		"benchmark: bench\n"
		"checks:\n"
		"  - id: \"1.1\"\n" CHECK_BODY "    evidence: &ev {any: [{setting: bind-address, "
		"op: regex, value: \"^127\\\\.\"}]}\n"
		"  - id: \"1.2\"\n" CHECK_BODY "    evidence: *ev\n";

	tu_write(dir, "bench/a.yaml", yaml, 0644);
	p = load_ok(dir, "bench");
	ck_assert_int_eq(p->nchecks, 2);
	/* each check owns its own copy */
	ck_assert_ptr_ne(p->checks[0].evidence, p->checks[1].evidence);
	ck_assert_int_eq(p->checks[1].evidence->sub[0]->has_re, 1);
	ck_assert_int_eq(regexec(&p->checks[1].evidence->sub[0]->re, "127.0.0.1", 0, NULL, 0), 0);
	profile_free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_big_and_binary)
{
	char *dir = tree_new(NULL);
	char *err, *big;
	size_t n = 5u << 20;
	char name[PATH_MAX];

	/* beyond the YAML reader's 4 MiB limit */
	big = malloc(n + 1);
	memset(big, '#', n);
	big[n] = '\0';
	tu_write(dir, "bench/a.yaml", big, 0644);
	free(big);
	err = load_err(dir, "bench");
	assert_err(err, dir, "bench/a.yaml", -1, 0, "");
	free(err);

	/* not UTF-8 */
	tu_write(dir, "bench/a.yaml", "benchmark: bench\ntitle: \xff\xfe\nchecks: []\n", 0644);
	err = load_err(dir, "bench");
	ck_assert_msg(strstr(err, "/bench/a.yaml:") != NULL, "%s", err);
	free(err);

	/* a file name that is not UTF-8 is shown escaped */
	snprintf(name, sizeof(name), "%s/bench/a.yaml", dir);
	ck_assert_int_eq(unlink(name), 0);
	tu_write(dir, "bench/\xff\x01.yaml", "benchmark: nope\n", 0644);
	err = load_err(dir, "bench");
	ck_assert_msg(strstr(err, "/bench/\\xff\\x01.yaml:1:12: benchmark 'nope'") != NULL, "%s",
		      err);
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_too_many_checks)
{
	char *dir = tree_new(NULL);
	struct sbuf b = {0};
	char *err;

	sbuf_add(&b, "benchmark: bench\nchecks:\n");
	for (int i = 0; i <= 10000; i++)
		sbuf_addf(&b,
			  "  - {id: \"%d.%d\", title: t, target: node, component: kubelet, "
			  "automated: false, expected: e, manual_reason: m, remediation: r}\n",
			  i / 100 + 1, i % 100 + 1);
	tu_write(dir, "bench/a.yaml", sbuf_str(&b), 0644);
	sbuf_free(&b);
	err = load_err(dir, "bench");
	assert_err(err, dir, "bench/a.yaml", 10003, 5, "more than 10000 checks");
	free(err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- the shipped profiles ---- */

static int
has_yaml(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && str_has_suffix(de->d_name, ".yaml"))
			n++;
	closedir(d);
	return n;
}

START_TEST(test_real_profiles)
{
	char *err = NULL;
	struct profile *p;

	if (!has_yaml(TOP_SRCDIR "/profiles/cis-1.12")) {
		fprintf(stderr, "check_profile: NOTICE: " TOP_SRCDIR "/profiles/cis-1.12 has no "
				"*.yaml yet: shipped-profile test skipped\n");
		return;
	}
	/* a copy: a checkout made with umask 002 has group-writable
	 * directories, which the loader rightly refuses */
	char *dir = tu_mkdtemp(), *cmd;

	cmd = xasprintf("cp -R '%s/profiles/.' '%s' && chmod -R go-w '%s'", TOP_SRCDIR, dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	p = profile_load(dir, "cis-1.12", &err);
	ck_assert_msg(p != NULL, "cis-1.12: %s", err ? err : "?");
	ck_assert_int_eq(p->nchecks, 131);
	ck_assert_str_eq(p->checks[0].id, "1.1.1");
	ck_assert_ptr_nonnull(profile_check(p, "1.2.15"));
	ck_assert_ptr_nonnull(profile_check(p, "5.6.4"));
	for (size_t i = 1; i < p->nchecks; i++)
		ck_assert_ptr_nonnull(p->checks[i].section);
	profile_free(p);
	for (int v = 10; v <= 11; v++) {
		char name[32], path[PATH_MAX];

		snprintf(name, sizeof(name), "cis-1.%d", v);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (!has_yaml(path))
			continue;
		p = profile_load(dir, name, &err);
		ck_assert_msg(p != NULL, "%s: %s", name, err ? err : "?");
		ck_assert_int_gt(p->nchecks, 100);
		profile_free(p);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Two profiles load to the same checks: ids, titles, texts, flags, the
 * shape of every test. */
static void
tests_eq(const struct test *a, const struct test *b, const char *id)
{
	if (a == NULL || b == NULL) {
		ck_assert_msg(a == b, "%s: a test on one side only", id);
		return;
	}
	ck_assert_msg(a->kind == b->kind && a->op == b->op && a->line == b->line &&
			      a->col == b->col && a->nsub == b->nsub && a->nfiles == b->nfiles &&
			      a->mode_max == b->mode_max && a->values.n == b->values.n,
		      "%s: tests differ at %d:%d", id, a->line, a->col);
	ck_assert_msg(strcmp(a->setting ? a->setting : "", b->setting ? b->setting : "") == 0 &&
			      strcmp(a->value ? a->value : "", b->value ? b->value : "") == 0,
		      "%s: operands differ at %d:%d", id, a->line, a->col);
	for (size_t i = 0; i < a->nsub; i++)
		tests_eq(a->sub[i], b->sub[i], id);
}

static void
profiles_eq(const struct profile *a, const struct profile *b)
{
	ck_assert_uint_eq(a->nchecks, b->nchecks);
	ck_assert_uint_eq(a->ncomps, b->ncomps);
	for (size_t i = 0; i < a->nchecks; i++) {
		const struct check *x = &a->checks[i], *y = &b->checks[i];

		ck_assert_str_eq(x->id, y->id);
		ck_assert_str_eq(x->title, y->title);
		ck_assert_str_eq(x->remediation ? x->remediation : "",
				 y->remediation ? y->remediation : "");
		ck_assert_int_eq(x->automated, y->automated);
		ck_assert_int_eq(x->line, y->line);
		tests_eq(x->test, y->test, x->id);
		tests_eq(x->skip_if, y->skip_if, x->id);
		tests_eq(x->evidence, y->evidence, x->id);
	}
}

/* The installed form: FILE.yaml.cache beside each file (ka-profile-cache,
 * run by make install). A cache gives the same profile; a stale one (its
 * YAML edited) and an untrustworthy one (group-writable) are passed over
 * quietly and the YAML is parsed. */
START_TEST(test_cached_profiles)
{
	char *dir = tu_mkdtemp(), *cmd, *err = NULL;
	struct profile *plain, *cached, *mixed;

	cmd = xasprintf("cp -R '%s/profiles/.' '%s' && chmod -R go-w '%s'", TOP_SRCDIR, dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	plain = profile_load(dir, "cis-1.12", &err);
	ck_assert_msg(plain != NULL, "%s", err ? err : "?");
	ck_assert_uint_eq(plain->ncached, 0);
	/* components.yaml and every file of cis-1.12 */
	cmd = xasprintf("%s/cis-1.12", dir);
	ck_assert_uint_eq(plain->nfiles, (size_t)has_yaml(cmd) + 1);
	free(cmd);
	cmd = xasprintf("'%s/ka-profile-cache' '%s' >/dev/null", TOP_BUILDDIR, dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	cached = profile_load(dir, "cis-1.12", &err);
	ck_assert_msg(cached != NULL, "%s", err ? err : "?");
	ck_assert_uint_eq(cached->ncached, cached->nfiles);
	profiles_eq(plain, cached);
	/* an overlay loads its base from the caches too */
	profile_free(cached);
	cached = profile_load(dir, "cis-1.10", &err);
	ck_assert_msg(cached != NULL, "%s", err ? err : "?");
	ck_assert_uint_eq(cached->ncached, cached->nfiles);
	profile_free(cached);
	/* a comment added to a file: its cache is stale; another cache
	 * group-writable: not trusted */
	cmd = xasprintf("echo '# edited' >>'%s/cis-1.12/42-kubelet.yaml' && "
			"chmod g+w '%s/cis-1.12/11-apiserver.yaml.cache'",
			dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	mixed = profile_load(dir, "cis-1.12", &err);
	ck_assert_msg(mixed != NULL, "%s", err ? err : "?");
	ck_assert_uint_eq(mixed->ncached, mixed->nfiles - 2);
	profiles_eq(plain, mixed);
	profile_free(mixed);
	profile_free(plain);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *
profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("load");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_components);
	tcase_add_test(tc, test_ast);
	tcase_add_loop_test(tc, test_test_errors, 0,
			    (int)(sizeof(test_errors) / sizeof(test_errors[0])));
	tcase_add_loop_test(tc, test_file_errors, 0,
			    (int)(sizeof(file_errors) / sizeof(file_errors[0])));
	tcase_add_loop_test(tc, test_comp_errors, 0,
			    (int)(sizeof(comp_errors) / sizeof(comp_errors[0])));
	tcase_add_test(tc, test_group_writable_file);
	tcase_add_test(tc, test_writable_components);
	tcase_add_test(tc, test_world_writable_dir);
	tcase_add_test(tc, test_foreign_owner);
	tcase_add_test(tc, test_symlinks);
	tcase_add_test(tc, test_special_files);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_overlay);
	tcase_add_test(tc, test_overlay_errors);
	tcase_add_test(tc, test_natural_sort);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_alias_bomb);
	tcase_add_test(tc, test_alias_shared);
	tcase_add_test(tc, test_big_and_binary);
	tcase_add_test(tc, test_too_many_checks);
	tcase_add_test(tc, test_real_profiles);
	tcase_add_test(tc, test_cached_profiles);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(profile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
