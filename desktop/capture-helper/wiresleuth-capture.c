/*
 * wiresleuth-capture: the only part of WireSleuth that holds the right to capture (Linux).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   wiresleuth-capture -i INTERFACE -t SECONDS -f FILTER [-s SNAPLEN] [-B BUFFER_MIB]
 *
 * Opens one libpcap handle (immediate mode, not promiscuous), compiles and sets the BPF
 * filter, then drops every capability and sets no_new_privs before the first packet is
 * read. With `-f -` the filter is the first line of standard input instead: the capture
 * opens taking nothing (a filter that rejects every packet), the rights are dropped, the
 * stream's header is written and "started" said; then the line is read, compiled (without
 * any privilege) and set, and "filter set" said, or "error: ..." and exit 5. The caller can
 * so open the capture while it still looks up the addresses its filter names. Packets go to standard output as a classic pcap stream, flushed after each one so
 * the caller sees them live. It stops at the time limit, when its standard input reaches
 * end of file (the caller closed its end or died), on SIGTERM/SIGINT/SIGHUP, or when
 * standard output fails (the reader went away). Standard error carries one line per event:
 *
 *   wiresleuth-capture: started interface=any linktype=113 snaplen=262144
 *   wiresleuth-capture: filter set                     (with -f -)
 *   wiresleuth-capture: error: <what went wrong, one line>
 *   wiresleuth-capture: stopped reason=<time-limit|input-closed|signal|output-closed|capture-error> packets=N dropped=M
 *
 * "stopped" is said once standard output is closed; the process then releases the capture
 * and exits (a caller holding the whole stream and that line need not wait for the exit).
 * "dropped" is the kernel's count of packets the filter matched but the buffer had no room
 * for (pcap_stats ps_drop). Exit codes: 0 stopped as asked, 1 other error, 2 bad arguments,
 * 3 permission denied, 4 no such device (or it is down), 5 bad filter, 6 output failed.
 *
 * It is installed with a file capability (cap_net_raw=ep) and executable only by a group,
 * so it trusts nothing from its caller but argv: the environment is cleared at once,
 * descriptors above 2 are closed, and nothing is loaded or run that the caller chose (the
 * dynamic loader already ignores LD_* in a process started with a file capability).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <pcap/pcap.h>

enum {
    EXIT_STOPPED = 0,
    EXIT_OTHER = 1,
    EXIT_USAGE = 2,
    EXIT_PERMISSION = 3,
    EXIT_NO_DEVICE = 4,
    EXIT_BAD_FILTER = 5,
    EXIT_OUTPUT = 6,
};

#define PROGRAM "wiresleuth-capture"
#define MAX_SECONDS 86400L
#define MAX_FILTER 65536
#define MAX_SNAPLEN 262144L
#define DEFAULT_BUFFER_MIB 8L
#define MAX_BUFFER_MIB 256L
#define MAX_IFNAME 15 /* IFNAMSIZ - 1 */

static volatile sig_atomic_t signalled = 0;

static void on_signal(int sig) {
    (void)sig;
    signalled = 1;
}

static void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int fail(int code, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* One line on stderr; control characters (a libpcap message may hold any) become spaces. */
static void say(const char *format, ...) {
    char line[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    for (char *c = line; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            *c = ' ';
        }
    }
    fprintf(stderr, PROGRAM ": %s\n", line);
    fflush(stderr);
}

static int fail(int code, const char *format, ...) {
    char message[900];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    say("error: %s", message);
    return code;
}

/* Descriptors 0-2 must be open (else libpcap's socket could become "stdout"); close the rest. */
static int tidy_descriptors(void) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (opened != fd) {
                return -1;
            }
            if (fd == 1) {
                return -2; /* no standard output: nothing could read the capture */
            }
        }
    }
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) {
        return 0;
    }
#endif
    long most = sysconf(_SC_OPEN_MAX);
    if (most < 0 || most > 65536) {
        most = 65536;
    }
    for (int fd = 3; fd < most; fd++) {
        close(fd);
    }
    return 0;
}

static int parse_long(const char *text, long low, long high, long *value) {
    char *end = NULL;
    errno = 0;
    long parsed = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || parsed < low || parsed > high) {
        return -1;
    }
    *value = parsed;
    return 0;
}

/* `any`, or what an interface name looks like: 1-15 of [A-Za-z0-9._:@-], no leading '-' or '.'. */
static int plausible_interface(const char *name) {
    size_t length = strlen(name);
    if (length == 0 || length > MAX_IFNAME || name[0] == '-' || name[0] == '.') {
        return 0;
    }
    for (const char *c = name; *c; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 *c == '.' || *c == '_' || *c == ':' || *c == '@' || *c == '-';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

/* Effective, permitted and inheritable sets emptied (ambient follows), no_new_privs set,
 * then checked: a capture that could not shed its rights must not read a packet. */
static int drop_rights(void) {
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) {
        return -1;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0) {
        return -1;
    }
    memset(data, 0xff, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) {
        return -1;
    }
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        if (data[i].effective || data[i].permitted || data[i].inheritable) {
            errno = EPERM;
            return -1;
        }
    }
    return 0;
}

struct output {
    pcap_t *handle;
    pcap_dumper_t *dumper;
    unsigned long long packets;
    int failed;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *header, const u_char *bytes) {
    struct output *out = (struct output *)user;
    if (out->failed) {
        return;
    }
    pcap_dump((u_char *)out->dumper, header, bytes);
    if (pcap_dump_flush(out->dumper) != 0) {
        out->failed = 1;
        pcap_breakloop(out->handle);
        return;
    }
    out->packets++;
}

static int usage(const char *why) {
    return fail(EXIT_USAGE,
                "%s; usage: " PROGRAM " -i INTERFACE -t SECONDS -f FILTER [-s SNAPLEN] "
                "[-B BUFFER_MIB] >OUTPUT <CONTROL",
                why);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Compiles and sets `filter`; EXIT_STOPPED, or EXIT_BAD_FILTER once said why. */
static int install_filter(pcap_t *handle, const char *filter) {
    struct bpf_program program;
    if (pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        return fail(EXIT_BAD_FILTER, "filter not valid (%s)", pcap_geterr(handle));
    }
    int set = pcap_setfilter(handle, &program);
    pcap_freecode(&program);
    if (set != 0) {
        return fail(EXIT_BAD_FILTER, "filter could not be installed (%s)", pcap_geterr(handle));
    }
    return EXIT_STOPPED;
}

/* A filter that rejects every packet: the capture is open but takes nothing (-f -). */
static int take_nothing(pcap_t *handle) {
    struct bpf_insn reject = BPF_STMT(BPF_RET | BPF_K, 0);
    struct bpf_program program = {.bf_len = 1, .bf_insns = &reject};
    if (pcap_setfilter(handle, &program) != 0) {
        return fail(EXIT_OTHER, "cannot pause the capture (%s)", pcap_geterr(handle));
    }
    return EXIT_STOPPED;
}

/* Reads the filter line of -f - into `line` (at most `size` - 1 characters, no newline).
 * Returns its length, -1 when the input ended first (the caller gave up), -2 when the line
 * is too long, -3 at the time limit, -4 on a read error. Nothing after the newline is read. */
static long read_filter_line(char *line, size_t size, double deadline) {
    size_t length = 0;
    for (;;) {
        double left = deadline - now();
        if (left <= 0) {
            return -3;
        }
        struct pollfd input = {.fd = 0, .events = POLLIN};
        int ready = poll(&input, 1, (int)(left * 1000) + 1);
        if (ready < 0) {
            if (errno == EINTR) {
                if (signalled) {
                    return -1;
                }
                continue;
            }
            return -4;
        }
        if (ready == 0) {
            continue;
        }
        char c;
        ssize_t got = read(0, &c, 1);
        if (got == 0) {
            return -1;
        }
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return -4;
        }
        if (c == '\n') {
            line[length] = '\0';
            return (long)length;
        }
        if (length + 1 >= size) {
            return -2;
        }
        line[length++] = c;
    }
}

static int open_capture(pcap_t **result, const char *interface, long snaplen, long buffer_mib,
                        const char *filter) {
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *handle = pcap_create(interface, errbuf);
    if (handle == NULL) {
        return fail(EXIT_OTHER, "cannot open capture device %s: %s", interface, errbuf);
    }
    pcap_set_snaplen(handle, (int)snaplen);
    pcap_set_promisc(handle, 0);
    pcap_set_timeout(handle, 50);
    pcap_set_immediate_mode(handle, 1);
    pcap_set_buffer_size(handle, (int)(buffer_mib * 1024 * 1024));
    int status = pcap_activate(handle);
    if (status < 0) {
        const char *detail = pcap_geterr(handle);
        if (detail == NULL || detail[0] == '\0') {
            detail = pcap_statustostr(status);
        }
        int code;
        if (status == PCAP_ERROR_PERM_DENIED || status == PCAP_ERROR_PROMISC_PERM_DENIED) {
            code = fail(EXIT_PERMISSION, "no permission to capture on %s (%s)", interface, detail);
        } else if (status == PCAP_ERROR_NO_SUCH_DEVICE) {
            code = fail(EXIT_NO_DEVICE, "there is no network device named %s (%s)", interface, detail);
        } else if (status == PCAP_ERROR_IFACE_NOT_UP) {
            code = fail(EXIT_NO_DEVICE, "network device %s is down (%s)", interface, detail);
        } else {
            code = fail(EXIT_OTHER, "cannot start capture on %s (%s)", interface, detail);
        }
        pcap_close(handle);
        return code;
    }
    int installed = filter != NULL ? install_filter(handle, filter) : take_nothing(handle);
    if (installed != EXIT_STOPPED) {
        pcap_close(handle);
        return installed;
    }
    if (pcap_setnonblock(handle, 1, errbuf) != 0) {
        fail(EXIT_OTHER, "cannot make the capture non-blocking (%s)", errbuf);
        pcap_close(handle);
        return EXIT_OTHER;
    }
    *result = handle;
    return EXIT_STOPPED;
}

/* Reads until a reason to stop; returns that reason. */
static const char *capture_loop(struct output *out, double deadline) {
    sigset_t unblocked;
    sigemptyset(&unblocked);
    struct pollfd fds[2] = {
        {.fd = pcap_get_selectable_fd(out->handle), .events = POLLIN},
        {.fd = 0, .events = POLLIN},
    };
    char discard[512];
    for (;;) {
        if (signalled) {
            return "signal";
        }
        double left = deadline - now();
        if (left <= 0) {
            return "time-limit";
        }
        struct timespec wait = {.tv_sec = (time_t)left,
                                .tv_nsec = (long)((left - (double)(time_t)left) * 1e9)};
        int ready = ppoll(fds, 2, &wait, &unblocked); /* signals are delivered only here */
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            return "capture-error";
        }
        if (fds[0].revents) {
            if (pcap_dispatch(out->handle, -1, on_packet, (u_char *)out) == PCAP_ERROR) {
                say("error: capture failed (%s)", pcap_geterr(out->handle));
                return "capture-error";
            }
            if (out->failed) {
                return "output-closed";
            }
        }
        if (fds[1].revents & POLLIN) {
            ssize_t got = read(0, discard, sizeof discard);
            if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
                return "input-closed";
            }
        } else if (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            return "input-closed";
        }
    }
}

int main(int argc, char **argv) {
    clearenv();
    int tidy = tidy_descriptors();
    if (tidy == -2) {
        return fail(EXIT_USAGE, "standard output is closed: it must carry the capture");
    }
    if (tidy != 0) {
        return fail(EXIT_OTHER, "cannot prepare standard descriptors");
    }
    signal(SIGPIPE, SIG_IGN); /* a reader that went away is a write error, seen and reported */
    sigset_t stopping;
    sigemptyset(&stopping);
    sigaddset(&stopping, SIGTERM);
    sigaddset(&stopping, SIGINT);
    sigaddset(&stopping, SIGHUP);
    sigprocmask(SIG_BLOCK, &stopping, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);

    const char *interface = NULL;
    const char *filter = NULL;
    long seconds = 0;
    long snaplen = MAX_SNAPLEN;
    long buffer_mib = DEFAULT_BUFFER_MIB;
    int option;
    opterr = 0;
    while ((option = getopt(argc, argv, "+i:t:f:s:B:")) != -1) {
        switch (option) {
        case 'i':
            interface = optarg;
            break;
        case 't':
            if (parse_long(optarg, 1, MAX_SECONDS, &seconds) != 0) {
                return usage("-t: the time limit must be a whole number of seconds, 1 to 86400");
            }
            break;
        case 'f':
            filter = optarg;
            break;
        case 's':
            if (parse_long(optarg, 64, MAX_SNAPLEN, &snaplen) != 0) {
                return usage("-s: the snap length must be 64 to 262144 bytes");
            }
            break;
        case 'B':
            if (parse_long(optarg, 1, MAX_BUFFER_MIB, &buffer_mib) != 0) {
                return usage("-B: the buffer must be 1 to 256 MiB");
            }
            break;
        default:
            return usage("unknown option or missing value");
        }
    }
    if (optind != argc) {
        return usage("unexpected argument");
    }
    if (interface == NULL || seconds == 0 || filter == NULL) {
        return usage("-i, -t and -f are required");
    }
    if (strcmp(interface, "any") != 0 && !plausible_interface(interface)) {
        return usage("-i: not an interface name");
    }
    int deferred = strcmp(filter, "-") == 0;
    if (strlen(filter) > MAX_FILTER) {
        return usage("-f: the filter is longer than 65536 characters");
    }
    if (isatty(1)) {
        return usage("standard output is a terminal: send it to a file or a program");
    }

    pcap_t *handle = NULL;
    double deadline = now() + (double)seconds;
    int opened = open_capture(&handle, interface, snaplen, buffer_mib, deferred ? NULL : filter);
    if (opened != EXIT_STOPPED) {
        return opened;
    }
    if (drop_rights() != 0) {
        pcap_close(handle);
        return fail(EXIT_OTHER, "cannot drop capabilities (%s)", strerror(errno));
    }
    FILE *stream = fdopen(1, "wb");
    pcap_dumper_t *dumper = stream ? pcap_dump_fopen(handle, stream) : NULL;
    if (dumper == NULL || pcap_dump_flush(dumper) != 0) {
        pcap_close(handle);
        return fail(EXIT_OUTPUT, "cannot write to standard output");
    }
    say("started interface=%s linktype=%d snaplen=%ld", interface, pcap_datalink(handle), snaplen);

    struct output out = {.handle = handle, .dumper = dumper, .packets = 0, .failed = 0};
    const char *reason = NULL;
    if (deferred) {
        static char line[MAX_FILTER + 2];
        long got = read_filter_line(line, sizeof line, deadline);
        if (got == -1) {
            reason = signalled ? "signal" : "input-closed";
        } else if (got == -3) {
            reason = "time-limit";
        } else if (got == -2 || got == -4) {
            fail(got == -2 ? EXIT_USAGE : EXIT_OTHER, "%s",
                 got == -2 ? "-f -: the filter is longer than 65536 characters"
                           : "cannot read the filter from standard input");
            reason = "capture-error";
        } else if (install_filter(handle, line) != EXIT_STOPPED) {
            pcap_dump_close(dumper);
            pcap_close(handle);
            return EXIT_BAD_FILTER;
        } else {
            say("filter set");
        }
    }
    if (reason == NULL) {
        reason = capture_loop(&out, deadline);
    }
    if (strcmp(reason, "input-closed") == 0 || strcmp(reason, "signal") == 0 ||
        strcmp(reason, "time-limit") == 0) {
        /* what the kernel already holds belongs to the capture the caller asked for */
        if (pcap_dispatch(handle, -1, on_packet, (u_char *)&out) == PCAP_ERROR) {
            reason = "capture-error";
        } else if (out.failed) {
            reason = "output-closed";
        }
    }
    struct pcap_stat stats;
    unsigned long long dropped = 0;
    if (pcap_stats(handle, &stats) == 0) {
        dropped = stats.ps_drop;
    }
    pcap_dump_close(dumper); /* flushes and closes standard output: the reader sees its end */
    /* Said before pcap_close: closing a packet socket waits for the kernel's RCU grace period
     * (20-40 ms measured), which the caller need not sit out once it has the whole stream and
     * this line; it reaps the process in the background. */
    say("stopped reason=%s packets=%llu dropped=%llu", reason, out.packets, dropped);
    pcap_close(handle);
    if (strcmp(reason, "output-closed") == 0) {
        return EXIT_OUTPUT;
    }
    return strcmp(reason, "capture-error") == 0 ? EXIT_OTHER : EXIT_STOPPED;
}
