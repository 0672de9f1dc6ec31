/* Small helpers shared by the load generator: monotonic time, key material, fatal errors. */
#ifndef LOADGEN_COMMON_H
#define LOADGEN_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <time.h>

#define NS_PER_SEC 1000000000ull
#define NS_PER_MS 1000000ull
#define NS_PER_US 1000ull

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Set by SIGINT/SIGTERM; every loop treats it as "finish the current phase and wrap up". */
extern volatile sig_atomic_t g_stop_requested;

/*
 * Fills out with bytes from the kernel's CSPRNG (getrandom), drawn from a refilled 64 KiB pool so
 * the per-frame cost is a memcpy: RFC 6455 section 5.3 wants masking keys from a strong source,
 * and a syscall per frame would make the generator the bottleneck.
 */
void random_bytes(void *out, size_t len);

/* Prints "loadgen: <message>" to stderr and exits with status 3 (a setup failure, not a measurement). */
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
