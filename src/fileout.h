/* fileout: the one way the tool writes a file a user named (-o): whole or
 * not at all, and without replacing what the user did not ask to replace.
 *   - "-" is standard output;
 *   - a regular file, or a name that does not exist yet, is written to a
 *     temporary file in the same directory, flushed to disk and renamed over
 *     the target on commit: a reader never sees half a file, and a failure
 *     (disk full, a kill) leaves the old file as it was;
 *   - a symbolic link is followed: the file it points to is replaced that
 *     way and the link stays a link;
 *   - anything else (a FIFO, a terminal, a device such as /dev/full) is
 *     written straight into, as `>` in a shell would, and its write errors
 *     are reported.
 * A struct fileout is caller-owned storage; not thread-safe. */
#ifndef ELHUB_FILEOUT_H
#define ELHUB_FILEOUT_H

#include "err.h"

#include <limits.h>
#include <stdio.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct fileout {
    FILE *f;               /* write here between open and commit/abort */
    char target[PATH_MAX]; /* the file finally written (links resolved) */
    char tmp[PATH_MAX];    /* the temporary file; "" when written directly */
    int is_stdout;
};

/* Opens path as described above. On failure -1 with e set (ERR_SYS, the
 * errno) and nothing created. */
int fileout_open(struct fileout *o, const char *path, struct err *e);
/* Finishes: flushes, checks every write, fsyncs and renames a temporary
 * file into place. On any failure the temporary file is removed, the target
 * is left as it was (or, when written directly, holds what was written) and
 * -1 is returned with e set naming the path. */
int fileout_commit(struct fileout *o, struct err *e);
/* Gives up: closes and removes the temporary file, if any. */
void fileout_abort(struct fileout *o);

#endif
