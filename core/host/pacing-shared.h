/* SPDX-License-Identifier: MIT */
/*
 * pacing-shared.h — the write pacing of one token on one API origin, shared
 * by every epithet process that uses them: a lock and a small state file.
 *
 * Where: $XDG_RUNTIME_DIR/epithet/ when XDG_RUNTIME_DIR is set (absolute),
 * else the cache directory ($XDG_CACHE_HOME/epithet, ~/.cache/epithet);
 * directories 0700, the file 0600, named "pace-" and the hex SHA-256 of the
 * credentials' identity (itself a digest: cache_identity) and the origin.
 * Neither the name nor the content holds or reveals the token.
 *
 * The file holds the end of the last write and a ring of recent write start
 * times (CLOCK_MONOTONIC milliseconds, which all processes of one boot
 * share), with the boot's id: state from another boot is ignored, as is a
 * file that does not parse (it is started afresh). A time later than now
 * counts as now.
 *
 * The lock is flock(2) on the file, held from the pacing decision to the end
 * of the write (so writes of two processes never overlap), released while
 * waiting for the next slot, and taken by polling so that an interrupt is
 * noticed. The kernel releases it when its holder exits, however it exits:
 * a crashed or killed run never blocks the next one.
 */
#ifndef EPITHET_CORE_HOST_PACING_SHARED_H
#define EPITHET_CORE_HOST_PACING_SHARED_H

#include <stddef.h>
#include <stdint.h>

struct pace_file;

/*
 * The shared state of (@origin, @identity) with room for at least @cap
 * recent writes; NULL when it cannot be used (said at debug level, or a
 * warning for a directory others may write to): pacing then stays within
 * the process. @dir: the directory to use, or NULL for the default above.
 */
struct pace_file *pace_file_open(const char *dir, const char *origin,
				 const unsigned char identity[32], size_t cap);
void pace_file_close(struct pace_file *f);    /* accepts NULL */
/* The file's path (for messages and tests). */
const char *pace_file_path(const struct pace_file *f);

/* Try to take the lock: 0 taken, 1 another process holds it, or -1 when
 * locking fails (the caller then paces within the process only). On 0 the
 * state is loaded (and started afresh if it is another boot's or garbled). */
int pace_file_trylock(struct pace_file *f);
void pace_file_unlock(struct pace_file *f);

/* Under the lock. The end of the last write (0: none), the number of start
 * times kept, the @k-th most recent start (1 <= k <= count). */
uint64_t pace_file_last_end(const struct pace_file *f);
size_t pace_file_count(const struct pace_file *f);
uint64_t pace_file_recent(const struct pace_file *f, size_t k);
/* Under the lock: a write started at @t / ended at @t (written through). */
void pace_file_started(struct pace_file *f, uint64_t t);
void pace_file_ended(struct pace_file *f, uint64_t t);

#endif
