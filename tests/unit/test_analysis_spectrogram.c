/* Tests for analysis/spectrogram on analytic cases: the power of a cosine
 * on a frequency bin, the unhalved Nyquist bin, what detrending removes,
 * scipy's periodic windows, segment counts and centres, and refusals. The
 * match with scipy on real data is tests/integration/test_analysis.py. */
#include "analysis/spectrogram.h"
#include "check.h"

#define PI 3.14159265358979323846

static struct spectrogram_params params(int window, int overlap, enum spectrogram_window fn,
                                        enum spectrogram_detrend dt, enum spectrogram_scaling sc)
{
    struct spectrogram_params p = {window, overlap, fn, dt, sc, 24.0};
    return p;
}

/* A cosine of amplitude A on bin f0 of a boxcar segment of N points has
 * |X[f0]| = A N / 2, so the one-sided spectrum is 2 (A N / 2)^2 / N^2 =
 * A^2 / 2 there (its power) and 0 elsewhere; the density divides by fs N
 * instead of N^2. */
static void cosine_on_bin(void)
{
    enum { N = 48, n = 480 };
    double x[n], a = 3.0;
    struct spectrogram_params p =
        params(N, 0, SPECTROGRAM_BOXCAR, SPECTROGRAM_DETREND_NONE, SPECTROGRAM_SPECTRUM);
    struct spectrogram_result r;
    struct err e = {0};

    for (int i = 0; i < n; i++)
        x[i] = a * cos(2 * PI * 5 * i / N);
    CHECK_OK(spectrogram_compute(x, n, &p, &r, &e), &e);
    CHECK_INT(r.nseg, 10);
    CHECK_INT(r.nfreq, N / 2 + 1);
    for (size_t s = 0; s < r.nseg; s++)
        for (size_t k = 0; k < r.nfreq; k++)
            CHECK_NEAR(r.power[s * r.nfreq + k], k == 5 ? a * a / 2 : 0.0, 1e-12);
    /* Frequencies in cycles per day: bin k is k fs / N = k / 2. */
    CHECK_NEAR(r.freq[5], 2.5, 1e-15);
    CHECK_NEAR(r.freq[N / 2], 12.0, 1e-15);
    spectrogram_result_release(&r);

    p.scaling = SPECTROGRAM_DENSITY;
    CHECK_OK(spectrogram_compute(x, n, &p, &r, &e), &e);
    CHECK_NEAR(r.power[5], 2 * (a * N / 2) * (a * N / 2) / (24.0 * N), 1e-9);
    spectrogram_result_release(&r);
}

/* (-1)^i is the Nyquist frequency of an even window: a real component, not
 * doubled: power 1 with spectrum scaling and a boxcar. */
static void nyquist_not_doubled(void)
{
    double x[64];
    struct spectrogram_params p =
        params(16, 8, SPECTROGRAM_BOXCAR, SPECTROGRAM_DETREND_NONE, SPECTROGRAM_SPECTRUM);
    struct spectrogram_result r;
    struct err e = {0};
    for (int i = 0; i < 64; i++)
        x[i] = i % 2 ? -1.0 : 1.0;
    CHECK_OK(spectrogram_compute(x, 64, &p, &r, &e), &e);
    CHECK_INT(r.nseg, 7); /* (64 - 16) / 8 + 1 */
    CHECK_NEAR(r.power[8], 1.0, 1e-12);
    CHECK_NEAR(r.power[0], 0.0, 1e-12);
    spectrogram_result_release(&r);
}

static void detrending(void)
{
    double x[200];
    struct spectrogram_params p =
        params(50, 25, SPECTROGRAM_HANN, SPECTROGRAM_DETREND_CONSTANT, SPECTROGRAM_DENSITY);
    struct spectrogram_result r;
    struct err e = {0};

    /* A constant is removed by "constant": all zeros. */
    for (int i = 0; i < 200; i++)
        x[i] = 1234.5;
    CHECK_OK(spectrogram_compute(x, 200, &p, &r, &e), &e);
    for (size_t i = 0; i < r.nseg * r.nfreq; i++)
        CHECK_NEAR(r.power[i], 0.0, 1e-18);
    spectrogram_result_release(&r);
    /* Without detrending a constant c with a boxcar is all DC: (c N)^2 / N^2. */
    p.fn = SPECTROGRAM_BOXCAR;
    p.detrend = SPECTROGRAM_DETREND_NONE;
    p.scaling = SPECTROGRAM_SPECTRUM;
    CHECK_OK(spectrogram_compute(x, 200, &p, &r, &e), &e);
    CHECK_NEAR(r.power[0], 1234.5 * 1234.5, 1e-6);
    CHECK_NEAR(r.power[1], 0.0, 1e-12);
    spectrogram_result_release(&r);
    /* A line is removed by "linear" but not by "constant". */
    for (int i = 0; i < 200; i++)
        x[i] = 7.0 + 0.25 * i;
    p.detrend = SPECTROGRAM_DETREND_LINEAR;
    CHECK_OK(spectrogram_compute(x, 200, &p, &r, &e), &e);
    for (size_t i = 0; i < r.nseg * r.nfreq; i++)
        CHECK_NEAR(r.power[i], 0.0, 1e-20);
    spectrogram_result_release(&r);
    p.detrend = SPECTROGRAM_DETREND_CONSTANT;
    CHECK_OK(spectrogram_compute(x, 200, &p, &r, &e), &e);
    CHECK(r.power[1] > 1.0);
    spectrogram_result_release(&r);
}

/* scipy's periodic windows: Hann is 0 at 0 and 1 at N/2, Hamming 0.08 and
 * 1; a unit impulse at i shows w[i]^2 in the DC bin (spectrum scaling
 * multiplies by 1 / (sum w)^2). */
static void windows(void)
{
    enum { N = 8 };
    const double hann[N] = {0.0, 0.14644660940672624, 0.5, 0.85355339059327373,
                            1.0, 0.85355339059327373, 0.5, 0.14644660940672624};
    double x[N], sw = 0;
    struct spectrogram_params p =
        params(N, 0, SPECTROGRAM_HANN, SPECTROGRAM_DETREND_NONE, SPECTROGRAM_SPECTRUM);
    struct spectrogram_result r;
    struct err e = {0};

    for (int i = 0; i < N; i++)
        sw += hann[i];
    for (int at = 0; at < N; at++) {
        for (int i = 0; i < N; i++)
            x[i] = i == at ? 1.0 : 0.0;
        CHECK_OK(spectrogram_compute(x, N, &p, &r, &e), &e);
        CHECK_NEAR(r.power[0], hann[at] * hann[at] / (sw * sw), 1e-15);
        spectrogram_result_release(&r);
    }
    p.fn = SPECTROGRAM_HAMMING;
    for (int i = 0; i < N; i++)
        x[i] = i == 0 ? 1.0 : 0.0;
    CHECK_OK(spectrogram_compute(x, N, &p, &r, &e), &e);
    /* sum of the periodic Hamming window of 8 is 0.54 * 8 */
    CHECK_NEAR(r.power[0], 0.08 * 0.08 / (0.54 * 8 * 0.54 * 8), 1e-15);
    spectrogram_result_release(&r);
}

static void segments_and_centres(void)
{
    double x[101];
    struct spectrogram_params p =
        params(10, 5, SPECTROGRAM_HANN, SPECTROGRAM_DETREND_CONSTANT, SPECTROGRAM_DENSITY);
    struct spectrogram_result r;
    struct err e = {0};
    for (int i = 0; i < 101; i++)
        x[i] = sin(i * 0.3);
    CHECK_INT(spectrogram_segments(101, &p), 19); /* the last partial segment is dropped */
    CHECK_OK(spectrogram_compute(x, 101, &p, &r, &e), &e);
    CHECK_INT(r.nseg, 19);
    CHECK_NEAR(r.centre[0], 5.0, 0);
    CHECK_NEAR(r.centre[18], 95.0, 0);
    spectrogram_result_release(&r);
    p.window = 7; /* odd: centres on half samples, nfreq (7 / 2) + 1 */
    p.overlap = 0;
    CHECK_OK(spectrogram_compute(x, 101, &p, &r, &e), &e);
    CHECK_INT(r.nseg, 14);
    CHECK_INT(r.nfreq, 4);
    CHECK_NEAR(r.centre[1], 10.5, 0);
    spectrogram_result_release(&r);
}

static void rejects(void)
{
    double x[50] = {0};
    struct spectrogram_params p =
        params(60, 30, SPECTROGRAM_HANN, SPECTROGRAM_DETREND_CONSTANT, SPECTROGRAM_DENSITY);
    struct spectrogram_result r;
    struct err e = {0};
    CHECK(spectrogram_compute(x, 50, &p, &r, &e) < 0); /* too short */
    CHECK(strstr(e.msg, "fewer than one window") != NULL);
    CHECK(r.power == NULL);
    p.window = 10;
    p.overlap = 10;
    CHECK(spectrogram_compute(x, 50, &p, &r, &e) < 0);
    CHECK(strstr(e.msg, "overlap must be from 0 to window - 1") != NULL);
    p.overlap = 2;
    x[7] = NAN;
    CHECK(spectrogram_compute(x, 50, &p, &r, &e) < 0);
    CHECK(strstr(e.msg, "sample 7") != NULL);
}

static void names(void)
{
    enum spectrogram_window w;
    enum spectrogram_detrend d;
    enum spectrogram_scaling s;
    CHECK(spectrogram_window_parse("hamming", &w) == 0 && w == SPECTROGRAM_HAMMING);
    CHECK(spectrogram_window_parse("kaiser", &w) < 0);
    CHECK(spectrogram_detrend_parse("linear", &d) == 0 && d == SPECTROGRAM_DETREND_LINEAR);
    CHECK(spectrogram_scaling_parse("spectrum", &s) == 0 && s == SPECTROGRAM_SPECTRUM);
    CHECK_STR(spectrogram_window_name(SPECTROGRAM_BOXCAR), "boxcar");
    CHECK_STR(spectrogram_detrend_name(SPECTROGRAM_DETREND_NONE), "none");
}

CHECK_MAIN({"/spectrogram/cosine_on_bin", cosine_on_bin},
           {"/spectrogram/nyquist_not_doubled", nyquist_not_doubled},
           {"/spectrogram/detrending", detrending}, {"/spectrogram/windows", windows},
           {"/spectrogram/segments_and_centres", segments_and_centres},
           {"/spectrogram/rejects", rejects}, {"/spectrogram/names", names})
