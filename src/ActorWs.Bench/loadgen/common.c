#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define RANDOM_POOL_BYTES 65536

volatile sig_atomic_t g_stop_requested;

static uint8_t random_pool[RANDOM_POOL_BYTES];
static size_t random_pos = RANDOM_POOL_BYTES;

static void refill_pool(void)
{
    size_t filled = 0;
    while (filled < RANDOM_POOL_BYTES) {
        ssize_t n = getrandom(random_pool + filled, RANDOM_POOL_BYTES - filled, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fatal("getrandom failed: %s", strerror(errno));
        }
        filled += (size_t)n;
    }
    random_pos = 0;
}

void random_bytes(void *out, size_t len)
{
    uint8_t *dst = out;
    while (len > 0) {
        if (random_pos == RANDOM_POOL_BYTES) {
            refill_pool();
        }
        size_t take = RANDOM_POOL_BYTES - random_pos < len ? RANDOM_POOL_BYTES - random_pos : len;
        memcpy(dst, random_pool + random_pos, take);
        random_pos += take;
        dst += take;
        len -= take;
    }
}

void fatal(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("loadgen: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    exit(3);
}
