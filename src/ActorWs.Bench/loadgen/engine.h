/*
 * The connection engine: one epoll loop over non-blocking client sockets to 127.0.0.1. It connects
 * with a bounded number of handshakes in flight, performs the RFC 6455 opening handshake, decodes
 * server frames, answers pings, runs the closing handshake, and counts every failure by kind.
 * Scenario logic (echo, hold, broadcast) plugs in through mode_ops_t.
 */
#ifndef LOADGEN_ENGINE_H
#define LOADGEN_ENGINE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "histogram.h"
#include "wsproto.h"

#define ENGINE_MAX_EVENTS 1024
#define ENGINE_READ_BUFFER_BYTES (256 * 1024)
/* Timeouts are checked this often, so they fire at most this late. */
#define ENGINE_TICK_NS (100ull * 1000 * 1000)
/* A peer that stops reading cannot make us buffer more than this per connection. */
#define ENGINE_MAX_PENDING_OUTPUT (16u * 1024 * 1024)
/* How many failures of each kind are described on stderr before the rest are only counted. */
#define ENGINE_ERRORS_LOGGED_PER_KIND 3
/* Most servers one run connects to (--target given several times: the nodes of a cluster). */
#define ENGINE_MAX_TARGETS 16

typedef enum conn_state {
    CONN_IDLE = 0,    /* never started */
    CONN_CONNECTING,  /* TCP connect in progress */
    CONN_HANDSHAKE,   /* request sent, waiting for the 101 */
    CONN_OPEN,        /* WebSocket open */
    CONN_CLOSING,     /* our Close sent, waiting for the server's */
    CONN_DONE,        /* socket closed */
} conn_state_t;

struct engine;

typedef struct conn {
    struct engine *engine;
    int fd;
    uint32_t id;           /* index in engine->conns */
    uint8_t state;         /* conn_state_t */
    uint8_t want_write;    /* EPOLLOUT registered */
    uint8_t gathering;     /* frames queued while the data of one read is handled go out in one send after it */
    uint64_t started_ns;   /* when the connect (or the close) began */
    char accept[WS_ACCEPT_B64_LEN + 1];
    char *handshake;       /* response bytes while in CONN_HANDSHAKE, else NULL */
    uint32_t handshake_len;
    uint8_t *out;          /* bytes the socket did not take yet */
    uint32_t out_len;
    uint32_t out_sent;
    uint32_t out_cap;
    ws_parser_t parser;
} conn_t;

/* Scenario callbacks; only called for connections in CONN_OPEN (on_bytes also in CONN_CLOSING). */
typedef struct mode_ops {
    void (*on_open)(void *mode, conn_t *c);
    void (*on_data)(void *mode, conn_t *c, const uint8_t *data, size_t len, uint64_t offset);
    void (*on_message)(void *mode, conn_t *c, int opcode, uint64_t length);
    /*
     * Optional: sees the bytes of each read before they are decoded and returns how many of the first ones it took
     * for itself (those are not decoded); 0 leaves them all to the decoder. A mode that counts a flood's echoes without
     * decoding them uses it; it must hand the decoder whole frames only.
     */
    size_t (*on_bytes)(void *mode, conn_t *c, const uint8_t *data, size_t len);
    /*
     * Optional: the socket can take more and the engine has nothing of its own queued. The mode may write to c->fd
     * directly (whole frames, or the rest of its stream) and returns nonzero to be called again when there is room.
     * Asked for with conn_want_write.
     */
    int (*on_writable)(void *mode, conn_t *c);
} mode_ops_t;

typedef struct engine_counters {
    uint64_t connects_started;
    uint64_t opened;            /* handshakes completed */
    uint64_t err_connect;       /* socket/connect failed (refused, no ports, no fds) */
    uint64_t err_handshake;     /* bad or missing 101 response */
    uint64_t err_protocol;      /* server frame violating RFC 6455 */
    uint64_t err_closed;        /* server closed, reset, or sent Close while the connection was open */
    uint64_t err_timeout;       /* connect + handshake exceeded the connect timeout */
    uint64_t aborted;           /* connects still pending when their phase ended */
    uint64_t closed_clean;      /* closing handshake completed */
    uint64_t closed_unclean;    /* our Close got no Close back in time, or TCP closed first */
    uint64_t pings;             /* server pings received (each answered with a pong) */
    uint64_t pongs;             /* unsolicited server pongs (keep-alives) */
    uint64_t deflate_agreed;    /* handshakes where the server accepted our permessage-deflate offer */
    uint64_t deflate_declined;  /* handshakes where it answered without the extension */
    uint64_t deflate_server_no_takeover; /* agreed with server_no_context_takeover: no compressor kept between messages */
    uint64_t deflate_client_no_takeover; /* agreed with client_no_context_takeover */
    uint64_t compressed_messages; /* data messages the server sent compressed (RSV1) */
} engine_counters_t;

typedef enum wait_outcome {
    WAIT_COMMAND,  /* a line arrived on stdin */
    WAIT_EOF,      /* stdin closed or is not a pipe/terminal */
    WAIT_SIGNAL,   /* SIGINT/SIGTERM */
    WAIT_TIMEOUT,
} wait_outcome_t;

typedef struct engine {
    int epfd;
    conn_t *conns;
    uint32_t nconns;
    struct sockaddr_in targets[ENGINE_MAX_TARGETS]; /* connection i goes to targets[i % ntargets] */
    char host_headers[ENGINE_MAX_TARGETS][32];
    uint32_t ntargets;
    uint64_t opened_by_target[ENGINE_MAX_TARGETS]; /* handshakes completed per target */
    const mode_ops_t *ops;
    void *mode;
    uint64_t connect_timeout_ns;
    int offer_deflate;          /* handshakes offer permessage-deflate (RFC 7692); set before connecting */
    int coalesce_writes;        /* frames sent in reaction to one read leave together (see engine_coalesce_writes) */

    /* connect pump */
    const char *path;
    uint32_t pump_next;
    uint32_t pump_end;
    uint32_t pump_limit;
    uint32_t pump_inflight;
    uint64_t first_connect_ns;
    uint64_t last_open_ns;

    uint32_t open_count;
    uint32_t closing_count;
    uint64_t last_tick_ns;

    int stdin_watched;
    int stdin_eof;
    uint64_t stdin_lines;
    uint64_t stdin_lines_consumed;

    engine_counters_t counters;
    uint64_t errors_logged[8];
    histogram_t handshake_ns;   /* connect start to 101 received */

    uint8_t *read_buffer;
    /*
     * When the bytes being handled were read (CLOCK_MONOTONIC, ns): a fan-out mode times every message by it, so
     * the clock is read once per recv() rather than once per message (at 16 M deliveries/s the per-message read took
     * 40 % of the generator's core). Every message of a read arrived by then, so the latency is the same.
     */
    uint64_t read_at_ns;
    struct epoll_event events[ENGINE_MAX_EVENTS];
} engine_t;

/*
 * Sets up the engine for nconns connections spread round-robin over ntargets (1..ENGINE_MAX_TARGETS) addresses
 * 127.0.0.x:port: connection i goes to targets[engine_target_index(i, ntargets)]. Exits via fatal() on setup failure.
 */
void engine_init(engine_t *e, const struct sockaddr_in *targets, uint32_t ntargets, uint32_t nconns, uint32_t connect_concurrency,
                 uint64_t connect_timeout_ns, const mode_ops_t *ops, void *mode);

/* Which target connection conn_id goes to: round-robin over the targets in the order they were given. */
static inline uint32_t engine_target_index(uint32_t conn_id, uint32_t ntargets)
{
    return ntargets > 1 ? conn_id % ntargets : 0;
}

/*
 * Parses "A.B.C.D:PORT" (an IPv4 loopback address, 127.x.x.x, and a port 1..65535) into out.
 * Returns 0, -1 when the text is not of that form, -2 when the address is not loopback.
 */
int engine_parse_target(const char *text, struct sockaddr_in *out);
void engine_free(engine_t *e);

/* Starts connecting conns[first .. first+count) to path, at most connect_concurrency handshakes at a time. */
void engine_connect_range(engine_t *e, uint32_t first, uint32_t count, const char *path);
/* True while connections of the current range are still being started or handshaking. */
int engine_connecting(const engine_t *e);

/* Waits for events until deadline_ns (at most one tick) and processes them. */
void engine_poll(engine_t *e, uint64_t deadline_ns);

/* Sends a complete pre-encoded frame; returns 0, or -1 if the connection failed (and is now DONE). */
int conn_send(conn_t *c, const uint8_t *frame, size_t len);
/* Asks for mode_ops_t.on_writable as soon as the socket can take bytes (level-triggered: every poll while it can). */
void conn_want_write(conn_t *c);
/* Encodes and sends a masked frame (payload up to 64 KiB) with a fresh masking key. */
int conn_send_message(conn_t *c, int opcode, const uint8_t *payload, size_t len);

/*
 * Runs the closing handshake on every open connection of the range (Close 1000, wait for the
 * server's Close or timeout_ns), abandons pending connects, and closes every socket.
 */
void engine_close_range(engine_t *e, uint32_t first, uint32_t count, uint64_t timeout_ns);

/* Adds stdin to the epoll set so hold mode can be told when to continue. */
void engine_watch_stdin(engine_t *e);
/* Keeps serving connections until a stdin line, stdin EOF, a signal, or timeout_ns. */
wait_outcome_t engine_wait_for_command(engine_t *e, uint64_t timeout_ns);

/*
 * Makes every later handshake offer permessage-deflate (WS_DEFLATE_OFFER). Our own frames stay
 * uncompressed (RSV1 clear is always allowed); server frames with RSV1 are accepted on connections where
 * the server agreed and counted as compressed_messages, their payload handed to the mode as received.
 */
void engine_offer_deflate(engine_t *e, int offer);

/*
 * Makes frames sent while the data of one read is handled (e.g. the next echo requests of a pipelined client)
 * leave in one send() once that data is handled, as a client library writing what it has does; otherwise every
 * frame is its own send() and, with TCP_NODELAY, its own segment.
 */
void engine_coalesce_writes(engine_t *e, int coalesce);

/* Appends " err_connect=.. err_handshake=.. ..." for the result line. */
void engine_print_counters(const engine_t *e);

#endif
