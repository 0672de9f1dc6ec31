/*
 * tick: N clients of the JSON room protocol join one game room that broadcasts a state delta every
 * tick; each delivery carries the server's send time, so the generator measures delivery latency.
 * The pure parts (reading a delivery, classifying a text message) live here for selftest.c.
 */
#ifndef LOADGEN_TICK_H
#define LOADGEN_TICK_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

/* A binary message from a room starts with the session's sequence number, 4 bytes big-endian. */
#define TICK_SEQ_BYTES 4u
/* Bytes of a delivery the generator reads: sequence number, then the room payload's timestamp. */
#define TICK_HEAD_BYTES (TICK_SEQ_BYTES + TICK_TIMESTAMP_BYTES)
/* The ref of our joinOrCreate request, echoed in its reply. */
#define TICK_JOIN_REF 1u

typedef enum tick_text_kind {
    TICK_TEXT_OTHER = 0,     /* presence events, notices, replies to other refs: only their seq matters */
    TICK_TEXT_WELCOME,       /* {"op":"welcome",...} */
    TICK_TEXT_JOINED,        /* {"op":"reply","ref":1,"status":"ok","room":...} */
    TICK_TEXT_JOIN_REFUSED,  /* an error (or non-ok reply) for ref 1 */
    TICK_TEXT_MALFORMED,     /* not a JSON object with a string "op" */
} tick_text_kind_t;

typedef struct tick_text {
    tick_text_kind_t kind;
    int has_seq;             /* the message carries a session sequence number */
    uint64_t seq;
    const char *room;        /* TICK_TEXT_JOINED: the room id (points into the message) */
    size_t room_len;
    const char *reason;      /* TICK_TEXT_JOIN_REFUSED: the server's reason, when given */
    size_t reason_len;
} tick_text_t;

/* Reads the sequence number (big-endian) and the server's send time in ns (little-endian) of a delivery. */
void tick_read_head(const uint8_t head[TICK_HEAD_BYTES], uint32_t *seq, uint64_t *sent_ns);

/* Classifies a complete text message of the JSON room protocol. */
void tick_classify_text(const char *json, size_t len, tick_text_t *out);

#endif
