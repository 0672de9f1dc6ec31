/*
 * tick: N clients of the JSON room protocol (/ws) join one room of a ticking room type with
 * joinOrCreate (the first client alone, so that the room exists before the others look for it; the
 * room has more seats than clients, so all end up in it). Every tick the room broadcasts a binary
 * state delta whose first 8 bytes are the server's CLOCK_MONOTONIC time in ns; each client receives it
 * as [4-byte big-endian session sequence number][payload] and records now - send time. Sequence numbers
 * (binary deliveries and numbered text events alike) must go up by one per session: anything else is a gap.
 */
#include "tick.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "engine.h"
#include "jsonscan.h"
#include "report.h"

/* Text messages are small JSON objects; a join reply lists every member (~10 bytes each, 1000 at most). */
#define TICK_TEXT_MAX (32u * 1024)
/* How often the current rate is printed to stderr, so a stalled room is visible. */
#define PROGRESS_INTERVAL_NS (5 * NS_PER_SEC)
/* A send time this far ahead of our clock means the two clocks differ: the latency would be meaningless. */
#define TICK_CLOCK_SKEW_NS (1 * NS_PER_MS)
/* The join request; the room type is validated to need no escaping. */
#define TICK_JOIN_FORMAT "{\"op\":\"joinOrCreate\",\"type\":\"%s\",\"ref\":%u}"
/* Diagnostics described per kind before the rest are only counted. */
#define TICK_LOGGED_PER_KIND 3

typedef enum tick_phase {
    PHASE_CONNECTED = 0,  /* waiting for the welcome */
    PHASE_WELCOMED,       /* may join */
    PHASE_JOINING,        /* joinOrCreate sent */
    PHASE_JOINED,
    PHASE_REFUSED,        /* the join failed; the connection only counts sequence numbers */
} tick_phase_t;

typedef struct tick_conn {
    uint8_t phase;
    uint8_t text_overflow;    /* the text message being received is longer than TICK_TEXT_MAX */
    uint8_t head[TICK_HEAD_BYTES];
    uint32_t text_len;
    char *text;
    uint64_t last_seq;        /* last session sequence number seen (0 = none yet; numbering starts at 1) */
} tick_conn_t;

typedef struct tick_mode {
    const options_t *opt;
    tick_conn_t *conns;
    int measuring;
    char room[MAX_ROOM_NAME + 1]; /* the room the first client joined */
    uint32_t joined;
    uint32_t other_room;      /* clients that ended up in another room than the first */
    uint64_t welcomes;
    uint64_t join_refused;
    uint64_t deliveries;      /* binary deliveries in the measured window */
    uint64_t received;        /* binary deliveries in any phase, for progress lines */
    uint64_t gaps;            /* a sequence number that was not the previous one plus one (whole run) */
    uint64_t bad_messages;    /* wrong length, malformed text, send time in the future (whole run) */
    uint64_t texts_ignored;   /* text messages too long to read */
    uint64_t numbered_texts;  /* text messages carrying a seq (presence and other room events) */
    uint64_t logged[4];
    histogram_t latency;
} tick_mode_t;

enum { LOG_BAD = 0, LOG_GAP, LOG_REFUSED, LOG_OTHER_ROOM };

static uint32_t delivery_length(const options_t *opt) { return TICK_SEQ_BYTES + opt->size; }

void tick_read_head(const uint8_t head[TICK_HEAD_BYTES], uint32_t *seq, uint64_t *sent_ns)
{
    *seq = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
    uint64_t t = 0;
    for (int i = (int)TICK_TIMESTAMP_BYTES - 1; i >= 0; i--) {
        t = t << 8 | head[TICK_SEQ_BYTES + (unsigned)i];
    }
    *sent_ns = t;
}

void tick_classify_text(const char *json, size_t len, tick_text_t *out)
{
    memset(out, 0, sizeof *out);
    const char *op;
    size_t op_len;
    if (json_get_string(json, len, "op", &op, &op_len) != JSON_FOUND) {
        out->kind = TICK_TEXT_MALFORMED;
        return;
    }
    out->has_seq = json_get_uint(json, len, "seq", &out->seq) == JSON_FOUND;
    if (json_string_equals(op, op_len, "welcome")) {
        out->kind = TICK_TEXT_WELCOME;
        return;
    }
    uint64_t ref = 0;
    int ours = json_get_uint(json, len, "ref", &ref) == JSON_FOUND && ref == TICK_JOIN_REF;
    if (!ours) {
        out->kind = TICK_TEXT_OTHER;
        return;
    }
    const char *status;
    size_t status_len;
    if (json_string_equals(op, op_len, "reply") && json_get_string(json, len, "status", &status, &status_len) == JSON_FOUND &&
        json_string_equals(status, status_len, "ok") && json_get_string(json, len, "room", &out->room, &out->room_len) == JSON_FOUND) {
        out->kind = TICK_TEXT_JOINED;
        return;
    }
    if (json_string_equals(op, op_len, "reply") || json_string_equals(op, op_len, "error")) {
        out->kind = TICK_TEXT_JOIN_REFUSED;
        if (json_get_string(json, len, "reason", &out->reason, &out->reason_len) != JSON_FOUND) {
            out->reason = NULL;
            out->reason_len = 0;
        }
        return;
    }
    out->kind = TICK_TEXT_OTHER;
}

static void log_once(tick_mode_t *m, int kind, const conn_t *c, const char *what, const char *detail, size_t detail_len)
{
    if (m->logged[kind]++ < TICK_LOGGED_PER_KIND) {
        fprintf(stderr, "loadgen: tick: connection %u: %s%s%.*s\n", c->id, what, detail_len ? ": " : "", (int)detail_len,
                detail != NULL ? detail : "");
    }
}

/* Every numbered message (binary or text) must carry the previous number plus one. */
static void check_seq(tick_mode_t *m, conn_t *c, uint64_t seq)
{
    tick_conn_t *t = &m->conns[c->id];
    if (seq != t->last_seq + 1) {
        m->gaps++;
        char detail[64];
        int n = snprintf(detail, sizeof detail, "expected %llu, got %llu", (unsigned long long)(t->last_seq + 1),
                         (unsigned long long)seq);
        log_once(m, LOG_GAP, c, "sequence gap", detail, n > 0 ? (size_t)n : 0);
    }
    t->last_seq = seq;
}

static void tick_on_open(void *mode, conn_t *c)
{
    tick_mode_t *m = mode;
    tick_conn_t *t = &m->conns[c->id];
    memset(t, 0, sizeof *t);
    t->text = malloc(TICK_TEXT_MAX);
    if (t->text == NULL) {
        fatal("out of memory for text buffers");
    }
}

static void tick_on_data(void *mode, conn_t *c, const uint8_t *data, size_t len, uint64_t offset)
{
    tick_mode_t *m = mode;
    tick_conn_t *t = &m->conns[c->id];
    if (c->parser.message_opcode == WS_OP_TEXT) {
        if (t->text_overflow || len > TICK_TEXT_MAX - t->text_len) {
            t->text_overflow = 1;
            return;
        }
        memcpy(t->text + t->text_len, data, len);
        t->text_len += (uint32_t)len;
        return;
    }
    if (offset < TICK_HEAD_BYTES) {
        size_t take = TICK_HEAD_BYTES - offset < len ? TICK_HEAD_BYTES - offset : len;
        memcpy(t->head + offset, data, take);
    }
}

static void on_text(tick_mode_t *m, conn_t *c)
{
    tick_conn_t *t = &m->conns[c->id];
    if (t->text_overflow) {
        m->texts_ignored++;
        return;
    }
    tick_text_t text;
    tick_classify_text(t->text, t->text_len, &text);
    if (text.has_seq) {
        m->numbered_texts++;
        check_seq(m, c, text.seq);
    }
    switch (text.kind) {
    case TICK_TEXT_WELCOME:
        m->welcomes++;
        if (t->phase == PHASE_CONNECTED) {
            t->phase = PHASE_WELCOMED;
        }
        break;
    case TICK_TEXT_JOINED:
        if (t->phase != PHASE_JOINING) {
            break;
        }
        t->phase = PHASE_JOINED;
        m->joined++;
        if (m->room[0] == '\0' && text.room_len <= MAX_ROOM_NAME) {
            memcpy(m->room, text.room, text.room_len);
            m->room[text.room_len] = '\0';
        } else if (!json_string_equals(text.room, text.room_len, m->room)) {
            m->other_room++;
            log_once(m, LOG_OTHER_ROOM, c, "joined another room", text.room, text.room_len);
        }
        break;
    case TICK_TEXT_JOIN_REFUSED:
        if (t->phase == PHASE_JOINING) {
            t->phase = PHASE_REFUSED;
            m->join_refused++;
            log_once(m, LOG_REFUSED, c, "joinOrCreate refused", text.reason, text.reason_len);
        }
        break;
    case TICK_TEXT_MALFORMED:
        m->bad_messages++;
        log_once(m, LOG_BAD, c, "text message is not a protocol message", t->text, t->text_len > 80 ? 80 : t->text_len);
        break;
    default:
        break;
    }
}

static void on_delivery(tick_mode_t *m, conn_t *c, uint64_t length)
{
    tick_conn_t *t = &m->conns[c->id];
    if (length != delivery_length(m->opt)) {
        m->bad_messages++;
        char detail[64];
        int n = snprintf(detail, sizeof detail, "%llu bytes, expected %u", (unsigned long long)length, delivery_length(m->opt));
        log_once(m, LOG_BAD, c, "binary message of the wrong length", detail, n > 0 ? (size_t)n : 0);
        return;
    }
    uint32_t seq;
    uint64_t sent_ns;
    tick_read_head(t->head, &seq, &sent_ns);
    check_seq(m, c, seq);
    uint64_t now = c->engine->read_at_ns;
    if (sent_ns == 0 || sent_ns > now + TICK_CLOCK_SKEW_NS) {
        m->bad_messages++;
        log_once(m, LOG_BAD, c, "send time is not on our CLOCK_MONOTONIC", NULL, 0);
        return;
    }
    m->received++;
    if (m->measuring) {
        m->deliveries++;
        hist_record(&m->latency, now > sent_ns ? now - sent_ns : 0);
    }
}

static void tick_on_message(void *mode, conn_t *c, int opcode, uint64_t length)
{
    tick_mode_t *m = mode;
    if (opcode == WS_OP_TEXT) {
        on_text(m, c);
        m->conns[c->id].text_len = 0;
        m->conns[c->id].text_overflow = 0;
    } else {
        on_delivery(m, c, length);
    }
}

static const mode_ops_t tick_ops = {
    .on_open = tick_on_open,
    .on_data = tick_on_data,
    .on_message = tick_on_message,
};

static void send_join(tick_mode_t *m, conn_t *c)
{
    char request[sizeof TICK_JOIN_FORMAT + MAX_ROOM_NAME + 16];
    int n = snprintf(request, sizeof request, TICK_JOIN_FORMAT, m->opt->room_type, TICK_JOIN_REF);
    m->conns[c->id].phase = PHASE_JOINING;
    conn_send_message(c, WS_OP_TEXT, (const uint8_t *)request, (size_t)n);
}

/* Open connections still in `phase`. */
static uint32_t count_in_phase(const tick_mode_t *m, const engine_t *e, tick_phase_t phase)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->nconns; i++) {
        if (e->conns[i].state == CONN_OPEN && m->conns[i].phase == phase) {
            n++;
        }
    }
    return n;
}

/* Serves connections until no open one is in `phase`, or the deadline. */
static void wait_while_in_phase(tick_mode_t *m, engine_t *e, tick_phase_t phase, uint64_t deadline)
{
    while (!g_stop_requested && now_ns() < deadline && count_in_phase(m, e, phase) > 0) {
        engine_poll(e, deadline);
    }
}

/* Everyone joins; the first alone, so the others find its room instead of racing to create their own. */
static void join_all(tick_mode_t *m, engine_t *e)
{
    uint64_t timeout = (uint64_t)(m->opt->connect_timeout_s * NS_PER_SEC);
    wait_while_in_phase(m, e, PHASE_CONNECTED, now_ns() + timeout);
    uint32_t first = e->nconns;
    for (uint32_t i = 0; i < e->nconns && first == e->nconns; i++) {
        if (e->conns[i].state == CONN_OPEN && m->conns[i].phase == PHASE_WELCOMED) {
            first = i;
        }
    }
    if (first == e->nconns) {
        return;
    }
    send_join(m, &e->conns[first]);
    wait_while_in_phase(m, e, PHASE_JOINING, now_ns() + timeout);
    for (uint32_t i = 0; i < e->nconns; i++) {
        if (e->conns[i].state == CONN_OPEN && m->conns[i].phase == PHASE_WELCOMED) {
            send_join(m, &e->conns[i]);
        }
    }
    wait_while_in_phase(m, e, PHASE_JOINING, now_ns() + timeout);
}

/* Serves the room until deadline, printing the delivery rate to stderr every PROGRESS_INTERVAL_NS. */
static void run_until(tick_mode_t *m, engine_t *e, uint64_t deadline, const char *phase)
{
    uint64_t interval_start = now_ns();
    uint64_t interval_received = m->received;
    uint64_t now;
    while (!g_stop_requested && (now = now_ns()) < deadline) {
        if (now - interval_start >= PROGRESS_INTERVAL_NS) {
            fprintf(stderr, "loadgen: tick: %s: %.0f deliveries/s\n", phase,
                    (double)(m->received - interval_received) * (double)NS_PER_SEC / (double)(now - interval_start));
            interval_start = now;
            interval_received = m->received;
        }
        uint64_t next_progress = interval_start + PROGRESS_INTERVAL_NS;
        engine_poll(e, deadline < next_progress ? deadline : next_progress);
    }
}

int run_tick(const options_t *opt)
{
    uint32_t n = opt->connections;
    tick_mode_t m = {.opt = opt};
    m.conns = calloc(n, sizeof *m.conns);
    engine_t *e = malloc(sizeof *e);
    if (m.conns == NULL || e == NULL) {
        fatal("out of memory for %u clients", n);
    }
    engine_init(e, opt->targets, opt->ntargets, n, opt->concurrency, (uint64_t)(opt->connect_timeout_s * NS_PER_SEC), &tick_ops, &m);

    engine_connect_range(e, 0, n, opt->path);
    while (engine_connecting(e) && !g_stop_requested) {
        engine_poll(e, now_ns() + ENGINE_TICK_NS);
    }
    join_all(&m, e);
    fprintf(stderr, "loadgen: tick: %u of %u clients joined %s\n", m.joined, n, m.room[0] ? m.room : "no room");
    printf("joined clients=%u open=%u joined=%u room=%s other_room=%u join_refused=%llu\n", n, e->open_count, m.joined,
           m.room[0] ? m.room : "-", m.other_room, (unsigned long long)m.join_refused);

    /* Nothing to measure: report the errors at once instead of idling through the phases. */
    int nothing_joined = m.joined == 0;
    if (!nothing_joined) {
        run_until(&m, e, now_ns() + (uint64_t)(opt->warmup_s * NS_PER_SEC), "warm-up");
    }

    hist_reset(&m.latency);
    m.deliveries = 0;
    uint64_t cpu_start = process_cpu_ns();
    uint64_t start = now_ns();
    m.measuring = 1;
    printf("measure_start\n");
    if (!nothing_joined) {
        run_until(&m, e, start + (uint64_t)(opt->duration_s * NS_PER_SEC), "measuring");
    }
    uint64_t end = now_ns();
    m.measuring = 0;
    uint64_t cpu_end = process_cpu_ns();
    printf("measure_end\n");
    uint32_t open_at_end = e->open_count;

    engine_close_range(e, 0, n, (uint64_t)(opt->close_timeout_s * NS_PER_SEC));

    double seconds = (double)(end - start) / (double)NS_PER_SEC;
    double expected = (double)m.joined * (double)opt->hz;
    double rate = seconds > 0 ? (double)m.deliveries / seconds : 0.0;
    printf("result mode=tick clients=%u size=%u hz=%u joined=%u other_room=%u join_refused=%llu open_at_end=%u duration_s=%.3f"
           " deliveries=%llu deliveries_per_sec=%.1f expected_per_sec=%.1f delivery_ratio=%.4f",
           n, opt->size, opt->hz, m.joined, m.other_room, (unsigned long long)m.join_refused, open_at_end, seconds,
           (unsigned long long)m.deliveries, rate, expected, expected > 0 ? rate / expected : 0.0);
    report_latency("latency", &m.latency);
    printf(" gaps=%llu bad_messages=%llu texts_ignored=%llu numbered_texts=%llu welcomes=%llu client_cpu_pct=%.1f interrupted=%d",
           (unsigned long long)m.gaps, (unsigned long long)m.bad_messages, (unsigned long long)m.texts_ignored,
           (unsigned long long)m.numbered_texts, (unsigned long long)m.welcomes,
           seconds > 0 ? 100.0 * (double)(cpu_end - cpu_start) / (double)(end - start) : 0.0, g_stop_requested ? 1 : 0);
    engine_print_counters(e);
    printf("\n");

    engine_free(e);
    free(e);
    for (uint32_t i = 0; i < n; i++) {
        free(m.conns[i].text);
    }
    free(m.conns);
    return 0;
}
