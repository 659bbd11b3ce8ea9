/* check: a tiny test runner (after libuv's). A test file defines cases as
 * static functions and lists them in main via CHECK_MAIN; each case is named
 * by path ("/timeutil/parse/offset") so one can run alone:
 *   build/tests/test_timeutil /timeutil/parse
 * runs every case whose name starts with the argument. Assertions print both
 * values; a failed assertion ends its case, not the run. The last line is
 * "N passed, N failed". */
#ifndef ELHUB_CHECK_H
#define ELHUB_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf check_jmp;
static int check_case_failed;

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
    if (setjmp(check_jmp) == 0)
        c->fn();
    return check_case_failed;
}

static int check_run(const struct check_case *cases, size_t n, int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && strncmp(cases[i].name, argv[1], strlen(argv[1])) != 0)
            continue;
        if (check_one(&cases[i])) {
            printf("not ok %s\n", cases[i].name);
            failed++;
        } else {
            printf("ok %s\n", cases[i].name);
            passed++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed || passed == 0 ? 1 : 0;
}

#define CHECK_MAIN(...)                                                                            \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        static const struct check_case cases[] = {__VA_ARGS__};                                    \
        return check_run(cases, sizeof cases / sizeof cases[0], argc, argv);                       \
    }

#endif
