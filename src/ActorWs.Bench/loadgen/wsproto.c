/* RFC 6455 client-side framing and handshake checks; see wsproto.h for the contract. */
#include "wsproto.h"

#include <string.h>

#include "sha1.h"

#define WS_FIN_BIT 0x80u
#define WS_RSV1_BIT 0x40u
#define WS_RSV23_BITS 0x30u
#define WS_OPCODE_BITS 0x0Fu
#define WS_MASK_BIT 0x80u
#define WS_LEN7_BITS 0x7Fu
#define WS_HEADER_BASE 2
#define WS_HEADER_LEN16 4
#define WS_HEADER_LEN64 10
#define HTTP_SWITCHING_PROTOCOLS 101

static int is_control(int opcode) { return (opcode & 0x8) != 0; }

static int is_known_opcode(int opcode)
{
    switch (opcode) {
    case WS_OP_CONTINUATION:
    case WS_OP_TEXT:
    case WS_OP_BINARY:
    case WS_OP_CLOSE:
    case WS_OP_PING:
    case WS_OP_PONG:
        return 1;
    default:
        return 0;
    }
}

void ws_parser_init(ws_parser_t *p)
{
    memset(p, 0, sizeof *p);
    p->header_need = WS_HEADER_BASE;
}

/* Validates the two fixed header bytes and sets how many header bytes the frame has in total. */
static int parse_fixed_header(ws_parser_t *p)
{
    uint8_t b0 = p->header[0];
    uint8_t b1 = p->header[1];
    if (b1 & WS_MASK_BIT) {
        return WS_ERR_MASKED;
    }
    if (b0 & WS_RSV23_BITS) {
        return WS_ERR_RESERVED_BITS;
    }
    int opcode = b0 & WS_OPCODE_BITS;
    if (!is_known_opcode(opcode)) {
        return WS_ERR_BAD_OPCODE;
    }
    int rsv1 = (b0 & WS_RSV1_BIT) != 0;
    /* RFC 7692 section 6: RSV1 marks a compressed message, so only on its first frame, never on control frames. */
    if (rsv1 && (!p->allow_rsv1 || is_control(opcode) || opcode == WS_OP_CONTINUATION)) {
        return WS_ERR_RESERVED_BITS;
    }
    p->frame_rsv1 = (uint8_t)rsv1;
    int fin = (b0 & WS_FIN_BIT) != 0;
    unsigned len7 = b1 & WS_LEN7_BITS;
    if (is_control(opcode)) {
        if (!fin) {
            return WS_ERR_CONTROL_FRAGMENTED;
        }
        if (len7 > WS_MAX_CONTROL_PAYLOAD) {
            return WS_ERR_CONTROL_TOO_LONG;
        }
    } else if (opcode == WS_OP_CONTINUATION && p->message_opcode == 0) {
        return WS_ERR_UNEXPECTED_CONTINUATION;
    } else if (opcode != WS_OP_CONTINUATION && p->message_opcode != 0) {
        return WS_ERR_EXPECTED_CONTINUATION;
    }
    p->opcode = (uint8_t)opcode;
    p->fin = (uint8_t)fin;
    p->header_need = len7 == WS_LEN16_MARKER ? WS_HEADER_LEN16 : len7 == WS_LEN64_MARKER ? WS_HEADER_LEN64 : WS_HEADER_BASE;
    return WS_PARSE_OK;
}

/* Reads the payload length once the whole header is present and enforces the minimal encoding. */
static int parse_length(ws_parser_t *p, uint64_t *length)
{
    unsigned len7 = p->header[1] & WS_LEN7_BITS;
    if (len7 <= WS_LEN7_MAX) {
        *length = len7;
        return WS_PARSE_OK;
    }
    if (len7 == WS_LEN16_MARKER) {
        uint64_t l = (uint64_t)p->header[2] << 8 | p->header[3];
        if (l <= WS_LEN7_MAX) {
            return WS_ERR_LENGTH_NOT_MINIMAL;
        }
        *length = l;
        return WS_PARSE_OK;
    }
    uint64_t l = 0;
    for (int i = 2; i < WS_HEADER_LEN64; i++) {
        l = l << 8 | p->header[i];
    }
    if (l >> 63) {
        return WS_ERR_LENGTH_TOO_LARGE;
    }
    if (l <= WS_LEN16_MAX) {
        return WS_ERR_LENGTH_NOT_MINIMAL;
    }
    *length = l;
    return WS_PARSE_OK;
}

int ws_parse(ws_parser_t *p, const uint8_t *data, size_t len, const ws_handlers_t *h, void *ctx)
{
    size_t i = 0;
    while (i < len) {
        if (!p->in_payload) {
            while (p->header_len < p->header_need && i < len) {
                p->header[p->header_len++] = data[i++];
            }
            if (p->header_len < p->header_need) {
                return WS_PARSE_OK;
            }
            if (p->header_len == WS_HEADER_BASE && p->header_need == WS_HEADER_BASE) {
                int r = parse_fixed_header(p);
                if (r != WS_PARSE_OK) {
                    return r;
                }
                if (p->header_need > WS_HEADER_BASE) {
                    continue; /* extended length bytes still to collect */
                }
            }
            uint64_t length;
            int r = parse_length(p, &length);
            if (r != WS_PARSE_OK) {
                return r;
            }
            p->in_payload = 1;
            p->remaining = length;
            p->control_len = 0;
            if (!is_control(p->opcode) && p->opcode != WS_OP_CONTINUATION) {
                p->message_opcode = p->opcode;
                p->message_len = 0;
                p->message_compressed = p->frame_rsv1;
            }
        }

        size_t available = len - i;
        size_t take = p->remaining < available ? (size_t)p->remaining : available;
        p->remaining -= take;
        if (is_control(p->opcode)) {
            memcpy(p->control + p->control_len, data + i, take);
            p->control_len = (uint8_t)(p->control_len + take);
            i += take;
        } else if (take > 0) {
            uint64_t offset = p->message_len;
            p->message_len += take;
            i += take;
            if (h->on_data(ctx, data + i - take, take, offset)) {
                return WS_PARSE_STOPPED;
            }
        }
        if (p->remaining != 0) {
            continue;
        }

        /* Frame complete: reset for the next header before calling out. */
        p->in_payload = 0;
        p->header_len = 0;
        p->header_need = WS_HEADER_BASE;
        if (is_control(p->opcode)) {
            if (h->on_control(ctx, p->opcode, p->control, p->control_len)) {
                return WS_PARSE_STOPPED;
            }
        } else if (p->fin) {
            int opcode = p->message_opcode;
            uint64_t message_len = p->message_len;
            p->message_opcode = 0;
            p->message_len = 0;
            if (h->on_message(ctx, opcode, message_len)) {
                return WS_PARSE_STOPPED;
            }
        }
    }
    return WS_PARSE_OK;
}

const char *ws_parse_result_name(int result)
{
    switch (result) {
    case WS_PARSE_OK: return "ok";
    case WS_PARSE_STOPPED: return "stopped";
    case WS_ERR_MASKED: return "masked server frame";
    case WS_ERR_RESERVED_BITS: return "reserved bits set";
    case WS_ERR_BAD_OPCODE: return "reserved opcode";
    case WS_ERR_CONTROL_FRAGMENTED: return "fragmented control frame";
    case WS_ERR_CONTROL_TOO_LONG: return "control frame over 125 bytes";
    case WS_ERR_UNEXPECTED_CONTINUATION: return "continuation without a message";
    case WS_ERR_EXPECTED_CONTINUATION: return "data frame inside a fragmented message";
    case WS_ERR_LENGTH_NOT_MINIMAL: return "payload length not minimally encoded";
    case WS_ERR_LENGTH_TOO_LARGE: return "payload length with the top bit set";
    default: return "unknown";
    }
}

const char *ws_handshake_result_name(int result)
{
    switch (result) {
    case WS_HS_INCOMPLETE: return "incomplete";
    case WS_HS_OK: return "ok";
    case WS_HS_ERR_MALFORMED: return "not an HTTP/1.1 response";
    case WS_HS_ERR_STATUS: return "status is not 101";
    case WS_HS_ERR_UPGRADE: return "Upgrade is not websocket";
    case WS_HS_ERR_CONNECTION: return "Connection lacks Upgrade";
    case WS_HS_ERR_ACCEPT: return "Sec-WebSocket-Accept missing or wrong";
    case WS_HS_ERR_EXTENSION: return "unrequested extension or subprotocol";
    case WS_HS_ERR_TOO_LARGE: return "response headers too large";
    case WS_HS_ERR_DEFLATE_PARAMS: return "invalid permessage-deflate parameters";
    default: return "unknown";
    }
}

size_t ws_base64_encode(const uint8_t *data, size_t len, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

void ws_accept_for_key(const char key[WS_KEY_B64_LEN], char out[WS_ACCEPT_B64_LEN + 1])
{
    char input[WS_KEY_B64_LEN + sizeof WS_ACCEPT_GUID];
    memcpy(input, key, WS_KEY_B64_LEN);
    memcpy(input + WS_KEY_B64_LEN, WS_ACCEPT_GUID, sizeof WS_ACCEPT_GUID - 1);
    uint8_t digest[SHA1_DIGEST_BYTES];
    sha1(input, WS_KEY_B64_LEN + sizeof WS_ACCEPT_GUID - 1, digest);
    ws_base64_encode(digest, sizeof digest, out);
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

static int equals_ignore_case(const char *a, size_t a_len, const char *b)
{
    size_t b_len = strlen(b);
    if (a_len != b_len) {
        return 0;
    }
    for (size_t i = 0; i < a_len; i++) {
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i])) {
            return 0;
        }
    }
    return 1;
}

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* True when a comma-separated header value holds token (case-insensitive), as Connection does. */
static int has_token(const char *value, size_t len, const char *token)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (is_ows(value[i]) || value[i] == ',')) {
            i++;
        }
        size_t start = i;
        while (i < len && value[i] != ',') {
            i++;
        }
        size_t end = i;
        while (end > start && is_ows(value[end - 1])) {
            end--;
        }
        if (end > start && equals_ignore_case(value + start, end - start, token)) {
            return 1;
        }
    }
    return 0;
}

/* Skips optional whitespace from *i. */
static void skip_ows(const char *s, size_t len, size_t *i)
{
    while (*i < len && is_ows(s[*i])) {
        (*i)++;
    }
}

/* RFC 7230 tchar: the characters a token (an extension or parameter name, an unquoted value) is made of. */
static int is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Reads a token at *i into [*start, *start + *n); 0 when there is none. */
static int read_token(const char *s, size_t len, size_t *i, const char **start, size_t *n)
{
    size_t begin = *i;
    while (*i < len && is_tchar(s[*i])) {
        (*i)++;
    }
    *start = s + begin;
    *n = *i - begin;
    return *n > 0;
}

/*
 * RFC 7692 7.1.2: a window-bits value is a decimal integer without leading zeroes in 8..15, as a token
 * or a quoted string (RFC 6455 9.1 allows both). Returns the value, or 0 when it is not one.
 */
static int read_window_bits(const char *s, size_t len, size_t *i)
{
    int quoted = *i < len && s[*i] == '"';
    if (quoted) {
        (*i)++;
    }
    const char *digits;
    size_t n;
    if (!read_token(s, len, i, &digits, &n) || n > 2 || digits[0] == '0') {
        return 0;
    }
    if (quoted) {
        if (*i >= len || s[*i] != '"') {
            return 0;
        }
        (*i)++;
    }
    int value = 0;
    for (size_t k = 0; k < n; k++) {
        if (digits[k] < '0' || digits[k] > '9') {
            return 0;
        }
        value = value * 10 + (digits[k] - '0');
    }
    return value >= WS_DEFLATE_MIN_WINDOW_BITS && value <= WS_DEFLATE_MAX_WINDOW_BITS ? value : 0;
}

int ws_parse_deflate_response(const char *value, size_t len, ws_deflate_agreement_t *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    skip_ows(value, len, &i);
    const char *name;
    size_t name_len;
    if (!read_token(value, len, &i, &name, &name_len) || !equals_ignore_case(name, name_len, WS_DEFLATE_EXTENSION)) {
        return WS_HS_ERR_EXTENSION;
    }
    int seen_server_nct = 0, seen_client_nct = 0, server_bits = 0, client_bits = 0;
    for (;;) {
        skip_ows(value, len, &i);
        if (i == len) {
            break;
        }
        if (value[i] == ',') {
            return WS_HS_ERR_EXTENSION; /* a second element: we offered one extension, once */
        }
        if (value[i] != ';') {
            return WS_HS_ERR_DEFLATE_PARAMS;
        }
        i++;
        skip_ows(value, len, &i);
        const char *param;
        size_t param_len;
        if (!read_token(value, len, &i, &param, &param_len)) {
            return WS_HS_ERR_DEFLATE_PARAMS;
        }
        skip_ows(value, len, &i);
        int has_value = i < len && value[i] == '=';
        int bits = 0;
        if (has_value) {
            i++;
            skip_ows(value, len, &i);
            bits = read_window_bits(value, len, &i);
        }
        if (equals_ignore_case(param, param_len, "server_no_context_takeover")) {
            if (has_value || seen_server_nct++) {
                return WS_HS_ERR_DEFLATE_PARAMS;
            }
        } else if (equals_ignore_case(param, param_len, "client_no_context_takeover")) {
            if (has_value || seen_client_nct++) {
                return WS_HS_ERR_DEFLATE_PARAMS;
            }
        } else if (equals_ignore_case(param, param_len, "server_max_window_bits")) {
            if (bits == 0 || server_bits != 0) {
                return WS_HS_ERR_DEFLATE_PARAMS;
            }
            server_bits = bits;
        } else if (equals_ignore_case(param, param_len, "client_max_window_bits")) {
            /* 7.1.2.2: in a response the value is mandatory (we offered the parameter, so it is allowed). */
            if (bits == 0 || client_bits != 0) {
                return WS_HS_ERR_DEFLATE_PARAMS;
            }
            client_bits = bits;
        } else {
            return WS_HS_ERR_DEFLATE_PARAMS;
        }
    }
    out->agreed = 1;
    out->server_no_context_takeover = (uint8_t)seen_server_nct;
    out->client_no_context_takeover = (uint8_t)seen_client_nct;
    out->server_max_window_bits = (uint8_t)(server_bits ? server_bits : WS_DEFLATE_MAX_WINDOW_BITS);
    out->client_max_window_bits = (uint8_t)(client_bits ? client_bits : WS_DEFLATE_MAX_WINDOW_BITS);
    return WS_HS_OK;
}

static int check_response_headers(const char *buf, size_t len, const char expected_accept[WS_ACCEPT_B64_LEN + 1],
                                  int offered_deflate, ws_deflate_agreement_t *deflate, size_t *header_len)
{
    const char *end = NULL;
    for (size_t i = 0; i + 4 <= len; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
            end = buf + i;
            break;
        }
    }
    if (end == NULL) {
        return len >= WS_MAX_HANDSHAKE_RESPONSE ? WS_HS_ERR_TOO_LARGE : WS_HS_INCOMPLETE;
    }
    *header_len = (size_t)(end - buf) + 4;

    /* Status line: "HTTP/1.1 101 <reason>" */
    static const char version[] = "HTTP/1.1 ";
    size_t version_len = sizeof version - 1;
    if ((size_t)(end - buf) < version_len + 3 || memcmp(buf, version, version_len) != 0) {
        return WS_HS_ERR_MALFORMED;
    }
    const char *code = buf + version_len;
    int status = 0;
    for (int i = 0; i < 3; i++) {
        if (code[i] < '0' || code[i] > '9') {
            return WS_HS_ERR_MALFORMED;
        }
        status = status * 10 + (code[i] - '0');
    }
    if (status != HTTP_SWITCHING_PROTOCOLS) {
        return WS_HS_ERR_STATUS;
    }

    const char *line = memchr(buf, '\n', (size_t)(end - buf));
    int upgrade_ok = 0, connection_ok = 0, accept_ok = 0, accept_bad = 0, extension = 0, deflate_result = WS_HS_OK;
    while (line != NULL && line < end) {
        line++; /* past '\n' */
        const char *eol = line;
        while (eol < end && *eol != '\r') {
            eol++;
        }
        if (eol == line) {
            break;
        }
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon == NULL || colon == line) {
            return WS_HS_ERR_MALFORMED;
        }
        const char *value = colon + 1;
        const char *value_end = eol;
        while (value < value_end && is_ows(*value)) {
            value++;
        }
        while (value_end > value && is_ows(value_end[-1])) {
            value_end--;
        }
        size_t name_len = (size_t)(colon - line);
        size_t value_len = (size_t)(value_end - value);
        if (equals_ignore_case(line, name_len, "upgrade")) {
            upgrade_ok = equals_ignore_case(value, value_len, "websocket");
        } else if (equals_ignore_case(line, name_len, "connection")) {
            connection_ok = has_token(value, value_len, "upgrade");
        } else if (equals_ignore_case(line, name_len, "sec-websocket-accept")) {
            if (value_len == WS_ACCEPT_B64_LEN && memcmp(value, expected_accept, WS_ACCEPT_B64_LEN) == 0) {
                accept_ok = 1;
            } else {
                accept_bad = 1;
            }
        } else if (equals_ignore_case(line, name_len, "sec-websocket-extensions") && offered_deflate && !deflate->agreed &&
                   deflate_result == WS_HS_OK) {
            deflate_result = ws_parse_deflate_response(value, value_len, deflate);
        } else if (equals_ignore_case(line, name_len, "sec-websocket-extensions") ||
                   equals_ignore_case(line, name_len, "sec-websocket-protocol")) {
            /* An extension we never offered, a second extensions header, or a subprotocol we never asked for. */
            extension = 1;
        }
        line = memchr(eol, '\n', (size_t)(end + 2 - eol));
    }
    if (!upgrade_ok) {
        return WS_HS_ERR_UPGRADE;
    }
    if (!connection_ok) {
        return WS_HS_ERR_CONNECTION;
    }
    if (!accept_ok || accept_bad) {
        return WS_HS_ERR_ACCEPT;
    }
    if (extension) {
        return WS_HS_ERR_EXTENSION;
    }
    if (deflate_result != WS_HS_OK) {
        return deflate_result;
    }
    return WS_HS_OK;
}

int ws_check_handshake_response(const char *buf, size_t len, const char expected_accept[WS_ACCEPT_B64_LEN + 1],
                                int offered_deflate, ws_deflate_agreement_t *deflate, size_t *header_len)
{
    memset(deflate, 0, sizeof *deflate);
    int result = check_response_headers(buf, len, expected_accept, offered_deflate, deflate, header_len);
    if (result != WS_HS_OK) {
        /* A refused handshake agrees to nothing. */
        memset(deflate, 0, sizeof *deflate);
    }
    return result;
}

size_t ws_client_header_len(uint64_t len)
{
    size_t base = len <= WS_LEN7_MAX ? WS_HEADER_BASE : len <= WS_LEN16_MAX ? WS_HEADER_LEN16 : WS_HEADER_LEN64;
    return base + WS_MASK_BYTES;
}

void ws_apply_mask(uint8_t *data, size_t len, const uint8_t mask[WS_MASK_BYTES], size_t offset)
{
    uint8_t rotated[8];
    for (int i = 0; i < 8; i++) {
        rotated[i] = mask[(offset + (size_t)i) & 3];
    }
    uint64_t wide;
    memcpy(&wide, rotated, sizeof wide);
    size_t i = 0;
    /* Eight bytes per step: the mask repeats every four bytes, so a doubled key lines up with any chunk. */
    for (; i + 8 <= len; i += 8) {
        uint64_t chunk;
        memcpy(&chunk, data + i, sizeof chunk);
        chunk ^= wide;
        memcpy(data + i, &chunk, sizeof chunk);
    }
    for (; i < len; i++) {
        data[i] ^= rotated[i & 7];
    }
}

size_t ws_encode_client_frame(uint8_t *dst, int opcode, int fin, const uint8_t *payload, size_t len,
                              const uint8_t mask[WS_MASK_BYTES])
{
    size_t h;
    dst[0] = (uint8_t)((fin ? WS_FIN_BIT : 0) | ((unsigned)opcode & WS_OPCODE_BITS));
    if (len <= WS_LEN7_MAX) {
        dst[1] = (uint8_t)(WS_MASK_BIT | len);
        h = WS_HEADER_BASE;
    } else if (len <= WS_LEN16_MAX) {
        dst[1] = WS_MASK_BIT | WS_LEN16_MARKER;
        dst[2] = (uint8_t)(len >> 8);
        dst[3] = (uint8_t)len;
        h = WS_HEADER_LEN16;
    } else {
        dst[1] = WS_MASK_BIT | WS_LEN64_MARKER;
        for (int i = 0; i < 8; i++) {
            dst[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
        }
        h = WS_HEADER_LEN64;
    }
    memcpy(dst + h, mask, WS_MASK_BYTES);
    h += WS_MASK_BYTES;
    if (len > 0 && payload != dst + h) {
        memmove(dst + h, payload, len);
    }
    ws_apply_mask(dst + h, len, mask, 0);
    return h + len;
}
