/* check_settings.c - effective settings, layer by layer (DESIGN 4). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	"      anonymous-auth: {type: bool, default: \"true\"}\n"
	"      enable-admission-plugins: {type: slice}\n"
	"      disable-admission-plugins: {type: slice}\n"
	"      admission-control: {type: slice}\n"
	"      authorization-mode: {type: slice}\n"
	"      authorization-config: {type: string, path: true}\n"
	"      authentication-config: {type: string, path: true}\n"
	"      audit-log-maxage: {type: int, default: \"0\"}\n"
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
	"  - name: kube-scheduler\n"
	"    names: [kube-scheduler]\n"
	"    target: master\n"
	"    role: control-plane\n"
	"    parser: pflag\n"
	"    model: configfile\n"
	"    config_flag: config\n"
	"    flags:\n"
	"      config: {type: string, path: true}\n"
	"      profiling: {type: bool, key: enableProfiling, default: \"true\"}\n"
	"      bind-address: {type: string, default: 0.0.0.0, with_config: true}\n"
	"      kubeconfig: {type: string, key: clientConnection.kubeconfig, path: true}\n"
	"  - name: etcd\n"
	"    names: [etcd]\n"
	"    target: etcd\n"
	"    role: etcd\n"
	"    parser: goflag\n"
	"    model: etcd\n"
	"    config_flag: config-file\n"
	"    config_env: ETCD_CONFIG_FILE\n"
	"    flags:\n"
	"      config-file: {type: string, path: true}\n"
	"      client-cert-auth: {type: bool, key: client-transport-security.client-cert-auth, "
	"default: \"false\"}\n"
	"      name: {type: string, default: default}\n"
	"      data-dir: {type: string, default: \"${name}.etcd\", path: true}\n"
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
	"      anonymous-auth: {type: bool, key: authentication.anonymous.enabled, default: "
	"\"true\", default_config: \"false\"}\n"
	"      read-only-port: {type: int, key: readOnlyPort, default: \"10255\", default_config: "
	"\"0\"}\n"
	"      client-ca-file: {type: string, key: authentication.x509.clientCAFile, path: true}\n"
	"      feature-gates: {type: map, key: featureGates}\n"
	"      streaming-connection-idle-timeout: {type: duration, key: "
	"streamingConnectionIdleTimeout, default: 4h0m0s, default_config: 4h0m0s}\n"
	"      kubeconfig: {type: string, path: true}\n";

static const char bench_yaml[] = "benchmark: t\n"
				 "checks:\n"
				 "  - id: \"1.1\"\n"
				 "    title: t\n"
				 "    target: master\n"
				 "    component: kube-apiserver\n"
				 "    automated: false\n"
				 "    expected: x\n"
				 "    manual_reason: y\n"
				 "    remediation: z\n";

static char *tmp, *root, *prof_dir;
static struct profile *prof;

static void
setup(void)
{
	char *err = NULL;

	tmp = tu_mkdtemp();
	root = malloc(strlen(tmp) + 8);
	sprintf(root, "%s/root", tmp);
	tu_mkdirs(tmp, "root/etc");
	tu_write(tmp, "prof/components.yaml", components_yaml, 0644);
	tu_write(tmp, "prof/t/a.yaml", bench_yaml, 0644);
	chmod(tmp, 0755);
	prof_dir = malloc(strlen(tmp) + 8);
	sprintf(prof_dir, "%s/prof", tmp);
	prof = profile_load(prof_dir, "t", &err);
	ck_assert_msg(prof != NULL, "profile: %s", err ? err : "?");
}

static void
teardown(void)
{
	profile_free(prof);
	tu_rmtree(tmp);
	free(tmp);
	free(root);
	free(prof_dir);
}

/* A fake process of component `name` with the given argv (NULL-terminated),
 * pid = this test process (so /proc/PID/cwd is ours). */
static struct snapshot *
snap_with(const char *name, const char *const *argv, const char *const *env)
{
	struct proc *p = calloc(1, sizeof(*p));
	struct snapshot *s;
	char *err = NULL;

	p->pid = getpid();
	p->comp = profile_comp_index(prof, name);
	ck_assert_int_ge(p->comp, 0);
	for (int i = 0; argv[i]; i++)
		strv_push(&p->argv, argv[i]);
	if (env) {
		p->env_loaded = 1;
		for (int i = 0; env[i]; i++)
			strv_push(&p->env, env[i]);
	}
	s = snap_new_fake(prof, root, p, 1, &err);
	ck_assert_msg(s != NULL, "%s", err ? err : "?");
	return s;
}

static int
has_ev(const struct setting *st, enum ev_source src, const char *substr)
{
	for (size_t i = 0; i < st->nev; i++)
		if (st->ev[i].source == src &&
		    (substr == NULL || (st->ev[i].text && strstr(st->ev[i].text, substr)) ||
		     (st->ev[i].file && strstr(st->ev[i].file, substr))))
			return 1;
	return 0;
}

static const struct setting *
get(struct snapshot *s, const char *comp, const char *name)
{
	const struct setting *st = snap_setting(s, comp, name);

	ck_assert_msg(st != NULL, "no setting %s", name);
	return st;
}

START_TEST(test_not_running)
{
	const char *argv[] = {"kubelet", NULL};
	struct snapshot *s = snap_with("kubelet", argv, NULL);
	const struct setting *st = get(s, "kube-apiserver", "profiling");

	ck_assert_int_eq(st->status, SET_NOT_RUNNING);
	ck_assert_ptr_null(snap_setting(s, "kube-apiserver", "no-such-flag"));
	snap_free(s);
}
END_TEST

START_TEST(test_flags_default_and_last_wins)
{
	const char *argv[] = {"kube-apiserver",	       "--profiling=false",
			      "--audit-log-maxage",    "10",
			      "--audit-log-maxage=30", NULL};
	struct snapshot *s = snap_with("kube-apiserver", argv, NULL);
	const struct setting *st = get(s, "kube-apiserver", "profiling");

	ck_assert_int_eq(st->status, SET_OK);
	ck_assert_int_eq(st->val.b, 0);
	ck_assert(st->explicit);
	ck_assert(has_ev(st, EV_ARGV, "--profiling=false"));
	st = get(s, "kube-apiserver", "audit-log-maxage");
	ck_assert_int_eq(st->val.i, 30);
	ck_assert(has_ev(st, EV_NOTE, "last occurrence wins"));
	st = get(s, "kube-apiserver", "anonymous-auth");
	ck_assert(st->from_default);
	ck_assert_int_eq(st->val.b, 1);
	ck_assert(has_ev(st, EV_DEFAULT, "default true"));
	snap_free(s);
}
END_TEST

START_TEST(test_bool_space_is_true)
{
	const char *argv[] = {"kube-apiserver", "--anonymous-auth", "false", NULL};
	struct snapshot *s = snap_with("kube-apiserver", argv, NULL);
	const struct setting *st = get(s, "kube-apiserver", "anonymous");

	ck_assert_int_eq(st->status, SET_OK);
	ck_assert_int_eq(st->val.b, 1);
	snap_free(s);
}
END_TEST

START_TEST(test_admission_plugins)
{
	const char *argv[] = {"kube-apiserver",
			      "--enable-admission-plugins=NodeRestriction",
			      "--enable-admission-plugins",
			      "EventRateLimit",
			      "--disable-admission-plugins=ServiceAccount",
			      NULL};
	const char *argv2[] = {"kube-apiserver", "--admission-control=NodeRestriction", NULL};
	struct snapshot *s = snap_with("kube-apiserver", argv, NULL);
	const struct setting *st = get(s, "kube-apiserver", "admission-plugins");

	ck_assert_int_ge(strv_index(&st->val.list, "NodeRestriction"), 0);
	ck_assert_int_ge(strv_index(&st->val.list, "EventRateLimit"), 0);
	ck_assert_int_ge(strv_index(&st->val.list, "NamespaceLifecycle"), 0);
	ck_assert_int_lt(strv_index(&st->val.list, "ServiceAccount"), 0);
	snap_free(s);
	s = snap_with("kube-apiserver", argv2, NULL);
	st = get(s, "kube-apiserver", "admission-plugins");
	ck_assert_int_eq(st->val.list.n, 1);
	ck_assert_int_lt(strv_index(&st->val.list, "NamespaceLifecycle"), 0);
	snap_free(s);
}
END_TEST

START_TEST(test_authz_modes_file)
{
	const char *argv[] = {"kube-apiserver", "--authorization-config=/etc/kubernetes/authz.yaml",
			      NULL};
	const char *argv2[] = {"kube-apiserver", NULL};
	struct snapshot *s;
	const struct setting *st;

	tu_write(root, "etc/kubernetes/authz.yaml",
		 "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\n"
		 "authorizers:\n  - type: Node\n    name: node\n  - type: RBAC\n    name: rbac\n",
		 0600);
	s = snap_with("kube-apiserver", argv, NULL);
	st = get(s, "kube-apiserver", "authorization-modes");
	ck_assert_int_eq(st->status, SET_OK);
	ck_assert_int_eq(st->val.list.n, 2);
	ck_assert_str_eq(st->val.list.v[0], "Node");
	ck_assert(has_ev(st, EV_CONFIG, "authz.yaml"));
	snap_free(s);
	s = snap_with("kube-apiserver", argv2, NULL);
	st = get(s, "kube-apiserver", "authorization-modes");
	ck_assert_str_eq(st->val.list.v[0], "AlwaysAllow");
	ck_assert(st->from_default);
	snap_free(s);
}
END_TEST

START_TEST(test_anonymous_from_authn_config)
{
	const char *argv[] = {"kube-apiserver", "--anonymous-auth=true",
			      "--authentication-config=/etc/kubernetes/authn.yaml", NULL};
	struct snapshot *s;
	const struct setting *st;

	tu_write(root, "etc/kubernetes/authn.yaml",
		 "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\n"
		 "anonymous:\n  enabled: false\n",
		 0600);
	s = snap_with("kube-apiserver", argv, NULL);
	st = get(s, "kube-apiserver", "anonymous");
	ck_assert_int_eq(st->status, SET_OK);
	ck_assert_int_eq(st->val.b, 0);
	snap_free(s);
}
END_TEST

START_TEST(test_kubelet_modes)
{
	const char *flagmode[] = {"kubelet", NULL};
	const char *cfgmode[] = {"/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml", NULL};
	struct snapshot *s;
	const struct setting *st;

	s = snap_with("kubelet", flagmode, NULL);
	st = get(s, "kubelet", "anonymous-auth");
	ck_assert_int_eq(st->val.b, 1);
	ck_assert(has_ev(st, EV_DEFAULT, "without --config"));
	ck_assert_int_eq(get(s, "kubelet", "read-only-port")->val.i, 10255);
	snap_free(s);

	tu_write(root, "var/lib/kubelet/config.yaml",
		 "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
		 "authentication:\n  x509:\n    clientCAFile: pki/ca.crt\n"
		 "streamingConnectionIdleTimeout: 0s\n",
		 0644);
	s = snap_with("kubelet", cfgmode, NULL);
	st = get(s, "kubelet", "anonymous-auth");
	ck_assert_int_eq(st->status, SET_OK);
	ck_assert_int_eq(st->val.b, 0); /* config-mode default */
	ck_assert(has_ev(st, EV_DEFAULT, "with --config"));
	ck_assert_int_eq(get(s, "kubelet", "read-only-port")->val.i, 0);
	/* relative paths in the config file resolve against its directory */
	st = get(s, "kubelet", "client-ca-file");
	ck_assert_str_eq(st->path, "/var/lib/kubelet/pki/ca.crt");
	ck_assert(has_ev(st, EV_CONFIG, "config.yaml"));
	ck_assert_int_eq(st->ev[0].line, 5);
	/* a zero duration in the config file is defaulted by the kubelet */
	st = get(s, "kubelet", "streaming-connection-idle-timeout");
	ck_assert_str_eq(st->val.raw, "4h0m0s");
	snap_free(s);
}
END_TEST

START_TEST(test_kubelet_dropins_and_flags)
{
	const char *argv[] = {"kubelet", "--config=/var/lib/kubelet/config.yaml",
			      "--config-dir=/etc/kubernetes/kubelet.conf.d",
			      "--feature-gates=A=true", NULL};
	struct snapshot *s;
	const struct setting *st;

	tu_write(root, "var/lib/kubelet/config.yaml",
		 "readOnlyPort: 10255\nauthentication:\n  anonymous:\n    enabled: true\n"
		 "featureGates:\n  A: false\n  B: true\n",
		 0644);
	tu_write(root, "etc/kubernetes/kubelet.conf.d/10-a.conf", "readOnlyPort: 10256\n", 0644);
	tu_write(root, "etc/kubernetes/kubelet.conf.d/20-b.conf",
		 "readOnlyPort: 0\nfeatureGates:\n  C: true\n", 0644);
	tu_write(root, "etc/kubernetes/kubelet.conf.d/ignored.yaml", "readOnlyPort: 9\n", 0644);
	s = snap_with("kubelet", argv, NULL);
	st = get(s, "kubelet", "read-only-port");
	ck_assert_int_eq(st->status, SET_OK);
	ck_assert_int_eq(st->val.i, 0);
	ck_assert(has_ev(st, EV_DROPIN, "20-b.conf"));
	st = get(s, "kubelet", "anonymous-auth");
	ck_assert_int_eq(st->val.b, 1);
	ck_assert(has_ev(st, EV_CONFIG, "config.yaml"));
	st = get(s, "kubelet", "feature-gates");
	ck_assert_str_eq(value_map_get(&st->val, "A"), "true");
	ck_assert_str_eq(value_map_get(&st->val, "B"), "true");
	ck_assert_str_eq(value_map_get(&st->val, "C"), "true");
	snap_free(s);
}
END_TEST

START_TEST(test_kubelet_flag_over_config)
{
	const char *argv[] = {"kubelet", "--config", "/var/lib/kubelet/config.yaml",
			      "--anonymous-auth=false", NULL};
	struct snapshot *s;
	const struct setting *st;

	tu_write(root, "var/lib/kubelet/config.yaml",
		 "authentication:\n  anonymous:\n    enabled: true\n", 0644);
	s = snap_with("kubelet", argv, NULL);
	st = get(s, "kubelet", "anonymous-auth");
	ck_assert_int_eq(st->val.b, 0);
	ck_assert(has_ev(st, EV_ARGV, "--anonymous-auth=false"));
	/* the overridden file value is cited too */
	ck_assert(has_ev(st, EV_CONFIG, "authentication.anonymous.enabled: true"));
	ck_assert(has_ev(st, EV_NOTE, "overrides"));
	snap_free(s);
}
END_TEST

START_TEST(test_kubelet_config_errors)
{
	const char *missing[] = {"kubelet", "--config=/var/lib/kubelet/nope.yaml", NULL};
	const char *bad[] = {"kubelet", "--config=/var/lib/kubelet/bad.yaml", NULL};
	struct snapshot *s;
	const struct setting *st;

	s = snap_with("kubelet", missing, NULL);
	st = get(s, "kubelet", "anonymous-auth");
	ck_assert_int_eq(st->status, SET_ERROR);
	ck_assert_ptr_nonnull(strstr(st->error, "nope.yaml"));
	/* a flag-only setting does not depend on the file */
	ck_assert_int_eq(get(s, "kubelet", "kubeconfig")->status, SET_OK);
	snap_free(s);
	tu_write(root, "var/lib/kubelet/bad.yaml", "a: [1, 2\nb: c\n", 0644);
	s = snap_with("kubelet", bad, NULL);
	st = get(s, "kubelet", "read-only-port");
	ck_assert_int_eq(st->status, SET_ERROR);
	ck_assert_ptr_nonnull(strstr(st->error, "bad.yaml:"));
	snap_free(s);
	tu_write(root, "var/lib/kubelet/bad.yaml", "readOnlyPort: lots\n", 0644);
	s = snap_with("kubelet", bad, NULL);
	st = get(s, "kubelet", "read-only-port");
	ck_assert_int_eq(st->status, SET_ERROR);
	ck_assert_ptr_nonnull(strstr(st->error, "bad.yaml:1"));
	snap_free(s);
}
END_TEST

START_TEST(test_relative_config_against_cwd)
{
	const char *argv[] = {"kubelet", "--config=conf/kubelet.yaml", NULL};
	char *cwd = getcwd(NULL, 0);
	struct snapshot *s;
	const struct setting *st;

	/* the file lives at the process's cwd in the real filesystem, not under --root */
	tu_write(tmp, "cwd/conf/kubelet.yaml", "readOnlyPort: 12345\n", 0644);
	ck_assert_int_eq(chdir(tmp), 0);
	ck_assert_int_eq(chdir("cwd"), 0);
	s = snap_with("kubelet", argv, NULL);
	st = get(s, "kubelet", "read-only-port");
	ck_assert_int_eq(st->status, SET_OK);
	ck_assert_int_eq(st->val.i, 12345);
	ck_assert(has_ev(st, EV_CONFIG, "/cwd/conf/kubelet.yaml"));
	snap_free(s);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
}
END_TEST

START_TEST(test_flag_path_relative_to_cwd_not_config)
{
	const char *argv[] = {"kubelet", "--config=/var/lib/kubelet/config.yaml",
			      "--client-ca-file=rel/ca.crt", NULL};
	char *cwd = getcwd(NULL, 0), want[4096];
	struct snapshot *s;
	const struct setting *st;

	tu_write(root, "var/lib/kubelet/config.yaml",
		 "authentication:\n  x509:\n    clientCAFile: pki/ca.crt\n", 0644);
	tu_mkdirs(tmp, "cwd");
	ck_assert_int_eq(chdir(tmp), 0);
	ck_assert_int_eq(chdir("cwd"), 0);
	s = snap_with("kubelet", argv, NULL);
	st = get(s, "kubelet", "client-ca-file");
	/* the flag wins, and a flag's relative path is the process's cwd's */
	{
		char *real = realpath(tmp, NULL);

		snprintf(want, sizeof(want), "%s/cwd/rel/ca.crt", real);
		free(real);
	}
	ck_assert_str_eq(st->path, want);
	ck_assert(has_ev(st, EV_CONFIG, "clientCAFile: pki/ca.crt")); /* cited as overridden */
	snap_free(s);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
}
END_TEST

START_TEST(test_relative_config_inside_root)
{
	const char *argv[] = {"kubelet", "--config=config.yaml", NULL};
	char *cwd = getcwd(NULL, 0), dir[4096];
	struct snapshot *s;
	const struct setting *st;

	/* a process of the node tree under --root: its relative paths are the
	 * node's own and are read in the --root view */
	tu_write(root, "var/lib/kubelet/config.yaml",
		 "readOnlyPort: 4242\nauthentication:\n  x509:\n    clientCAFile: pki/ca.crt\n",
		 0644);
	snprintf(dir, sizeof(dir), "%s/var/lib/kubelet", root);
	ck_assert_int_eq(chdir(dir), 0);
	s = snap_with("kubelet", argv, NULL);
	st = get(s, "kubelet", "read-only-port");
	ck_assert_int_eq(st->val.i, 4242);
	st = get(s, "kubelet", "client-ca-file");
	ck_assert_str_eq(st->path, "/var/lib/kubelet/pki/ca.crt");
	ck_assert_int_eq(st->view_pid, 0);
	snap_free(s);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
}
END_TEST

START_TEST(test_scheduler_config_decides)
{
	const char *argv[] = {"kube-scheduler",		  "--config=/etc/kubernetes/sched.yaml",
			      "--profiling=false",	  "--kubeconfig=/etc/kubernetes/stale.conf",
			      "--bind-address=127.0.0.1", NULL};
	const char *noconf[] = {"kube-scheduler", "--profiling=false", NULL};
	struct snapshot *s;
	const struct setting *st;

	tu_write(root, "etc/kubernetes/sched.yaml",
		 "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
		 "clientConnection:\n  kubeconfig: /etc/kubernetes/scheduler.conf\n",
		 0600);
	s = snap_with("kube-scheduler", argv, NULL);
	st = get(s, "kube-scheduler", "profiling");
	ck_assert_int_eq(st->val.b, 1); /* the flag is inert with --config */
	ck_assert(has_ev(st, EV_NOTE, "ignored"));
	st = get(s, "kube-scheduler", "kubeconfig");
	ck_assert_str_eq(st->path, "/etc/kubernetes/scheduler.conf");
	st = get(s, "kube-scheduler", "bind-address");
	ck_assert_str_eq(st->val.raw, "127.0.0.1");
	snap_free(s);
	s = snap_with("kube-scheduler", noconf, NULL);
	ck_assert_int_eq(get(s, "kube-scheduler", "profiling")->val.b, 0);
	snap_free(s);
}
END_TEST

START_TEST(test_etcd_layers)
{
	const char *flag[] = {"etcd", "-client-cert-auth=false", NULL};
	const char *none[] = {"etcd", "--name=m1", NULL};
	const char *cfg[] = {"etcd", "--client-cert-auth=false", "--config-file=/etc/etcd.yaml",
			     NULL};
	const char *env[] = {"ETCD_CLIENT_CERT_AUTH=true", "PATH=/bin", NULL};
	const char *envcfg[] = {"ETCD_CONFIG_FILE=/etc/etcd.yaml", NULL};
	char *cwd = getcwd(NULL, 0);
	struct snapshot *s;
	const struct setting *st;

	s = snap_with("etcd", flag, env);
	st = get(s, "etcd", "client-cert-auth");
	ck_assert_int_eq(st->val.b, 0); /* a flag shadows its env var */
	snap_free(s);
	s = snap_with("etcd", none, env);
	st = get(s, "etcd", "client-cert-auth");
	ck_assert_int_eq(st->val.b, 1);
	ck_assert(has_ev(st, EV_ENVIRON, "ETCD_CLIENT_CERT_AUTH=true"));
	/* default data dir: <name>.etcd in the process's cwd */
	st = get(s, "etcd", "data-dir");
	ck_assert_str_eq(st->val.raw, "m1.etcd");
	ck_assert_ptr_nonnull(strstr(st->path, "/m1.etcd"));
	ck_assert_int_eq(st->view_pid, getpid());
	snap_free(s);
	tu_write(root, "etc/etcd.yaml", "client-transport-security:\n  client-cert-auth: true\n",
		 0600);
	s = snap_with("etcd", cfg, env);
	st = get(s, "etcd", "client-cert-auth");
	ck_assert_int_eq(st->val.b, 1); /* the config file silences flags and env */
	ck_assert(has_ev(st, EV_NOTE, "ignored"));
	snap_free(s);
	s = snap_with("etcd", none, envcfg);
	st = get(s, "etcd", "client-cert-auth");
	ck_assert_int_eq(st->val.b, 1);
	ck_assert(has_ev(st, EV_CONFIG, "etcd.yaml"));
	snap_free(s);
	free(cwd);
}
END_TEST

static Suite *
settings_suite(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_not_running);
	tcase_add_test(tc, test_flags_default_and_last_wins);
	tcase_add_test(tc, test_bool_space_is_true);
	tcase_add_test(tc, test_admission_plugins);
	tcase_add_test(tc, test_authz_modes_file);
	tcase_add_test(tc, test_anonymous_from_authn_config);
	tcase_add_test(tc, test_kubelet_modes);
	tcase_add_test(tc, test_kubelet_dropins_and_flags);
	tcase_add_test(tc, test_kubelet_flag_over_config);
	tcase_add_test(tc, test_kubelet_config_errors);
	tcase_add_test(tc, test_relative_config_against_cwd);
	tcase_add_test(tc, test_relative_config_inside_root);
	tcase_add_test(tc, test_flag_path_relative_to_cwd_not_config);
	tcase_add_test(tc, test_scheduler_config_decides);
	tcase_add_test(tc, test_etcd_layers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run_suite(settings_suite());
}
