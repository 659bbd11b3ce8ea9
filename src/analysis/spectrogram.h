/* spectrogram: the short-time Fourier transform power of a series, the same
 * array as scipy.signal.spectrogram(x, fs, window=NAME, nperseg=window,
 * noverlap=overlap, detrend=..., scaling=..., mode="psd",
 * return_onesided=True): segments of `window` samples every window -
 * overlap samples (the last partial segment dropped, as scipy does), each
 * detrended, multiplied by the window function (scipy's periodic
 * get_window: hann, hamming or boxcar), transformed by FFTW (real to
 * complex, window points), |X|^2 scaled by 1/(fs sum w^2) (density) or
 * 1/(sum w)^2 (spectrum), and doubled except at frequency 0 and, for an
 * even window, the Nyquist frequency. Pure but for FFTW planning, which
 * analysis/fft serialises, so it is thread-safe. */
#ifndef ELHUB_ANALYSIS_SPECTROGRAM_H
#define ELHUB_ANALYSIS_SPECTROGRAM_H

#include "err.h"

#include <stddef.h>

enum spectrogram_window { SPECTROGRAM_HANN, SPECTROGRAM_HAMMING, SPECTROGRAM_BOXCAR };
enum spectrogram_detrend {
    SPECTROGRAM_DETREND_CONSTANT,
    SPECTROGRAM_DETREND_LINEAR,
    SPECTROGRAM_DETREND_NONE
};
enum spectrogram_scaling { SPECTROGRAM_DENSITY, SPECTROGRAM_SPECTRUM };

struct spectrogram_params {
    int window;  /* samples per segment, >= 2 and <= n */
    int overlap; /* samples shared by consecutive segments, 0 <= overlap < window */
    enum spectrogram_window fn;
    enum spectrogram_detrend detrend;
    enum spectrogram_scaling scaling;
    double fs; /* samples per unit of frequency: 24 gives cycles per day for hours */
};

/* Name <-> enum ("hann", "constant", "density", ...); parse returns -1 if
 * unknown. */
int spectrogram_window_parse(const char *s, enum spectrogram_window *out);
int spectrogram_detrend_parse(const char *s, enum spectrogram_detrend *out);
int spectrogram_scaling_parse(const char *s, enum spectrogram_scaling *out);
const char *spectrogram_window_name(enum spectrogram_window w);
const char *spectrogram_detrend_name(enum spectrogram_detrend d);
const char *spectrogram_scaling_name(enum spectrogram_scaling s);

/* Segments a series of n samples gives with p: (n - window) / (window -
 * overlap) + 1, or 0 if n < window. */
size_t spectrogram_segments(size_t n, const struct spectrogram_params *p);

struct spectrogram_result {
    size_t nseg, nfreq;
    double *centre; /* owned, nseg: segment centres in samples from sample 0
                       (window/2 + k step, so x.5 for an odd window) */
    double *freq;   /* owned, nfreq = window/2 + 1: k fs / window */
    double *power;  /* owned, nseg x nfreq, one row per segment */
};

/* Computes the spectrogram of x[0..n-1] (finite values). On success out
 * owns its arrays (spectrogram_result_release); on failure out is empty and
 * e (ERR_USAGE or ERR_DATA) says why: a window longer than the series, an
 * overlap out of range, a non-finite value. */
int spectrogram_compute(const double *x, size_t n, const struct spectrogram_params *p,
                        struct spectrogram_result *out, struct err *e);
void spectrogram_result_release(struct spectrogram_result *r);

#endif
