/*
 * loadgen selftest: checks the protocol code against published vectors and hand-built frames
 * before any measurement relies on it. The orchestrator runs it right after compiling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "engine.h"
#include "fairness.h"
#include "histogram.h"
#include "jsonscan.h"
#include "options.h"
#include "sha1.h"
#include "tick.h"
#include "wsproto.h"

static int failures;
static int checks;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        checks++;                                                         \
        if (!(cond)) {                                                    \
            failures++;                                                   \
            fprintf(stderr, "selftest: FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                 \
            fprintf(stderr, "\n");                                        \
        }                                                                 \
    } while (0)

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        sprintf(out + 2 * i, "%02x", d[i]);
    }
}

static void test_sha1(void)
{
    /* FIPS 180 examples: empty string, "abc", and the two-block 448-bit message. */
    static const struct {
        const char *input;
        const char *digest;
    } vectors[] = {
        {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
    };
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        uint8_t digest[SHA1_DIGEST_BYTES];
        char text[2 * SHA1_DIGEST_BYTES + 1];
        sha1(vectors[i].input, strlen(vectors[i].input), digest);
        hex(digest, sizeof digest, text);
        CHECK(strcmp(text, vectors[i].digest) == 0, "sha1(\"%s\") = %s", vectors[i].input, text);
    }
    /* One million 'a' (FIPS 180 long message). */
    size_t million = 1000000;
    char *as = malloc(million);
    memset(as, 'a', million);
    uint8_t digest[SHA1_DIGEST_BYTES];
    char text[2 * SHA1_DIGEST_BYTES + 1];
    sha1(as, million, digest);
    hex(digest, sizeof digest, text);
    CHECK(strcmp(text, "34aa973cd4c4daa4f61eeb2bdbad27316534016f") == 0, "sha1(a x 1e6) = %s", text);
    free(as);
}

static void test_base64_and_accept(void)
{
    char out[64];
    ws_base64_encode((const uint8_t *)"", 0, out);
    CHECK(strcmp(out, "") == 0, "base64('') = %s", out);
    ws_base64_encode((const uint8_t *)"f", 1, out);
    CHECK(strcmp(out, "Zg==") == 0, "base64('f') = %s", out);
    ws_base64_encode((const uint8_t *)"fo", 2, out);
    CHECK(strcmp(out, "Zm8=") == 0, "base64('fo') = %s", out);
    ws_base64_encode((const uint8_t *)"foobar", 6, out);
    CHECK(strcmp(out, "Zm9vYmFy") == 0, "base64('foobar') = %s", out);

    /* RFC 6455 section 1.3 example. */
    char accept[WS_ACCEPT_B64_LEN + 1];
    ws_accept_for_key("dGhlIHNhbXBsZSBub25jZQ==", accept);
    CHECK(strcmp(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0, "accept = %s", accept);
}

static int check_response(const char *response, size_t *header_len)
{
    ws_deflate_agreement_t deflate;
    return ws_check_handshake_response(response, strlen(response), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 0, &deflate, header_len);
}

/* The same check for a request that offered permessage-deflate. */
static int check_offered(const char *extensions_header, ws_deflate_agreement_t *deflate)
{
    char response[512];
    snprintf(response, sizeof response,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n%s\r\n",
             extensions_header);
    size_t header_len = 0;
    return ws_check_handshake_response(response, strlen(response), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 1, deflate, &header_len);
}

static void test_deflate_negotiation(void)
{
    ws_deflate_agreement_t d;
    int r = check_offered("", &d);
    CHECK(r == WS_HS_OK && !d.agreed, "declined offer: %s agreed=%d", ws_handshake_result_name(r), d.agreed);
    r = check_offered("Sec-WebSocket-Extensions: permessage-deflate\r\n", &d);
    CHECK(r == WS_HS_OK && d.agreed && !d.server_no_context_takeover && !d.client_no_context_takeover &&
              d.server_max_window_bits == 15 && d.client_max_window_bits == 15,
          "bare permessage-deflate: %s", ws_handshake_result_name(r));
    r = check_offered("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; "
                      "client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=\"9\"\r\n",
                      &d);
    CHECK(r == WS_HS_OK && d.agreed && d.server_no_context_takeover && d.client_no_context_takeover &&
              d.server_max_window_bits == 10 && d.client_max_window_bits == 9,
          "all parameters: %s bits %d/%d", ws_handshake_result_name(r), d.server_max_window_bits, d.client_max_window_bits);
    r = check_offered("sec-websocket-extensions:PerMessage-Deflate ;Client_Max_Window_Bits = 15\r\n", &d);
    CHECK(r == WS_HS_OK && d.agreed && d.client_max_window_bits == 15, "case and spacing: %s", ws_handshake_result_name(r));

    static const struct {
        const char *header;
        int expected;
    } bad[] = {
        {"Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n", WS_HS_ERR_EXTENSION},
        {"Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate\r\n", WS_HS_ERR_EXTENSION},
        {"Sec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Extensions: permessage-deflate\r\n", WS_HS_ERR_EXTENSION},
        {"Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions: permessage-deflate\r\n", WS_HS_ERR_EXTENSION},
        {"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n", WS_HS_ERR_DEFLATE_PARAMS},
        {"Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=16\r\n", WS_HS_ERR_DEFLATE_PARAMS},
        {"Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=7\r\n", WS_HS_ERR_DEFLATE_PARAMS},
        {"Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=010\r\n", WS_HS_ERR_DEFLATE_PARAMS},
        {"Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=\"12\r\n", WS_HS_ERR_DEFLATE_PARAMS},
        {"Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; server_no_context_takeover\r\n",
         WS_HS_ERR_DEFLATE_PARAMS},
        {"Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover=1\r\n", WS_HS_ERR_DEFLATE_PARAMS},
        {"Sec-WebSocket-Extensions: permessage-deflate; mystery\r\n", WS_HS_ERR_DEFLATE_PARAMS},
        {"Sec-WebSocket-Extensions: permessage-deflate;\r\n", WS_HS_ERR_DEFLATE_PARAMS},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = check_offered(bad[i].header, &d);
        CHECK(r == bad[i].expected && !d.agreed, "'%s' gave %s, agreed=%d", bad[i].header, ws_handshake_result_name(r), d.agreed);
    }
}

static void test_handshake(void)
{
    size_t header_len = 0;
    const char *ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi";
    CHECK(check_response(ok, &header_len) == WS_HS_OK, "valid response rejected");
    CHECK(header_len == strlen(ok) - 4, "header_len = %zu", header_len);
    CHECK(check_response("HTTP/1.1 101 Switching Protocols\r\nupgrade:WebSocket\r\nconnection: keep-alive, upgrade \r\n"
                         "sec-websocket-accept:  s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
                         &header_len) == WS_HS_OK,
          "case-insensitive names, token list and OWS rejected");
    CHECK(check_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n", &header_len) == WS_HS_INCOMPLETE,
          "partial response not incomplete");
    CHECK(check_response("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", &header_len) == WS_HS_ERR_STATUS,
          "400 not rejected");
    CHECK(check_response("HTTP/1.0 101 OK\r\n\r\n", &header_len) == WS_HS_ERR_MALFORMED, "HTTP/1.0 accepted");
    CHECK(check_response("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
                         &header_len) == WS_HS_ERR_UPGRADE,
          "missing Upgrade accepted");
    CHECK(check_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
                         &header_len) == WS_HS_ERR_CONNECTION,
          "Connection without upgrade accepted");
    CHECK(check_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOp=\r\n\r\n",
                         &header_len) == WS_HS_ERR_ACCEPT,
          "wrong accept accepted");
    CHECK(check_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                         &header_len) == WS_HS_ERR_ACCEPT,
          "missing accept accepted");
    CHECK(check_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
                         &header_len) == WS_HS_ERR_EXTENSION,
          "unrequested extension accepted");
    char *big = malloc(WS_MAX_HANDSHAKE_RESPONSE + 1);
    memset(big, 'x', WS_MAX_HANDSHAKE_RESPONSE);
    big[WS_MAX_HANDSHAKE_RESPONSE] = '\0';
    CHECK(check_response(big, &header_len) == WS_HS_ERR_TOO_LARGE, "oversized response not rejected");
    free(big);
}

/* Records what the parser reports, for comparison with what was encoded. */
typedef struct recorder {
    uint8_t data[70000];
    size_t data_len;
    int messages;
    int last_opcode;
    uint64_t last_length;
    int controls;
    int last_control;
    uint8_t control[WS_MAX_CONTROL_PAYLOAD];
    size_t control_len;
    int offsets_ok;
} recorder_t;

static int rec_data(void *ctx, const uint8_t *data, size_t len, uint64_t offset)
{
    recorder_t *r = ctx;
    if (offset != r->data_len) {
        r->offsets_ok = 0;
    }
    memcpy(r->data + r->data_len, data, len);
    r->data_len += len;
    return 0;
}

static int rec_message(void *ctx, int opcode, uint64_t length)
{
    recorder_t *r = ctx;
    r->messages++;
    r->last_opcode = opcode;
    r->last_length = length;
    return 0;
}

static int rec_control(void *ctx, int opcode, const uint8_t *payload, size_t len)
{
    recorder_t *r = ctx;
    r->controls++;
    r->last_control = opcode;
    memcpy(r->control, payload, len);
    r->control_len = len;
    return 0;
}

static const ws_handlers_t recorder_handlers = {rec_data, rec_message, rec_control};

/* Builds an unmasked server frame (what a server sends). */
static size_t server_frame(uint8_t *dst, int fin, int opcode, const uint8_t *payload, size_t len)
{
    size_t h = 0;
    dst[h++] = (uint8_t)((fin ? 0x80 : 0) | opcode);
    if (len <= 125) {
        dst[h++] = (uint8_t)len;
    } else if (len <= 0xFFFF) {
        dst[h++] = 126;
        dst[h++] = (uint8_t)(len >> 8);
        dst[h++] = (uint8_t)len;
    } else {
        dst[h++] = 127;
        for (int i = 7; i >= 0; i--) {
            dst[h++] = (uint8_t)((uint64_t)len >> (8 * i));
        }
    }
    memcpy(dst + h, payload, len);
    return h + len;
}

/* Feeds a stream in chunks of `step` bytes (1 = byte by byte) and returns the final parse result. */
static int feed_with(recorder_t *r, const uint8_t *stream, size_t len, size_t step, int allow_rsv1, int *compressed)
{
    ws_parser_t p;
    ws_parser_init(&p);
    p.allow_rsv1 = (uint8_t)allow_rsv1;
    memset(r, 0, sizeof *r);
    r->offsets_ok = 1;
    for (size_t i = 0; i < len; i += step) {
        size_t n = len - i < step ? len - i : step;
        int res = ws_parse(&p, stream + i, n, &recorder_handlers, r);
        if (res != WS_PARSE_OK) {
            return res;
        }
    }
    if (compressed != NULL) {
        *compressed = p.message_compressed;
    }
    return WS_PARSE_OK;
}

static int feed(recorder_t *r, const uint8_t *stream, size_t len, size_t step) { return feed_with(r, stream, len, step, 0, NULL); }

static void test_parser_lengths(void)
{
    static const size_t lengths[] = {0, 1, 125, 126, 127, 65535, 65536, 69999};
    static uint8_t payload[70000];
    static uint8_t stream[70100];
    static recorder_t rec;
    for (size_t i = 0; i < sizeof payload; i++) {
        payload[i] = (uint8_t)(i * 31 + 7);
    }
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        size_t len = lengths[li];
        size_t stream_len = server_frame(stream, 1, WS_OP_BINARY, payload, len);
        static const size_t steps[] = {1, 3, 70100};
        for (size_t si = 0; si < 3; si++) {
            if (steps[si] == 1 && len > 1000) {
                continue; /* byte-by-byte on 64 KiB proves nothing new and is slow */
            }
            int res = feed(&rec, stream, stream_len, steps[si]);
            CHECK(res == WS_PARSE_OK, "len %zu step %zu: %s", len, steps[si], ws_parse_result_name(res));
            CHECK(rec.messages == 1 && rec.last_opcode == WS_OP_BINARY && rec.last_length == len,
                  "len %zu step %zu: messages=%d length=%llu", len, steps[si], rec.messages, (unsigned long long)rec.last_length);
            CHECK(rec.data_len == len && memcmp(rec.data, payload, len) == 0 && rec.offsets_ok,
                  "len %zu step %zu: payload differs", len, steps[si]);
        }
    }
}

static void test_parser_fragments_and_control(void)
{
    static recorder_t rec;
    uint8_t stream[256];
    size_t n = 0;
    /* "Hel" + ping("p") + "lo" as a fragmented text message, then a pong and a close 1000. */
    n += server_frame(stream + n, 0, WS_OP_TEXT, (const uint8_t *)"Hel", 3);
    n += server_frame(stream + n, 1, WS_OP_PING, (const uint8_t *)"p", 1);
    n += server_frame(stream + n, 1, WS_OP_CONTINUATION, (const uint8_t *)"lo", 2);
    int res = feed(&rec, stream, n, 1);
    CHECK(res == WS_PARSE_OK, "fragmented: %s", ws_parse_result_name(res));
    CHECK(rec.messages == 1 && rec.last_opcode == WS_OP_TEXT && rec.last_length == 5 && memcmp(rec.data, "Hello", 5) == 0,
          "fragmented message reassembled wrong");
    CHECK(rec.controls == 1 && rec.last_control == WS_OP_PING && rec.control_len == 1 && rec.control[0] == 'p',
          "interleaved ping not reported");

    n = server_frame(stream, 1, WS_OP_CLOSE, (const uint8_t *)"\x03\xe8", 2);
    res = feed(&rec, stream, n, 2);
    CHECK(res == WS_PARSE_OK && rec.controls == 1 && rec.last_control == WS_OP_CLOSE && rec.control_len == 2 &&
              rec.control[0] == 0x03 && rec.control[1] == 0xe8,
          "close frame not reported");
}

static void test_parser_errors(void)
{
    static recorder_t rec;
    struct {
        const char *name;
        uint8_t bytes[12];
        size_t len;
        int expected;
    } cases[] = {
        {"masked", {0x82, 0x80, 1, 2, 3, 4}, 6, WS_ERR_MASKED},
        {"rsv1", {0xC2, 0x00}, 2, WS_ERR_RESERVED_BITS},
        {"opcode 3", {0x83, 0x00}, 2, WS_ERR_BAD_OPCODE},
        {"opcode 0xB", {0x8B, 0x00}, 2, WS_ERR_BAD_OPCODE},
        {"fragmented ping", {0x09, 0x00}, 2, WS_ERR_CONTROL_FRAGMENTED},
        {"long ping", {0x89, 126, 0x00, 0x7E}, 4, WS_ERR_CONTROL_TOO_LONG},
        {"lone continuation", {0x80, 0x00}, 2, WS_ERR_UNEXPECTED_CONTINUATION},
        {"text inside fragments", {0x01, 0x00, 0x81, 0x00}, 4, WS_ERR_EXPECTED_CONTINUATION},
        {"16-bit length 125", {0x82, 126, 0x00, 125}, 4, WS_ERR_LENGTH_NOT_MINIMAL},
        {"64-bit length 65535", {0x82, 127, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 10, WS_ERR_LENGTH_NOT_MINIMAL},
        {"64-bit length top bit", {0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}, 10, WS_ERR_LENGTH_TOO_LARGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int whole = feed(&rec, cases[i].bytes, cases[i].len, 64);
        int split = feed(&rec, cases[i].bytes, cases[i].len, 1);
        CHECK(whole == cases[i].expected && split == cases[i].expected, "%s: got %s / %s", cases[i].name,
              ws_parse_result_name(whole), ws_parse_result_name(split));
    }
}

/* RFC 7692 section 6: with permessage-deflate agreed, RSV1 marks the first frame of a compressed message only. */
static void test_parser_rsv1(void)
{
    static recorder_t rec;
    int compressed = -1;
    /* A compressed message in two fragments: RSV1 on the first frame only. */
    const uint8_t fragmented[] = {0x42, 0x02, 'a', 'b', 0x80, 0x01, 'c'};
    int r = feed_with(&rec, fragmented, sizeof fragmented, 1, 1, &compressed);
    CHECK(r == WS_PARSE_OK && rec.messages == 1 && rec.last_length == 3 && compressed == 1,
          "compressed fragments: %s messages=%d compressed=%d", ws_parse_result_name(r), rec.messages, compressed);
    const uint8_t plain[] = {0x82, 0x01, 'x'};
    r = feed_with(&rec, plain, sizeof plain, 64, 1, &compressed);
    CHECK(r == WS_PARSE_OK && rec.messages == 1 && compressed == 0, "uncompressed message with deflate agreed: %s compressed=%d",
          ws_parse_result_name(r), compressed);
    struct {
        const char *name;
        uint8_t bytes[8];
        size_t len;
    } refused[] = {
        {"rsv1 on a continuation", {0x02, 0x01, 'a', 0xC0, 0x01, 'b'}, 6},
        {"rsv1 on a ping", {0xC9, 0x00}, 2},
        {"rsv2 with deflate", {0xA2, 0x00}, 2},
        {"rsv3 with deflate", {0x92, 0x00}, 2},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        r = feed_with(&rec, refused[i].bytes, refused[i].len, 1, 1, NULL);
        CHECK(r == WS_ERR_RESERVED_BITS, "%s: %s", refused[i].name, ws_parse_result_name(r));
    }
}

static void test_client_frames(void)
{
    static const size_t lengths[] = {0, 5, 125, 126, 65535};
    static uint8_t payload[65535];
    static uint8_t frame[65535 + WS_MAX_FRAME_HEADER];
    const uint8_t mask[WS_MASK_BYTES] = {0x37, 0xfa, 0x21, 0x3d};
    for (size_t i = 0; i < sizeof payload; i++) {
        payload[i] = (uint8_t)(i ^ (i >> 8));
    }
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        size_t len = lengths[li];
        size_t n = ws_encode_client_frame(frame, WS_OP_BINARY, 1, payload, len, mask);
        size_t h = ws_client_header_len(len);
        CHECK(n == h + len, "len %zu: frame length %zu", len, n);
        CHECK(frame[0] == 0x82 && (frame[1] & 0x80), "len %zu: FIN/opcode/mask bit wrong", len);
        size_t decoded_len = frame[1] & 0x7F;
        if (decoded_len == 126) {
            decoded_len = (size_t)frame[2] << 8 | frame[3];
        }
        CHECK(decoded_len == len, "len %zu: encoded length %zu", len, decoded_len);
        CHECK(memcmp(frame + h - WS_MASK_BYTES, mask, WS_MASK_BYTES) == 0, "len %zu: mask not in header", len);
        ws_apply_mask(frame + h, len, mask, 0);
        CHECK(memcmp(frame + h, payload, len) == 0, "len %zu: unmasked payload differs", len);
    }
    /* RFC 6455 section 5.7: masked "Hello" with key 37 fa 21 3d. */
    static const uint8_t expected[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
    size_t n = ws_encode_client_frame(frame, WS_OP_TEXT, 1, (const uint8_t *)"Hello", 5, mask);
    CHECK(n == sizeof expected && memcmp(frame, expected, n) == 0, "RFC 5.7 masked Hello differs");
}

/* The flood block: whole masked binary frames of one length, each with its own key, carrying the expected bytes. */
static void test_flood_block(void)
{
    static uint8_t block[FLOOD_BLOCK_BYTES];
    for (uint32_t size = 0; size <= MAX_FLOOD_BYTES; size++) {
        uint32_t frames = 0;
        size_t len = flood_block_build(block, sizeof block, size, &frames);
        size_t frame_len = ws_client_header_len(size) + size;
        CHECK(frame_len == 6 + size, "flood size %u: frame length %zu", size, frame_len);
        CHECK(frames == sizeof block / frame_len && len == frames * frame_len, "flood size %u: %u frames in %zu bytes", size, frames, len);
        int distinct_masks = 0;
        for (uint32_t i = 0; i < frames; i++) {
            uint8_t *frame = block + (size_t)i * frame_len;
            if (frame[0] != 0x82 || frame[1] != (0x80 | size)) {
                CHECK(0, "flood size %u: frame %u header %02x %02x", size, i, frame[0], frame[1]);
                break;
            }
            if (i > 0 && memcmp(frame + 2, frame + 2 - frame_len, WS_MASK_BYTES) != 0) {
                distinct_masks++;
            }
            uint8_t payload[MAX_FLOOD_BYTES + 1];
            memcpy(payload, frame + 6, size);
            ws_apply_mask(payload, size, frame + 2, 0);
            for (uint32_t j = 0; j < size; j++) {
                if (payload[j] != flood_payload_byte(i, j)) {
                    CHECK(0, "flood size %u: frame %u byte %u is %02x", size, i, j, payload[j]);
                    break;
                }
            }
        }
        /* Keys come from the CSPRNG: two neighbours share one by chance about once in four billion. */
        CHECK(distinct_masks >= (int)frames - 2, "flood size %u: only %d of %u keys differ from the previous", size, distinct_masks, frames);
        CHECK(flood_payload_byte(0, 0) != flood_payload_byte(1, 0), "neighbouring flood messages carry the same byte");
    }
}

static void test_jsonscan(void)
{
    const char *reply = "{\"op\":\"reply\",\"ref\":1,\"status\":\"ok\",\"room\":\"bench-tick-1\",\"type\":\"bench-tick\","
                        "\"members\":[\"s-1\",\"s-2\"]}";
    const char *v;
    size_t n;
    uint64_t u;
    CHECK(json_get_string(reply, strlen(reply), "room", &v, &n) == JSON_FOUND && json_string_equals(v, n, "bench-tick-1"),
          "room not found");
    CHECK(json_get_uint(reply, strlen(reply), "ref", &u) == JSON_FOUND && u == 1, "ref not found");
    CHECK(json_get_string(reply, strlen(reply), "seq", &v, &n) == JSON_ABSENT, "absent key found");
    CHECK(json_get_uint(reply, strlen(reply), "op", &u) == JSON_WRONG_TYPE, "string read as a number");

    /* Keys inside nested values and strings are not top-level members. */
    const char *nested = " { \"data\" : {\"op\":\"welcome\",\"seq\":5}, \"note\":\"\\\"seq\\\":6\", \"list\":[{\"seq\":7}],"
                         " \"op\" : \"message\" , \"seq\" : 42 } ";
    CHECK(json_get_string(nested, strlen(nested), "op", &v, &n) == JSON_FOUND && json_string_equals(v, n, "message"),
          "top-level op not found past nested values");
    CHECK(json_get_uint(nested, strlen(nested), "seq", &u) == JSON_FOUND && u == 42, "top-level seq = %llu", (unsigned long long)u);

    static const char *const malformed[] = {"", "[1]", "{\"op\":\"x\"", "{\"op\" \"x\"}", "{op:1}", "{\"a\":1 \"op\":2}",
                                            "{\"a\":\"unterminated}"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        CHECK(json_get_string(malformed[i], strlen(malformed[i]), "op", &v, &n) == JSON_MALFORMED, "'%s' not malformed", malformed[i]);
    }
    static const char *const not_integers[] = {"{\"seq\":-1}", "{\"seq\":1.5}", "{\"seq\":01}", "{\"seq\":1e3}",
                                               "{\"seq\":99999999999999999999}"};
    for (size_t i = 0; i < sizeof not_integers / sizeof not_integers[0]; i++) {
        CHECK(json_get_uint(not_integers[i], strlen(not_integers[i]), "seq", &u) == JSON_WRONG_TYPE, "'%s' read as an integer",
              not_integers[i]);
    }
}

static void test_tick_messages(void)
{
    /* Sequence number 0x01020304 big-endian, then the send time 0x1122334455667788 little-endian. */
    const uint8_t head[TICK_HEAD_BYTES] = {0x01, 0x02, 0x03, 0x04, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
    uint32_t seq;
    uint64_t sent;
    tick_read_head(head, &seq, &sent);
    CHECK(seq == 0x01020304u && sent == 0x1122334455667788ull, "head read as seq %x time %llx", seq, (unsigned long long)sent);

    tick_text_t t;
    const char *welcome = "{\"op\":\"welcome\",\"session\":\"s-1f\",\"token\":\"abc\",\"resumed\":false}";
    tick_classify_text(welcome, strlen(welcome), &t);
    CHECK(t.kind == TICK_TEXT_WELCOME && !t.has_seq, "welcome classified as %d", t.kind);
    const char *joined = "{\"op\":\"reply\",\"ref\":1,\"status\":\"ok\",\"room\":\"bench-tick-1\",\"members\":[\"s-1\"]}";
    tick_classify_text(joined, strlen(joined), &t);
    CHECK(t.kind == TICK_TEXT_JOINED && json_string_equals(t.room, t.room_len, "bench-tick-1"), "join reply classified as %d", t.kind);
    const char *refused = "{\"op\":\"error\",\"ref\":1,\"reason\":\"unknown room type\"}";
    tick_classify_text(refused, strlen(refused), &t);
    CHECK(t.kind == TICK_TEXT_JOIN_REFUSED && json_string_equals(t.reason, t.reason_len, "unknown room type"),
          "refusal classified as %d", t.kind);
    const char *other_ref = "{\"op\":\"reply\",\"ref\":2,\"status\":\"ok\",\"room\":\"x\"}";
    tick_classify_text(other_ref, strlen(other_ref), &t);
    CHECK(t.kind == TICK_TEXT_OTHER, "reply to another ref classified as %d", t.kind);
    const char *presence = "{\"op\":\"presence\",\"room\":\"bench-tick-1\",\"event\":\"join\",\"member\":\"s-2\",\"seq\":3}";
    tick_classify_text(presence, strlen(presence), &t);
    CHECK(t.kind == TICK_TEXT_OTHER && t.has_seq && t.seq == 3, "presence classified as %d seq %llu", t.kind,
          (unsigned long long)t.seq);
    tick_classify_text("not json", 8, &t);
    CHECK(t.kind == TICK_TEXT_MALFORMED, "garbage classified as %d", t.kind);
}

static void test_histogram(void)
{
    static histogram_t h;
    hist_reset(&h);
    CHECK(hist_percentile(&h, 50) == 0, "empty histogram percentile not 0");
    for (uint64_t v = 1; v <= 100000; v++) {
        hist_record(&h, v * 1000);
    }
    uint64_t p50 = hist_percentile(&h, 50);
    uint64_t p99 = hist_percentile(&h, 99);
    CHECK(p50 > 50000000ull * 98 / 100 && p50 < 50000000ull * 102 / 100, "p50 = %llu", (unsigned long long)p50);
    CHECK(p99 > 99000000ull * 98 / 100 && p99 < 99000000ull * 102 / 100, "p99 = %llu", (unsigned long long)p99);
    CHECK(hist_percentile(&h, 100) <= h.max && h.max == 100000000ull, "max wrong");
    CHECK(hist_mean(&h) == 50000500ull, "mean = %llu", (unsigned long long)hist_mean(&h));
    hist_reset(&h);
    hist_record(&h, 7);
    CHECK(hist_percentile(&h, 50) == 7 && hist_percentile(&h, 99.9) == 7, "small exact values not exact");
    hist_record(&h, 1ull << 50);
    CHECK(hist_percentile(&h, 100) == (1ull << 50), "clamped huge value not reported as max");
}

static void test_targets(void)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    CHECK(engine_parse_target("127.0.0.1:8091", &a) == 0, "127.0.0.1:8091 refused");
    CHECK(a.sin_family == AF_INET && ntohs(a.sin_port) == 8091 && ntohl(a.sin_addr.s_addr) == 0x7f000001u, "127.0.0.1:8091 parsed wrong");
    CHECK(engine_parse_target("127.1.2.3:65535", &a) == 0 && ntohs(a.sin_port) == 65535 && ntohl(a.sin_addr.s_addr) == 0x7f010203u,
          "127.1.2.3:65535 parsed wrong");
    struct sockaddr_in before = a;
    const char *bad[] = {"127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:8o", "127.0.0.1:-1",
                         "127.0.0.1:123456", "localhost:80", "127.0.0.256:80", "127.0.0.1:80:81", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(engine_parse_target(bad[i], &a) == -1, "'%s' not refused as malformed", bad[i]);
    }
    CHECK(engine_parse_target("10.0.0.1:80", &a) == -2 && engine_parse_target("192.168.1.1:8080", &a) == -2,
          "an address beyond loopback not refused as such");
    CHECK(memcmp(&a, &before, sizeof a) == 0, "a refused target changed the output");

    /* Round-robin: with 3 targets, 1,000 connections go 334/333/333, each to (i mod 3); one target takes all. */
    uint32_t per_target[3] = {0, 0, 0};
    for (uint32_t i = 0; i < 1000; i++) {
        uint32_t t = engine_target_index(i, 3);
        CHECK(t == i % 3, "connection %u went to target %u", i, t);
        per_target[t < 3 ? t : 0]++;
    }
    CHECK(per_target[0] == 334 && per_target[1] == 333 && per_target[2] == 333, "spread %u/%u/%u", per_target[0], per_target[1],
          per_target[2]);
    CHECK(engine_target_index(0, 1) == 0 && engine_target_index(999, 1) == 0 && engine_target_index(7, 0) == 0, "one target not used for all");
}

int run_selftest(void)
{
    test_targets();
    test_sha1();
    test_base64_and_accept();
    test_handshake();
    test_parser_lengths();
    test_parser_fragments_and_control();
    test_parser_errors();
    test_parser_rsv1();
    test_deflate_negotiation();
    test_client_frames();
    test_flood_block();
    test_histogram();
    test_jsonscan();
    test_tick_messages();
    printf("selftest checks=%d failures=%d\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
