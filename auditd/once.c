/* once.c - `kube-auditd --once`: load the profile, scan, write the report. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "profile.h"
#include "scan.h"

/* Every --check/--skip id must name a recommendation or a section of the
 * benchmark: a typo must not silently audit nothing. */
static int
ids_exist(const struct profile *p, const struct strv *ids, const char *opt)
{
	for (size_t i = 0; i < ids->n; i++) {
		size_t n = strlen(ids->v[i]);
		int found = 0;

		for (size_t c = 0; c < p->nchecks && !found; c++)
			found = strcmp(p->checks[c].id, ids->v[i]) == 0 ||
				(strncmp(p->checks[c].id, ids->v[i], n) == 0 &&
				 p->checks[c].id[n] == '.');
		if (!found) {
			log_warnx("%s %s: no such recommendation or section in %s", opt, ids->v[i],
				  p->benchmark);
			return -1;
		}
	}
	return 0;
}

/* Writes to FILE through a temporary file and rename, so a reader never
 * sees half a report and a failed run never destroys the previous one. */
static int
write_output(const struct report *r, const struct opts *o, int flags)
{
	char *tmp;
	int fd, rc = -1;
	FILE *f;

	if (o->output == NULL) {
		if (report_write(r, o->format, stdout, flags) < 0 || fflush(stdout) == EOF) {
			log_warn("writing the report to standard output");
			return -1;
		}
		return 0;
	}
	tmp = xasprintf("%s.tmpXXXXXX", o->output);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		log_warn("--output %s: cannot create a temporary file beside it", o->output);
		free(tmp);
		return -1;
	}
	/* a report holds no secrets: readable like any file the caller writes */
	{
		mode_t um = umask(0);

		umask(um);
		(void)fchmod(fd, 0666 & ~um);
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		goto out;
	}
	if (report_write(r, o->format, f, flags & ~REPORT_COLOR) < 0 || fflush(f) == EOF ||
	    fsync(fileno(f)) < 0) {
		log_warn("--output %s: write failed", o->output);
		fclose(f);
		goto out;
	}
	if (fclose(f) == EOF) {
		log_warn("--output %s: write failed", o->output);
		goto out;
	}
	if (rename(tmp, o->output) < 0) {
		log_warn("--output %s", o->output);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
run_once(const struct opts *o)
{
	struct profile *p;
	struct report *r;
	char *err = NULL;
	int color, flags, rc;

	p = profile_load(o->profile_dir, o->benchmark, &err);
	if (p == NULL) {
		log_warnx("%s", err ? err : "cannot load the profile");
		free(err);
		return 2;
	}
	log_debug("profile %s: %zu checks from %zu files in %s (%zu read from their .cache)",
		  p->benchmark, p->nchecks, p->nfiles, p->dir, p->ncached);
	if (ids_exist(p, &o->eval.only, "--check") < 0 ||
	    ids_exist(p, &o->eval.skip, "--skip") < 0) {
		profile_free(p);
		return 2;
	}
	r = scan_run(p, o->root, &o->eval, &err);
	if (r == NULL) {
		log_warnx("%s", err ? err : "scan failed");
		free(err);
		profile_free(p);
		return 2;
	}
	for (size_t i = 0; i < r->notes.n; i++)
		log_warnx("%s", r->notes.v[i]);
	color = o->color < 0 ? (o->output == NULL && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"))
			     : o->color;
	/* asking for particular checks, or -v, explains PASS results too */
	flags = (color ? REPORT_COLOR : 0) | (o->verbose || o->eval.only.n ? REPORT_DETAILS : 0);
	rc = report_exit_status(r);
	if (write_output(r, o, flags) < 0)
		rc = 2;
	report_free(r);
	profile_free(p);
	return rc;
}
