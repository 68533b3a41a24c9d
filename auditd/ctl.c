/* ctl.c - kube-auditctl: asks the running kube-auditd for its status, its
 * latest report or a scan now, over the control socket (sock.h), and
 * summarizes the JSON reports of many nodes (summarize, summary.h) without
 * any daemon. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "sock.h"
#include "summary.h"
#include "util.h"

/* The daemon's default (conf.c), from configure's runstatedir. */
#ifndef KA_DEFAULT_SOCKET
#define KA_DEFAULT_SOCKET SOCK_DEFAULT_PATH
#endif

#define CTL_TIMEOUT_MAX 86400
#define CTL_TIMEOUT_SCAN 300 /* a scan may probe the network */
#define CTL_TIMEOUT_OTHER 30 /* status and report are answered from memory */

static const char *const format_names[] = {
	[FMT_TEXT] = "text",
	[FMT_JSON] = "json",
	[FMT_JUNIT] = "junit",
	[FMT_PROMETHEUS] = "prometheus",
};

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: kube-auditctl [--socket PATH] status\n"
		"       kube-auditctl [--socket PATH] report [--format FMT]\n"
		"       kube-auditctl [--socket PATH] scan [--format FMT] [--timeout SECONDS]\n"
		"       kube-auditctl summarize [--format json|markdown|junit] [--output FILE]\n"
		"                     [--benchmark NAME] [--unreachable HOST=REASON]... "
		"REPORT.json...\n"
		"Ask the running kube-auditd for its status, its latest report, or a scan now;\n"
		"or summarize the JSON reports of many nodes (no daemon needed).\n"
		"\n"
		"  --socket PATH       the daemon's control socket (default %s)\n"
		"  --format FMT        report and scan: text (default), json, junit or "
		"prometheus;\n"
		"                      summarize: markdown (default), json or junit\n"
		"  --output FILE       summarize: write the summary to FILE, not standard output\n"
		"  --benchmark NAME    summarize: accept only reports of benchmark NAME\n"
		"  --unreachable HOST=REASON  summarize: HOST could not be audited (repeatable)\n"
		"  --timeout SECONDS   how long to wait for the reply (default %d for scan,\n"
		"                      %d otherwise)\n"
		"  -V, --version       print the version and exit\n"
		"  -h, --help          print this help and exit\n"
		"\n"
		"Exit status of report and scan: 0 no FAIL and no ERROR, 1 a FAIL, 2 an ERROR\n"
		"or no answer from the daemon, 3 access denied. Summarize: 0 all accepted and\n"
		"no FAIL or ERROR, 1 a FAIL, 2 an ERROR, a rejected report or an unreachable\n"
		"host. See kube-auditctl(1).\n",
		KA_DEFAULT_SOCKET, CTL_TIMEOUT_SCAN, CTL_TIMEOUT_OTHER);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kube-auditctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kube-auditctl --help' for more information.\n");
	return 2;
}

static int
parse_timeout(const char *arg, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > CTL_TIMEOUT_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Prints the reply; returns the exit status the daemon chose. */
static int
print_reply(int ok, int exit_status, const char *body, size_t len)
{
	if (!ok) {
		fputs("kube-auditctl: ", stderr);
		fwrite(body, 1, len, stderr);
		if (len == 0 || body[len - 1] != '\n')
			fputc('\n', stderr);
		return exit_status;
	}
	if (fwrite(body, 1, len, stdout) != len || fflush(stdout) != 0) {
		fprintf(stderr, "kube-auditctl: standard output: %s\n", strerror(errno));
		return 2;
	}
	return exit_status;
}

enum summary_format { SUM_MARKDOWN = 0, SUM_JSON, SUM_JUNIT };

/* Writes text to path (or standard output when path is NULL). A file is
 * written beside path and renamed over it: a reader (a CI job, a web server)
 * sees the old summary or the new one, never half of one, and a failed
 * write leaves the old one in place. */
static int
write_output(const char *path, const char *text)
{
	size_t len = strlen(text);
	char *tmp;
	FILE *f;
	mode_t um;
	int fd, ok;

	if (path == NULL) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "kube-auditctl: standard output: %s\n", strerror(errno));
			return -1;
		}
		return 0;
	}
	tmp = xasprintf("%s.tmpXXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kube-auditctl: %s: cannot create a file beside it: %s\n", path,
			strerror(errno));
		free(tmp);
		return -1;
	}
	/* what fopen(path, "w") would have made under the caller's umask */
	um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		ok = 0;
	} else {
		ok = fwrite(text, 1, len, f) == len;
		ok = fflush(f) == 0 && ok;
		ok = fsync(fileno(f)) == 0 && ok;
		ok = fclose(f) == 0 && ok;
	}
	if (!ok || rename(tmp, path) < 0) {
		fprintf(stderr, "kube-auditctl: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* kube-auditctl summarize: reads the reports (files), never the daemon.
 * Rejected reports are named on standard error and in the summary. */
static int
summarize(char *const *files, int nfiles, const struct strv *unreachable, const char *fmt_name,
	  const char *benchmark, const char *output)
{
	enum summary_format fmt = SUM_MARKDOWN;
	struct summary s;
	char *text;
	int rc;

	if (fmt_name == NULL || strcmp(fmt_name, "markdown") == 0)
		fmt = SUM_MARKDOWN;
	else if (strcmp(fmt_name, "json") == 0)
		fmt = SUM_JSON;
	else if (strcmp(fmt_name, "junit") == 0)
		fmt = SUM_JUNIT;
	else
		return usage_error(
			"--format: unknown summary format \"%s\" (markdown, json, junit)",
			fmt_name);
	if (nfiles == 0 && unreachable->n == 0)
		return usage_error("summarize: no report given (REPORT.json... or --unreachable "
				   "HOST=REASON)");
	if (benchmark && *benchmark == '\0')
		return usage_error("--benchmark: empty name");
	if (output && *output == '\0')
		return usage_error("--output: empty path");
	summary_init(&s, PACKAGE_VERSION, benchmark);
	for (size_t i = 0; i < unreachable->n; i++) {
		if (summary_add_unreachable_arg(&s, unreachable->v[i]) < 0) {
			summary_free(&s);
			return usage_error("--unreachable: \"%s\" is not HOST=REASON",
					   unreachable->v[i]);
		}
	}
	for (int i = 0; i < nfiles; i++) {
		if (summary_add_file(&s, files[i]) < 0) {
			char *why = str_sanitize(s.bad[s.nbad - 1].reason);
			char *path = str_sanitize(files[i]);

			fprintf(stderr, "kube-auditctl: %s: rejected: %s\n", path, why);
			free(why);
			free(path);
		}
	}
	if (fmt == SUM_JSON)
		text = summary_to_json(&s);
	else if (fmt == SUM_JUNIT)
		text = summary_to_junit(&s);
	else
		text = summary_to_markdown(&s);
	rc = write_output(output, text) < 0 ? 2 : summary_exit_status(&s);
	free(text);
	summary_free(&s);
	return rc;
}

enum { O_SOCKET = 256, O_FORMAT, O_TIMEOUT, O_OUTPUT, O_BENCHMARK, O_UNREACHABLE };

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, O_SOCKET},
		{"format", required_argument, NULL, O_FORMAT},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"output", required_argument, NULL, O_OUTPUT},
		{"benchmark", required_argument, NULL, O_BENCHMARK},
		{"unreachable", required_argument, NULL, O_UNREACHABLE},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *path = KA_DEFAULT_SOCKET, *cmd, *fmt_name = NULL;
	const char *output = NULL, *benchmark = NULL, *daemon_opt = NULL;
	struct strv unreachable = {0};
	enum report_format fmt = FMT_TEXT;
	long timeout = 0;
	char *request, *body = NULL, *err = NULL;
	size_t len;
	int c, ok, exit_status, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (c) {
		case O_SOCKET:
			if (*optarg == '\0')
				return usage_error("--socket: empty path");
			path = optarg;
			daemon_opt = "--socket";
			break;
		case O_FORMAT:
			/* checked once the command is known: summarize has its own */
			fmt_name = optarg;
			break;
		case O_OUTPUT:
			output = optarg;
			break;
		case O_BENCHMARK:
			benchmark = optarg;
			break;
		case O_UNREACHABLE:
			strv_push(&unreachable, optarg);
			break;
		case O_TIMEOUT:
			if (parse_timeout(optarg, &timeout) < 0)
				return usage_error("--timeout: \"%s\" is not a number of seconds "
						   "from 1 to %d",
						   optarg, CTL_TIMEOUT_MAX);
			daemon_opt = "--timeout";
			break;
		case 'h':
			strv_free(&unreachable);
			usage(stdout);
			return 0;
		case 'V':
			strv_free(&unreachable);
			printf("kube-auditctl %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			strv_free(&unreachable);
			return usage_error("%s: missing argument", argv[optind - 1]);
		default:
			strv_free(&unreachable);
			if (optopt)
				return usage_error("unknown option \"-%c\"", optopt);
			return usage_error("unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind == argc) {
		strv_free(&unreachable);
		return usage_error("missing command (status, report, scan or summarize)");
	}
	cmd = argv[optind];
	if (strcmp(cmd, "summarize") == 0) {
		if (daemon_opt)
			rc = usage_error("%s: summarize does not talk to the daemon", daemon_opt);
		else
			rc = summarize(argv + optind + 1, argc - optind - 1, &unreachable, fmt_name,
				       benchmark, output);
		strv_free(&unreachable);
		return rc;
	}
	if (output || benchmark || unreachable.n) {
		strv_free(&unreachable);
		return usage_error("%s: only summarize takes this option",
				   output      ? "--output"
				   : benchmark ? "--benchmark"
					       : "--unreachable");
	}
	if (fmt_name && report_format_from_name(fmt_name, &fmt) < 0)
		return usage_error(
			"--format: unknown format \"%s\" (text, json, junit, prometheus)",
			fmt_name);
	if (optind + 1 < argc)
		return usage_error("unexpected argument \"%s\" after the command",
				   argv[optind + 1]);
	if (strcmp(cmd, "status") != 0 && strcmp(cmd, "report") != 0 && strcmp(cmd, "scan") != 0)
		return usage_error("unknown command \"%s\" (status, report, scan, summarize)", cmd);
	if (fmt_name && strcmp(cmd, "status") == 0)
		return usage_error("--format: only report and scan take a format");
	if (timeout == 0)
		timeout = strcmp(cmd, "scan") == 0 ? CTL_TIMEOUT_SCAN : CTL_TIMEOUT_OTHER;

	if (strcmp(cmd, "status") == 0)
		request = xasprintf("%s %s\n", SOCK_PROTO, cmd);
	else
		request = xasprintf("%s %s %s\n", SOCK_PROTO, cmd, format_names[fmt]);
	if (sock_call(path, request, (int)timeout * 1000, &body, &len, &ok, &exit_status, &err) <
	    0) {
		rc = errno == EACCES ? 3 : 2;
		fprintf(stderr, "kube-auditctl: %s\n", err);
	} else {
		rc = print_reply(ok, exit_status, body, len);
	}
	free(request);
	free(body);
	free(err);
	return rc;
}
