/*
 * fairness: does a client flooding tiny frames get more than its share of the server? N canaries on /echo keep one
 * small message in flight each (closed loop, as echo with depth 1) and their round-trip latency is measured twice:
 * quiet, then while F more connections flood /echo with tiny messages (0 or 1 byte) as fast as the server takes them.
 *
 * The flooders are greedy rather than merely slow: they read their echoes (and so never trip a server's backpressure,
 * which a client that reads nothing soon does, after which it costs the server nothing) and write whenever the socket
 * has room, so the server has all the flood it can handle, all the time. They read without decoding: the echoes are
 * checked byte for byte against the stream they must be (one 2-byte-header frame per message, in order), which costs
 * the generator a memcmp rather than a frame decode per echo, so its own work does not become the canaries' latency.
 *
 * Phases: warm-up (canaries and flood, so both paths are compiled), drain, quiet settle, quiet window, flood settle,
 * flooded window (between measure_start and measure_end, so the orchestrator's server CPU reading covers it), drain,
 * close. The result line has quiet_latency_* and flood_latency_* for the canaries (a message still unanswered when its
 * window ends counts with its wait so far: *_waiting of them), and the flood's echo rate.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common.h"
#include "engine.h"
#include "fairness.h"
#include "options.h"
#include "report.h"
#include "wsproto.h"

#define PROGRESS_INTERVAL_NS (5 * NS_PER_SEC)
/* Quiet after the warm-up's flood has drained, before the quiet window. */
#define QUIET_SETTLE_NS (2 * NS_PER_SEC)
/* Flooding before the flooded window, so that it measures the steady state rather than the flood's first burst. */
#define FLOOD_SETTLE_NS (2 * NS_PER_SEC)
/* Longest wait for the echoes of a stopped flood (the server may hold megabytes of it in socket buffers). */
#define DRAIN_TIMEOUT_NS (20 * NS_PER_SEC)
/* Most flood bytes written per writable event: small writes keep one flooder from holding the loop the canaries share. */
#define FLOOD_SEND_BYTES (16u * 1024u)

/* A server's echo of a binary message of at most 125 bytes: FIN + binary, the length, the payload. */
#define ECHO_HEADER_BYTES 2u
#define ECHO_FIRST_BYTE 0x82u

enum phase { PHASE_NONE, PHASE_QUIET, PHASE_FLOOD };

typedef struct fair_conn {
    /* canary */
    uint32_t send_seq;
    uint32_t recv_seq;
    uint64_t sent_at;     /* when the message in flight left */
    uint8_t in_flight;
    uint8_t mismatch;     /* the echo being received differs from what was sent */
    /* flooder */
    uint8_t discarding;   /* echoes are checked and dropped, not decoded (until the flood has drained) */
    uint8_t flood_bad;    /* the echo stream went wrong once; not checked further */
    uint32_t block_offset; /* next byte of the flood block to send */
    uint64_t tx_bytes;    /* flood bytes sent */
    uint64_t rx_bytes;    /* echo bytes received */
} fair_conn_t;

typedef struct fairness_mode {
    const options_t *opt;
    fair_conn_t *conns;
    uint32_t canaries;
    uint8_t *block;       /* the flood: whole masked frames, sent again and again */
    size_t block_len;
    uint32_t block_frames;
    uint32_t frame_len;
    uint8_t *replies;     /* the echoes of one block, as the server must send them */
    size_t replies_len;
    uint32_t reply_len;
    int sending;          /* canaries keep a message in flight */
    int flooding;         /* flooders write */
    enum phase measuring;
    histogram_t latency[3];
    uint64_t received[3]; /* canary echoes per measured phase */
    uint64_t waiting[3];  /* canary messages still unanswered at the end of a measured phase */
    uint64_t mismatches;  /* canary echoes of the wrong type, length or bytes, or nobody's */
    uint64_t flood_mismatches; /* flooders whose echo stream differed from what they sent */
    uint64_t flood_missing;    /* flood messages never echoed (after the drain timeout) */
    uint64_t canary_echoes;    /* any phase, for progress lines */
    uint64_t flood_echo_bytes; /* any phase, every flooder */
} fairness_mode_t;

size_t flood_block_build(uint8_t *dst, size_t cap, uint32_t payload_bytes, uint32_t *frames)
{
    size_t frame_len = ws_client_header_len(payload_bytes) + payload_bytes;
    uint32_t count = (uint32_t)(cap / frame_len);
    uint8_t payload[MAX_FLOOD_BYTES > 0 ? MAX_FLOOD_BYTES : 1];
    for (uint32_t i = 0; i < count; i++) {
        for (uint32_t j = 0; j < payload_bytes; j++) {
            payload[j] = flood_payload_byte(i, j);
        }
        uint8_t mask[WS_MASK_BYTES];
        random_bytes(mask, sizeof mask);
        ws_encode_client_frame(dst + (size_t)i * frame_len, WS_OP_BINARY, 1, payload, payload_bytes, mask);
    }
    *frames = count;
    return (size_t)count * frame_len;
}

static inline uint8_t canary_byte(uint32_t seq, uint64_t offset) { return (uint8_t)(seq * 131u + (uint32_t)offset * 7u + 1u); }

static int is_flooder(const fairness_mode_t *m, const conn_t *c) { return c->id >= m->canaries; }

static void canary_send(fairness_mode_t *m, conn_t *c)
{
    fair_conn_t *s = &m->conns[c->id];
    uint8_t payload[MAX_MESSAGE_BYTES];
    for (uint32_t i = 0; i < m->opt->size; i++) {
        payload[i] = canary_byte(s->send_seq, i);
    }
    s->sent_at = now_ns();
    s->in_flight = 1;
    s->send_seq++;
    conn_send_message(c, WS_OP_BINARY, payload, m->opt->size);
}

static void fair_on_open(void *mode, conn_t *c)
{
    fairness_mode_t *m = mode;
    m->conns[c->id].discarding = (uint8_t)is_flooder(m, c);
}

static void fair_on_data(void *mode, conn_t *c, const uint8_t *data, size_t len, uint64_t offset)
{
    fairness_mode_t *m = mode;
    fair_conn_t *s = &m->conns[c->id];
    if (is_flooder(m, c)) {
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (data[i] != canary_byte(s->recv_seq, offset + i)) {
            s->mismatch = 1;
            break;
        }
    }
}

static void fair_on_message(void *mode, conn_t *c, int opcode, uint64_t length)
{
    fairness_mode_t *m = mode;
    fair_conn_t *s = &m->conns[c->id];
    if (is_flooder(m, c)) {
        /* Decoded only once its flood has drained: nothing should come but the close. */
        if (!s->flood_bad) {
            s->flood_bad = 1;
            m->flood_mismatches++;
        }
        return;
    }
    if (opcode != WS_OP_BINARY || length != m->opt->size || s->mismatch || !s->in_flight) {
        m->mismatches++;
    }
    s->mismatch = 0;
    if (s->in_flight) {
        s->in_flight = 0;
        if (m->measuring != PHASE_NONE) {
            hist_record(&m->latency[m->measuring], now_ns() - s->sent_at);
            m->received[m->measuring]++;
        }
    }
    s->recv_seq++;
    m->canary_echoes++;
    if (m->sending) {
        canary_send(m, c);
    }
}

/* A flooder's echoes: compared with the replies block at the stream's position, then dropped. */
static size_t fair_on_bytes(void *mode, conn_t *c, const uint8_t *data, size_t len)
{
    fairness_mode_t *m = mode;
    fair_conn_t *s = &m->conns[c->id];
    if (!is_flooder(m, c) || !s->discarding) {
        return 0;
    }
    if (!s->flood_bad) {
        size_t checked = 0;
        while (checked < len) {
            size_t at = (size_t)((s->rx_bytes + checked) % m->replies_len);
            size_t n = m->replies_len - at < len - checked ? m->replies_len - at : len - checked;
            if (memcmp(data + checked, m->replies + at, n) != 0) {
                s->flood_bad = 1;
                m->flood_mismatches++;
                break;
            }
            checked += n;
        }
    }
    s->rx_bytes += len;
    m->flood_echo_bytes += len;
    if (!m->flooding && s->rx_bytes >= s->tx_bytes / m->frame_len * m->reply_len) {
        /* Every echo is in and nothing else was sent: the stream is at a frame boundary, so decoding can take over. */
        s->discarding = 0;
    }
    return len;
}

static int fair_on_writable(void *mode, conn_t *c)
{
    fairness_mode_t *m = mode;
    fair_conn_t *s = &m->conns[c->id];
    if (!is_flooder(m, c) || !m->flooding) {
        return 0;
    }
    size_t n = m->block_len - s->block_offset;
    if (n > FLOOD_SEND_BYTES) {
        n = FLOOD_SEND_BYTES;
    }
    ssize_t written = send(c->fd, m->block + s->block_offset, n, MSG_NOSIGNAL);
    if (written > 0) {
        s->block_offset = (uint32_t)((s->block_offset + (size_t)written) % m->block_len);
        s->tx_bytes += (uint64_t)written;
    }
    /* A failed socket reports itself as readable too; the engine notices it there. */
    return 1;
}

static const mode_ops_t fairness_ops = {
    .on_open = fair_on_open,
    .on_data = fair_on_data,
    .on_message = fair_on_message,
    .on_bytes = fair_on_bytes,
    .on_writable = fair_on_writable,
};

static void start_flood(fairness_mode_t *m, engine_t *e)
{
    m->flooding = 1;
    for (uint32_t i = m->canaries; i < e->nconns; i++) {
        if (e->conns[i].state == CONN_OPEN) {
            m->conns[i].discarding = 1;
            conn_want_write(&e->conns[i]);
        }
    }
}

/* Stops writing the flood: a frame written in part is completed, so the stream stays whole frames. */
static void stop_flood(fairness_mode_t *m, engine_t *e)
{
    m->flooding = 0;
    for (uint32_t i = m->canaries; i < e->nconns; i++) {
        fair_conn_t *s = &m->conns[i];
        uint32_t partial = (uint32_t)(s->tx_bytes % m->frame_len);
        if (partial != 0 && e->conns[i].state == CONN_OPEN) {
            conn_send(&e->conns[i], m->block + s->block_offset, m->frame_len - partial);
            s->tx_bytes += m->frame_len - partial;
            s->block_offset = (uint32_t)((s->block_offset + m->frame_len - partial) % m->block_len);
        }
    }
}

static uint64_t flood_pending(const fairness_mode_t *m, const engine_t *e, uint32_t i)
{
    const fair_conn_t *s = &m->conns[i];
    uint64_t expected = s->tx_bytes / m->frame_len * m->reply_len;
    return e->conns[i].state == CONN_OPEN && s->discarding && s->rx_bytes < expected ? (expected - s->rx_bytes) / m->reply_len : 0;
}

/* Serves every connection until the stopped flood's echoes are all in (or the timeout); counts the ones missing. */
static void drain_flood(fairness_mode_t *m, engine_t *e)
{
    uint64_t deadline = now_ns() + DRAIN_TIMEOUT_NS;
    for (;;) {
        uint64_t pending = 0;
        for (uint32_t i = m->canaries; i < e->nconns; i++) {
            pending += flood_pending(m, e, i);
        }
        if (pending == 0) {
            return;
        }
        if (now_ns() >= deadline || g_stop_requested >= 2) {
            m->flood_missing += pending;
            fprintf(stderr, "loadgen: fairness: %llu flood messages not echoed within %llu s\n", (unsigned long long)pending,
                    (unsigned long long)(DRAIN_TIMEOUT_NS / NS_PER_SEC));
            return;
        }
        engine_poll(e, deadline);
    }
}

/* Serves connections until deadline, printing both rates to stderr every PROGRESS_INTERVAL_NS. */
static void run_until(fairness_mode_t *m, engine_t *e, uint64_t deadline, const char *phase)
{
    uint64_t interval_start = now_ns();
    uint64_t canary_start = m->canary_echoes;
    uint64_t flood_start = m->flood_echo_bytes;
    uint64_t now;
    while (!g_stop_requested && (now = now_ns()) < deadline) {
        if (now - interval_start >= PROGRESS_INTERVAL_NS) {
            double seconds = (double)(now - interval_start) / (double)NS_PER_SEC;
            fprintf(stderr, "loadgen: fairness: %s: canaries %.0f msg/s, flood %.0f msg/s\n", phase,
                    (double)(m->canary_echoes - canary_start) / seconds,
                    (double)(m->flood_echo_bytes - flood_start) / m->reply_len / seconds);
            interval_start = now;
            canary_start = m->canary_echoes;
            flood_start = m->flood_echo_bytes;
        }
        uint64_t next_progress = interval_start + PROGRESS_INTERVAL_NS;
        engine_poll(e, deadline < next_progress ? deadline : next_progress);
    }
}

/*
 * Ends a measured window. A canary message still unanswered counts with the time it has waited so far (a lower bound):
 * otherwise a window in which the canaries starved would show only the few echoes that made it, or none at all.
 * Its echo, when it comes, falls outside any window and is not counted again.
 */
static void end_window(fairness_mode_t *m, const engine_t *e)
{
    uint64_t now = now_ns();
    for (uint32_t i = 0; i < m->canaries; i++) {
        if (e->conns[i].state == CONN_OPEN && m->conns[i].in_flight) {
            hist_record(&m->latency[m->measuring], now - m->conns[i].sent_at);
            m->waiting[m->measuring]++;
        }
    }
    m->measuring = PHASE_NONE;
}

static void report_phase(const fairness_mode_t *m, enum phase phase, const char *name, double seconds)
{
    printf(" %s_messages=%llu %s_msgs_per_sec=%.1f %s_waiting=%llu", name, (unsigned long long)m->received[phase], name,
           seconds > 0 ? (double)m->received[phase] / seconds : 0.0, name, (unsigned long long)m->waiting[phase]);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%s_latency", name);
    report_latency(prefix, &m->latency[phase]);
}

int run_fairness(const options_t *opt)
{
    uint32_t n = opt->connections + opt->flooders;
    fairness_mode_t m = {.opt = opt, .canaries = opt->connections};
    m.conns = calloc(n, sizeof *m.conns);
    m.block = malloc(FLOOD_BLOCK_BYTES);
    if (m.conns == NULL || m.block == NULL) {
        fatal("out of memory for %u connections", n);
    }
    m.block_len = flood_block_build(m.block, FLOOD_BLOCK_BYTES, opt->flood_size, &m.block_frames);
    m.frame_len = (uint32_t)(m.block_len / m.block_frames);
    m.reply_len = ECHO_HEADER_BYTES + opt->flood_size;
    m.replies_len = (size_t)m.block_frames * m.reply_len;
    m.replies = malloc(m.replies_len);
    if (m.replies == NULL) {
        fatal("out of memory for the flood's echoes");
    }
    for (uint32_t i = 0; i < m.block_frames; i++) {
        uint8_t *reply = m.replies + (size_t)i * m.reply_len;
        reply[0] = ECHO_FIRST_BYTE;
        reply[1] = (uint8_t)opt->flood_size;
        for (uint32_t j = 0; j < opt->flood_size; j++) {
            reply[ECHO_HEADER_BYTES + j] = flood_payload_byte(i, j);
        }
    }

    engine_t *e = malloc(sizeof *e);
    if (e == NULL) {
        fatal("out of memory for the engine");
    }
    engine_init(e, opt->targets, opt->ntargets, n, opt->concurrency, (uint64_t)(opt->connect_timeout_s * NS_PER_SEC), &fairness_ops, &m);
    engine_connect_range(e, 0, n, opt->path);
    while (engine_connecting(e) && !g_stop_requested) {
        engine_poll(e, now_ns() + ENGINE_TICK_NS);
    }
    uint32_t canaries_open = 0;
    uint32_t flooders_open = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (e->conns[i].state == CONN_OPEN) {
            *(i < m.canaries ? &canaries_open : &flooders_open) += 1;
        }
    }
    fprintf(stderr, "loadgen: fairness: %u of %u canaries and %u of %u flooders open\n", canaries_open, m.canaries, flooders_open,
            opt->flooders);

    /* Nothing to measure without canaries: report the connection errors at once. */
    int measurable = canaries_open > 0;
    m.sending = measurable;
    for (uint32_t i = 0; i < m.canaries; i++) {
        if (e->conns[i].state == CONN_OPEN) {
            canary_send(&m, &e->conns[i]);
        }
    }

    double quiet_seconds = 0;
    double flood_seconds = 0;
    uint64_t cpu_start = 0;
    uint64_t cpu_end = 0;
    uint64_t flood_bytes_start = 0;
    uint64_t flood_bytes_end = 0;
    if (measurable) {
        start_flood(&m, e);
        run_until(&m, e, now_ns() + (uint64_t)(opt->warmup_s * NS_PER_SEC), "warm-up");
        stop_flood(&m, e);
        drain_flood(&m, e);
        run_until(&m, e, now_ns() + QUIET_SETTLE_NS, "settling");

        uint64_t start = now_ns();
        m.measuring = PHASE_QUIET;
        run_until(&m, e, start + (uint64_t)(opt->duration_s * NS_PER_SEC), "quiet");
        end_window(&m, e);
        quiet_seconds = (double)(now_ns() - start) / (double)NS_PER_SEC;

        start_flood(&m, e);
        run_until(&m, e, now_ns() + FLOOD_SETTLE_NS, "flood settling");
        cpu_start = process_cpu_ns();
        flood_bytes_start = m.flood_echo_bytes;
        start = now_ns();
        m.measuring = PHASE_FLOOD;
        printf("measure_start\n");
        run_until(&m, e, start + (uint64_t)(opt->duration_s * NS_PER_SEC), "flooded");
        end_window(&m, e);
        flood_seconds = (double)(now_ns() - start) / (double)NS_PER_SEC;
        flood_bytes_end = m.flood_echo_bytes;
        cpu_end = process_cpu_ns();
        printf("measure_end\n");
        stop_flood(&m, e);
        m.sending = 0;
        drain_flood(&m, e);
    } else {
        printf("measure_start\nmeasure_end\n");
    }

    /* A canary whose message has waited past the stall timeout has lost its echo. */
    uint32_t stalled = 0;
    uint64_t now = now_ns();
    uint64_t stall_ns = (uint64_t)(opt->stall_timeout_s * NS_PER_SEC);
    for (uint32_t i = 0; i < m.canaries; i++) {
        if (e->conns[i].state == CONN_OPEN && m.conns[i].in_flight && now - m.conns[i].sent_at > stall_ns) {
            stalled++;
        }
    }
    uint64_t flood_frames_sent = 0;
    for (uint32_t i = m.canaries; i < n; i++) {
        flood_frames_sent += m.conns[i].tx_bytes / m.frame_len;
    }

    engine_close_range(e, 0, n, (uint64_t)(opt->close_timeout_s * NS_PER_SEC));

    uint64_t flood_echoes = (flood_bytes_end - flood_bytes_start) / m.reply_len;
    printf("result mode=fairness canaries=%u size=%u flooders=%u flood_size=%u canaries_open=%u flooders_open=%u duration_s=%.3f",
           m.canaries, opt->size, opt->flooders, opt->flood_size, canaries_open, flooders_open, flood_seconds);
    report_phase(&m, PHASE_QUIET, "quiet", quiet_seconds);
    report_phase(&m, PHASE_FLOOD, "flood", flood_seconds);
    printf(" flood_echoes=%llu flood_echoes_per_sec=%.1f flood_frames_sent=%llu flood_missing=%llu flood_mismatches=%llu"
           " mismatches=%llu stalled=%u client_cpu_pct=%.1f interrupted=%d",
           (unsigned long long)flood_echoes, flood_seconds > 0 ? (double)flood_echoes / flood_seconds : 0.0,
           (unsigned long long)flood_frames_sent, (unsigned long long)m.flood_missing, (unsigned long long)m.flood_mismatches,
           (unsigned long long)m.mismatches, stalled,
           flood_seconds > 0 ? 100.0 * (double)(cpu_end - cpu_start) / (flood_seconds * (double)NS_PER_SEC) : 0.0,
           g_stop_requested ? 1 : 0);
    engine_print_counters(e);
    printf("\n");

    engine_free(e);
    free(e);
    free(m.conns);
    free(m.block);
    free(m.replies);
    return 0;
}
