/*
 * pingpong.c: the signal ceiling measured in C, to check the Rust benchmark against.
 *
 * A parent and a forked child pass signals back and forth. Each round trip is two
 * sends and two wake-ups, which is exactly what a protocol that waits for an answer
 * after every signal costs: nothing built on signals that waits for an answer after
 * every bit (or every value) can go faster than this.
 *
 * usage: pingpong sigtimedwait|sigsuspend|sigqueue|two-in-flight N
 * prints: round_trips_per_second <float>
 *
 *   sigtimedwait:  kill(2) SIGUSR1; both processes block it and take it synchronously
 *                  (no handler at all), with a deadline so a lost signal cannot hang us.
 *   sigsuspend:    kill(2) SIGUSR1; a handler sets a flag; the process keeps SIGUSR1
 *                  blocked and atomically unblocks it only while it sleeps in
 *                  sigsuspend(2), so a signal that arrives between the flag test and the
 *                  sleep is not lost.
 *   sigqueue:      sigqueue(3) SIGUSR1 with a 64-bit value, taken with sigtimedwait; the
 *                  child answers with the value it got, and the parent checks it.
 *   two-in-flight: as sigqueue, but the parent keeps one SIGUSR1 and one SIGUSR2 in
 *                  flight: two different signals can be pending at once without
 *                  merging. Each answer (on the signal that came) releases the next
 *                  signal of that number. N counts round trips of both signals.
 *
 * Pinning both processes to one CPU is done from outside (the benchmark, like
 * `taskset -c 1`); the child inherits it.
 *
 * The benchmark compiles this with the machine's cc (cc -O2) at run time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum variant { SIGTIMEDWAIT, SIGSUSPEND, SIGQUEUE, TWO_IN_FLIGHT };

static volatile sig_atomic_t got;

static void on_usr1(int sig) {
    (void)sig;
    got = 1; /* only a flag: nothing else is async-signal-safe enough to be worth it */
}

/* Wait for one of `set` (kill or sigqueue variants); the signal, or -1 on timeout. */
static int take(const sigset_t *set, uint64_t *value) {
    struct timespec deadline = {5, 0};
    siginfo_t info;
    for (;;) {
        int sig = sigtimedwait(set, &info, &deadline);
        if (sig > 0) {
            if (value)
                *value = (uint64_t)(uintptr_t)info.si_value.sival_ptr;
            return sig;
        }
        if (errno != EINTR)
            return -1;
    }
}

/* Wait for the peer's SIGUSR1 in a kill variant; 0 on success, -1 on timeout/error. */
static int wait_signal(enum variant v, const sigset_t *usr1, const sigset_t *unblocked) {
    if (v == SIGSUSPEND) {
        while (!got)
            sigsuspend(unblocked);
        got = 0;
        return 0;
    }
    return take(usr1, NULL) == SIGUSR1 ? 0 : -1;
}

static int send_value(pid_t to, int sig, uint64_t value) {
    union sigval v;
    v.sival_ptr = (void *)(uintptr_t)value;
    return sigqueue(to, sig, v);
}

/* The child's side: answer every signal with the same signal and value. */
static void child(enum variant v, pid_t parent, long n, const sigset_t *set,
                  const sigset_t *unblocked) {
    if (v == SIGTIMEDWAIT || v == SIGSUSPEND) {
        for (long i = 0; i < n; i++) {
            if (wait_signal(v, set, unblocked) < 0)
                _exit(1);
            kill(parent, SIGUSR1);
        }
        _exit(0);
    }
    for (long i = 0; i < n; i++) {
        uint64_t value;
        int sig = take(set, &value);
        if (sig < 0)
            _exit(1);
        send_value(parent, sig, value);
    }
    _exit(0);
}

/* The parent's side: n round trips; returns how many completed. */
static long parent(enum variant v, pid_t kid, long n, const sigset_t *set,
                   const sigset_t *unblocked) {
    if (v == SIGTIMEDWAIT || v == SIGSUSPEND) {
        for (long i = 0; i < n; i++) {
            kill(kid, SIGUSR1);
            if (wait_signal(v, set, unblocked) < 0)
                return i;
        }
        return n;
    }
    if (v == SIGQUEUE) {
        for (long i = 0; i < n; i++) {
            uint64_t value;
            send_value(kid, SIGUSR1, (uint64_t)i * 0x9e3779b97f4a7c15u);
            if (take(set, &value) != SIGUSR1 || value != (uint64_t)i * 0x9e3779b97f4a7c15u)
                return i;
        }
        return n;
    }
    /* Two in flight: one SIGUSR1 and one SIGUSR2, each released by its answer. */
    long sent = 0, done = 0;
    send_value(kid, SIGUSR1, sent++);
    if (n > 1)
        send_value(kid, SIGUSR2, sent++);
    while (done < n) {
        uint64_t value;
        int sig = take(set, &value);
        if (sig < 0)
            return done;
        done++;
        if (sent < n)
            send_value(kid, sig, sent++);
    }
    return done;
}

int main(int argc, char **argv) {
    static const char *names[] = {"sigtimedwait", "sigsuspend", "sigqueue", "two-in-flight"};
    int v = -1;
    for (int i = 0; argc == 3 && i < 4; i++)
        if (strcmp(argv[1], names[i]) == 0)
            v = i;
    if (v < 0) {
        fprintf(stderr, "usage: %s sigtimedwait|sigsuspend|sigqueue|two-in-flight N\n",
                argv[0]);
        return 2;
    }
    long n = atol(argv[2]);
    if (n <= 0) {
        fprintf(stderr, "%s: N must be a positive number\n", argv[0]);
        return 2;
    }

    /* Block the signals before fork: the child inherits the mask, so a signal the parent
     * sends before the child is ready stays pending instead of killing it. */
    sigset_t set, unblocked;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    if (v == TWO_IN_FLIGHT)
        sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &unblocked);
    sigdelset(&unblocked, SIGUSR1);
    if (v == SIGSUSPEND) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
    }

    pid_t me = getpid();
    pid_t kid = fork();
    if (kid < 0) {
        perror("fork");
        return 1;
    }
    if (kid == 0)
        child(v, me, n, &set, &unblocked);

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long done = parent(v, kid, n, &set, &unblocked);
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (done < n) {
        fprintf(stderr, "%s: no (right) answer after %ld round trips\n", argv[0], done);
        kill(kid, SIGKILL);
        waitpid(kid, NULL, 0);
        return 1;
    }
    int status;
    waitpid(kid, &status, 0);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("round_trips_per_second %.1f\n", n / seconds);
    return 0;
}
