/* SHA-1 (FIPS 180-4), needed only to check Sec-WebSocket-Accept (RFC 6455 section 4.1). */
#ifndef LOADGEN_SHA1_H
#define LOADGEN_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_BYTES 20

/* Computes the SHA-1 digest of data[0..len) into out. */
void sha1(const void *data, size_t len, uint8_t out[SHA1_DIGEST_BYTES]);

#endif
