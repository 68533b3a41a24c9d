/* sock.h - the daemon's local control socket and its protocol, version 1.
 *
 * Protocol (documented in kube-auditctl(1)); every message is bytes on a Unix
 * stream socket, one request per connection:
 *   request:  "KA/1 COMMAND [FORMAT]\n"         at most 256 bytes
 *             COMMAND: status | report | scan
 *             FORMAT (report, scan): text | json | junit | prometheus (default text)
 *   reply:    "KA/1 OK EXIT LENGTH\n" then LENGTH bytes of body
 *             "KA/1 ERR EXIT LENGTH\n" then LENGTH bytes of message
 *             EXIT is the exit status the client should end with (report and
 *             scan: that of --once, 0/1/2; errors: 2 or 3 for access denied).
 *   The server closes the connection after the reply. A request longer than
 *   256 bytes, without "\n" within 5 s, of another version or an unknown
 *   command gets an ERR reply and the connection is closed. Replies are
 *   capped at 64 MiB.
 *
 * Access: the peer's credentials (SO_PEERCRED, SO_PEERGROUPS) must be uid 0,
 * or have the socket's group (socket-group) as primary or supplementary
 * group; file modes alone are not trusted. Others get "KA/1 ERR 3 ...".
 *
 * Clients are non-blocking and buffered: a slow or silent client never
 * blocks the loop, scans or other clients; one that does not read its reply
 * within 30 s is dropped. At most 256 clients at once (more wait in the
 * listen backlog).
 *
 * Ownership: sock_server_new returns a server the caller frees with
 * sock_server_free (which closes every client and unlinks the socket).
 */
#ifndef KA_SOCK_H
#define KA_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"
#include "report.h"

#define SOCK_PROTO "KA/1"
#define SOCK_MAX_REQUEST 256
#define SOCK_MAX_REPLY (64u << 20)
#define SOCK_DEFAULT_PATH "/run/kube-auditd/kube-auditd.sock"

enum sock_cmd { SOCK_STATUS = 0, SOCK_REPORT, SOCK_SCAN };

struct sock_request {
	enum sock_cmd cmd;
	enum report_format format;
	uint64_t client; /* id to reply to (sock_reply) */
	uid_t uid;	 /* the peer, for logs */
	pid_t pid;
};

struct sock_server;

/* Called on the loop's thread for every accepted, authorised, well-formed
 * request. The daemon replies now or later (scan) with sock_reply. */
typedef void (*sock_request_fn)(void *arg, const struct sock_request *req);

/* Binds path (parent directory must exist), mode 0660, group `group` (name
 * or number, NULL: no group access). A stale socket left by a dead daemon is
 * replaced; a live one (a connect succeeds) is never taken: error. Returns
 * NULL with *err (caller frees). */
struct sock_server *sock_server_new(struct loop *l, const char *path, const char *group,
				    sock_request_fn fn, void *arg, char **err);
void sock_server_free(struct sock_server *s);

/* Replies to client id (ok: OK or ERR; exit: the client's exit status).
 * Returns 0, or -1 when the client is gone (nothing sent). */
int sock_reply(struct sock_server *s, uint64_t client, int ok, int exit_status, const char *body,
	       size_t len);
size_t sock_nclients(const struct sock_server *s);

/* Client side (kube-auditctl): one request, the whole reply. Returns 0 and
 * *body (caller frees), *len, *ok, *exit_status; or -1 with *err saying
 * clearly why (daemon not running, permission denied, protocol error). */
int sock_call(const char *path, const char *request, int timeout_ms, char **body, size_t *len,
	      int *ok, int *exit_status, char **err);

#endif
