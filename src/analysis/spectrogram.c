/* spectrogram: segments, detrending, scipy's windows and the FFTW
 * transform (see spectrogram.h). */
#include "analysis/spectrogram.h"

#include "analysis/fft.h"
#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const window_names[] = {"hann", "hamming", "boxcar"};
static const char *const detrend_names[] = {"constant", "linear", "none"};
static const char *const scaling_names[] = {"density", "spectrum"};

static int find_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

int spectrogram_window_parse(const char *s, enum spectrogram_window *out)
{
    int i = find_name(window_names, 3, s);
    if (i < 0)
        return -1;
    *out = (enum spectrogram_window)i;
    return 0;
}

int spectrogram_detrend_parse(const char *s, enum spectrogram_detrend *out)
{
    int i = find_name(detrend_names, 3, s);
    if (i < 0)
        return -1;
    *out = (enum spectrogram_detrend)i;
    return 0;
}

int spectrogram_scaling_parse(const char *s, enum spectrogram_scaling *out)
{
    int i = find_name(scaling_names, 2, s);
    if (i < 0)
        return -1;
    *out = (enum spectrogram_scaling)i;
    return 0;
}

const char *spectrogram_window_name(enum spectrogram_window w)
{
    return window_names[w];
}

const char *spectrogram_detrend_name(enum spectrogram_detrend d)
{
    return detrend_names[d];
}

const char *spectrogram_scaling_name(enum spectrogram_scaling s)
{
    return scaling_names[s];
}

size_t spectrogram_segments(size_t n, const struct spectrogram_params *p)
{
    if (p->window < 1 || p->overlap < 0 || p->overlap >= p->window || n < (size_t)p->window)
        return 0;
    return (n - (size_t)p->window) / (size_t)(p->window - p->overlap) + 1;
}

/* scipy's get_window(name, m) with fftbins=True: the symmetric window of
 * m + 1 points without its last, a0 + a1 cos(fac) over fac =
 * linspace(-pi, pi, m + 1), summed in scipy's order. */
static void make_window(enum spectrogram_window fn, int m, double *w)
{
    double a0 = fn == SPECTROGRAM_HAMMING ? 0.54 : 0.5, a1 = 1.0 - a0, step;
    if (fn == SPECTROGRAM_BOXCAR || m <= 1) {
        for (int i = 0; i < m; i++)
            w[i] = 1.0;
        return;
    }
    step = (M_PI - -M_PI) / m; /* linspace's delta / (num - 1), num = m + 1 */
    for (int i = 0; i < m; i++) {
        double fac = i * step + -M_PI;
        w[i] = 0.0 + a0 * cos(0.0 * fac);
        w[i] += a1 * cos(1.0 * fac);
    }
}

/* scipy.signal.detrend(seg, type="linear"): the least-squares line over
 * t = (i + 1) / m removed, here in closed form about the means. */
static void detrend_linear(double *s, int m)
{
    double tm = 0.0, ym = 0.0, stt = 0.0, sty = 0.0, a;
    for (int i = 0; i < m; i++) {
        tm += (i + 1.0) / m;
        ym += s[i];
    }
    tm /= m;
    ym /= m;
    for (int i = 0; i < m; i++) {
        double dt = (i + 1.0) / m - tm;
        stt += dt * dt;
        sty += dt * (s[i] - ym);
    }
    a = stt > 0.0 ? sty / stt : 0.0;
    for (int i = 0; i < m; i++)
        s[i] = (s[i] - ym) - a * ((i + 1.0) / m - tm);
}

void spectrogram_result_release(struct spectrogram_result *r)
{
    free(r->centre);
    free(r->freq);
    free(r->power);
    memset(r, 0, sizeof *r);
}

int spectrogram_compute(const double *x, size_t n, const struct spectrogram_params *p,
                        struct spectrogram_result *out, struct err *e)
{
    int m = p->window, step = p->window - p->overlap;
    size_t nseg, nfreq;
    double *w, *in, scale, sw = 0.0, sw2 = 0.0, val;
    fftw_complex *X;
    struct fft_plan plan;

    memset(out, 0, sizeof *out);
    if (m < 2)
        return err_set(e, ERR_USAGE, 0, "window must be at least 2 samples, not %d", m);
    if (p->overlap < 0 || p->overlap >= m)
        return err_set(e, ERR_USAGE, 0, "overlap must be from 0 to window - 1 (%d), not %d", m - 1,
                       p->overlap);
    if (!(p->fs > 0.0) || !isfinite(p->fs))
        return err_set(e, ERR_USAGE, 0, "the sampling frequency must be positive");
    if (n < (size_t)m)
        return err_set(e, ERR_USAGE, 0, "the series has %zu samples, fewer than one window of %d",
                       n, m);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return err_set(e, ERR_DATA, (long)i,
                           "spectrogram input has a non-finite value at sample %zu", i);

    nseg = spectrogram_segments(n, p);
    nfreq = (size_t)m / 2 + 1;
    w = xmalloc((size_t)m * sizeof *w);
    make_window(p->fn, m, w);
    for (int i = 0; i < m; i++) {
        sw += w[i];
        sw2 += w[i] * w[i];
    }
    scale = p->scaling == SPECTROGRAM_DENSITY ? 1.0 / (p->fs * sw2) : 1.0 / (sw * sw);

    in = fft_alloc_real((size_t)m);
    X = fft_alloc_complex(nfreq);
    fft_get_r2c(m, &plan);

    out->nseg = nseg;
    out->nfreq = nfreq;
    out->centre = xmalloc(nseg * sizeof *out->centre);
    out->freq = xmalloc(nfreq * sizeof *out->freq);
    out->power = xmalloc(nseg * nfreq * sizeof *out->power);
    val = 1.0 / (m * (1.0 / p->fs)); /* numpy.fft.rfftfreq */
    for (size_t k = 0; k < nfreq; k++)
        out->freq[k] = (double)k * val;

    for (size_t s = 0; s < nseg; s++) {
        const double *seg = x + s * (size_t)step;
        double *row = out->power + s * nfreq;
        memcpy(in, seg, (size_t)m * sizeof *in);
        if (p->detrend == SPECTROGRAM_DETREND_CONSTANT) {
            double mean = 0.0;
            for (int i = 0; i < m; i++)
                mean += in[i];
            mean /= m;
            for (int i = 0; i < m; i++)
                in[i] -= mean;
        } else if (p->detrend == SPECTROGRAM_DETREND_LINEAR) {
            detrend_linear(in, m);
        }
        for (int i = 0; i < m; i++)
            in[i] *= w[i];
        fft_execute_r2c(&plan, in, X);
        for (size_t k = 0; k < nfreq; k++) {
            double re = X[k][0], im = X[k][1];
            row[k] = (re * re + im * im) * scale;
            /* One-sided: every frequency but 0 (and Nyquist for an even
             * window) stands for itself and its negative. */
            if (k > 0 && !(m % 2 == 0 && k == nfreq - 1))
                row[k] *= 2.0;
        }
        out->centre[s] = m / 2.0 + (double)(s * (size_t)step);
    }
    fft_put(&plan);
    fft_free(in);
    fft_free(X);
    free(w);
    return 0;
}
