/* main.c - kube-auditd entry point. */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "options.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct opts o;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	switch (opts_parse(&o, argc, argv)) {
	case OPTS_EXIT_OK:
		return 0;
	case OPTS_EXIT_USAGE:
		return 2;
	case OPTS_RUN:
		break;
	}
	log_init("kube-auditd", o.verbose);
	if (o.check_config) {
		rc = run_check_config(&o);
	} else if (o.once) {
		opts_apply_defaults(&o);
		rc = run_once(&o);
	} else {
		rc = run_daemon(&o);
	}
	opts_free(&o);
	return rc;
}
