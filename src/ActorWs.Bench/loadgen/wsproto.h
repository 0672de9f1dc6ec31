/*
 * The client side of RFC 6455 as pure functions: handshake key and accept computation, response
 * validation, masked frame encoding, and a streaming decoder for the server's unmasked frames.
 * No sockets here, so selftest.c can exercise every path.
 */
#ifndef LOADGEN_WSPROTO_H
#define LOADGEN_WSPROTO_H

#include <stddef.h>
#include <stdint.h>

/* RFC 6455 section 1.3: appended to the client key before hashing. */
#define WS_ACCEPT_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* Section 4.1: the key is 16 random bytes, base64-encoded (24 characters). */
#define WS_KEY_BYTES 16
#define WS_KEY_B64_LEN 24
/* base64 of a 20-byte SHA-1 digest. */
#define WS_ACCEPT_B64_LEN 28
/* Section 5.2: 2 fixed bytes + up to 8 extended length bytes + 4 masking key bytes. */
#define WS_MAX_FRAME_HEADER 14
#define WS_MASK_BYTES 4
/* Section 5.5: control frames carry at most 125 payload bytes and are never fragmented. */
#define WS_MAX_CONTROL_PAYLOAD 125
/* Section 5.2: payload lengths up to 125 fit the 7-bit field; 126 and 127 announce 16/64-bit lengths. */
#define WS_LEN7_MAX 125
#define WS_LEN16_MARKER 126
#define WS_LEN64_MARKER 127
#define WS_LEN16_MAX 0xFFFFu
/* Section 7.4.1 */
#define WS_CLOSE_NORMAL 1000
/* The longest server handshake response accepted before the client gives up on it. */
#define WS_MAX_HANDSHAKE_RESPONSE 8192
/* RFC 7692 section 7: the extension the client may offer, and the LZ77 window sizes (base-2 log) it allows. */
#define WS_DEFLATE_EXTENSION "permessage-deflate"
#define WS_DEFLATE_MIN_WINDOW_BITS 8
#define WS_DEFLATE_MAX_WINDOW_BITS 15
/* The offer: permessage-deflate, and the server may limit the window our (never used) compressor would use. */
#define WS_DEFLATE_OFFER WS_DEFLATE_EXTENSION "; client_max_window_bits"

enum ws_opcode {
    WS_OP_CONTINUATION = 0x0,
    WS_OP_TEXT = 0x1,
    WS_OP_BINARY = 0x2,
    WS_OP_CLOSE = 0x8,
    WS_OP_PING = 0x9,
    WS_OP_PONG = 0xA,
};

/* Results of ws_parse: 0 = all input consumed, 1 = a handler asked to stop, negative = protocol violation. */
enum ws_parse_result {
    WS_PARSE_OK = 0,
    WS_PARSE_STOPPED = 1,
    WS_ERR_MASKED = -1,                /* 5.1: a server must not mask frames */
    WS_ERR_RESERVED_BITS = -2,         /* 5.2: RSV2/RSV3 set, or RSV1 without permessage-deflate (RFC 7692 6: or on a
                                          continuation or control frame) */
    WS_ERR_BAD_OPCODE = -3,            /* 5.2: reserved opcode */
    WS_ERR_CONTROL_FRAGMENTED = -4,    /* 5.5: control frame without FIN */
    WS_ERR_CONTROL_TOO_LONG = -5,      /* 5.5: control payload over 125 bytes */
    WS_ERR_UNEXPECTED_CONTINUATION = -6, /* 5.4: continuation with no message in progress */
    WS_ERR_EXPECTED_CONTINUATION = -7, /* 5.4: new data frame inside a fragmented message */
    WS_ERR_LENGTH_NOT_MINIMAL = -8,    /* 5.2: "the minimal number of bytes MUST be used" */
    WS_ERR_LENGTH_TOO_LARGE = -9,      /* 5.2: 64-bit length with the most significant bit set */
};

/* Results of ws_check_handshake_response. */
enum ws_handshake_result {
    WS_HS_INCOMPLETE = 0,
    WS_HS_OK = 1,
    WS_HS_ERR_MALFORMED = -1,   /* not an HTTP/1.1 response */
    WS_HS_ERR_STATUS = -2,      /* status other than 101 */
    WS_HS_ERR_UPGRADE = -3,     /* Upgrade header missing or not "websocket" */
    WS_HS_ERR_CONNECTION = -4,  /* Connection header lacks the "Upgrade" token */
    WS_HS_ERR_ACCEPT = -5,      /* Sec-WebSocket-Accept missing or wrong */
    WS_HS_ERR_EXTENSION = -6,   /* an extension or subprotocol the client never asked for */
    WS_HS_ERR_TOO_LARGE = -7,   /* no end of headers within WS_MAX_HANDSHAKE_RESPONSE bytes */
    WS_HS_ERR_DEFLATE_PARAMS = -8, /* RFC 7692 7.1: unknown, repeated or out-of-range permessage-deflate parameter */
};

/* What the server agreed to in its permessage-deflate answer (RFC 7692 section 7.1). */
typedef struct ws_deflate_agreement {
    uint8_t agreed;                      /* the server accepted permessage-deflate */
    uint8_t server_no_context_takeover;  /* the server resets its compressor after every message */
    uint8_t client_no_context_takeover;  /* the server asks us to reset ours */
    uint8_t server_max_window_bits;      /* 8..15; 15 when absent */
    uint8_t client_max_window_bits;      /* 8..15; 15 when absent */
} ws_deflate_agreement_t;

typedef struct ws_parser {
    uint8_t header[WS_MAX_FRAME_HEADER];
    uint8_t header_len;       /* header bytes collected so far */
    uint8_t header_need;      /* header bytes needed for the current frame (2 until the length form is known) */
    uint8_t opcode;           /* opcode of the frame being read */
    uint8_t fin;
    uint8_t in_payload;       /* header complete, payload bytes pending */
    uint8_t message_opcode;   /* text/binary of the data message in progress, 0 when none */
    uint8_t control_len;
    uint8_t frame_rsv1;       /* RSV1 of the frame being read */
    uint8_t allow_rsv1;       /* permessage-deflate was agreed: RSV1 may mark a compressed message */
    uint8_t message_compressed; /* the data message being read (or just ended) has RSV1 set; valid in on_data/on_message */
    uint64_t remaining;       /* payload bytes of the current frame still to come */
    uint64_t message_len;     /* data bytes of the current message delivered so far */
    uint8_t control[WS_MAX_CONTROL_PAYLOAD];
} ws_parser_t;

/*
 * Callbacks for ws_parse; each returns 0 to continue or non-zero to stop parsing (for example
 * because the connection was closed inside the callback and its parser must no longer be touched).
 */
typedef struct ws_handlers {
    /* Payload bytes of a data message; offset is the position of data[0] within the message. */
    int (*on_data)(void *ctx, const uint8_t *data, size_t len, uint64_t offset);
    /* A data message ended (FIN); opcode is its first frame's opcode (text or binary). */
    int (*on_message)(void *ctx, int opcode, uint64_t length);
    /* A complete control frame (close, ping, pong) with its payload. */
    int (*on_control)(void *ctx, int opcode, const uint8_t *payload, size_t len);
} ws_handlers_t;

void ws_parser_init(ws_parser_t *p);

/* Feeds len bytes of the server's stream; frames may be split anywhere. See enum ws_parse_result. */
int ws_parse(ws_parser_t *p, const uint8_t *data, size_t len, const ws_handlers_t *h, void *ctx);

/* Human-readable name of a ws_parse or ws_check_handshake_response result. */
const char *ws_parse_result_name(int result);
const char *ws_handshake_result_name(int result);

/* Standard base64 with padding; out must hold 4 * ceil(len / 3) + 1 bytes; returns the length written. */
size_t ws_base64_encode(const uint8_t *data, size_t len, char *out);

/* The Sec-WebSocket-Accept value a server must answer for key (section 4.2.2 step 5.4). */
void ws_accept_for_key(const char key[WS_KEY_B64_LEN], char out[WS_ACCEPT_B64_LEN + 1]);

/*
 * Checks an HTTP response prefix. Returns WS_HS_INCOMPLETE until the blank line has arrived, then
 * WS_HS_OK (with *header_len set to the bytes up to and including the blank line) or an error.
 * offered_deflate says whether the request offered WS_DEFLATE_OFFER: then a Sec-WebSocket-Extensions
 * answer holding exactly one valid permessage-deflate element is accepted and described in *deflate
 * (which is always filled: agreed = 0 when the server declined); without the offer any extension is an error.
 */
int ws_check_handshake_response(const char *buf, size_t len, const char expected_accept[WS_ACCEPT_B64_LEN + 1],
                                int offered_deflate, ws_deflate_agreement_t *deflate, size_t *header_len);

/*
 * Validates the value of a Sec-WebSocket-Extensions response header answering WS_DEFLATE_OFFER:
 * WS_HS_OK with *out filled, WS_HS_ERR_EXTENSION when it is not exactly one permessage-deflate element,
 * WS_HS_ERR_DEFLATE_PARAMS when a parameter is unknown, repeated, lacks its value or is out of range.
 */
int ws_parse_deflate_response(const char *value, size_t len, ws_deflate_agreement_t *out);

/* Frame header length for a client (masked) frame carrying len payload bytes. */
size_t ws_client_header_len(uint64_t len);

/*
 * Writes a complete masked client frame into dst (which needs ws_client_header_len(len) + len bytes)
 * and returns its length.
 */
size_t ws_encode_client_frame(uint8_t *dst, int opcode, int fin, const uint8_t *payload, size_t len,
                              const uint8_t mask[WS_MASK_BYTES]);

/* XORs data with the mask, starting at mask position (offset % 4). */
void ws_apply_mask(uint8_t *data, size_t len, const uint8_t mask[WS_MASK_BYTES], size_t offset);

#endif
