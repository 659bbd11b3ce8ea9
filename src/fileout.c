/* fileout: writing a user's output file whole; see fileout.h. */
#include "fileout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fileout_open(struct fileout *o, const char *path, struct err *e)
{
    struct stat st;
    mode_t mask;
    int fd;

    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        o->is_stdout = 1;
        snprintf(o->target, sizeof o->target, "standard output");
        return 0;
    }
    if (snprintf(o->target, sizeof o->target, "%s", path) >= (int)sizeof o->target)
        return err_set(e, ERR_SYS, ENAMETOOLONG, "%.200s...: path too long", path);
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        /* Replace the file the link points to, not the link. */
        char *real = realpath(path, NULL);
        if (real) {
            snprintf(o->target, sizeof o->target, "%s", real);
            free(real);
        } else if (errno != ENOENT) {
            return err_set(e, ERR_SYS, errno, "%s: %s", path, strerror(errno));
        }
        /* A dangling link: write the name it points to, created anew. */
        if (!real) {
            char to[PATH_MAX];
            ssize_t n = readlink(path, to, sizeof to - 1);
            if (n < 0)
                return err_set(e, ERR_SYS, errno, "%s: %s", path, strerror(errno));
            to[n] = '\0';
            if (to[0] == '/' || !strrchr(path, '/')) {
                snprintf(o->target, sizeof o->target, "%s", to);
            } else {
                size_t dir = (size_t)(strrchr(path, '/') - path);
                if (dir + 1 + (size_t)n >= sizeof o->target)
                    return err_set(e, ERR_SYS, ENAMETOOLONG, "%s: link target too long", path);
                memcpy(o->target, path, dir + 1);
                memcpy(o->target + dir + 1, to, (size_t)n + 1);
            }
        }
    }
    if (stat(o->target, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A FIFO, a device, a terminal: write into it as a shell would. */
        o->f = fopen(o->target, "w");
        if (!o->f)
            return err_set(e, ERR_SYS, errno, "cannot open %s: %s", o->target, strerror(errno));
        return 0;
    }
    if (snprintf(o->tmp, sizeof o->tmp, "%s.tmp-XXXXXX", o->target) >= (int)sizeof o->tmp)
        return err_set(e, ERR_SYS, ENAMETOOLONG, "%s: path too long", o->target);
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        int err = errno;
        o->tmp[0] = '\0';
        return err_set(e, ERR_SYS, err, "cannot create a file beside %s: %s", o->target,
                       strerror(err));
    }
    /* mkstemp makes 0600: give the file the mode a plain create would, or
     * the mode of the file it replaces. */
    mask = umask(0);
    umask(mask);
    if (stat(o->target, &st) == 0)
        fchmod(fd, st.st_mode & 07777);
    else
        fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int err = errno;
        close(fd);
        unlink(o->tmp);
        o->tmp[0] = '\0';
        return err_set(e, ERR_SYS, err, "%s: %s", o->target, strerror(err));
    }
    return 0;
}

int fileout_commit(struct fileout *o, struct err *e)
{
    int err = 0;

    if (!o->f)
        return err_set(e, ERR_SYS, EBADF, "%s: not open", o->target);
    if (fflush(o->f) != 0 || ferror(o->f))
        err = errno ? errno : EIO;
    if (!err && o->tmp[0] && fsync(fileno(o->f)) != 0)
        err = errno;
    if (o->is_stdout) {
        o->f = NULL;
        if (err)
            return err_set(e, ERR_SYS, err, "writing to standard output: %s", strerror(err));
        return 0;
    }
    if (fclose(o->f) != 0 && !err)
        err = errno ? errno : EIO;
    o->f = NULL;
    if (!err && o->tmp[0] && rename(o->tmp, o->target) != 0)
        err = errno;
    if (err) {
        int had_tmp = o->tmp[0] != '\0';
        if (had_tmp)
            unlink(o->tmp);
        o->tmp[0] = '\0';
        return err_set(e, ERR_SYS, err, "writing %s: %s%s", o->target, strerror(err),
                       had_tmp ? " (the file was left as it was)" : "");
    }
    o->tmp[0] = '\0';
    return 0;
}

void fileout_abort(struct fileout *o)
{
    if (o->f && !o->is_stdout)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp[0])
        unlink(o->tmp);
    o->tmp[0] = '\0';
}
