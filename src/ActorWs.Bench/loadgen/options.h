/* Command-line options shared by every mode, with their defaults and limits. */
#ifndef LOADGEN_OPTIONS_H
#define LOADGEN_OPTIONS_H

#include <netinet/in.h>
#include <stdint.h>

#define DEFAULT_ECHO_PATH "/echo"
/* The JSON room protocol's route (tick mode). */
#define DEFAULT_ROOMS_PATH "/ws"
#define DEFAULT_TICK_ROOM_TYPE "bench-tick"
#define DEFAULT_TICK_CLIENTS 100
#define DEFAULT_TICK_HZ 30
#define DEFAULT_TICK_BYTES 256
#define DEFAULT_ROOM "bench"
#define DEFAULT_ECHO_CONNECTIONS 100
/* fairness: canaries (echo, one message in flight each) and connections flooding tiny frames. */
#define DEFAULT_FAIRNESS_CANARIES 10
#define DEFAULT_FLOODERS 4
#define DEFAULT_FLOOD_BYTES 1
/*
 * Flood messages are tiny: 0 bytes (6-byte frames) or 1 byte (7-byte frames). Their echoes are checked by their
 * bytes, not decoded, which needs one server frame per message; a longer message split across a server's reads may
 * legally be echoed in pieces (Kestrel's echo forwards each piece it receives).
 */
#define MAX_FLOOD_BYTES 1u
#define DEFAULT_HOLD_CONNECTIONS 10000
#define DEFAULT_BROADCAST_MEMBERS 1000
#define DEFAULT_SENDERS 10
#define DEFAULT_MESSAGE_BYTES 32
#define DEFAULT_DEPTH 1
#define DEFAULT_CONCURRENCY 256
#define DEFAULT_WARM_CONNECTIONS 100
#define DEFAULT_WARMUP_SECONDS 2.0
#define DEFAULT_DURATION_SECONDS 10.0
#define DEFAULT_CONNECT_TIMEOUT_SECONDS 10.0
#define DEFAULT_CLOSE_TIMEOUT_SECONDS 3.0
#define DEFAULT_WAIT_TIMEOUT_SECONDS 120.0
#define DEFAULT_STALL_TIMEOUT_SECONDS 2.0
/* Longest measurement accepted, so a typo cannot leave the generator running for days. */
#define MAX_SECONDS 3600.0
/* Frames are built on the stack with a 16-bit length at most. */
#define MAX_MESSAGE_BYTES 65535u
/* Broadcast payload header: send time (8 bytes), sender slot (4), sequence number (4). */
#define BROADCAST_HEADER_BYTES 16u
#define MAX_DEPTH 1024u
#define MAX_ROOM_NAME 128u
/* --target may be given this many times (the engine's ENGINE_MAX_TARGETS). */
#define MAX_TARGETS 16
/* Tick payload: the server's monotonic clock in nanoseconds (8 bytes, little-endian), then filler. */
#define TICK_TIMESTAMP_BYTES 8u
/* The room toolkit ticks at 1..120 Hz (RoomActor.MaxTickRate). */
#define MAX_TICK_HZ 120u
/* broadcast --rate: most messages per second offered by all senders together. */
#define MAX_BROADCAST_RATE 10000000u

typedef enum loadgen_mode { MODE_ECHO, MODE_HOLD, MODE_BROADCAST, MODE_TICK, MODE_FAIRNESS, MODE_SELFTEST } loadgen_mode_t;

typedef struct options {
    loadgen_mode_t mode;
    struct sockaddr_in targets[MAX_TARGETS]; /* --host/--port, or every --target: connections go round-robin over them */
    uint32_t ntargets;
    char path[MAX_ROOM_NAME + 16];
    char room_type[MAX_ROOM_NAME + 1]; /* tick: the room type joined with joinOrCreate */
    uint32_t connections;      /* echo/hold connections, broadcast members, tick clients, fairness canaries */
    uint32_t senders;
    uint32_t size;
    uint32_t depth;
    uint32_t concurrency;
    uint32_t warm_connections;
    uint32_t hz;               /* tick: the server's tick rate, for the expected delivery rate */
    uint32_t flooders;         /* fairness: connections flooding tiny frames */
    uint32_t flood_size;       /* fairness: payload bytes of each flood message */
    int deflate;               /* echo/hold: offer permessage-deflate */
    int coalesce;              /* echo: requests made while handling one read leave in one write */
    double warmup_s;
    double duration_s;
    double connect_timeout_s;
    double close_timeout_s;
    double wait_timeout_s;
    double stall_timeout_s;
    uint32_t rate;             /* broadcast: messages/s from all senders together, each at fixed times (open loop); 0 = closed loop */
} options_t;

int run_echo(const options_t *opt);
int run_hold(const options_t *opt);
int run_broadcast(const options_t *opt);
int run_tick(const options_t *opt);
int run_fairness(const options_t *opt);
int run_selftest(void);

#endif
