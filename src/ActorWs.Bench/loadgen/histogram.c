#include "histogram.h"

#include <math.h>
#include <string.h>

void hist_reset(histogram_t *h) { memset(h, 0, sizeof *h); }

static uint32_t bucket_index(uint64_t v)
{
    if (v < HIST_SUB_BUCKETS) {
        return (uint32_t)v;
    }
    uint32_t exponent = 63u - (uint32_t)__builtin_clzll(v);
    if (exponent >= HIST_MAX_EXPONENT) {
        return HIST_BUCKETS - 1;
    }
    uint32_t shift = exponent - HIST_SUB_BITS;
    uint32_t sub = (uint32_t)(v >> shift) & (HIST_SUB_BUCKETS - 1);
    return (shift + 1) * HIST_SUB_BUCKETS + sub;
}

static uint64_t bucket_midpoint(uint32_t index)
{
    if (index < HIST_SUB_BUCKETS) {
        return index;
    }
    uint32_t shift = index / HIST_SUB_BUCKETS - 1;
    uint64_t lower = (uint64_t)(HIST_SUB_BUCKETS + index % HIST_SUB_BUCKETS) << shift;
    return lower + ((1ull << shift) >> 1);
}

void hist_record(histogram_t *h, uint64_t value)
{
    h->buckets[bucket_index(value)]++;
    h->count++;
    h->sum += value;
    if (value > h->max) {
        h->max = value;
    }
}

uint64_t hist_percentile(const histogram_t *h, double p)
{
    if (h->count == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
    if (rank < 1) {
        rank = 1;
    }
    uint64_t seen = 0;
    for (uint32_t i = 0; i < HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            if (i == HIST_BUCKETS - 1) {
                return h->max; /* the overflow bucket has no meaningful midpoint */
            }
            uint64_t mid = bucket_midpoint(i);
            /* The top bucket's midpoint can exceed what was seen; never report past the maximum. */
            return mid > h->max ? h->max : mid;
        }
    }
    return h->max;
}

uint64_t hist_mean(const histogram_t *h) { return h->count == 0 ? 0 : h->sum / h->count; }
