/* spc: DCT high-pass, robust sigma and bounds (see spc.h). */
#include "analysis/spc.h"

#include "analysis/fft.h"
#include "analysis/quantile.h"
#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void spc_result_release(struct spc_result *r)
{
    free(r->satv);
    free(r->lower);
    free(r->upper);
    free(r->outlier);
    memset(r, 0, sizeof *r);
}

int spc_compute(const double *x, size_t n, const struct spc_params *p, struct spc_result *out,
                struct err *e)
{
    double *a, *b, *dev, scale = 0.0, med, sigma;
    struct fft_plan fwd, inv;
    int nn;

    memset(out, 0, sizeof *out);
    if (n < 2 || n > (size_t)1 << 30)
        return err_set(e, ERR_USAGE, 0, "SPC needs from 2 to 2^30 samples, not %zu", n);
    if (p->cutoff < 0 || (size_t)p->cutoff >= n)
        return err_set(e, ERR_USAGE, 0, "cutoff must be from 0 to %zu (samples - 1), not %d", n - 1,
                       p->cutoff);
    if (!(p->k > 0.0) || !isfinite(p->k))
        return err_set(e, ERR_USAGE, 0, "k must be a positive number");
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return err_set(e, ERR_DATA, (long)i, "SPC input has a non-finite value at sample %zu",
                           i);
        if (fabs(x[i]) > scale)
            scale = fabs(x[i]);
    }

    nn = (int)n;
    a = fft_alloc_real(n);
    b = fft_alloc_real(n);
    fft_get_r2r(nn, FFTW_REDFT10, &fwd);
    fft_get_r2r(nn, FFTW_REDFT01, &inv);
    memcpy(a, x, n * sizeof *a);
    fft_execute_r2r(&fwd, a, b);
    /* FFTW's REDFT10 is 2 sum x cos(...), REDFT01 its inverse times 2n: the
     * orthonormal pair's two scalings (sqrt(1/4n) and sqrt(1/2n) forward,
     * their reciprocals' halves back) multiply to 1/2n for every k. */
    for (size_t k = 0; k < n; k++)
        b[k] = k < (size_t)p->cutoff ? 0.0 : b[k] / (2.0 * (double)n);
    fft_execute_r2r(&inv, b, a);

    out->n = n;
    out->satv = xmalloc(n * sizeof *out->satv);
    memcpy(out->satv, a, n * sizeof *a);
    fft_put(&fwd);
    fft_put(&inv);
    fft_free(a);
    fft_free(b);

    dev = xmalloc(n * sizeof *dev);
    memcpy(dev, out->satv, n * sizeof *dev);
    med = quantile_median(dev, n);
    for (size_t i = 0; i < n; i++)
        dev[i] = fabs(out->satv[i] - med);
    sigma = 1.4826 * quantile_median(dev, n);
    free(dev);
    out->median = med;
    out->sigma = sigma;

    out->lower = xmalloc(n * sizeof *out->lower);
    out->upper = xmalloc(n * sizeof *out->upper);
    out->outlier = xcalloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        double base = (x[i] - out->satv[i]) + med;
        out->lower[i] = base - p->k * sigma;
        out->upper[i] = base + p->k * sigma;
        if (sigma > 1e-12 * scale && (x[i] < out->lower[i] || x[i] > out->upper[i])) {
            out->outlier[i] = 1;
            out->count++;
        }
    }
    /* The largest deviations among the outliers, by insertion into a short
     * sorted list. */
    for (size_t i = 0; i < n; i++) {
        double d;
        size_t j;
        if (!out->outlier[i])
            continue;
        d = fabs(out->satv[i] - med);
        j = out->nlargest < SPC_LARGEST ? out->nlargest++ : SPC_LARGEST;
        while (j > 0 && fabs(out->satv[out->largest[j - 1]] - med) < d) {
            if (j < SPC_LARGEST)
                out->largest[j] = out->largest[j - 1];
            j--;
        }
        if (j < SPC_LARGEST)
            out->largest[j] = i;
    }
    return 0;
}
