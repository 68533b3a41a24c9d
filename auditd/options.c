/* options.c - command-line parsing with errors that name the argument. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#ifndef KA_PROFILE_DIR
#define KA_PROFILE_DIR "/usr/share/kube-auditd/profiles"
#endif

void
opts_usage(FILE *out)
{
	fprintf(out,
		"Usage: kube-auditd [--once] [OPTIONS]\n"
		"Audit this Kubernetes node against the CIS Kubernetes Benchmark.\n"
		"\n"
		"  --once                  scan once, print the report and exit\n"
		"  --check-config          check the configuration file and the profiles, exit\n"
		"  --format FMT            text (default), json, junit or prometheus\n"
		"  --output FILE           write the report to FILE instead of stdout\n"
		"  --root DIR              the node's filesystem is mounted at DIR (default /)\n"
		"  --benchmark NAME        cis-1.12 (default), cis-1.11 or cis-1.10\n"
		"  --profile-dir DIR       profiles directory (default %s)\n"
		"  --targets LIST          master,controlplane,etcd,node,policies (default all)\n"
		"  --check ID[,ID...]      only these recommendations (an ID may be a section)\n"
		"  --skip ID[,ID...]       report these as SKIP without evaluating them\n"
		"  --color WHEN            auto (default), always or never (text format)\n"
		"  --config FILE           daemon configuration file\n"
		"  --socket PATH           daemon control socket\n"
		"  --state-dir DIR         daemon state directory\n"
		"  --interval SECONDS      daemon scan interval\n"
		"  --metrics-file PATH     daemon Prometheus textfile\n"
		"  --no-syslog             daemon: log to stderr only\n"
		"  -v, --verbose           more diagnostics on stderr (repeatable)\n"
		"  -V, --version           print the version and exit\n"
		"  -h, --help              print this help and exit\n"
		"\n"
		"Exit status of --once: 0 no FAIL and no ERROR, 1 a FAIL, 2 an ERROR or a usage,\n"
		"profile or configuration error. See kube-auditd(8).\n",
		KA_PROFILE_DIR);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kube-auditd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kube-auditd --help' for more information.\n");
	return -1;
}

static int
split_list(const char *opt, const char *arg, struct strv *out, int ids)
{
	char *copy = xstrdup(arg), *save = NULL;
	int rc = 0;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (ids && !eval_id_valid(tok)) {
			fprintf(stderr,
				"kube-auditd: %s: \"%s\" is not a recommendation id "
				"(e.g. 1.2.6 or 1.2)\n",
				opt, tok);
			rc = -1;
			break;
		}
		if (!ids && !eval_target_valid(tok)) {
			fprintf(stderr,
				"kube-auditd: %s: unknown target \"%s\" (valid: " EVAL_TARGETS_TEXT
				")\n",
				opt, tok);
			rc = -1;
			break;
		}
		if (strv_index(out, tok) < 0)
			strv_push(out, tok);
	}
	if (rc == 0 && out->n == 0) {
		fprintf(stderr, "kube-auditd: %s: empty list\n", opt);
		rc = -1;
	}
	free(copy);
	return rc;
}

static int
valid_benchmark(const char *s)
{
	if (*s == '\0' || *s == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '.'))
			return 0;
	return 1;
}

enum {
	O_ONCE = 256,
	O_FORMAT,
	O_OUTPUT,
	O_ROOT,
	O_BENCH,
	O_PROFDIR,
	O_TARGETS,
	O_CHECK,
	O_SKIP,
	O_CONFIG,
	O_SOCKET,
	O_STATEDIR,
	O_INTERVAL,
	O_METRICS,
	O_NOSYSLOG,
	O_COLOR,
	O_CHECKCONF,
};

static int
parse_one(struct opts *o, int c, const char *arg)
{
	char *end;

	switch (c) {
	case O_ONCE:
		o->once = 1;
		break;
	case O_CHECKCONF:
		o->check_config = 1;
		break;
	case O_FORMAT:
		if (report_format_from_name(arg, &o->format) < 0)
			return usage_error(
				"--format: unknown format \"%s\" (text, json, junit, prometheus)",
				arg);
		break;
	case O_OUTPUT:
		if (*arg == '\0')
			return usage_error("--output: empty file name");
		o->output = arg;
		break;
	case O_ROOT:
		if (*arg == '\0')
			return usage_error("--root: empty directory name");
		o->root = arg;
		break;
	case O_BENCH:
		if (!valid_benchmark(arg))
			return usage_error("--benchmark: invalid benchmark name \"%s\"", arg);
		o->benchmark = arg;
		break;
	case O_PROFDIR:
		o->profile_dir = arg;
		break;
	case O_TARGETS:
		return split_list("--targets", arg, &o->eval.targets, 0);
	case O_CHECK:
		return split_list("--check", arg, &o->eval.only, 1);
	case O_SKIP:
		return split_list("--skip", arg, &o->eval.skip, 1);
	case O_CONFIG:
		o->config = arg;
		break;
	case O_SOCKET:
		o->socket = arg;
		break;
	case O_STATEDIR:
		o->state_dir = arg;
		break;
	case O_METRICS:
		o->metrics_file = arg;
		break;
	case O_INTERVAL:
		errno = 0;
		o->interval = strtol(arg, &end, 10);
		if (errno || *end || end == arg || o->interval < 1 || o->interval > 86400)
			return usage_error(
				"--interval: \"%s\" is not a number of seconds from 1 to 86400",
				arg);
		break;
	case O_NOSYSLOG:
		o->no_syslog = 1;
		break;
	case O_COLOR:
		if (strcmp(arg, "auto") == 0)
			o->color = -1;
		else if (strcmp(arg, "always") == 0)
			o->color = 1;
		else if (strcmp(arg, "never") == 0)
			o->color = 0;
		else
			return usage_error("--color: \"%s\" is not auto, always or never", arg);
		break;
	case 'v':
		o->verbose++;
		break;
	default:
		return -1;
	}
	return 0;
}

enum opts_result
opts_parse(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"once", no_argument, NULL, O_ONCE},
		{"check-config", no_argument, NULL, O_CHECKCONF},
		{"format", required_argument, NULL, O_FORMAT},
		{"output", required_argument, NULL, O_OUTPUT},
		{"root", required_argument, NULL, O_ROOT},
		{"benchmark", required_argument, NULL, O_BENCH},
		{"profile-dir", required_argument, NULL, O_PROFDIR},
		{"targets", required_argument, NULL, O_TARGETS},
		{"check", required_argument, NULL, O_CHECK},
		{"skip", required_argument, NULL, O_SKIP},
		{"config", required_argument, NULL, O_CONFIG},
		{"socket", required_argument, NULL, O_SOCKET},
		{"state-dir", required_argument, NULL, O_STATEDIR},
		{"interval", required_argument, NULL, O_INTERVAL},
		{"metrics-file", required_argument, NULL, O_METRICS},
		{"no-syslog", no_argument, NULL, O_NOSYSLOG},
		{"color", required_argument, NULL, O_COLOR},
		{"verbose", no_argument, NULL, 'v'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->format = FMT_TEXT;
	/* root, benchmark, profile_dir and interval stay unset (NULL, 0) here:
	 * the daemon takes them from its configuration file when the command
	 * line does not give them (opts_default_* below) */
	o->color = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			printf("kube-auditd %s\n", PACKAGE_VERSION);
			opts_free(o);
			return OPTS_EXIT_OK;
		case 'h':
			opts_usage(stdout);
			opts_free(o);
			return OPTS_EXIT_OK;
		case ':':
			usage_error("option %s needs an argument", argv[optind - 1]);
			goto usage;
		case '?':
			usage_error("unknown option %s", argv[optind - 1]);
			goto usage;
		default:
			if (parse_one(o, c, optarg) < 0)
				goto usage;
		}
	}
	if (optind < argc) {
		usage_error("unexpected argument \"%s\"", argv[optind]);
		goto usage;
	}
	if (o->once && o->check_config) {
		usage_error("--once and --check-config exclude each other");
		goto usage;
	}
	return OPTS_RUN;
usage:
	opts_free(o);
	return OPTS_EXIT_USAGE;
}

const char *
opts_default_profile_dir(void)
{
	const char *env = getenv("KUBE_AUDITD_PROFILE_DIR");

	return env && *env ? env : KA_PROFILE_DIR;
}

void
opts_apply_defaults(struct opts *o)
{
	if (o->root == NULL)
		o->root = "/";
	if (o->benchmark == NULL)
		o->benchmark = "cis-1.12";
	if (o->profile_dir == NULL)
		o->profile_dir = opts_default_profile_dir();
	if (o->interval == 0)
		o->interval = 300;
}

void
opts_free(struct opts *o)
{
	strv_free(&o->eval.targets);
	strv_free(&o->eval.only);
	strv_free(&o->eval.skip);
}
