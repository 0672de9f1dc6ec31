/*
 * echo: N connections to /echo, each keeping `depth` messages of `size` bytes in flight (closed
 * loop: a new message leaves when an echo arrives). Reports messages/s and round-trip latency
 * over the measured window, after a warm-up that lets both servers' JIT and pools settle.
 * Every echo is checked byte for byte against what was sent, except echoes the server compressed
 * (with --deflate, RSV1 set): the generator does not inflate, so those are counted as unverified.
 * With --coalesce, the requests sent on handling one read (one per echo it held) leave in one write, as a
 * pipelining client library writes what it has; without it each request is its own write and segment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "engine.h"
#include "options.h"
#include "report.h"

/* How often the current rate is printed to stderr, so a slow warm-up is visible. */
#define PROGRESS_INTERVAL_NS (5 * NS_PER_SEC)

typedef struct echo_conn {
    uint32_t send_seq;    /* sequence number of the next message to send */
    uint32_t recv_seq;    /* sequence number of the echo being received */
    uint32_t ring_head;   /* oldest in-flight send time in the ring */
    uint32_t ring_count;  /* messages in flight */
    uint8_t mismatch;     /* the echo being received differs from what was sent */
} echo_conn_t;

typedef struct echo_mode {
    const options_t *opt;
    echo_conn_t *conns;
    uint64_t *send_times; /* depth slots per connection: when each in-flight message left */
    int sending;
    int measuring;
    uint64_t received;    /* echoes in the measured window */
    uint64_t sent;        /* messages sent in the measured window */
    uint64_t mismatches;  /* wrong type, length or bytes, or an echo nobody asked for (whole run) */
    uint64_t unverified;  /* compressed echoes, whose bytes and length cannot be checked without inflating (whole run) */
    uint64_t echoes;      /* echoes received in any phase, for progress lines */
    histogram_t latency;
} echo_mode_t;

/* The byte at `offset` of message `seq`: differs between consecutive messages, so a mixed-up echo shows. */
static inline uint8_t pattern_byte(uint32_t seq, uint64_t offset)
{
    return (uint8_t)(seq * 131u + (uint32_t)offset * 7u + 1u);
}

static void echo_send(echo_mode_t *m, conn_t *c)
{
    echo_conn_t *s = &m->conns[c->id];
    uint8_t payload[MAX_MESSAGE_BYTES];
    uint32_t size = m->opt->size;
    for (uint32_t i = 0; i < size; i++) {
        payload[i] = pattern_byte(s->send_seq, i);
    }
    uint32_t depth = m->opt->depth;
    m->send_times[(uint64_t)c->id * depth + (s->ring_head + s->ring_count) % depth] = now_ns();
    s->ring_count++;
    s->send_seq++;
    if (m->measuring) {
        m->sent++;
    }
    conn_send_message(c, WS_OP_BINARY, payload, size);
}

static void echo_on_open(void *mode, conn_t *c)
{
    (void)mode;
    (void)c;
}

static void echo_on_data(void *mode, conn_t *c, const uint8_t *data, size_t len, uint64_t offset)
{
    echo_mode_t *m = mode;
    echo_conn_t *s = &m->conns[c->id];
    if (c->parser.message_compressed) {
        return; /* deflated bytes: nothing to compare them with */
    }
    for (size_t i = 0; i < len; i++) {
        if (data[i] != pattern_byte(s->recv_seq, offset + i)) {
            s->mismatch = 1;
            break;
        }
    }
}

static void echo_on_message(void *mode, conn_t *c, int opcode, uint64_t length)
{
    echo_mode_t *m = mode;
    echo_conn_t *s = &m->conns[c->id];
    if (c->parser.message_compressed && opcode == WS_OP_BINARY && s->ring_count > 0) {
        m->unverified++;
    } else if (opcode != WS_OP_BINARY || length != m->opt->size || s->mismatch || s->ring_count == 0) {
        m->mismatches++;
    }
    s->mismatch = 0;
    if (s->ring_count > 0) {
        uint32_t depth = m->opt->depth;
        uint64_t sent_at = m->send_times[(uint64_t)c->id * depth + s->ring_head];
        s->ring_head = (s->ring_head + 1) % depth;
        s->ring_count--;
        if (m->measuring) {
            hist_record(&m->latency, now_ns() - sent_at);
            m->received++;
        }
    }
    s->recv_seq++;
    m->echoes++;
    if (m->sending) {
        echo_send(m, c);
    }
}

static const mode_ops_t echo_ops = {
    .on_open = echo_on_open,
    .on_data = echo_on_data,
    .on_message = echo_on_message,
};

/* Serves connections until deadline, printing the echo rate to stderr every PROGRESS_INTERVAL_NS. */
static void run_until(echo_mode_t *m, engine_t *e, uint64_t deadline, const char *phase)
{
    uint64_t interval_start = now_ns();
    uint64_t interval_echoes = m->echoes;
    uint64_t now;
    while (!g_stop_requested && (now = now_ns()) < deadline) {
        if (now - interval_start >= PROGRESS_INTERVAL_NS) {
            fprintf(stderr, "loadgen: echo: %s: %.0f msg/s\n", phase,
                    (double)(m->echoes - interval_echoes) * (double)NS_PER_SEC / (double)(now - interval_start));
            interval_start = now;
            interval_echoes = m->echoes;
        }
        uint64_t next_progress = interval_start + PROGRESS_INTERVAL_NS;
        engine_poll(e, deadline < next_progress ? deadline : next_progress);
    }
}

int run_echo(const options_t *opt)
{
    uint32_t n = opt->connections;
    echo_mode_t m = {.opt = opt};
    m.conns = calloc(n, sizeof *m.conns);
    m.send_times = calloc((size_t)n * opt->depth, sizeof *m.send_times);
    if (m.conns == NULL || m.send_times == NULL) {
        fatal("out of memory for %u connections", n);
    }
    engine_t *e = malloc(sizeof *e);
    if (e == NULL) {
        fatal("out of memory for the engine");
    }
    engine_init(e, opt->targets, opt->ntargets, n, opt->concurrency, (uint64_t)(opt->connect_timeout_s * NS_PER_SEC), &echo_ops, &m);
    engine_offer_deflate(e, opt->deflate);
    engine_coalesce_writes(e, opt->coalesce);

    engine_connect_range(e, 0, n, opt->path);
    while (engine_connecting(e) && !g_stop_requested) {
        engine_poll(e, now_ns() + ENGINE_TICK_NS);
    }
    fprintf(stderr, "loadgen: echo: %u of %u connections open\n", e->open_count, n);

    /* Nothing to measure: report the connection errors at once instead of idling through the phases. */
    int nothing_open = e->open_count == 0;
    m.sending = !nothing_open;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t d = 0; d < opt->depth && e->conns[i].state == CONN_OPEN; d++) {
            echo_send(&m, &e->conns[i]);
        }
    }
    if (!nothing_open) {
        run_until(&m, e, now_ns() + (uint64_t)(opt->warmup_s * NS_PER_SEC), "warm-up");
    }

    hist_reset(&m.latency);
    m.received = m.sent = 0;
    uint64_t cpu_start = process_cpu_ns();
    uint64_t start = now_ns();
    m.measuring = 1;
    printf("measure_start\n");
    if (!nothing_open) {
        run_until(&m, e, start + (uint64_t)(opt->duration_s * NS_PER_SEC), "measuring");
    }
    uint64_t end = now_ns();
    m.measuring = 0;
    m.sending = 0;
    uint64_t cpu_end = process_cpu_ns();
    printf("measure_end\n");

    /* A connection whose oldest message has waited past the stall timeout has lost an echo. */
    uint32_t open_at_end = e->open_count;
    uint32_t stalled = 0;
    uint64_t stall_ns = (uint64_t)(opt->stall_timeout_s * NS_PER_SEC);
    for (uint32_t i = 0; i < n; i++) {
        echo_conn_t *s = &m.conns[i];
        if (e->conns[i].state == CONN_OPEN && s->ring_count > 0 &&
            end - m.send_times[(uint64_t)i * opt->depth + s->ring_head] > stall_ns) {
            stalled++;
        }
    }

    engine_close_range(e, 0, n, (uint64_t)(opt->close_timeout_s * NS_PER_SEC));

    double seconds = (double)(end - start) / (double)NS_PER_SEC;
    printf("result mode=echo connections=%u size=%u depth=%u open_at_end=%u duration_s=%.3f messages=%llu sent=%llu"
           " msgs_per_sec=%.1f",
           n, opt->size, opt->depth, open_at_end, seconds, (unsigned long long)m.received, (unsigned long long)m.sent,
           seconds > 0 ? (double)m.received / seconds : 0.0);
    report_latency("latency", &m.latency);
    printf(" mismatches=%llu unverified=%llu stalled=%u client_cpu_pct=%.1f interrupted=%d", (unsigned long long)m.mismatches,
           (unsigned long long)m.unverified, stalled,
           seconds > 0 ? 100.0 * (double)(cpu_end - cpu_start) / (double)(end - start) : 0.0, g_stop_requested ? 1 : 0);
    engine_print_counters(e);
    printf("\n");

    engine_free(e);
    free(e);
    free(m.conns);
    free(m.send_times);
    return 0;
}
