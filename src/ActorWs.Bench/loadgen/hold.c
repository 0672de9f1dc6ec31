/*
 * hold: opens N idle connections to /echo as fast as the server accepts them (at most
 * `concurrency` handshakes in flight), reports connections/s and handshake latency, then keeps
 * them open and silent so the caller can read the server's memory, and closes them on request.
 * With --deflate every handshake offers permessage-deflate, so the memory is that of idle compressed
 * connections where the server agrees (the result counts agreed and declined handshakes).
 *
 * Conversation on stdout/stdin (any input line means "continue"; stdin EOF, SIGTERM/SIGINT or the
 * wait timeout also continue, so the generator always ends on its own):
 *   warmed ...   a few connections echoed one message and closed: the server's code paths are warm
 *   <line>       the caller has read the baseline memory
 *   ready ...    all N connections are open and idle
 *   <line>       the caller has read the memory with N idle connections
 *   result ...   all connections closed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "engine.h"
#include "options.h"
#include "report.h"

#define WARM_MESSAGE_BYTES 32
#define WARM_ECHO_TIMEOUT_NS (5 * NS_PER_SEC)

typedef struct hold_mode {
    int warming;
    uint64_t warm_echoes;        /* echoes received by warm-up connections */
    uint64_t unexpected_messages; /* data messages received on idle connections */
} hold_mode_t;

static void hold_on_open(void *mode, conn_t *c)
{
    (void)mode;
    (void)c;
}

static void hold_on_data(void *mode, conn_t *c, const uint8_t *data, size_t len, uint64_t offset)
{
    (void)mode;
    (void)c;
    (void)data;
    (void)len;
    (void)offset;
}

static void hold_on_message(void *mode, conn_t *c, int opcode, uint64_t length)
{
    hold_mode_t *m = mode;
    (void)c;
    (void)opcode;
    (void)length;
    if (m->warming) {
        m->warm_echoes++;
    } else {
        m->unexpected_messages++;
    }
}

static const mode_ops_t hold_ops = {
    .on_open = hold_on_open,
    .on_data = hold_on_data,
    .on_message = hold_on_message,
};

static const char *wait_name(wait_outcome_t outcome)
{
    switch (outcome) {
    case WAIT_COMMAND: return "command";
    case WAIT_EOF: return "eof";
    case WAIT_SIGNAL: return "signal";
    default: return "timeout";
    }
}

static void connect_all(engine_t *e, uint32_t first, uint32_t count, const char *path)
{
    engine_connect_range(e, first, count, path);
    while (engine_connecting(e) && !g_stop_requested) {
        engine_poll(e, now_ns() + ENGINE_TICK_NS);
    }
}

/* Opens a few connections, echoes one message on each, closes them: JIT and pools warm up off the books. */
static void warm_up(engine_t *e, hold_mode_t *m, const options_t *opt, uint32_t first, uint32_t count)
{
    m->warming = 1;
    connect_all(e, first, count, opt->path);
    uint8_t payload[WARM_MESSAGE_BYTES];
    memset(payload, 'w', sizeof payload);
    uint64_t expected = 0;
    for (uint32_t i = first; i < first + count; i++) {
        if (e->conns[i].state == CONN_OPEN && conn_send_message(&e->conns[i], WS_OP_BINARY, payload, sizeof payload) == 0) {
            expected++;
        }
    }
    uint64_t deadline = now_ns() + WARM_ECHO_TIMEOUT_NS;
    while (m->warm_echoes < expected && now_ns() < deadline && !g_stop_requested) {
        engine_poll(e, deadline);
    }
    engine_close_range(e, first, count, (uint64_t)(opt->close_timeout_s * NS_PER_SEC));
    m->warming = 0;
    printf("warmed connections=%u echoed=%llu", count, (unsigned long long)m->warm_echoes);
    engine_print_counters(e);
    printf("\n");
}

int run_hold(const options_t *opt)
{
    uint32_t n = opt->connections;
    uint32_t warm = opt->warm_connections;
    hold_mode_t m = {0};
    engine_t *e = malloc(sizeof *e);
    if (e == NULL) {
        fatal("out of memory for the engine");
    }
    /* Warm-up connections live after the N held ones in the same table. */
    engine_init(e, opt->targets, opt->ntargets, n + warm, opt->concurrency, (uint64_t)(opt->connect_timeout_s * NS_PER_SEC), &hold_ops, &m);
    engine_offer_deflate(e, opt->deflate);
    engine_watch_stdin(e);
    uint64_t wait_ns = (uint64_t)(opt->wait_timeout_s * NS_PER_SEC);

    warm_up(e, &m, opt, n, warm);
    wait_outcome_t baseline_wait = engine_wait_for_command(e, wait_ns);

    /* The result reports the held connections only. */
    memset(&e->counters, 0, sizeof e->counters);
    hist_reset(&e->handshake_ns);

    connect_all(e, 0, n, opt->path);
    uint32_t open = e->open_count;
    double connect_s = e->last_open_ns > e->first_connect_ns ? (double)(e->last_open_ns - e->first_connect_ns) / (double)NS_PER_SEC : 0.0;
    double rate = connect_s > 0 ? (double)e->counters.opened / connect_s : 0.0;
    printf("ready connections=%u open=%u connect_s=%.3f conns_per_sec=%.1f", n, open, connect_s, rate);
    report_latency("handshake", &e->handshake_ns);
    engine_print_counters(e);
    printf("\n");

    wait_outcome_t hold_wait = engine_wait_for_command(e, wait_ns);
    uint32_t held_open = e->open_count;
    engine_close_range(e, 0, n, (uint64_t)(opt->close_timeout_s * NS_PER_SEC));

    printf("result mode=hold connections=%u open=%u held_open=%u connect_s=%.3f conns_per_sec=%.1f", n, open, held_open,
           connect_s, rate);
    report_latency("handshake", &e->handshake_ns);
    printf(" unexpected_messages=%llu baseline_wait=%s hold_wait=%s interrupted=%d", (unsigned long long)m.unexpected_messages,
           wait_name(baseline_wait), wait_name(hold_wait), g_stop_requested ? 1 : 0);
    engine_print_counters(e);
    printf("\n");

    engine_free(e);
    free(e);
    return 0;
}
