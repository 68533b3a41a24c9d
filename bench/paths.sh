# bench/paths.sh - sourced by the bench scripts: where the programs and the
# profiles are. KA_BUILD is the build directory (default: the source tree,
# for an in-tree build; a relative one is made absolute, since the scripts
# change directory); KA_BIN, KA_CTL, KA_STUB and KA_PROFILE_DIR name each
# one instead.
# shellcheck shell=bash disable=SC2034
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${KA_BUILD:-$top}" && pwd)
BIN=${KA_BIN:-$build/kube-auditd}
CTL=${KA_CTL:-$build/kube-auditctl}
STUB=${KA_STUB:-$build/tests/ka-stub}
PROF=${KA_PROFILE_DIR:-$top/profiles}
