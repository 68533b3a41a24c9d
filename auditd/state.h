/* state.h - the latest report, persisted in the state directory so that a
 * restart loses nothing and drift continues across it.
 *
 * The file is DIR/report.json (the JSON of DESIGN 3.3). It is written to a
 * temporary file in DIR, fsync'ed, renamed over the old one and the
 * directory fsync'ed: a reader (or a crash at any moment) sees the old or
 * the new report, whole, never a mix.
 *
 * Ownership: state_load returns a report the caller frees with report_free.
 */
#ifndef KA_STATE_H
#define KA_STATE_H

#include "report.h"

/* Returns 0, or -1 with *err (caller frees); the old file is then intact. */
int state_save(const char *dir, const struct report *r, char **err);

/* Returns the saved report, or NULL: errno ENOENT when there is none yet
 * (*err NULL); otherwise *err says why (unreadable, or corrupt: a corrupt
 * file is renamed to report.json.corrupt-YYYYmmddTHHMMSSZ and left beside it
 * for a person, and the daemon starts without a previous report). */
struct report *state_load(const char *dir, char **err);

#endif
