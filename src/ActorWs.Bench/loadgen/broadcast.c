/*
 * broadcast: M members join /rooms/<room>; K of them (spread evenly over the join order) send.
 * Closed loop (the default): a sender sends its next message when its own previous one has come back
 * through the room (or after the stall timeout, counted), so the rate is whatever the server turns round.
 * Open loop (--rate R): the senders together send R messages/s, each at fixed times whether or not its
 * earlier ones came back, as independent clients do; a message the generator sends late still carries
 * the time it was due, so its wait counts in the latency. The rate climbs from a tenth to R over the
 * warm-up, so a server still compiling its code is not buried under a backlog the measured window would
 * inherit. Each payload carries its send time, so every member measures delivery latency; deliveries/s
 * counts messages received by all members together.
 * Per (member, sender) sequence numbers reveal lost or reordered deliveries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "engine.h"
#include "options.h"
#include "report.h"

#define PAYLOAD_FILLER 0x42
#define NOT_A_SENDER UINT32_MAX
/* How often the current rate is printed to stderr, so a slow warm-up is visible. */
#define PROGRESS_INTERVAL_NS (5 * NS_PER_SEC)

typedef struct member {
    uint8_t head[BROADCAST_HEADER_BYTES]; /* first bytes of the message being received */
    uint8_t bad;
    uint32_t sender_slot;                 /* NOT_A_SENDER for listeners */
} member_t;

typedef struct sender {
    uint32_t member;     /* connection index */
    uint32_t seq;        /* sequence number of the last message sent (0 = none yet) */
    uint64_t sent_at;    /* the time its last message carries: when it was sent (closed loop) or due (open loop) */
    uint64_t next_due;   /* open loop: when its next message is due */
    int awaiting;        /* closed loop: waiting for its own last message to come back */
} sender_t;

typedef struct broadcast_mode {
    const options_t *opt;
    member_t *members;
    sender_t *senders;
    uint32_t *last_seen;  /* members x senders: last sequence number delivered, 0 = none yet */
    uint64_t interval_ns; /* open loop: time between one sender's messages at the full rate */
    uint64_t ramp_start;  /* open loop: the rate climbs from a tenth to full between these two times */
    uint64_t ramp_end;
    int sending;
    int measuring;
    uint64_t deliveries;  /* messages received by members in the measured window */
    uint64_t sent;        /* messages sent in the measured window */
    uint64_t bad_messages;
    uint64_t gaps;        /* a member saw a sender's sequence jump or go backwards */
    uint64_t stalls;      /* a sender gave up waiting for its own message */
    uint64_t received;    /* deliveries in any phase, for progress lines */
    uint64_t started_at;  /* when this run began: a message sent before it is a previous run's, still draining */
    uint64_t stale;       /* such messages: a previous run's backlog reaching the members that joined after it */
    histogram_t latency;
} broadcast_mode_t;

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }

/* Sends the sender's next message, carrying stamp as its send time. */
static void send_next(broadcast_mode_t *m, engine_t *e, uint32_t slot, uint64_t stamp)
{
    sender_t *s = &m->senders[slot];
    conn_t *c = &e->conns[s->member];
    if (c->state != CONN_OPEN) {
        s->awaiting = 0;
        return;
    }
    uint8_t payload[MAX_MESSAGE_BYTES];
    uint32_t size = m->opt->size;
    memset(payload + BROADCAST_HEADER_BYTES, PAYLOAD_FILLER, size - BROADCAST_HEADER_BYTES);
    s->seq++;
    s->sent_at = stamp;
    s->awaiting = 1;
    put_u64(payload, s->sent_at);
    put_u32(payload + 8, slot);
    put_u32(payload + 12, s->seq);
    if (m->measuring) {
        m->sent++;
    }
    conn_send_message(c, WS_OP_BINARY, payload, size);
}

static void broadcast_on_open(void *mode, conn_t *c)
{
    (void)mode;
    (void)c;
}

static void broadcast_on_data(void *mode, conn_t *c, const uint8_t *data, size_t len, uint64_t offset)
{
    broadcast_mode_t *m = mode;
    if (offset < BROADCAST_HEADER_BYTES) {
        size_t take = BROADCAST_HEADER_BYTES - offset < len ? BROADCAST_HEADER_BYTES - offset : len;
        memcpy(m->members[c->id].head + offset, data, take);
    }
}

static void broadcast_on_message(void *mode, conn_t *c, int opcode, uint64_t length)
{
    broadcast_mode_t *m = mode;
    member_t *member = &m->members[c->id];
    uint32_t senders = m->opt->senders;
    if (opcode != WS_OP_BINARY || length != m->opt->size) {
        m->bad_messages++;
        return;
    }
    uint64_t sent_at = get_u64(member->head);
    uint32_t slot = get_u32(member->head + 8);
    uint32_t seq = get_u32(member->head + 12);
    uint64_t now = c->engine->read_at_ns;
    if (slot >= senders || sent_at > now || seq == 0) {
        m->bad_messages++;
        return;
    }
    if (sent_at < m->started_at) {
        /* The room still broadcasts what an earlier run's senders sent (an overloaded rung of a ladder leaves a backlog
           behind): not this run's message, so neither a delivery nor a gap in this run's sequences. */
        m->stale++;
        return;
    }
    m->received++;
    if (m->measuring) {
        m->deliveries++;
        hist_record(&m->latency, now - sent_at);
    }
    uint32_t *last = &m->last_seen[(uint64_t)c->id * senders + slot];
    if (*last != 0 && seq != *last + 1) {
        if (m->gaps++ < ENGINE_ERRORS_LOGGED_PER_KIND) {
            /* Which: a jump forward is a loss, a step back a duplicate or reordering; the member's target is its node. */
            fprintf(stderr, "loadgen: broadcast: gap on member %u (target %u): sender %u's message %u after %u\n", c->id,
                    engine_target_index(c->id, c->engine->ntargets), slot, seq, *last);
        }
    }
    *last = seq;

    sender_t *s = &m->senders[slot];
    if (m->opt->rate == 0 && member->sender_slot == slot && s->awaiting && seq == s->seq) {
        s->awaiting = 0;
        if (m->sending) {
            send_next(m, c->engine, slot, now_ns());
        }
    }
}

static const mode_ops_t broadcast_ops = {
    .on_open = broadcast_on_open,
    .on_data = broadcast_on_data,
    .on_message = broadcast_on_message,
};

/*
 * Open loop: sends every message that is due, all at once if the loop fell behind (each still carries the time
 * it was due), and returns when the next one is.
 */
static uint64_t send_due(broadcast_mode_t *m, engine_t *e, uint64_t now)
{
    uint64_t interval = m->interval_ns;
    if (now < m->ramp_end) {
        double share = 0.1 + 0.9 * (double)(now - m->ramp_start) / (double)(m->ramp_end - m->ramp_start);
        interval = (uint64_t)((double)interval / share);
    }
    uint64_t next = UINT64_MAX;
    for (uint32_t slot = 0; slot < m->opt->senders; slot++) {
        sender_t *s = &m->senders[slot];
        while (s->next_due <= now) {
            send_next(m, e, slot, s->next_due);
            s->next_due += interval;
        }
        if (s->next_due < next) {
            next = s->next_due;
        }
    }
    return next;
}

/* Serves the room until deadline: sends what is due (open loop), or restarts senders whose message never came back. */
static void run_until(broadcast_mode_t *m, engine_t *e, uint64_t deadline, const char *phase)
{
    uint64_t stall_ns = (uint64_t)(m->opt->stall_timeout_s * NS_PER_SEC);
    uint64_t next_check = now_ns() + ENGINE_TICK_NS;
    uint64_t interval_start = now_ns();
    uint64_t interval_received = m->received;
    uint64_t now;
    while (!g_stop_requested && (now = now_ns()) < deadline) {
        if (now - interval_start >= PROGRESS_INTERVAL_NS) {
            fprintf(stderr, "loadgen: broadcast: %s: %.0f deliveries/s\n", phase,
                    (double)(m->received - interval_received) * (double)NS_PER_SEC / (double)(now - interval_start));
            interval_start = now;
            interval_received = m->received;
        }
        if (now >= next_check) {
            next_check = now + ENGINE_TICK_NS;
            for (uint32_t slot = 0; slot < m->opt->senders && m->sending && m->opt->rate == 0; slot++) {
                sender_t *s = &m->senders[slot];
                if (s->awaiting && now - s->sent_at > stall_ns) {
                    m->stalls++;
                    send_next(m, e, slot, now_ns());
                }
            }
        }
        uint64_t wake = deadline < next_check ? deadline : next_check;
        if (m->opt->rate > 0 && m->sending) {
            uint64_t due = send_due(m, e, now);
            if (due < wake) {
                wake = due;
            }
        }
        engine_poll(e, wake);
    }
}

int run_broadcast(const options_t *opt)
{
    uint32_t n = opt->connections;
    uint32_t k = opt->senders;
    broadcast_mode_t m = {.opt = opt, .started_at = now_ns()};
    m.members = calloc(n, sizeof *m.members);
    m.senders = calloc(k, sizeof *m.senders);
    m.last_seen = calloc((size_t)n * k, sizeof *m.last_seen);
    engine_t *e = malloc(sizeof *e);
    if (m.members == NULL || m.senders == NULL || m.last_seen == NULL || e == NULL) {
        fatal("out of memory for %u members and %u senders", n, k);
    }
    for (uint32_t i = 0; i < n; i++) {
        m.members[i].sender_slot = NOT_A_SENDER;
    }
    for (uint32_t slot = 0; slot < k; slot++) {
        uint32_t member = (uint32_t)((uint64_t)slot * n / k);
        m.senders[slot].member = member;
        m.members[member].sender_slot = slot;
    }
    engine_init(e, opt->targets, opt->ntargets, n, opt->concurrency, (uint64_t)(opt->connect_timeout_s * NS_PER_SEC), &broadcast_ops, &m);

    engine_connect_range(e, 0, n, opt->path);
    while (engine_connecting(e) && !g_stop_requested) {
        engine_poll(e, now_ns() + ENGINE_TICK_NS);
    }
    fprintf(stderr, "loadgen: broadcast: %u of %u members joined %s\n", e->open_count, n, opt->path);

    /* Nothing to measure: report the connection errors at once instead of idling through the phases. */
    int nothing_open = e->open_count == 0;
    m.sending = !nothing_open;
    uint64_t first = now_ns();
    if (opt->rate > 0) {
        /* Each sender sends rate/k messages/s; their first ones are spread over one interval of the whole rate. */
        m.interval_ns = (uint64_t)k * NS_PER_SEC / opt->rate;
        m.ramp_start = first;
        m.ramp_end = first + (uint64_t)(opt->warmup_s * NS_PER_SEC);
        for (uint32_t slot = 0; slot < k; slot++) {
            m.senders[slot].next_due = first + (uint64_t)slot * NS_PER_SEC / opt->rate;
        }
    } else if (m.sending) {
        for (uint32_t slot = 0; slot < k; slot++) {
            send_next(&m, e, slot, first);
        }
    }
    if (!nothing_open) {
        run_until(&m, e, now_ns() + (uint64_t)(opt->warmup_s * NS_PER_SEC), "warm-up");
    }

    hist_reset(&m.latency);
    m.deliveries = m.sent = 0;
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
    uint32_t open_at_end = e->open_count;

    engine_close_range(e, 0, n, (uint64_t)(opt->close_timeout_s * NS_PER_SEC));

    double seconds = (double)(end - start) / (double)NS_PER_SEC;
    double expected = (double)m.sent * (double)open_at_end;
    printf("result mode=broadcast members=%u senders=%u rate=%u size=%u open_at_end=%u duration_s=%.3f deliveries=%llu sent=%llu"
           " deliveries_per_sec=%.1f sends_per_sec=%.1f delivery_ratio=%.4f",
           n, k, opt->rate, opt->size, open_at_end, seconds, (unsigned long long)m.deliveries, (unsigned long long)m.sent,
           seconds > 0 ? (double)m.deliveries / seconds : 0.0, seconds > 0 ? (double)m.sent / seconds : 0.0,
           expected > 0 ? (double)m.deliveries / expected : 0.0);
    report_latency("latency", &m.latency);
    printf(" bad_messages=%llu gaps=%llu stalls=%llu stale=%llu client_cpu_pct=%.1f interrupted=%d", (unsigned long long)m.bad_messages,
           (unsigned long long)m.gaps, (unsigned long long)m.stalls, (unsigned long long)m.stale,
           seconds > 0 ? 100.0 * (double)(cpu_end - cpu_start) / (double)(end - start) : 0.0, g_stop_requested ? 1 : 0);
    engine_print_counters(e);
    printf("\n");

    engine_free(e);
    free(e);
    free(m.members);
    free(m.senders);
    free(m.last_seen);
    return 0;
}
