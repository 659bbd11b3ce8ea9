/* check: a tiny test runner (after libuv's). A test file defines cases as
 * static functions and lists them in main via CHECK_MAIN; each case is named
 * by path ("/timeutil/parse/offset") so one can run alone:
 *   build/tests/test_timeutil /timeutil/parse
 * runs every case whose name starts with the argument. Assertions print both
 * values; a failed assertion ends its case, not the run. The last line is
 * "N passed, N failed". With $CHECK_JUNIT set to a path, the run also writes
 * its results there as JUnit XML (tests/run.sh tallies from those files, so
 * a binary that crashes leaves no file and is counted as failed). */
#ifndef ELHUB_CHECK_H
#define ELHUB_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static jmp_buf check_jmp;
static int check_case_failed;
/* The first failure message of the running case, for the JUnit file. */
static char check_msg[1024];

#define CHECK_FAIL_(...)                                                                           \
    do {                                                                                           \
        fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                                          \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        check_case_failed = 1;                                                                     \
        longjmp(check_jmp, 1);                                                                     \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            CHECK_FAIL_("CHECK(%s) failed", #cond);                                                \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        if (check_a_ != check_b_)                                                                  \
            CHECK_FAIL_("%s == %s: %lld != %lld", #a, #b, check_a_, check_b_);                     \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0)                             \
            CHECK_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, check_a_ ? check_a_ : "(null)",      \
                        check_b_ ? check_b_ : "(null)");                                           \
    } while (0)

/* Equal within an absolute tolerance. */
#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double check_a_ = (double)(a), check_b_ = (double)(b);                                     \
        if (!(fabs(check_a_ - check_b_) <= (tol)))                                                 \
            CHECK_FAIL_("%s ~= %s: %.17g != %.17g (tol %g)", #a, #b, check_a_, check_b_,           \
                        (double)(tol));                                                            \
    } while (0)

/* An int-returning call that must succeed; prints the struct err message. */
#define CHECK_OK(call, errp)                                                                       \
    do {                                                                                           \
        if ((call) != 0)                                                                           \
            CHECK_FAIL_("%s failed: %s", #call, (errp)->msg);                                      \
    } while (0)

struct check_case {
    const char *name;
    void (*fn)(void);
};

/* Runs one case; kept apart so no local of the loop lives across setjmp. */
static int check_one(const struct check_case *c)
{
    check_case_failed = 0;
    check_msg[0] = '\0';
    if (setjmp(check_jmp) == 0)
        c->fn();
    return check_case_failed;
}

/* Writes s with the five XML special characters escaped and control bytes
 * dropped. */
static void check_xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '<')
            fputs("&lt;", f);
        else if (ch == '>')
            fputs("&gt;", f);
        else if (ch == '&')
            fputs("&amp;", f);
        else if (ch == '"')
            fputs("&quot;", f);
        else if (ch == '\'')
            fputs("&apos;", f);
        else if (ch >= 0x20 || ch == '\t')
            fputc(ch, f);
    }
}

struct check_result {
    const char *name;
    int failed;
    double seconds;
    char msg[sizeof check_msg];
};

static int check_write_junit(const char *path, const char *suite, const struct check_result *r,
                             size_t n, int failed)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "check: cannot write %s\n", path);
        return -1;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"");
    check_xml_text(f, suite);
    fprintf(f, "\" tests=\"%zu\" failures=\"%d\" errors=\"0\" skipped=\"0\">\n", n, failed);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "<testcase classname=\"");
        check_xml_text(f, suite);
        fprintf(f, "\" name=\"");
        check_xml_text(f, r[i].name);
        fprintf(f, "\" time=\"%.6f\"", r[i].seconds);
        if (r[i].failed) {
            fprintf(f, "><failure message=\"");
            check_xml_text(f, r[i].msg);
            fprintf(f, "\"/></testcase>\n");
        } else {
            fprintf(f, "/>\n");
        }
    }
    fprintf(f, "</testsuite>\n</testsuites>\n");
    return fclose(f) == 0 ? 0 : -1;
}

static double check_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int check_run(const struct check_case *cases, size_t n, int argc, char **argv)
{
    int passed = 0, failed = 0;
    const char *junit = getenv("CHECK_JUNIT");
    const char *suite = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    struct check_result *res = calloc(n ? n : 1, sizeof *res);
    size_t nres = 0;

    if (!res)
        abort();
    for (size_t i = 0; i < n; i++) {
        double t0;
        if (argc > 1 && strncmp(cases[i].name, argv[1], strlen(argv[1])) != 0)
            continue;
        t0 = check_now();
        res[nres].name = cases[i].name;
        res[nres].failed = check_one(&cases[i]);
        res[nres].seconds = check_now() - t0;
        memcpy(res[nres].msg, check_msg, sizeof check_msg);
        if (res[nres].failed) {
            printf("not ok %s\n", cases[i].name);
            failed++;
        } else {
            printf("ok %s\n", cases[i].name);
            passed++;
        }
        nres++;
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    if (junit && *junit && check_write_junit(junit, suite, res, nres, failed) < 0)
        failed++;
    free(res);
    return failed || passed == 0 ? 1 : 0;
}

#define CHECK_MAIN(...)                                                                            \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        static const struct check_case cases[] = {__VA_ARGS__};                                    \
        return check_run(cases, sizeof cases / sizeof cases[0], argc, argv);                       \
    }

#endif
