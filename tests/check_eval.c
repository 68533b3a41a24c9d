/* check_eval.c - operators, file facts, builtins and the state logic of the
 * evaluator, on hand-made snapshots (fake processes, temporary trees). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval.h"
#include "profile.h"
#include "snapshot.h"
#include "testutil.h"

static const char components_yaml[] =
	"components:\n"
	"  - name: kube-apiserver\n"
	"    names: [kube-apiserver]\n"
	"    target: master\n"
	"    role: control-plane\n"
	"    parser: pflag\n"
	"    model: flags\n"
	"    flags:\n"
	"      profiling: {type: bool, default: \"true\"}\n"
	"      token-auth-file: {type: string, path: true}\n"
	"      audit-log-maxage: {type: int, default: \"0\"}\n"
	"      request-timeout: {type: duration, default: 1m0s}\n"
	"      bind-address: {type: string, default: 0.0.0.0}\n"
	"      tls-cipher-suites: {type: slice}\n"
	"      authorization-mode: {type: slice}\n"
	"      feature-gates: {type: map}\n"
	"      encryption-provider-config: {type: string, path: true}\n"
	"      client-ca-file: {type: string, path: true}\n"
	"      audit-policy-file: {type: string, path: true}\n"
	"      audit-log-path: {type: string}\n"
	"      audit-webhook-config-file: {type: string, path: true}\n"
	"      admission-control-config-file: {type: string, path: true}\n"
	"  - name: kubelet\n"
	"    names: [kubelet]\n"
	"    target: node\n"
	"    role: worker\n"
	"    parser: pflag\n"
	"    model: kubelet\n"
	"    config_flag: config\n"
	"    config_dir_flag: config-dir\n"
	"    flags:\n"
	"      config: {type: string, path: true}\n"
	"      config-dir: {type: string, path: true}\n"
	"      kubeconfig: {type: string, path: true}\n"
	"      pod-manifest-path: {type: string, key: staticPodPath, path: true}\n"
	"  - name: etcd\n"
	"    names: [etcd]\n"
	"    target: etcd\n"
	"    role: etcd\n"
	"    parser: goflag\n"
	"    model: etcd\n"
	"    config_flag: config-file\n"
	"    flags:\n"
	"      config-file: {type: string, path: true}\n"
	"      name: {type: string, default: default}\n"
	"      data-dir: {type: string, default: \"${name}.etcd\", path: true}\n"
	"      trusted-ca-file: {type: string, path: true}\n"
	"      initial-cluster: {type: slice, default: \"default=http://localhost:2380\"}\n"
	"      listen-peer-urls: {type: slice, default: \"http://localhost:2380\"}\n"
	"      initial-advertise-peer-urls: {type: slice, default: \"http://localhost:2380\"}\n";

static char *tmp, *root;
static struct profile *prof;
static struct snapshot *snap;

/* Writes a benchmark "t" with the given checks and loads it. */
static void
load(const char *checks)
{
	char *err = NULL, *bench, *dir;

	bench = malloc(strlen(checks) + 64);
	sprintf(bench, "benchmark: t\nchecks:\n%s", checks);
	tu_write(tmp, "prof/components.yaml", components_yaml, 0644);
	tu_write(tmp, "prof/t/a.yaml", bench, 0644);
	free(bench);
	dir = malloc(strlen(tmp) + 8);
	sprintf(dir, "%s/prof", tmp);
	prof = profile_load(dir, "t", &err);
	free(dir);
	ck_assert_msg(prof != NULL, "profile: %s", err ? err : "?");
}

/* Starts a snapshot where component comp runs with argv (NULL: nothing runs). */
static void
run(const char *comp, const char *const *argv)
{
	struct proc *p = NULL;
	char *err = NULL;
	size_t n = 0;

	if (comp) {
		p = calloc(1, sizeof(*p));
		p->pid = getpid();
		p->comp = profile_comp_index(prof, comp);
		for (int i = 0; argv[i]; i++)
			strv_push(&p->argv, argv[i]);
		n = 1;
	}
	snap = snap_new_fake(prof, root, p, n, &err);
	ck_assert_msg(snap != NULL, "%s", err ? err : "?");
}

/* Hands a result to a report so that report_free releases it. */
static void
result_release(struct result *res)
{
	struct report *r = calloc(1, sizeof(*r));

	r->results = malloc(sizeof(*res));
	r->results[0] = *res;
	r->nresults = 1;
	report_free(r);
}

/* Evaluates check id; the result is copied to *out when given (release it
 * with result_release), freed otherwise. */
static enum result_state
state_of(const char *id, struct result *out)
{
	const struct check *c = profile_check(prof, id);
	struct result res;

	ck_assert_msg(c != NULL, "no check %s", id);
	memset(&res, 0, sizeof(res));
	eval_check(snap, c, &res);
	if (out) {
		*out = res;
		return res.state;
	}
	result_release(&res);
	return res.state;
}

static void
setup(void)
{
	tmp = tu_mkdtemp();
	chmod(tmp, 0755);
	root = malloc(strlen(tmp) + 8);
	sprintf(root, "%s/root", tmp);
	tu_mkdirs(tmp, "root/etc");
	tu_write(root, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/sh\netcd:x:4242:4243::/:/bin/false\n", 0644);
	tu_write(root, "etc/group", "root:x:0:\netcd:x:4243:\n", 0644);
	prof = NULL;
	snap = NULL;
}

static void
teardown(void)
{
	snap_free(snap);
	profile_free(prof);
	tu_rmtree(tmp);
	free(tmp);
	free(root);
}

#define CHECK(id, auto_, comp, test)                                                               \
	"  - id: \"" id "\"\n    title: t" id "\n    target: master\n    component: " comp         \
	"\n    automated: " auto_ "\n    expected: e\n    remediation: r\n    test: " test "\n"

START_TEST(test_setting_operators)
{
	const char *argv[] = {"kube-apiserver",
			      "--profiling=0",
			      "--audit-log-maxage",
			      "30",
			      "--request-timeout=90s",
			      "--bind-address=127.0.0.5",
			      "--tls-cipher-suites=TLS_A,TLS_B",
			      "--authorization-mode=Node,RBAC",
			      "--feature-gates=X=False",
			      NULL};

	load(CHECK("1.1", "true", "kube-apiserver",
		   "{setting: profiling, op: eq, value: false}") CHECK("1.2", "true",
								       "kube-apiserver",
								       "{setting: profiling, op: "
								       "ne, value: \"false\"}")
		     CHECK("1.3", "true", "kube-apiserver",
			   "{setting: audit-log-maxage, op: ge, value: 30}") CHECK("1.4", "true",
										   "kube-apiserver",
										   "{setting: "
										   "audit-log-"
										   "maxage, op: "
										   "gt, value: 30}")
			     CHECK("1.5", "true", "kube-apiserver",
				   "{setting: request-timeout, op: gt, value: 1m}") CHECK("1.6",
											  "true",
											  "kube-"
											  "apiserve"
											  "r",
											  "{setting"
											  ": "
											  "bind-"
											  "address,"
											  " op: "
											  "loopback"
											  "}")
				     CHECK("1.7", "true", "kube-apiserver",
					   "{setting: tls-cipher-suites, op: subset, values: "
					   "[TLS_A, TLS_B, TLS_C]}") CHECK("1.8", "true",
									   "kube-apiserver",
									   "{setting: "
									   "tls-cipher-suites, op: "
									   "subset, values: "
									   "[TLS_A]}") CHECK("1.9",
											     "true",
											     "kube-"
											     "apise"
											     "rver",
											     "{sett"
											     "ing: "
											     "autho"
											     "rizat"
											     "ion-"
											     "mode,"
											     " op: "
											     "has, "
											     "value"
											     ": "
											     "Node"
											     "}")
					     CHECK("1.10", "true", "kube-apiserver",
						   "{setting: authorization-mode, op: lacks, "
						   "value: AlwaysAllow}") CHECK("1.11", "true",
										"kube-apiserver",
										"{setting: "
										"feature-gates, "
										"key: X, op: ne, "
										"value: \"false\"}")
						     CHECK("1.12", "true", "kube-apiserver",
							   "{setting: feature-gates, key: Y, op: "
							   "ne, value: \"false\"}") CHECK("1.13",
											  "true",
											  "kube-"
											  "apiserve"
											  "r",
											  "{setting"
											  ": "
											  "token-"
											  "auth-"
											  "file, "
											  "op: "
											  "absent}")
							     CHECK("1.14", "true", "kube-apiserver",
								   "{setting: profiling, op: "
								   "present}") CHECK("1.15", "true",
										     "kube-"
										     "apiserver",
										     "{setting: "
										     "authorization"
										     "-mode, op: "
										     "regex, "
										     "value: "
										     "\"^Node,\"}")
								     CHECK("1.16", "true",
									   "kube-apiserver",
									   "{setting: "
									   "audit-log-path, op: "
									   "nonempty}")
									     CHECK("1.17", "true",
										   "kube-apiserver",
										   "{setting: "
										   "authorization-"
										   "mode, op: has, "
										   "value: Nod}")
										     CHECK("1.18",
											   "true",
											   "kube-"
											   "apiserv"
											   "er",
											   "{settin"
											   "g: "
											   "bind-"
											   "address"
											   ", op: "
											   "in, "
											   "values:"
											   " [a, "
											   "127.0."
											   "0.5]"
											   "}"));
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("1.1", NULL), RS_PASS); /* Go bool "0" is false */
	ck_assert_int_eq(state_of("1.2", NULL), RS_FAIL);
	ck_assert_int_eq(state_of("1.3", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.4", NULL), RS_FAIL);
	ck_assert_int_eq(state_of("1.5", NULL), RS_PASS); /* 90s > 1m as durations */
	ck_assert_int_eq(state_of("1.6", NULL), RS_PASS); /* 127.0.0.0/8 */
	ck_assert_int_eq(state_of("1.7", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.8", NULL), RS_FAIL);
	ck_assert_int_eq(state_of("1.9", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.10", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.11", NULL), RS_FAIL); /* X=False parsed as a Go bool */
	ck_assert_int_eq(state_of("1.12", NULL), RS_PASS); /* absent gate keeps its default */
	ck_assert_int_eq(state_of("1.13", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.14", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.15", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.16", NULL), RS_FAIL);
	ck_assert_int_eq(state_of("1.17", NULL), RS_FAIL); /* element match, not substring */
	ck_assert_int_eq(state_of("1.18", NULL), RS_PASS);
}
END_TEST

START_TEST(test_loopback_forms)
{
	const char *v6[] = {"kube-apiserver", "--bind-address=[::1]:10249", NULL};
	const char *all[] = {"kube-apiserver", "--bind-address=0.0.0.0", NULL};
	const char *host[] = {"kube-apiserver", "--bind-address=127.0.0.1.evil.example", NULL};

	load(CHECK("1.1", "true", "kube-apiserver", "{setting: bind-address, op: loopback}"));
	run("kube-apiserver", v6);
	ck_assert_int_eq(state_of("1.1", NULL), RS_PASS);
	snap_free(snap);
	run("kube-apiserver", all);
	ck_assert_int_eq(state_of("1.1", NULL), RS_FAIL);
	snap_free(snap);
	run("kube-apiserver", host);
	ck_assert_int_eq(state_of("1.1", NULL), RS_FAIL);
}
END_TEST

START_TEST(test_combinations_and_states)
{
	const char *argv[] = {"kube-apiserver", "--profiling=false", NULL};

	load(CHECK("1.1", "true", "kube-apiserver",
		   "{all: [{setting: profiling, op: eq, value: false}, {setting: audit-log-maxage, "
		   "op: ge, value: 1}]}") CHECK("1.2", "true", "kube-apiserver",
						"{any: [{setting: profiling, op: eq, value: true}, "
						"{setting: audit-log-maxage, op: ge, value: 0}]}")
		     CHECK("1.3", "true", "kube-apiserver",
			   "{not: {setting: profiling, op: eq, value: true}}")
			     CHECK("1.4", "false", "kube-apiserver",
				   "{setting: audit-log-maxage, op: ge, value: 1}")
				     CHECK("1.5", "false", "kube-apiserver",
					   "{setting: profiling, op: eq, value: false}")
	     /* FALSE beats ERROR in all; TRUE beats ERROR in any */
	     CHECK("1.6", "true", "kube-apiserver",
		   "{all: [{setting: profiling, op: eq, value: true}, {file: {setting: "
		   "token-auth-file, component: kube-apiserver, missing: error, default: "
		   "/nonexistent}, mode_max: \"0600\"}]}") CHECK("1.7", "true", "kube-apiserver",
								 "{any: [{setting: profiling, op: "
								 "eq, value: false}, {file: {path: "
								 "/etc/nope, missing: error}, "
								 "mode_max: \"0600\"}]}")
		     CHECK("1.8", "true", "kube-apiserver",
			   "{all: [{setting: profiling, op: eq, value: false}, {file: {path: "
			   "/etc/nope, missing: error}, mode_max: \"0600\"}]}") "  - id: \"1.9\"\n "
										"   title: "
										"manual\n    "
										"target: master\n  "
										"  component: "
										"kube-apiserver\n"
										"    automated: "
										"false\n    "
										"expected: e\n    "
										"remediation: r\n  "
										"  manual_reason: "
										"judge it\n"
										"  - id: \"5.1\"\n "
										"   title: "
										"cluster\n    "
										"target: "
										"policies\n    "
										"component: "
										"cluster\n"
										"    automated: "
										"false\n    "
										"expected: e\n    "
										"remediation: r\n  "
										"  cluster_scope: "
										"true\n");
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("1.1", NULL), RS_FAIL);
	ck_assert_int_eq(state_of("1.2", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.3", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.4", NULL), RS_WARN); /* manual, not shown to hold */
	ck_assert_int_eq(state_of("1.5", NULL), RS_PASS); /* manual that holds */
	ck_assert_int_eq(state_of("1.6", NULL), RS_FAIL);
	ck_assert_int_eq(state_of("1.7", NULL), RS_PASS);
	ck_assert_int_eq(state_of("1.8", NULL), RS_ERROR);
	ck_assert_int_eq(state_of("1.9", NULL), RS_WARN);
	{
		struct result res;

		ck_assert_int_eq(state_of("5.1", &res), RS_WARN);
		ck_assert_ptr_nonnull(strstr(res.reason, "cluster scope"));
		result_release(&res);
	}
}
END_TEST

START_TEST(test_not_running_and_role)
{
	load(CHECK("1.1", "true", "kube-apiserver",
		   "{setting: profiling, op: eq, value: false}") "  - id: \"1.2\"\n    title: t\n  "
								 "  target: master\n    component: "
								 "(files)\n"
								 "    role: control-plane\n    "
								 "automated: true\n    expected: "
								 "e\n    remediation: r\n"
								 "    test: {file: {path: "
								 "/etc/passwd}, mode_max: "
								 "\"0600\"}\n");
	run(NULL, NULL);
	{
		struct result res;

		ck_assert_int_eq(state_of("1.1", &res), RS_SKIP);
		ck_assert_ptr_nonnull(strstr(res.reason, "kube-apiserver not running"));
		result_release(&res);
	}
	ck_assert_int_eq(state_of("1.2", NULL), RS_SKIP); /* not a control-plane node */
}
END_TEST

START_TEST(test_hidepid_is_not_absence)
{
	struct result res;

	load(CHECK("1.1", "true", "kube-apiserver", "{setting: profiling, op: eq, value: false}"));
	run(NULL, NULL);
	snap->procs.hidepid = 1; /* /proc hides other users' processes */
	ck_assert_int_eq(state_of("1.1", &res), RS_ERROR);
	ck_assert_ptr_nonnull(strstr(res.reason, "hidepid"));
	result_release(&res);
}
END_TEST

START_TEST(test_file_modes_and_owners)
{
	const char *argv[] = {"kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf",
			      "--pod-manifest-path=/etc/kubernetes/manifests", NULL};

	tu_write(root, "etc/kubernetes/kubelet.conf", "x", 0600);
	tu_write(root, "etc/kubernetes/manifests/kube-apiserver.yaml", "x", 0577);
	tu_write(root, "etc/kubernetes/manifests/etcd.yaml", "x", 0400);
	tu_write(root, "etc/kubernetes/pki/ca.key", "k", 0600);
	tu_write(root, "etc/kubernetes/pki/etcd/ca.key", "k", 0640);
	tu_write(root, "etc/kubernetes/pki/ca.crt", "c", 0644);
	ck_assert_int_eq(chown(tmp, 0, 0), 0);
	{
		char p[4096];

		snprintf(p, sizeof(p), "%s/etc/kubernetes/pki/ca.crt", root);
		ck_assert_int_eq(chown(p, 4242, 4243), 0);
		snprintf(p, sizeof(p), "%s/var", root);
		tu_mkdirs(root, "var/lib/etcd");
		snprintf(p, sizeof(p), "%s/var/lib/etcd", root);
		ck_assert_int_eq(chown(p, 4242, 4243), 0);
		ck_assert_int_eq(chmod(p, 0700), 0);
		snprintf(p, sizeof(p), "%s/etc/kubernetes/admin.conf", root);
		ck_assert_int_eq(symlink("/etc/kubernetes/kubelet.conf", p), 0);
	}
	load(CHECK("1.1", "true", "(files)",
		   "{file: {setting: pod-manifest-path, component: kubelet, default: "
		   "/etc/kubernetes/manifests, join: kube-apiserver.yaml}, mode_max: "
		   "\"0600\"}") CHECK("1.2", "true", "(files)",
				      "{file: {setting: pod-manifest-path, component: "
				      "kubelet, default: /etc/kubernetes/manifests, join: "
				      "etcd.yaml}, mode_max: \"0600\"}")
		     CHECK("1.3", "true", "(files)",
			   "{file: {setting: pod-manifest-path, component: kubelet, default: "
			   "/etc/kubernetes/manifests, join: nope.yaml, missing: skip}, "
			   "mode_max: \"0600\"}") CHECK("1.4", "true", "(files)",
							"{file: {setting: pod-manifest-path, "
							"component: kubelet, default: "
							"/etc/kubernetes/manifests, join: "
							"nope.yaml}, mode_max: \"0600\"}")
			     CHECK("1.5", "true", "(files)",
				   "{file: {path: /etc/kubernetes/pki, glob: \"*.key\", "
				   "recursive: true}, mode_max: \"0600\"}")
				     CHECK("1.6", "true", "(files)",
					   "{file: {path: /etc/kubernetes/pki, tree: true}, "
					   "owner: {uid: 0, gid: 0}}")
					     CHECK("1.7", "true", "(files)",
						   "{file: {path: /var/lib/etcd}, owner: {user: "
						   "etcd, group: etcd}}") CHECK("1.8", "true",
										"(files)",
										"{file: {path: "
										"/var/lib/"
										"etcd}, owner: "
										"{user: nobody, "
										"group: etcd}}")
						     CHECK("1.9", "true", "(files)",
							   "{files: [{path: "
							   "/etc/kubernetes/admin.conf}, {path: "
							   "/etc/kubernetes/super-admin.conf}], "
							   "mode_max: \"0600\", owner: {uid: 0, "
							   "gid: 0}}") CHECK("1.10", "true",
									     "(files)",
									     "{file: {path: "
									     "/etc/kubernetes/"
									     "nothing.conf}, "
									     "mode_max: "
									     "\"0600\"}")
							     CHECK("1.11", "true", "(files)",
								   "{file: {setting: "
								   "kubeconfig, component: "
								   "kubelet}, mode_max: "
								   "\"0600\"}"));
	run("kubelet", argv);
	ck_assert_int_eq(state_of("1.1", NULL), RS_FAIL); /* 0577 has o+rwx */
	ck_assert_int_eq(state_of("1.2", NULL), RS_PASS); /* 0400 is stricter */
	ck_assert_int_eq(state_of("1.3", NULL), RS_SKIP);
	ck_assert_int_eq(state_of("1.4", NULL), RS_ERROR); /* named by the running kubelet */
	{
		struct result res;
		int found = 0;

		ck_assert_int_eq(state_of("1.5", &res), RS_FAIL);
		ck_assert_ptr_nonnull(strstr(res.actual, "etcd/ca.key mode 0640"));
		for (size_t i = 0; i < res.nev; i++)
			found |= res.ev[i].source == EV_FILE && res.ev[i].mode % 01000 == 0640;
		ck_assert(found);
		result_release(&res);
	}
	ck_assert_int_eq(state_of("1.6", NULL), RS_FAIL); /* ca.crt owned by 4242 */
	ck_assert_int_eq(state_of("1.7", NULL), RS_PASS); /* names from the node's passwd */
	ck_assert_int_eq(state_of("1.8", NULL), RS_FAIL); /* no such user: FAIL, not PASS */
	ck_assert_int_eq(state_of("1.9", NULL),
			 RS_PASS); /* link judged by its target; absent one skipped */
	ck_assert_int_eq(state_of("1.10", NULL), RS_SKIP);
	ck_assert_int_eq(state_of("1.11", NULL), RS_PASS);
}
END_TEST

START_TEST(test_host_namespace_only)
{
	const char *argv[] = {"kubelet", "--kubeconfig=/var/lib/in-pod/kubeconfig", NULL};
	struct result res;
	int noted = 0;

	tu_write(root, "etc/kubernetes/host.conf", "x", 0644);
	load(CHECK("4.1", "false", "(files)",
		   "{file: {setting: kubeconfig, component: kubelet, default: "
		   "/etc/kubernetes/host.conf, host_namespace: true, missing: skip}, mode_max: "
		   "\"0600\"}"));
	run("kubelet", argv);
	/* in the host namespace: the named file (absent here) is judged */
	ck_assert_int_eq(state_of("4.1", NULL), RS_SKIP);
	snap_free(snap);
	run("kubelet", argv);
	snap->comps[profile_comp_index(prof, "kubelet")].proc->container = 1;
	/* in a container: the host file is judged instead */
	ck_assert_int_eq(state_of("4.1", &res), RS_WARN);
	ck_assert_ptr_nonnull(strstr(res.actual, "/etc/kubernetes/host.conf mode 0644"));
	for (size_t i = 0; i < res.nev; i++)
		noted |= res.ev[i].source == EV_NOTE && strstr(res.ev[i].text, "mount namespace");
	ck_assert(noted);
	result_release(&res);
}
END_TEST

START_TEST(test_evidence_is_context)
{
	const char *argv[] = {"kube-apiserver", "--profiling=true", "--audit-log-maxage=5", NULL};
	struct result res;
	int noted = 0;

	load("  - id: \"1.1\"\n    title: t\n    target: master\n    component: kube-apiserver\n"
	     "    automated: true\n    expected: e\n    remediation: r\n"
	     "    test: {setting: profiling, op: eq, value: false}\n"
	     "    evidence: {setting: audit-log-maxage, op: ge, value: 30}\n");
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("1.1", &res), RS_FAIL); /* the test alone decides */
	for (size_t i = 0; i < res.nev; i++)
		noted |=
			res.ev[i].source == EV_NOTE && strstr(res.ev[i].text, "audit-log-maxage=5");
	ck_assert(noted);
	ck_assert_ptr_null(strstr(res.actual, "audit-log-maxage"));
	result_release(&res);
}
END_TEST

START_TEST(test_units)
{
	load(CHECK("4.1", "true", "(files)", "{file: {units: kubelet}, mode_max: \"0600\"}"));
	run(NULL, NULL);
	ck_assert_int_eq(state_of("4.1", NULL), RS_SKIP); /* not managed by systemd */
	snap_free(snap);
	tu_write(root, "usr/lib/systemd/system/kubelet.service", "[Unit]\n", 0644);
	run(NULL, NULL);
	ck_assert_int_eq(state_of("4.1", NULL), RS_FAIL); /* no drop-ins: the unit itself */
	snap_free(snap);
	tu_write(root, "usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\n",
		 0644);
	tu_write(root, "etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "[Service]\n", 0600);
	run(NULL, NULL);
	/* the /etc copy masks the 0644 one under /usr/lib */
	ck_assert_int_eq(state_of("4.1", NULL), RS_PASS);
	snap_free(snap);
	tu_write(root, "usr/lib/systemd/system/kubelet.service.d/20-extra.conf", "[Service]\n",
		 0644);
	run(NULL, NULL);
	ck_assert_int_eq(state_of("4.1", NULL), RS_FAIL);
}
END_TEST

START_TEST(test_builtin_encryption)
{
	const char *argv[] = {"kube-apiserver",
			      "--encryption-provider-config=/etc/kubernetes/enc.yaml", NULL};
	const char *none[] = {"kube-apiserver", NULL};
	struct result res;

	load(CHECK("1.2.28", "false", "kube-apiserver",
		   "{builtin: encryption-secrets, args: [aescbc, kms, secretbox]}"));
	tu_write(root, "etc/kubernetes/enc.yaml",
		 "kind: EncryptionConfiguration\nresources:\n  - resources: [configmaps]\n"
		 "    providers:\n      - aescbc:\n          keys:\n            - name: k\n"
		 "              secret: c2VjcmV0LWtleS1tYXRlcmlhbA==\n"
		 "  - resources: [secrets]\n    providers:\n      - identity: {}\n      - aescbc:\n"
		 "          keys:\n            - name: k\n              secret: "
		 "c2VjcmV0LWtleS1tYXRlcmlhbA==\n",
		 0600);
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("1.2.28", &res), RS_WARN); /* identity first for secrets */
	ck_assert_ptr_nonnull(strstr(res.actual, "identity"));
	for (size_t i = 0; i < res.nev; i++) {
		/* keys never appear in evidence */
		ck_assert_ptr_null(res.ev[i].text ? strstr(res.ev[i].text, "c2VjcmV0") : NULL);
	}
	ck_assert_ptr_null(strstr(res.actual, "c2VjcmV0"));
	result_release(&res);
	snap_free(snap);
	tu_write(root, "etc/kubernetes/enc.yaml",
		 "kind: EncryptionConfiguration\nresources:\n  - resources: ['*.*']\n"
		 "    providers:\n      - secretbox:\n          keys: []\n      - identity: {}\n",
		 0600);
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("1.2.28", NULL), RS_PASS);
	snap_free(snap);
	/* secrets encrypted, but another listed resource kept in plain text */
	tu_write(root, "etc/kubernetes/enc.yaml",
		 "kind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n"
		 "    providers:\n      - aescbc:\n          keys: []\n"
		 "  - resources: [configmaps]\n    providers:\n      - identity: {}\n",
		 0600);
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("1.2.28", NULL), RS_WARN);
	snap_free(snap);
	tu_write(root, "etc/kubernetes/enc.yaml", "resources: [\n", 0600);
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("1.2.28", NULL), RS_ERROR);
	snap_free(snap);
	run("kube-apiserver", none);
	ck_assert_int_eq(state_of("1.2.28", NULL), RS_WARN);
}
END_TEST

START_TEST(test_builtin_audit_policy)
{
	const char *argv[] = {"kube-apiserver", "--audit-policy-file=/etc/kubernetes/audit.yaml",
			      "--audit-log-path=/var/log/audit.log", NULL};

	load(CHECK("3.2.1", "false", "kube-apiserver", "{builtin: audit-policy-minimal}")
		     CHECK("3.2.2", "false", "kube-apiserver", "{builtin: audit-policy-coverage}"));
	tu_write(root, "etc/kubernetes/audit.yaml",
		 "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n"
		 "  - level: Metadata\n",
		 0600);
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("3.2.1", NULL), RS_WARN); /* catch-all None first */
	snap_free(snap);
	tu_write(root, "etc/kubernetes/audit.yaml",
		 "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n"
		 "  - level: Metadata\n    resources:\n      - group: \"\"\n        resources: "
		 "[secrets, configmaps]\n"
		 "      - group: authentication.k8s.io\n        resources: [tokenreviews]\n"
		 "  - level: RequestResponse\n",
		 0600);
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("3.2.1", NULL), RS_PASS);
	ck_assert_int_eq(state_of("3.2.2", NULL), RS_PASS);
	snap_free(snap);
	/* secrets logged with their data: not covered as required */
	tu_write(root, "etc/kubernetes/audit.yaml",
		 "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: RequestResponse\n",
		 0600);
	run("kube-apiserver", argv);
	ck_assert_int_eq(state_of("3.2.2", NULL), RS_WARN);
}
END_TEST

START_TEST(test_builtin_etcd_single_member)
{
	const char *single[] = {"etcd",
				"--name=m1",
				"--initial-cluster=m1=https://127.0.0.1:2380",
				"--listen-peer-urls=https://127.0.0.1:2380",
				"--initial-advertise-peer-urls=https://127.0.0.1:2380",
				NULL};
	const char *multi[] = {
		"etcd", "--name=m1",
		"--initial-cluster=m1=https://10.0.0.1:2380,m2=https://10.0.0.2:2380", NULL};

	load("  - id: \"2.4\"\n    title: t\n    target: etcd\n    component: etcd\n"
	     "    automated: true\n    expected: e\n    remediation: r\n"
	     "    skip_if: {test: {builtin: etcd-single-member}, reason: single member}\n"
	     "    test: {setting: trusted-ca-file, op: nonempty}\n");
	run("etcd", single);
	ck_assert_int_eq(state_of("2.4", NULL), RS_SKIP);
	snap_free(snap);
	run("etcd", multi);
	ck_assert_int_eq(state_of("2.4", NULL), RS_FAIL);
}
END_TEST

/* Makes a self-signed CA certificate with the openssl CLI (tests may exec). */
static void
make_ca(const char *dir, const char *name, const char *cn)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
		 "-subj /CN=%s -keyout %s/%s.key -out %s/%s.crt >/dev/null 2>&1",
		 cn, dir, name, dir, name);
	ck_assert_int_eq(system(cmd), 0);
}

/* A snapshot where etcd and kube-apiserver run with these command lines. */
static void
run_etcd_and_apiserver(const char *const *etcd, const char *const *api)
{
	struct proc *p = calloc(2, sizeof(*p));
	char *err = NULL;

	for (int k = 0; k < 2; k++) {
		const char *const *av = k ? api : etcd;

		p[k].pid = getpid();
		p[k].comp = profile_comp_index(prof, k ? "kube-apiserver" : "etcd");
		for (int i = 0; av[i]; i++)
			strv_push(&p[k].argv, av[i]);
	}
	snap = snap_new_fake(prof, root, p, 2, &err);
	ck_assert_msg(snap != NULL, "%s", err ? err : "?");
}

START_TEST(test_builtin_etcd_ca_unique)
{
	char pki[4096], cmd[16384];
	const char *argv[] = {"etcd", "--trusted-ca-file=/pki/etcd-ca.crt", NULL};
	const char *apiv[] = {"kube-apiserver", "--client-ca-file=/pki/bundle.crt", NULL};
	struct result res;

	snprintf(pki, sizeof(pki), "%s/pki", root);
	tu_mkdirs(root, "pki");
	make_ca(pki, "etcd-ca", "etcd-ca");
	make_ca(pki, "kube-ca", "kubernetes");
	load(CHECK("2.7", "false", "etcd", "{builtin: etcd-ca-unique}"));
	/* the apiserver's bundle holds its own CA only: unique */
	snprintf(cmd, sizeof(cmd), "cat %s/kube-ca.crt > %s/bundle.crt", pki, pki);
	ck_assert_int_eq(system(cmd), 0);
	run_etcd_and_apiserver(argv, apiv);
	ck_assert_int_eq(state_of("2.7", NULL), RS_PASS);
	snap_free(snap);
	/* the same CA, copied into the bundle under another name: not unique */
	snprintf(cmd, sizeof(cmd), "cat %s/kube-ca.crt %s/etcd-ca.crt > %s/bundle.crt", pki, pki,
		 pki);
	ck_assert_int_eq(system(cmd), 0);
	run_etcd_and_apiserver(argv, apiv);
	ck_assert_int_eq(state_of("2.7", &res), RS_WARN);
	ck_assert_msg(strstr(res.actual, "/CN=etcd-ca") != NULL, "actual: %s", res.actual);
	ck_assert_ptr_nonnull(strstr(res.actual, "sha256"));
	result_release(&res);
	snap_free(snap);
	/* a bundle with a broken certificate block is an ERROR, not a PASS */
	snprintf(cmd, sizeof(cmd),
		 "printf -- '-----BEGIN CERTIFICATE-----\\nnot base64!\\n-----END "
		 "CERTIFICATE-----\\n' "
		 ">> %s/bundle.crt",
		 pki);
	ck_assert_int_eq(system(cmd), 0);
	run_etcd_and_apiserver(argv, apiv);
	ck_assert_int_eq(state_of("2.7", NULL), RS_ERROR);
}
END_TEST

START_TEST(test_eval_profile_selection)
{
	const char *argv[] = {"kube-apiserver", "--profiling=false", NULL};
	struct eval_opts o = {0};
	struct report *r = calloc(1, sizeof(*r));

	load(CHECK("1.1.1", "true", "kube-apiserver", "{setting: profiling, op: eq, value: false}")
		     CHECK("1.1.2", "true", "kube-apiserver",
			   "{setting: profiling, op: eq, value: true}")
			     CHECK("1.2.1", "true", "kube-apiserver",
				   "{setting: profiling, op: eq, value: true}"));
	run("kube-apiserver", argv);
	strv_push(&o.only, "1.1");
	strv_push(&o.skip, "1.1.2");
	eval_profile(snap, prof, &o, r);
	ck_assert_int_eq(r->nresults, 2);
	ck_assert_str_eq(r->results[0].id, "1.1.1");
	ck_assert_int_eq(r->results[0].state, RS_PASS);
	ck_assert_int_eq(r->results[1].state, RS_SKIP);
	ck_assert_str_eq(r->results[1].reason, "excluded by --skip");
	ck_assert_int_eq(r->counts[RS_PASS], 1);
	ck_assert_int_eq(r->counts[RS_SKIP], 1);
	report_free(r);
	strv_free(&o.only);
	strv_free(&o.skip);
}
END_TEST

static Suite *
eval_suite(void)
{
	Suite *s = suite_create("eval");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_setting_operators);
	tcase_add_test(tc, test_loopback_forms);
	tcase_add_test(tc, test_combinations_and_states);
	tcase_add_test(tc, test_not_running_and_role);
	tcase_add_test(tc, test_hidepid_is_not_absence);
	tcase_add_test(tc, test_file_modes_and_owners);
	tcase_add_test(tc, test_host_namespace_only);
	tcase_add_test(tc, test_evidence_is_context);
	tcase_add_test(tc, test_units);
	tcase_add_test(tc, test_builtin_encryption);
	tcase_add_test(tc, test_builtin_audit_policy);
	tcase_add_test(tc, test_builtin_etcd_single_member);
	tcase_add_test(tc, test_builtin_etcd_ca_unique);
	tcase_add_test(tc, test_eval_profile_selection);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(eval_suite());
}
