/* ctl.c - kube-auditctl: asks the running kube-auditd for its status, its
 * latest report or a scan now, over the control socket (sock.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "sock.h"
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
		"Ask the running kube-auditd for its status, its latest report, or a scan now.\n"
		"\n"
		"  --socket PATH       the daemon's control socket (default %s)\n"
		"  --format FMT        report and scan: text (default), json, junit or prometheus\n"
		"  --timeout SECONDS   how long to wait for the reply (default %d for scan,\n"
		"                      %d otherwise)\n"
		"  -V, --version       print the version and exit\n"
		"  -h, --help          print this help and exit\n"
		"\n"
		"Exit status of report and scan: 0 no FAIL and no ERROR, 1 a FAIL, 2 an ERROR\n"
		"or no answer from the daemon, 3 access denied. See kube-auditctl(8).\n",
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

enum { O_SOCKET = 256, O_FORMAT, O_TIMEOUT };

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, O_SOCKET},
		{"format", required_argument, NULL, O_FORMAT},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *path = KA_DEFAULT_SOCKET, *cmd, *fmt_name = NULL;
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
			break;
		case O_FORMAT:
			if (report_format_from_name(optarg, &fmt) < 0)
				return usage_error("--format: unknown format \"%s\" (text, json, "
						   "junit, prometheus)",
						   optarg);
			fmt_name = optarg;
			break;
		case O_TIMEOUT:
			if (parse_timeout(optarg, &timeout) < 0)
				return usage_error("--timeout: \"%s\" is not a number of seconds "
						   "from 1 to %d",
						   optarg, CTL_TIMEOUT_MAX);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kube-auditctl %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			return usage_error("%s: missing argument", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option \"-%c\"", optopt);
			return usage_error("unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return usage_error("missing command (status, report or scan)");
	cmd = argv[optind];
	if (optind + 1 < argc)
		return usage_error("unexpected argument \"%s\" after the command",
				   argv[optind + 1]);
	if (strcmp(cmd, "status") != 0 && strcmp(cmd, "report") != 0 && strcmp(cmd, "scan") != 0)
		return usage_error("unknown command \"%s\" (status, report, scan)", cmd);
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
