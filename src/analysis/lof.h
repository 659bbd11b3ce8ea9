/* lof: anomalies by the Local Outlier Factor (Breunig, Kriegel, Ng and
 * Sander, "LOF: Identifying Density-Based Local Outliers", SIGMOD 2000), as
 * sklearn.neighbors.LocalOutlierFactor(n_neighbors, contamination) computes
 * it on training data with the Euclidean metric: k = min(neighbors, n - 1)
 * nearest neighbours of each point other than itself, its k-distance (the
 * distance to the k-th), reach(p, o) = max(d(p, o), k-distance(o)),
 * lrd(p) = 1 / (mean over p's neighbours of reach(p, o) + 1e-10), and the
 * score negative_outlier_factor_(p) = -mean over p's neighbours of
 * lrd(o) / lrd(p). The threshold (sklearn's offset_) is numpy's linear
 * percentile of the scores at 100 contamination, or -1.5 for "auto"; a
 * point is an anomaly when its score is below it.
 *
 * Neighbours are exact. One variable: the values are sorted once (a radix
 * sort) and each point's neighbours are the run of k sorted positions
 * around it that a sliding window finds in O(n) for all points, so the
 * whole computation is O(n k) additions after an O(n) sort. Several
 * variables: a k-d tree (O(n log n) to build, about O(k log n) per query on
 * real data). Ties: when several points lie at the k-distance,
 * which of them are neighbours changes the mean of reach distances, so the
 * rule matters and is fixed: at equal distance the point with the smaller
 * value (several variables: the lexicographically smaller row) is taken
 * first. Points with identical values are interchangeable under this rule
 * (they get identical scores whichever is taken), so the result does not
 * depend on the order of the input. scikit-learn breaks such ties by its
 * tree's traversal order instead, so scores may differ where a point, or
 * one of its neighbours, has a tie at its k-distance; elsewhere they agree
 * to rounding. Pure and thread-safe. */
#ifndef ELHUB_ANALYSIS_LOF_H
#define ELHUB_ANALYSIS_LOF_H

#include "err.h"

#include <stddef.h>

struct lof_params {
    int neighbors;        /* >= 1; min(neighbors, n - 1) are used */
    double contamination; /* share of anomalies, 0 < c <= 0.5; 0 for "auto" */
};

struct lof_result {
    size_t n;
    int k;                  /* neighbours used */
    double *score;          /* owned, n: negative_outlier_factor_ */
    unsigned char *anomaly; /* owned, n: 1 if score < offset */
    double offset;
    size_t count; /* anomalies */
};

/* Scores the n points x[i * d .. i * d + d - 1] (row-major, finite values,
 * 1 <= d, n >= 2). On success out owns its arrays (lof_result_release); on
 * failure out is empty and e (ERR_USAGE or ERR_DATA) says why. */
int lof_compute(const double *x, size_t n, size_t d, const struct lof_params *p,
                struct lof_result *out, struct err *e);
void lof_result_release(struct lof_result *r);

#endif
