/* Helpers for the machine-readable lines on stdout: "<event> key=value key=value ...". */
#ifndef LOADGEN_REPORT_H
#define LOADGEN_REPORT_H

#include <stdint.h>

#include "histogram.h"

/* Appends " <prefix>_p50_us=.. _p90_us _p99_us _p999_us _max_us _mean_us" for a histogram of nanoseconds. */
void report_latency(const char *prefix, const histogram_t *h);

/* Process CPU time (user + system) in nanoseconds, from getrusage. */
uint64_t process_cpu_ns(void);

#endif
