/*
 * loadgen: a single-threaded epoll WebSocket load generator for the ActorWs benchmark.
 * Output on stdout is machine-readable, one event per line: "<event> key=value ...".
 * Diagnostics go to stderr. Exit status: 0 run completed (errors are in the result line),
 * 1 self-test failed, 2 bad command line, 3 setup failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "common.h"
#include "engine.h"
#include "options.h"

_Static_assert(MAX_TARGETS == ENGINE_MAX_TARGETS, "the options hold as many targets as the engine");

#define EXIT_USAGE 2
#define LOOPBACK_FIRST_OCTET 127

static void usage(FILE *out)
{
    fprintf(out,
            "usage: loadgen <echo|hold|broadcast|tick|fairness|selftest> (--port P | --target A:P ...) [options]\n"
            "  --host A             IPv4 loopback address (127.x.x.x), default 127.0.0.1\n"
            "  --target A:P         a server to connect to, instead of --host/--port; give it up to %d times\n"
            "                       (the nodes of a cluster): connection i goes to the (i mod count)-th target\n"
            "  --path /p            echo/hold route, default %s; tick: the JSON room protocol, default %s\n"
            "  --room NAME          broadcast room (joins /rooms/NAME), default %s\n"
            "  --room-type NAME     tick: the room type joined with joinOrCreate, default %s\n"
            "  --connections N      echo: %u, hold: %u, broadcast members: %u, tick clients: %u, fairness canaries: %u\n"
            "  --members N          same as --connections\n"
            "  --senders K          broadcast senders, default %u\n"
            "  --rate R             broadcast: the senders together send R messages/s at fixed times, whether or not\n"
            "                       their earlier ones came back (open loop; from a tenth of R to R over the warm-up);\n"
            "                       default 0: each sends its next message when its last one came back (closed loop)\n"
            "  --size B             message bytes, default %u (broadcast needs >= %u); tick: the room's payload\n"
            "                       after the sequence number, default %u (>= %u)\n"
            "  --hz H               tick: the room's tick rate, for the expected delivery rate, default %u\n"
            "  --deflate            echo/hold: offer permessage-deflate (RFC 7692) in every handshake\n"
            "  --depth D            echo messages in flight per connection, default %u\n"
            "  --coalesce           echo: the requests sent on reading echoes leave in one write per read\n"
            "  --flooders F         fairness: connections flooding tiny messages, default %u\n"
            "  --flood-size B       fairness: payload bytes of each flood message, default %u (at most %u)\n"
            "  --concurrency C      handshakes in flight, default %u\n"
            "  --warm-connections W hold warm-up connections, default %u\n"
            "  --warmup S           seconds before measuring, default %.0f\n"
            "  --duration S         seconds measured, default %.0f\n"
            "  --connect-timeout S  per connection, default %.0f\n"
            "  --close-timeout S    closing handshake, default %.0f\n"
            "  --wait-timeout S     hold: longest wait for a stdin line, default %.0f\n"
            "  --stall-timeout S    a message not back after S counts as stalled, default %.0f\n",
            MAX_TARGETS, DEFAULT_ECHO_PATH, DEFAULT_ROOMS_PATH, DEFAULT_ROOM, DEFAULT_TICK_ROOM_TYPE, DEFAULT_ECHO_CONNECTIONS,
            DEFAULT_HOLD_CONNECTIONS, DEFAULT_BROADCAST_MEMBERS, DEFAULT_TICK_CLIENTS, DEFAULT_FAIRNESS_CANARIES, DEFAULT_SENDERS,
            DEFAULT_MESSAGE_BYTES, BROADCAST_HEADER_BYTES, DEFAULT_TICK_BYTES, TICK_TIMESTAMP_BYTES, DEFAULT_TICK_HZ, DEFAULT_DEPTH,
            DEFAULT_FLOODERS, DEFAULT_FLOOD_BYTES, MAX_FLOOD_BYTES, DEFAULT_CONCURRENCY,
            DEFAULT_WARM_CONNECTIONS, DEFAULT_WARMUP_SECONDS, DEFAULT_DURATION_SECONDS, DEFAULT_CONNECT_TIMEOUT_SECONDS,
            DEFAULT_CLOSE_TIMEOUT_SECONDS, DEFAULT_WAIT_TIMEOUT_SECONDS, DEFAULT_STALL_TIMEOUT_SECONDS);
}

static void usage_error(const char *fmt, const char *value)
{
    fprintf(stderr, "loadgen: ");
    fprintf(stderr, fmt, value);
    fprintf(stderr, "\n");
    usage(stderr);
    exit(EXIT_USAGE);
}

static uint32_t parse_count(const char *name, const char *value, uint32_t min, uint32_t max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || value[0] == '-' || v < min || v > max) {
        fprintf(stderr, "loadgen: %s must be an integer in %u..%u, got '%s'\n", name, min, max, value);
        exit(EXIT_USAGE);
    }
    return (uint32_t)v;
}

static double parse_seconds(const char *name, const char *value, double min)
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (errno != 0 || end == value || *end != '\0' || !(v >= min) || v > MAX_SECONDS) {
        fprintf(stderr, "loadgen: %s must be a number of seconds in %g..%g, got '%s'\n", name, min, MAX_SECONDS, value);
        exit(EXIT_USAGE);
    }
    return v;
}

static int valid_room_name(const char *room)
{
    size_t len = strlen(room);
    if (len == 0 || len > MAX_ROOM_NAME) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        char ch = room[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

static void parse_options(int argc, char **argv, options_t *opt)
{
    if (argc < 2) {
        usage(stderr);
        exit(EXIT_USAGE);
    }
    memset(opt, 0, sizeof *opt);
    const char *mode = argv[1];
    const char *path = DEFAULT_ECHO_PATH;
    opt->size = DEFAULT_MESSAGE_BYTES;
    if (strcmp(mode, "echo") == 0) {
        opt->mode = MODE_ECHO;
        opt->connections = DEFAULT_ECHO_CONNECTIONS;
    } else if (strcmp(mode, "hold") == 0) {
        opt->mode = MODE_HOLD;
        opt->connections = DEFAULT_HOLD_CONNECTIONS;
    } else if (strcmp(mode, "broadcast") == 0) {
        opt->mode = MODE_BROADCAST;
        opt->connections = DEFAULT_BROADCAST_MEMBERS;
    } else if (strcmp(mode, "tick") == 0) {
        opt->mode = MODE_TICK;
        opt->connections = DEFAULT_TICK_CLIENTS;
        opt->size = DEFAULT_TICK_BYTES;
        path = DEFAULT_ROOMS_PATH;
    } else if (strcmp(mode, "fairness") == 0) {
        opt->mode = MODE_FAIRNESS;
        opt->connections = DEFAULT_FAIRNESS_CANARIES;
    } else if (strcmp(mode, "selftest") == 0) {
        opt->mode = MODE_SELFTEST;
        return;
    } else if (strcmp(mode, "--help") == 0 || strcmp(mode, "-h") == 0) {
        usage(stdout);
        exit(0);
    } else {
        usage_error("unknown mode '%s'", mode);
    }

    const char *host = "127.0.0.1";
    const char *room = DEFAULT_ROOM;
    const char *room_type = DEFAULT_TICK_ROOM_TYPE;
    int port = -1;
    int host_given = 0;
    opt->senders = DEFAULT_SENDERS;
    opt->hz = DEFAULT_TICK_HZ;
    opt->flooders = DEFAULT_FLOODERS;
    opt->flood_size = DEFAULT_FLOOD_BYTES;
    opt->depth = DEFAULT_DEPTH;
    opt->concurrency = DEFAULT_CONCURRENCY;
    opt->warm_connections = DEFAULT_WARM_CONNECTIONS;
    opt->warmup_s = DEFAULT_WARMUP_SECONDS;
    opt->duration_s = DEFAULT_DURATION_SECONDS;
    opt->connect_timeout_s = DEFAULT_CONNECT_TIMEOUT_SECONDS;
    opt->close_timeout_s = DEFAULT_CLOSE_TIMEOUT_SECONDS;
    opt->wait_timeout_s = DEFAULT_WAIT_TIMEOUT_SECONDS;
    opt->stall_timeout_s = DEFAULT_STALL_TIMEOUT_SECONDS;

    for (int i = 2; i < argc; i += 2) {
        const char *name = argv[i];
        if (strcmp(name, "--deflate") == 0 || strcmp(name, "--coalesce") == 0) {
            /* The options without a value. */
            if (name[2] == 'd') {
                opt->deflate = 1;
            } else {
                opt->coalesce = 1;
            }
            i--;
            continue;
        }
        if (i + 1 >= argc) {
            usage_error("option '%s' needs a value", name);
        }
        const char *value = argv[i + 1];
        if (strcmp(name, "--host") == 0) {
            host = value;
            host_given = 1;
        } else if (strcmp(name, "--target") == 0) {
            if (opt->ntargets == MAX_TARGETS) {
                usage_error("--target given more than 16 times (at '%s')", value);
            }
            int parsed = engine_parse_target(value, &opt->targets[opt->ntargets]);
            if (parsed == -2) {
                usage_error("--target '%s' is not an IPv4 loopback address (127.x.x.x)", value);
            } else if (parsed != 0) {
                usage_error("--target '%s' must be A.B.C.D:PORT (port 1-65535)", value);
            }
            opt->ntargets++;
        } else if (strcmp(name, "--port") == 0) {
            port = (int)parse_count(name, value, 1, 65535);
        } else if (strcmp(name, "--path") == 0) {
            path = value;
        } else if (strcmp(name, "--room") == 0) {
            room = value;
        } else if (strcmp(name, "--room-type") == 0) {
            room_type = value;
        } else if (strcmp(name, "--hz") == 0) {
            opt->hz = parse_count(name, value, 1, MAX_TICK_HZ);
        } else if (strcmp(name, "--connections") == 0 || strcmp(name, "--members") == 0) {
            opt->connections = parse_count(name, value, 1, 1000000);
        } else if (strcmp(name, "--rate") == 0) {
            opt->rate = parse_count(name, value, 0, MAX_BROADCAST_RATE);
        } else if (strcmp(name, "--senders") == 0) {
            opt->senders = parse_count(name, value, 1, 1000000);
        } else if (strcmp(name, "--size") == 0) {
            opt->size = parse_count(name, value, 0, MAX_MESSAGE_BYTES);
        } else if (strcmp(name, "--flooders") == 0) {
            opt->flooders = parse_count(name, value, 1, 100000);
        } else if (strcmp(name, "--flood-size") == 0) {
            opt->flood_size = parse_count(name, value, 0, MAX_FLOOD_BYTES);
        } else if (strcmp(name, "--depth") == 0) {
            opt->depth = parse_count(name, value, 1, MAX_DEPTH);
        } else if (strcmp(name, "--concurrency") == 0) {
            opt->concurrency = parse_count(name, value, 1, 1000000);
        } else if (strcmp(name, "--warm-connections") == 0) {
            opt->warm_connections = parse_count(name, value, 0, 1000000);
        } else if (strcmp(name, "--warmup") == 0) {
            opt->warmup_s = parse_seconds(name, value, 0);
        } else if (strcmp(name, "--duration") == 0) {
            opt->duration_s = parse_seconds(name, value, 0.1);
        } else if (strcmp(name, "--connect-timeout") == 0) {
            opt->connect_timeout_s = parse_seconds(name, value, 0.1);
        } else if (strcmp(name, "--close-timeout") == 0) {
            opt->close_timeout_s = parse_seconds(name, value, 0);
        } else if (strcmp(name, "--wait-timeout") == 0) {
            opt->wait_timeout_s = parse_seconds(name, value, 0);
        } else if (strcmp(name, "--stall-timeout") == 0) {
            opt->stall_timeout_s = parse_seconds(name, value, 0.01);
        } else {
            usage_error("unknown option '%s'", name);
        }
    }

    if (opt->ntargets > 0) {
        if (port >= 0 || host_given) {
            usage_error("%s", "--target replaces --host and --port: give one or the other");
        }
    } else {
        if (port < 0) {
            usage_error("%s", "--port (or --target) is required");
        }
        struct sockaddr_in *address = &opt->targets[0];
        address->sin_family = AF_INET;
        address->sin_port = htons((uint16_t)port);
        /* The benchmark must never generate traffic beyond this machine. */
        if (inet_pton(AF_INET, host, &address->sin_addr) != 1 || (ntohl(address->sin_addr.s_addr) >> 24) != LOOPBACK_FIRST_OCTET) {
            usage_error("--host '%s' is not an IPv4 loopback address (127.x.x.x)", host);
        }
        opt->ntargets = 1;
    }
    if (opt->deflate && opt->mode != MODE_ECHO && opt->mode != MODE_HOLD) {
        usage_error("%s", "--deflate applies to echo and hold only");
    }
    if (opt->coalesce && opt->mode != MODE_ECHO) {
        usage_error("%s", "--coalesce applies to echo only");
    }
    if (opt->mode == MODE_BROADCAST) {
        if (!valid_room_name(room)) {
            usage_error("--room '%s' must be 1-128 characters of A-Z a-z 0-9 - _ .", room);
        }
        snprintf(opt->path, sizeof opt->path, "/rooms/%s", room);
        if (opt->size < BROADCAST_HEADER_BYTES) {
            fprintf(stderr, "loadgen: broadcast --size must be at least %u (send time, sender, sequence)\n", BROADCAST_HEADER_BYTES);
            exit(EXIT_USAGE);
        }
        if (opt->senders > opt->connections) {
            fprintf(stderr, "loadgen: --senders (%u) cannot exceed --members (%u)\n", opt->senders, opt->connections);
            exit(EXIT_USAGE);
        }
    } else {
        if (opt->mode == MODE_TICK) {
            if (!valid_room_name(room_type)) {
                usage_error("--room-type '%s' must be 1-128 characters of A-Z a-z 0-9 - _ .", room_type);
            }
            snprintf(opt->room_type, sizeof opt->room_type, "%s", room_type);
            if (opt->size < TICK_TIMESTAMP_BYTES) {
                fprintf(stderr, "loadgen: tick --size must be at least %u (the server's send time)\n", TICK_TIMESTAMP_BYTES);
                exit(EXIT_USAGE);
            }
        }
        if (path[0] != '/' || strlen(path) >= sizeof opt->path || strpbrk(path, " \r\n") != NULL) {
            usage_error("--path '%s' must start with '/' and hold no spaces (at most 143 characters)", path);
        }
        snprintf(opt->path, sizeof opt->path, "%s", path);
    }
}

static void on_stop_signal(int signo)
{
    (void)signo;
    g_stop_requested++;
}

/* Ten thousand sockets need more than the usual 1024 descriptors: take everything the hard limit allows. */
static void raise_fd_limit(uint32_t needed)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        fatal("getrlimit(RLIMIT_NOFILE) failed: %s", strerror(errno));
    }
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        fatal("setrlimit(RLIMIT_NOFILE, %llu) failed: %s", (unsigned long long)limit.rlim_max, strerror(errno));
    }
    if (limit.rlim_cur != RLIM_INFINITY && (uint64_t)needed + 16 > (uint64_t)limit.rlim_cur) {
        fprintf(stderr, "loadgen: warning: %u connections need more descriptors than the limit of %llu\n", needed,
                (unsigned long long)limit.rlim_cur);
    }
}

int main(int argc, char **argv)
{
    options_t opt;
    parse_options(argc, argv, &opt);
    if (opt.mode == MODE_SELFTEST) {
        return run_selftest();
    }

    /* Line-buffered so the caller sees each event the moment it happens. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit(opt.connections + opt.warm_connections + (opt.mode == MODE_FAIRNESS ? opt.flooders : 0));

    switch (opt.mode) {
    case MODE_ECHO:
        return run_echo(&opt);
    case MODE_HOLD:
        return run_hold(&opt);
    case MODE_BROADCAST:
        return run_broadcast(&opt);
    case MODE_TICK:
        return run_tick(&opt);
    case MODE_FAIRNESS:
        return run_fairness(&opt);
    default:
        return EXIT_USAGE;
    }
}
