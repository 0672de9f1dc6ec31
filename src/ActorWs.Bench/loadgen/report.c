#include "report.h"

#include <stdio.h>
#include <sys/resource.h>

#include "common.h"

static double us(uint64_t ns) { return (double)ns / (double)NS_PER_US; }

void report_latency(const char *prefix, const histogram_t *h)
{
    printf(" %s_p50_us=%.1f %s_p90_us=%.1f %s_p99_us=%.1f %s_p999_us=%.1f %s_max_us=%.1f %s_mean_us=%.1f", prefix,
           us(hist_percentile(h, 50.0)), prefix, us(hist_percentile(h, 90.0)), prefix, us(hist_percentile(h, 99.0)),
           prefix, us(hist_percentile(h, 99.9)), prefix, us(h->max), prefix, us(hist_mean(h)));
}

uint64_t process_cpu_ns(void)
{
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) {
        return 0;
    }
    uint64_t user = (uint64_t)usage.ru_utime.tv_sec * NS_PER_SEC + (uint64_t)usage.ru_utime.tv_usec * NS_PER_US;
    uint64_t sys = (uint64_t)usage.ru_stime.tv_sec * NS_PER_SEC + (uint64_t)usage.ru_stime.tv_usec * NS_PER_US;
    return user + sys;
}
