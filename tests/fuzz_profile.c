/* fuzz_profile.c - libFuzzer target for the profile loader.
 *
 * Each input becomes the one file of benchmark "fz" in a private profile
 * directory that also holds a fixed components.yaml and a small benchmark
 * "base", so inputs can name `base: base` (or `base: fz`) and reach the
 * overlay code. The loader must refuse bad input with a message, never
 * crash, hang or leak.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined (configure --enable-fuzzer).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "util.h"

static const char COMPONENTS[] =
	"components:\n"
	"  - name: kube-apiserver\n"
	"    target: master\n"
	"    role: control-plane\n"
	"    parser: pflag\n"
	"    model: flags\n"
	"    flags:\n"
	"      profiling: {type: bool, default: \"true\"}\n"
	"      anonymous-auth: {type: bool, default: \"true\"}\n"
	"      authentication-config: {type: string, path: true}\n"
	"      authorization-mode: {type: slice}\n"
	"      enable-admission-plugins: {type: slice}\n"
	"      disable-admission-plugins: {type: slice}\n"
	"      audit-log-maxage: {type: int, default: \"0\"}\n"
	"      request-timeout: {type: duration, default: 1m0s}\n"
	"      service-account-key-file: {type: array}\n"
	"      feature-gates: {type: map}\n"
	"      bind-address: {type: string, default: 0.0.0.0}\n"
	"      ratio: {type: float}\n"
	"    derived:\n"
	"      admission-plugins: {kind: admission-plugins, flag: enable-admission-plugins, "
	"flag2: disable-admission-plugins, defaults: [NamespaceLifecycle]}\n"
	"      authorization-modes: {kind: authorization-modes, flag: authorization-mode, "
	"defaults: [AlwaysAllow]}\n"
	"      anonymous: {kind: apiserver-anonymous, flag: anonymous-auth, flag2: "
	"authentication-config}\n"
	"  - name: kubelet\n"
	"    target: node\n"
	"    role: worker\n"
	"    parser: pflag\n"
	"    model: kubelet\n"
	"    config_flag: config\n"
	"    flags:\n"
	"      config: {type: string, path: true}\n"
	"      pod-manifest-path: {type: string, key: staticPodPath, path: true}\n"
	"      read-only-port: {type: int, key: readOnlyPort, default: \"10255\", "
	"default_config: \"0\"}\n"
	"  - name: etcd\n"
	"    target: etcd\n"
	"    parser: goflag\n"
	"    model: etcd\n"
	"    config_flag: config-file\n"
	"    flags:\n"
	"      config-file: {type: string, env: ETCD_CONFIG_FILE, path: true}\n"
	"      name: {type: string, default: default}\n"
	"      data-dir: {type: string, default: \"${name}.etcd\", path: true}\n";

static const char BASE[] =
	"benchmark: base\n"
	"checks:\n"
	"  - id: \"1.1.1\"\n"
	"    title: t\n"
	"    target: master\n"
	"    component: (files)\n"
	"    automated: true\n"
	"    expected: e\n"
	"    test: {file: {path: /etc/kubernetes/admin.conf}, mode_max: \"0600\"}\n"
	"    remediation: r\n"
	"  - id: \"1.2.1\"\n"
	"    title: t\n"
	"    target: master\n"
	"    component: kube-apiserver\n"
	"    automated: true\n"
	"    expected: e\n"
	"    test: {setting: profiling, op: eq, value: \"false\"}\n"
	"    remediation: r\n";

static char root[PATH_MAX];
static char input[PATH_MAX];

static int
write_file(const char *path, const void *data, size_t len)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0)
		return -1;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	/* the umask must not make the file look writable by others */
	if (fchmod(fd, 0644) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void
cleanup(void)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/base/a.yaml", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/base", root);
	rmdir(path);
	unlink(input);
	snprintf(path, sizeof(path), "%s/fz", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/components.yaml", root);
	unlink(path);
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("TMPDIR");
	char path[PATH_MAX + 32];

	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "%s/ka-fuzz-profile-XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(root) == NULL || chmod(root, 0755) < 0) {
		perror("fuzz_profile: mkdtemp");
		abort();
	}
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/components.yaml", root);
	if (write_file(path, COMPONENTS, sizeof(COMPONENTS) - 1) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/base", root);
	if (mkdir(path, 0755) < 0 || chmod(path, 0755) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/base/a.yaml", root);
	if (write_file(path, BASE, sizeof(BASE) - 1) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/fz", root);
	if (mkdir(path, 0755) < 0 || chmod(path, 0755) < 0)
		abort();
	snprintf(input, sizeof(input), "%s/fz/a.yaml", root);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p;
	char *err = NULL;

	if (write_file(input, data, size) < 0)
		abort();
	p = profile_load(root, "fz", &err);
	/* exactly one of a profile and a message */
	if ((p == NULL) == (err == NULL))
		abort();
	if (p != NULL && (p->nchecks == 0 || p->checks[0].id == NULL))
		abort();
	profile_free(p);
	free(err);
	return 0;
}
