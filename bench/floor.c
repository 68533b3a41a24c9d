/* floor.c - benchmark probe (not part of kube-auditd): what a process costs
 * before it does any of kube-auditd's work, to set the figures of run.sh
 * against. Built three ways by bench/run.sh:
 *
 *   cc floor.c                     an empty C program (fork, exec, libc)
 *   cc -DFLOOR_LINK floor.c -lproc2
 *                                  the same, linked with libproc2 (and so
 *                                  libsystemd and its libraries) but not
 *                                  calling it
 *   cc -DFLOOR_PIDS floor.c -lproc2
 *                                  also opens and closes a libproc2 pids
 *                                  context, as any process listing must
 */
#if defined(FLOOR_LINK) || defined(FLOOR_PIDS)
#include <libproc2/pids.h>
#include <stddef.h>
#endif

int
main(int argc, char **argv)
{
	(void)argv;
#if defined(FLOOR_PIDS)
	struct pids_info *info = NULL;
	enum pids_item items[] = {PIDS_ID_PID, PIDS_CMDLINE_V};

	(void)argc;
	if (procps_pids_new(&info, items, 2) < 0)
		return 1;
	procps_pids_unref(&info);
#elif defined(FLOOR_LINK)
	/* referenced, so that the linker keeps the library, never called */
	if (argc < 0)
		return procps_pids_new(NULL, NULL, 0);
#else
	(void)argc;
#endif
	return 0;
}
