/*
 * Log-linear latency histogram: 64 sub-buckets per power of two, so any recorded value is
 * reported within 1/64 (1.6 %) of its true value, in a fixed 18 KiB table with O(1) recording.
 */
#ifndef LOADGEN_HISTOGRAM_H
#define LOADGEN_HISTOGRAM_H

#include <stdint.h>

#define HIST_SUB_BITS 6
#define HIST_SUB_BUCKETS (1u << HIST_SUB_BITS)
/* Values at or above 2^HIST_MAX_EXPONENT ns (about 18 minutes) land in the last bucket. */
#define HIST_MAX_EXPONENT 40
#define HIST_BUCKETS ((HIST_MAX_EXPONENT - HIST_SUB_BITS + 1) * HIST_SUB_BUCKETS)

typedef struct histogram {
    uint64_t count;
    uint64_t sum;
    uint64_t max;
    uint64_t buckets[HIST_BUCKETS];
} histogram_t;

void hist_reset(histogram_t *h);
void hist_record(histogram_t *h, uint64_t value);
/* The value at percentile p (0 < p <= 100): the midpoint of the bucket holding that rank; 0 when empty. */
uint64_t hist_percentile(const histogram_t *h, double p);
uint64_t hist_mean(const histogram_t *h);

#endif
