/* SHA-1 written from FIPS 180-4 section 6.1; one-shot only, since handshake inputs are 60 bytes. */
#include "sha1.h"

#include <string.h>

#define SHA1_BLOCK_BYTES 64
#define SHA1_LENGTH_FIELD_BYTES 8

static uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const uint8_t block[SHA1_BLOCK_BYTES])
{
    uint32_t w[80];
    for (int t = 0; t < 16; t++) {
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
    }
    for (int t = 16; t < 80; t++) {
        w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    }

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t temp = rotl(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void sha1(const void *data, size_t len, uint8_t out[SHA1_DIGEST_BYTES])
{
    uint32_t h[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    const uint8_t *p = data;
    size_t remaining = len;
    while (remaining >= SHA1_BLOCK_BYTES) {
        sha1_block(h, p);
        p += SHA1_BLOCK_BYTES;
        remaining -= SHA1_BLOCK_BYTES;
    }

    /* Padding: 0x80, zeros, then the message length in bits as a big-endian 64-bit number. */
    uint8_t tail[2 * SHA1_BLOCK_BYTES];
    memset(tail, 0, sizeof tail);
    memcpy(tail, p, remaining);
    tail[remaining] = 0x80;
    size_t tail_len = remaining + 1 + SHA1_LENGTH_FIELD_BYTES <= SHA1_BLOCK_BYTES ? SHA1_BLOCK_BYTES : 2 * SHA1_BLOCK_BYTES;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < SHA1_LENGTH_FIELD_BYTES; i++) {
        tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
    }
    for (size_t off = 0; off < tail_len; off += SHA1_BLOCK_BYTES) {
        sha1_block(h, tail + off);
    }

    for (int i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}
