/* See engine.h. Single-threaded; level-triggered epoll; one recv (and at most one send) per readiness event. */
#include "engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define INITIAL_OUTPUT_CAPACITY 4096u
#define HANDSHAKE_REQUEST_MAX 640
#define STDIN_READ_BYTES 256
#define CLOSE_PAYLOAD_BYTES 2

enum error_kind { KIND_CONNECT, KIND_HANDSHAKE, KIND_PROTOCOL, KIND_CLOSED, KIND_TIMEOUT };

static const char *const kind_names[] = {"connect", "handshake", "protocol", "closed", "timeout"};

/* Marks the stdin registration in the epoll set; connections are identified by their conn_t pointer. */
static int stdin_marker;

static void log_error(engine_t *e, enum error_kind kind, const conn_t *c, const char *what)
{
    if (e->errors_logged[kind]++ < ENGINE_ERRORS_LOGGED_PER_KIND) {
        fprintf(stderr, "loadgen: %s error on connection %u: %s\n", kind_names[kind], c->id, what);
    }
}

static void set_events(conn_t *c, int want_write)
{
    if (c->want_write == want_write) {
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | (want_write ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(c->engine->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
        fatal("epoll_ctl(MOD) failed: %s", strerror(errno));
    }
    c->want_write = (uint8_t)want_write;
}

/* Closes the socket and releases buffers; the only way a connection reaches CONN_DONE. */
static void conn_finish(conn_t *c)
{
    engine_t *e = c->engine;
    switch (c->state) {
    case CONN_CONNECTING:
    case CONN_HANDSHAKE:
        e->pump_inflight--;
        break;
    case CONN_OPEN:
        e->open_count--;
        break;
    case CONN_CLOSING:
        e->open_count--;
        e->closing_count--;
        break;
    default:
        break;
    }
    if (c->fd >= 0) {
        close(c->fd); /* also removes it from the epoll set */
        c->fd = -1;
    }
    free(c->out);
    c->out = NULL;
    c->out_len = c->out_sent = c->out_cap = 0;
    free(c->handshake);
    c->handshake = NULL;
    c->state = CONN_DONE;
}

/* The peer went away (EOF or socket error); counted according to what we were doing. */
static void conn_lost(conn_t *c, int err)
{
    engine_t *e = c->engine;
    const char *why = err == 0 ? "connection closed by server" : strerror(err);
    switch (c->state) {
    case CONN_CONNECTING:
        e->counters.err_connect++;
        log_error(e, KIND_CONNECT, c, why);
        break;
    case CONN_HANDSHAKE:
        e->counters.err_handshake++;
        log_error(e, KIND_HANDSHAKE, c, why);
        break;
    case CONN_OPEN:
        e->counters.err_closed++;
        log_error(e, KIND_CLOSED, c, why);
        break;
    case CONN_CLOSING:
        e->counters.closed_unclean++;
        break;
    default:
        break;
    }
    conn_finish(c);
}

/* Appends to the connection's pending output; -1 (connection lost) past ENGINE_MAX_PENDING_OUTPUT. */
static int output_append(conn_t *c, const uint8_t *frame, size_t len)
{
    size_t needed = (size_t)c->out_len + len;
    if (needed > ENGINE_MAX_PENDING_OUTPUT) {
        conn_lost(c, ENOBUFS);
        return -1;
    }
    if (needed > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : INITIAL_OUTPUT_CAPACITY;
        while (cap < needed) {
            cap *= 2;
        }
        uint8_t *grown = realloc(c->out, cap);
        if (grown == NULL) {
            fatal("out of memory for an output buffer of %zu bytes", cap);
        }
        c->out = grown;
        c->out_cap = (uint32_t)cap;
    }
    memcpy(c->out + c->out_len, frame, len);
    c->out_len += (uint32_t)len;
    return 0;
}

int conn_send(conn_t *c, const uint8_t *frame, size_t len)
{
    if (c->state == CONN_DONE || c->fd < 0) {
        return -1;
    }
    if (c->gathering) {
        return output_append(c, frame, len); /* sent by on_readable once the read is handled */
    }
    if (c->out_sent == c->out_len) {
        c->out_len = c->out_sent = 0;
        ssize_t written = send(c->fd, frame, len, MSG_NOSIGNAL);
        if (written == (ssize_t)len) {
            return 0;
        }
        if (written < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                conn_lost(c, errno);
                return -1;
            }
            written = 0;
        }
        frame += written;
        len -= (size_t)written;
    }
    if (output_append(c, frame, len) != 0) {
        return -1;
    }
    set_events(c, 1);
    return 0;
}

int conn_send_message(conn_t *c, int opcode, const uint8_t *payload, size_t len)
{
    uint8_t frame[WS_MAX_FRAME_HEADER + WS_LEN16_MAX];
    if (len > WS_LEN16_MAX) {
        return -1;
    }
    uint8_t mask[WS_MASK_BYTES];
    random_bytes(mask, sizeof mask);
    size_t frame_len = ws_encode_client_frame(frame, opcode, 1, payload, len, mask);
    return conn_send(c, frame, frame_len);
}

static void send_close(conn_t *c, uint16_t code)
{
    uint8_t payload[CLOSE_PAYLOAD_BYTES] = {(uint8_t)(code >> 8), (uint8_t)code};
    conn_send_message(c, WS_OP_CLOSE, payload, sizeof payload);
}

void conn_want_write(conn_t *c)
{
    if (c->state != CONN_DONE && c->fd >= 0) {
        set_events(c, 1);
    }
}

static void on_writable(conn_t *c)
{
    engine_t *e = c->engine;
    if (c->out_sent < c->out_len) {
        ssize_t written = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
        if (written < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                conn_lost(c, errno);
            }
            return;
        }
        c->out_sent += (uint32_t)written;
    }
    if (c->out_sent == c->out_len) {
        c->out_sent = c->out_len = 0;
        /* Our own bytes are out: the mode's own stream (if any) may follow them. */
        int more = c->state == CONN_OPEN && e->ops->on_writable != NULL && e->ops->on_writable(e->mode, c);
        if (c->state != CONN_DONE) {
            set_events(c, more);
        }
    }
}

static void on_connected(conn_t *c)
{
    engine_t *e = c->engine;
    int err = 0;
    socklen_t err_len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) {
        err = errno;
    }
    if (err != 0) {
        conn_lost(c, err);
        return;
    }

    uint8_t key_bytes[WS_KEY_BYTES];
    char key[WS_KEY_B64_LEN + 1];
    random_bytes(key_bytes, sizeof key_bytes);
    ws_base64_encode(key_bytes, sizeof key_bytes, key);
    ws_accept_for_key(key, c->accept);

    char request[HANDSHAKE_REQUEST_MAX];
    int len = snprintf(request, sizeof request,
                       "GET %s HTTP/1.1\r\n"
                       "Host: %s\r\n"
                       "Upgrade: websocket\r\n"
                       "Connection: Upgrade\r\n"
                       "Sec-WebSocket-Key: %s\r\n"
                       "Sec-WebSocket-Version: 13\r\n"
                       "%s"
                       "\r\n",
                       e->path, e->host_headers[engine_target_index(c->id, e->ntargets)], key, e->offer_deflate ? "Sec-WebSocket-Extensions: " WS_DEFLATE_OFFER "\r\n" : "");
    if (len < 0 || (size_t)len >= sizeof request) {
        fatal("handshake request for path '%s' is too long", e->path);
    }
    c->state = CONN_HANDSHAKE;
    if (conn_send(c, (const uint8_t *)request, (size_t)len) == 0 && c->out_len == 0) {
        set_events(c, 0);
    }
}

static int parser_on_data(void *ctx, const uint8_t *data, size_t len, uint64_t offset)
{
    conn_t *c = ctx;
    if (c->state == CONN_OPEN) {
        c->engine->ops->on_data(c->engine->mode, c, data, len, offset);
    }
    return c->state == CONN_DONE;
}

static int parser_on_message(void *ctx, int opcode, uint64_t length)
{
    conn_t *c = ctx;
    if (c->parser.message_compressed) {
        c->engine->counters.compressed_messages++;
    }
    if (c->state == CONN_OPEN) {
        c->engine->ops->on_message(c->engine->mode, c, opcode, length);
    }
    return c->state == CONN_DONE;
}

static int parser_on_control(void *ctx, int opcode, const uint8_t *payload, size_t len)
{
    conn_t *c = ctx;
    engine_t *e = c->engine;
    switch (opcode) {
    case WS_OP_PING:
        e->counters.pings++;
        /* RFC 6455 5.5.2: a Ping must be answered with a Pong carrying the same payload. */
        if (c->state == CONN_OPEN) {
            conn_send_message(c, WS_OP_PONG, payload, len);
        }
        break;
    case WS_OP_PONG:
        e->counters.pongs++;
        break;
    case WS_OP_CLOSE:
        if (c->state == CONN_CLOSING) {
            e->counters.closed_clean++;
        } else {
            char why[64];
            unsigned code = len >= CLOSE_PAYLOAD_BYTES ? (unsigned)payload[0] << 8 | payload[1] : 0;
            snprintf(why, sizeof why, "server sent Close %u", code);
            e->counters.err_closed++;
            log_error(e, KIND_CLOSED, c, why);
            send_close(c, WS_CLOSE_NORMAL);
        }
        conn_finish(c);
        break;
    default:
        break;
    }
    return c->state == CONN_DONE;
}

static const ws_handlers_t parser_handlers = {
    .on_data = parser_on_data,
    .on_message = parser_on_message,
    .on_control = parser_on_control,
};

static void feed_frames(conn_t *c, const uint8_t *data, size_t len)
{
    int r = ws_parse(&c->parser, data, len, &parser_handlers, c);
    if (r < 0 && c->state != CONN_DONE) {
        c->engine->counters.err_protocol++;
        log_error(c->engine, KIND_PROTOCOL, c, ws_parse_result_name(r));
        conn_finish(c);
    }
}

static void feed_handshake(conn_t *c, const uint8_t *data, size_t len)
{
    engine_t *e = c->engine;
    if (c->handshake == NULL) {
        c->handshake = malloc(WS_MAX_HANDSHAKE_RESPONSE);
        if (c->handshake == NULL) {
            fatal("out of memory for a handshake buffer");
        }
        c->handshake_len = 0;
    }
    size_t take = len < WS_MAX_HANDSHAKE_RESPONSE - c->handshake_len ? len : WS_MAX_HANDSHAKE_RESPONSE - c->handshake_len;
    memcpy(c->handshake + c->handshake_len, data, take);
    c->handshake_len += (uint32_t)take;

    size_t header_len = 0;
    ws_deflate_agreement_t deflate;
    int r = ws_check_handshake_response(c->handshake, c->handshake_len, c->accept, e->offer_deflate, &deflate, &header_len);
    if (r == WS_HS_INCOMPLETE) {
        return;
    }
    if (r != WS_HS_OK) {
        e->counters.err_handshake++;
        log_error(e, KIND_HANDSHAKE, c, ws_handshake_result_name(r));
        conn_finish(c);
        return;
    }

    uint64_t now = now_ns();
    c->state = CONN_OPEN;
    e->pump_inflight--;
    e->open_count++;
    e->counters.opened++;
    e->opened_by_target[engine_target_index(c->id, e->ntargets)]++;
    e->last_open_ns = now;
    hist_record(&e->handshake_ns, now - c->started_ns);
    if (e->offer_deflate) {
        if (deflate.agreed) {
            e->counters.deflate_agreed++;
            e->counters.deflate_server_no_takeover += deflate.server_no_context_takeover;
            e->counters.deflate_client_no_takeover += deflate.client_no_context_takeover;
        } else {
            e->counters.deflate_declined++;
        }
    }
    c->parser.allow_rsv1 = deflate.agreed;

    /* Frames may follow the blank line in the same read; detach the buffer before they can close us. */
    char *response = c->handshake;
    size_t response_len = c->handshake_len;
    c->handshake = NULL;
    e->ops->on_open(e->mode, c);
    if (c->state != CONN_DONE && response_len > header_len) {
        feed_frames(c, (const uint8_t *)response + header_len, response_len - header_len);
    }
    if (c->state != CONN_DONE && take < len) {
        feed_frames(c, data + take, len - take);
    }
    free(response);
}

static void on_readable(conn_t *c)
{
    engine_t *e = c->engine;
    ssize_t n = recv(c->fd, e->read_buffer, ENGINE_READ_BUFFER_BYTES, 0);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            conn_lost(c, errno);
        }
        return;
    }
    if (n == 0) {
        conn_lost(c, 0);
        return;
    }
    e->read_at_ns = now_ns();
    if (c->state == CONN_HANDSHAKE) {
        feed_handshake(c, e->read_buffer, (size_t)n);
        return;
    }
    size_t taken = 0;
    if ((c->state == CONN_OPEN || c->state == CONN_CLOSING) && e->ops->on_bytes != NULL) {
        taken = e->ops->on_bytes(e->mode, c, e->read_buffer, (size_t)n);
    }
    if (taken >= (size_t)n || c->state == CONN_DONE) {
        return;
    }
    int gather = e->coalesce_writes && !c->want_write;
    c->gathering = (uint8_t)gather;
    feed_frames(c, e->read_buffer + taken, (size_t)n - taken);
    c->gathering = 0;
    /* What the handled data made us send leaves now, in one send(); the rest waits for EPOLLOUT. */
    if (gather && c->state != CONN_DONE && c->out_sent < c->out_len) {
        on_writable(c);
        if (c->state != CONN_DONE && c->out_sent < c->out_len) {
            set_events(c, 1);
        }
    }
}

static void conn_start(engine_t *e, conn_t *c)
{
    ws_parser_init(&c->parser);
    c->want_write = 1;
    c->started_ns = now_ns();
    e->counters.connects_started++;
    if (e->first_connect_ns == 0) {
        e->first_connect_ns = c->started_ns;
    }

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        e->counters.err_connect++;
        log_error(e, KIND_CONNECT, c, strerror(errno));
        c->state = CONN_DONE;
        return;
    }
    int one = 1;
    /* Small frames must leave at once: Nagle would hold them for the previous ACK. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const struct sockaddr_in *target = &e->targets[engine_target_index(c->id, e->ntargets)];
    if (connect(fd, (const struct sockaddr *)target, sizeof *target) != 0 && errno != EINPROGRESS) {
        e->counters.err_connect++;
        log_error(e, KIND_CONNECT, c, strerror(errno));
        close(fd);
        c->state = CONN_DONE;
        return;
    }
    c->fd = fd;
    c->state = CONN_CONNECTING;
    e->pump_inflight++;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        fatal("epoll_ctl(ADD) failed: %s", strerror(errno));
    }
}

static void pump(engine_t *e)
{
    while (e->pump_next < e->pump_end && e->pump_inflight < e->pump_limit && !g_stop_requested) {
        conn_start(e, &e->conns[e->pump_next++]);
    }
}

static void check_timeouts(engine_t *e, uint64_t now)
{
    for (uint32_t i = 0; i < e->nconns; i++) {
        conn_t *c = &e->conns[i];
        if ((c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE) && now - c->started_ns > e->connect_timeout_ns) {
            e->counters.err_timeout++;
            log_error(e, KIND_TIMEOUT, c, c->state == CONN_CONNECTING ? "TCP connect timed out" : "no 101 response in time");
            conn_finish(c);
        }
    }
}

static void read_stdin(engine_t *e)
{
    char buffer[STDIN_READ_BYTES];
    ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return;
        }
        n = 0;
    }
    if (n == 0) {
        e->stdin_eof = 1;
        epoll_ctl(e->epfd, EPOLL_CTL_DEL, STDIN_FILENO, NULL);
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
            e->stdin_lines++;
        }
    }
}

int engine_parse_target(const char *text, struct sockaddr_in *out)
{
    const char *colon = strrchr(text, ':');
    if (colon == NULL || colon == text || (size_t)(colon - text) >= INET_ADDRSTRLEN) {
        return -1;
    }
    char ip[INET_ADDRSTRLEN];
    memcpy(ip, text, (size_t)(colon - text));
    ip[colon - text] = '\0';
    const char *digits = colon + 1;
    if (*digits == '\0' || strlen(digits) > 5) {
        return -1;
    }
    unsigned long port = 0;
    for (const char *d = digits; *d != '\0'; d++) {
        if (*d < '0' || *d > '9') {
            return -1;
        }
        port = port * 10 + (unsigned long)(*d - '0');
    }
    if (port < 1 || port > 65535) {
        return -1;
    }
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &address.sin_addr) != 1) {
        return -1;
    }
    /* The benchmark must never generate traffic beyond this machine. */
    if ((ntohl(address.sin_addr.s_addr) >> 24) != 127) {
        return -2;
    }
    *out = address;
    return 0;
}

void engine_init(engine_t *e, const struct sockaddr_in *targets, uint32_t ntargets, uint32_t nconns, uint32_t connect_concurrency,
                 uint64_t connect_timeout_ns, const mode_ops_t *ops, void *mode)
{
    memset(e, 0, sizeof *e);
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (e->epfd < 0) {
        fatal("epoll_create1 failed: %s", strerror(errno));
    }
    if (ntargets == 0 || ntargets > ENGINE_MAX_TARGETS) {
        fatal("%u targets given, 1..%u allowed", ntargets, ENGINE_MAX_TARGETS);
    }
    e->ntargets = ntargets;
    for (uint32_t t = 0; t < ntargets; t++) {
        e->targets[t] = targets[t];
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &targets[t].sin_addr, ip, sizeof ip);
        snprintf(e->host_headers[t], sizeof e->host_headers[t], "%s:%u", ip, (unsigned)ntohs(targets[t].sin_port));
    }
    e->nconns = nconns;
    e->conns = calloc(nconns, sizeof *e->conns);
    e->read_buffer = malloc(ENGINE_READ_BUFFER_BYTES);
    if (e->conns == NULL || e->read_buffer == NULL) {
        fatal("out of memory for %u connections", nconns);
    }
    for (uint32_t i = 0; i < nconns; i++) {
        e->conns[i].engine = e;
        e->conns[i].fd = -1;
        e->conns[i].id = i;
    }
    e->pump_limit = connect_concurrency ? connect_concurrency : 1;
    e->connect_timeout_ns = connect_timeout_ns;
    e->ops = ops;
    e->mode = mode;
    e->last_tick_ns = now_ns();
}

void engine_free(engine_t *e)
{
    for (uint32_t i = 0; i < e->nconns; i++) {
        if (e->conns[i].state != CONN_DONE && e->conns[i].state != CONN_IDLE) {
            conn_finish(&e->conns[i]);
        }
    }
    free(e->conns);
    free(e->read_buffer);
    close(e->epfd);
}

void engine_connect_range(engine_t *e, uint32_t first, uint32_t count, const char *path)
{
    e->path = path;
    e->pump_next = first;
    e->pump_end = first + count;
    e->first_connect_ns = 0;
    e->last_open_ns = 0;
    pump(e);
}

int engine_connecting(const engine_t *e) { return e->pump_next < e->pump_end || e->pump_inflight > 0; }

void engine_poll(engine_t *e, uint64_t deadline_ns)
{
    uint64_t now = now_ns();
    uint64_t wait_ns = deadline_ns > now ? deadline_ns - now : 0;
    if (wait_ns > ENGINE_TICK_NS) {
        wait_ns = ENGINE_TICK_NS;
    }
    int timeout_ms = (int)((wait_ns + NS_PER_MS - 1) / NS_PER_MS);
    int n = epoll_wait(e->epfd, e->events, ENGINE_MAX_EVENTS, timeout_ms);
    if (n < 0) {
        if (errno == EINTR) {
            return;
        }
        fatal("epoll_wait failed: %s", strerror(errno));
    }
    for (int i = 0; i < n; i++) {
        uint32_t events = e->events[i].events;
        if (e->events[i].data.ptr == &stdin_marker) {
            read_stdin(e);
            continue;
        }
        conn_t *c = e->events[i].data.ptr;
        /* A connection finished earlier in this batch may still have an event queued. */
        if (c->state == CONN_DONE || c->state == CONN_IDLE) {
            continue;
        }
        if (c->state == CONN_CONNECTING) {
            on_connected(c);
            continue;
        }
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            on_readable(c);
        }
        if ((events & EPOLLOUT) && c->state != CONN_DONE) {
            on_writable(c);
        }
    }
    pump(e);
    now = now_ns();
    if (now - e->last_tick_ns >= ENGINE_TICK_NS) {
        e->last_tick_ns = now;
        check_timeouts(e, now);
        pump(e);
    }
}

void engine_close_range(engine_t *e, uint32_t first, uint32_t count, uint64_t timeout_ns)
{
    /* Connects of this range not yet started never will be. */
    if (e->pump_next >= first && e->pump_next < first + count) {
        e->pump_end = e->pump_next;
    }
    uint64_t now = now_ns();
    for (uint32_t i = first; i < first + count; i++) {
        conn_t *c = &e->conns[i];
        if (c->state == CONN_OPEN) {
            c->state = CONN_CLOSING;
            c->started_ns = now;
            e->closing_count++;
            send_close(c, WS_CLOSE_NORMAL);
        } else if (c->state == CONN_CONNECTING || c->state == CONN_HANDSHAKE) {
            e->counters.aborted++;
            conn_finish(c);
        }
    }
    uint64_t deadline = now + timeout_ns;
    while (e->closing_count > 0 && now_ns() < deadline && g_stop_requested < 2) {
        engine_poll(e, deadline);
    }
    for (uint32_t i = first; i < first + count; i++) {
        conn_t *c = &e->conns[i];
        if (c->state == CONN_CLOSING) {
            e->counters.closed_unclean++;
        }
        if (c->state != CONN_DONE && c->state != CONN_IDLE) {
            conn_finish(c);
        }
    }
}

void engine_watch_stdin(engine_t *e)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &stdin_marker};
    int flags = fcntl(STDIN_FILENO, F_GETFL);
    if (flags >= 0) {
        fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
    }
    /* Regular files and /dev/null cannot be polled (EPERM): there is nobody to wait for. */
    e->stdin_watched = epoll_ctl(e->epfd, EPOLL_CTL_ADD, STDIN_FILENO, &ev) == 0;
    if (!e->stdin_watched) {
        e->stdin_eof = 1;
    }
}

wait_outcome_t engine_wait_for_command(engine_t *e, uint64_t timeout_ns)
{
    uint64_t deadline = now_ns() + timeout_ns;
    for (;;) {
        if (e->stdin_lines > e->stdin_lines_consumed) {
            e->stdin_lines_consumed++;
            return WAIT_COMMAND;
        }
        if (e->stdin_eof) {
            return WAIT_EOF;
        }
        if (g_stop_requested) {
            return WAIT_SIGNAL;
        }
        if (now_ns() >= deadline) {
            return WAIT_TIMEOUT;
        }
        engine_poll(e, deadline);
    }
}

void engine_offer_deflate(engine_t *e, int offer) { e->offer_deflate = offer != 0; }

void engine_coalesce_writes(engine_t *e, int coalesce) { e->coalesce_writes = coalesce != 0; }

void engine_print_counters(const engine_t *e)
{
    const engine_counters_t *k = &e->counters;
    printf(" opened=%llu err_connect=%llu err_handshake=%llu err_protocol=%llu err_closed=%llu err_timeout=%llu"
           " aborted=%llu closed_clean=%llu closed_unclean=%llu pings=%llu pongs=%llu"
           " deflate_offered=%d deflate_agreed=%llu deflate_declined=%llu deflate_server_no_takeover=%llu"
           " deflate_client_no_takeover=%llu compressed_messages=%llu",
           (unsigned long long)k->opened, (unsigned long long)k->err_connect, (unsigned long long)k->err_handshake,
           (unsigned long long)k->err_protocol, (unsigned long long)k->err_closed, (unsigned long long)k->err_timeout,
           (unsigned long long)k->aborted, (unsigned long long)k->closed_clean, (unsigned long long)k->closed_unclean,
           (unsigned long long)k->pings, (unsigned long long)k->pongs, e->offer_deflate,
           (unsigned long long)k->deflate_agreed, (unsigned long long)k->deflate_declined,
           (unsigned long long)k->deflate_server_no_takeover, (unsigned long long)k->deflate_client_no_takeover,
           (unsigned long long)k->compressed_messages);
    /* Handshakes completed per target, in --target order ("334,333,333"): the spread over a cluster's nodes. */
    printf(" targets=%u opened_by_target=", e->ntargets);
    for (uint32_t t = 0; t < e->ntargets; t++) {
        printf("%s%llu", t == 0 ? "" : ",", (unsigned long long)e->opened_by_target[t]);
    }
}
