/* options.h - kube-auditd's command line (DESIGN 3.1).
 *
 * Ownership: opts_parse fills a struct opts whose strings point into argv or
 * are owned by it (strv members); opts_free releases what it owns.
 */
#ifndef KA_OPTIONS_H
#define KA_OPTIONS_H

#include "eval.h"
#include "report.h"

struct opts {
	int once;
	int check_config; /* --check-config: load the configuration and profiles, exit */
	enum report_format format;
	const char *output;	 /* NULL: stdout */
	const char *root;	 /* NULL until opts_apply_defaults: "/" */
	const char *benchmark;	 /* NULL until opts_apply_defaults: "cis-1.12" */
	const char *profile_dir; /* NULL until opts_apply_defaults: KA_PROFILE_DIR */
	struct eval_opts eval;	 /* targets, --check, --skip */
	const char *config;
	const char *socket;
	const char *state_dir;
	const char *metrics_file;
	long interval; /* 0: not given */
	int no_syslog;
	int verbose;
	int color; /* -1 auto, 0 never, 1 always */
};

enum opts_result { OPTS_RUN = 0, OPTS_EXIT_OK, OPTS_EXIT_USAGE };

/* Parses argv. Prints --help / --version itself (OPTS_EXIT_OK) and usage
 * errors naming the argument to stderr (OPTS_EXIT_USAGE). */
enum opts_result opts_parse(struct opts *o, int argc, char **argv);
void opts_free(struct opts *o);
/* Fills what the command line left unset with the built-in defaults. */
void opts_apply_defaults(struct opts *o);
const char *opts_default_profile_dir(void);

/* The daemon: runs until SIGTERM/SIGINT. Returns the exit status (0, or 2
 * for a configuration, profile or start-up error). */
int run_daemon(struct opts *o);

/* --check-config: loads the daemon's configuration file and its profiles as
 * the daemon would and says which; 0 when both load, 2 (with file:line on
 * stderr) when not. */
int run_check_config(const struct opts *o);
void opts_usage(FILE *out);

/* The one-shot audit: load the profile, scan, write the report. Returns the
 * exit status of DESIGN 3.1. */
int run_once(const struct opts *o);

#endif
