/* scan.c - one scan: collect, evaluate, fill the report's header. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scan.h"
#include "snapshot.h"

static double
elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static char *
rfc3339_now(void)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static void
report_header(struct report *r, const struct profile *p, struct snapshot *s)
{
	static const char *const role_order[] = {"control-plane", "etcd", "worker", NULL};

	r->tool = xstrdup(PACKAGE_NAME);
	r->version = xstrdup(PACKAGE_VERSION);
	r->benchmark = xstrdup(p->benchmark);
	r->hostname = xstrdup(s->hostname);
	for (int i = 0; role_order[i]; i++)
		for (size_t c = 0; c < s->ncomps; c++)
			if (s->comps[c].proc && s->comps[c].def->role &&
			    strcmp(s->comps[c].def->role, role_order[i]) == 0) {
				strv_push(&r->roles, role_order[i]);
				break;
			}
	r->comps = xcalloc(s->ncomps ? s->ncomps : 1, sizeof(*r->comps));
	for (size_t c = 0; c < s->ncomps; c++) {
		const struct proc *pr = s->comps[c].proc;

		if (pr == NULL)
			continue;
		r->comps[r->ncomps].name = xstrdup(s->comps[c].def->name);
		r->comps[r->ncomps].pid = pr->pid;
		r->comps[r->ncomps].exe = pr->exe ? str_sanitize(pr->exe) : NULL;
		r->ncomps++;
	}
	strv_copy(&r->notes, &s->notes);
}

struct report *
scan_run(const struct profile *p, const char *root, const struct eval_opts *o, char **err)
{
	struct timespec t0;
	struct snapshot *s;
	struct report *r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = snap_new(p, root, err);
	if (s == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->started_at = rfc3339_now();
	report_header(r, p, s);
	eval_profile(s, p, o, r);
	snap_free(s);
	r->duration_ms = elapsed_ms(&t0);
	return r;
}
