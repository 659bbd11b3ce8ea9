/* Tests of fileout (src/fileout.h) on a scratch directory: a new file and
 * a replaced one appear whole and only on commit, an abort leaves the old
 * file, a symlink stays a link and its target is replaced, a FIFO's reader
 * gets the bytes (nothing replaces the FIFO), a node of the full device (1:7) reports the write
 * error, and no temporary file is left behind. */
#include "check.h"
#include "fileout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char dir[64];

static void scratch(void)
{
    snprintf(dir, sizeof dir, "/tmp/elhub-fileout-XXXXXX");
    CHECK(mkdtemp(dir));
}

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void slurp(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    size_t got;
    CHECK(f);
    got = fread(out, 1, n - 1, f);
    out[got] = '\0';
    fclose(f);
}

/* Files in dir other than the named ones: leftovers. */
static int leftovers(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d)) != NULL)
        n += strstr(de->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

static void test_regular(void)
{
    char p[128], got[64];
    struct fileout o;
    struct err e = {0};
    scratch();
    path_in(p, sizeof p, "out.csv");
    CHECK_OK(fileout_open(&o, p, &e), &e);
    fputs("first", o.f);
    CHECK(access(p, F_OK) != 0); /* nothing there before commit */
    CHECK_OK(fileout_commit(&o, &e), &e);
    slurp(p, got, sizeof got);
    CHECK_STR(got, "first");
    CHECK_OK(fileout_open(&o, p, &e), &e);
    fputs("second", o.f);
    fileout_abort(&o);
    slurp(p, got, sizeof got);
    CHECK_STR(got, "first"); /* an abort leaves the old file */
    CHECK_INT(leftovers(), 0);
}

static void test_symlink(void)
{
    char p[128], link[128], got[64];
    struct fileout o;
    struct err e = {0};
    struct stat st;
    scratch();
    path_in(p, sizeof p, "real.csv");
    path_in(link, sizeof link, "link.csv");
    CHECK_INT(symlink("real.csv", link), 0);
    CHECK_OK(fileout_open(&o, link, &e), &e); /* dangling: creates real.csv */
    fputs("via link", o.f);
    CHECK_OK(fileout_commit(&o, &e), &e);
    CHECK_INT(lstat(link, &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    slurp(p, got, sizeof got);
    CHECK_STR(got, "via link");
    CHECK_OK(fileout_open(&o, link, &e), &e);
    fputs("again", o.f);
    CHECK_OK(fileout_commit(&o, &e), &e);
    CHECK_INT(lstat(link, &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    slurp(p, got, sizeof got);
    CHECK_STR(got, "again");
    CHECK_INT(leftovers(), 0);
}

static char fifo_got[64];

static void *read_fifo(void *arg)
{
    int fd = open(arg, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, fifo_got, sizeof fifo_got - 1) : -1;
    fifo_got[n > 0 ? n : 0] = '\0';
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void test_fifo_and_device(void)
{
    char p[128];
    struct fileout o;
    struct err e = {0};
    struct stat st;
    pthread_t t;
    scratch();
    path_in(p, sizeof p, "pipe");
    CHECK_INT(mkfifo(p, 0600), 0);
    CHECK_INT(pthread_create(&t, NULL, read_fifo, p), 0);
    CHECK_OK(fileout_open(&o, p, &e), &e);
    fputs("through the pipe", o.f);
    CHECK_OK(fileout_commit(&o, &e), &e);
    pthread_join(t, NULL);
    CHECK_STR(fifo_got, "through the pipe");
    CHECK_INT(lstat(p, &st), 0);
    CHECK(S_ISFIFO(st.st_mode)); /* still a FIFO */
    /* A private node of the "full" device (1:7), so a bug that replaced
     * it would not replace /dev/full (needs root, as CI runs). */
    path_in(p, sizeof p, "full");
    CHECK_INT(mknod(p, S_IFCHR | 0666, makedev(1, 7)), 0);
    CHECK_OK(fileout_open(&o, p, &e), &e);
    for (int i = 0; i < 10000; i++)
        fputs("0123456789", o.f);
    CHECK_INT(fileout_commit(&o, &e), -1);
    CHECK(strstr(e.msg, p) && strstr(e.msg, "No space"));
    CHECK_INT(lstat(p, &st), 0);
    CHECK(S_ISCHR(st.st_mode)); /* never replaced by a file */
}

static void test_missing_directory(void)
{
    struct fileout o;
    struct err e = {0};
    CHECK_INT(fileout_open(&o, "/nonexistent-elhub-dir/x.csv", &e), -1);
    CHECK(strstr(e.msg, "/nonexistent-elhub-dir/x.csv"));
}

CHECK_MAIN({"/fileout/regular", test_regular}, {"/fileout/symlink", test_symlink},
           {"/fileout/fifo-device", test_fifo_and_device},
           {"/fileout/missing-dir", test_missing_directory})
