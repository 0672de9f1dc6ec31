/*
 * The fairness mode's flood: a block of identical-length masked binary frames, written over and over. Exposed for
 * the self-test.
 */
#ifndef LOADGEN_FAIRNESS_H
#define LOADGEN_FAIRNESS_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of flood written per block; the block is sent again and again (one send per writable event). */
#define FLOOD_BLOCK_BYTES (64u * 1024u)

/* Byte j of the payload of the block's frame i: differs between neighbours, so a reordered or lost echo shows. */
static inline uint8_t flood_payload_byte(uint32_t frame, uint32_t j) { return (uint8_t)(frame * 29u + j * 3u + 7u); }

/*
 * Fills dst (capacity cap) with as many whole masked binary frames of payload_bytes (0 or 1) as fit, each with
 * its own masking key; returns the bytes written (a multiple of the frame length) and stores the frame count.
 */
size_t flood_block_build(uint8_t *dst, size_t cap, uint32_t payload_bytes, uint32_t *frames);

#endif
