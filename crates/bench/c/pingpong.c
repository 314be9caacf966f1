/*
 * pingpong.c: the signal ceiling measured in C, to check the Rust benchmark against.
 *
 * A parent and a forked child pass SIGUSR1 back and forth N times. Each round trip is
 * two kill(2) calls and two wake-ups, which is exactly what a one-bit-per-signal
 * protocol with an acknowledgement per bit costs: nothing built on signals that waits
 * for an answer after every bit can go faster than this.
 *
 * usage: pingpong sigtimedwait|sigsuspend N
 * prints: round_trips_per_second <float>
 *
 *   sigtimedwait: both processes block SIGUSR1 and take it synchronously
 *                 (no handler at all), with a deadline so a lost signal cannot hang us.
 *   sigsuspend:   a handler sets a flag; the process keeps SIGUSR1 blocked and
 *                 atomically unblocks it only while it sleeps in sigsuspend(2), so a
 *                 signal that arrives between the flag test and the sleep is not lost.
 *
 * The benchmark compiles this with the machine's cc (cc -O2) at run time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig) {
    (void)sig;
    got = 1; /* only a flag: nothing else is async-signal-safe enough to be worth it */
}

/* Wait for the peer's SIGUSR1 in the chosen way; 0 on success, -1 on timeout/error. */
static int wait_signal(int suspend, const sigset_t *usr1, const sigset_t *unblocked) {
    if (suspend) {
        while (!got)
            sigsuspend(unblocked);
        got = 0;
        return 0;
    }
    struct timespec deadline = {5, 0};
    for (;;) {
        int sig = sigtimedwait(usr1, NULL, &deadline);
        if (sig == SIGUSR1)
            return 0;
        if (sig < 0 && errno == EINTR)
            continue;
        return -1;
    }
}

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "sigtimedwait") && strcmp(argv[1], "sigsuspend"))) {
        fprintf(stderr, "usage: %s sigtimedwait|sigsuspend N\n", argv[0]);
        return 2;
    }
    int suspend = strcmp(argv[1], "sigsuspend") == 0;
    long n = atol(argv[2]);
    if (n <= 0) {
        fprintf(stderr, "%s: N must be a positive number\n", argv[0]);
        return 2;
    }

    /* Block SIGUSR1 before fork: the child inherits the mask, so a signal the parent
     * sends before the child is ready stays pending instead of killing it. */
    sigset_t usr1, unblocked;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &unblocked);
    sigdelset(&unblocked, SIGUSR1);
    if (suspend) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);
    }

    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        for (long i = 0; i < n; i++) {
            if (wait_signal(suspend, &usr1, &unblocked) < 0)
                _exit(1);
            kill(parent, SIGUSR1);
        }
        _exit(0);
    }

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; i++) {
        kill(child, SIGUSR1);
        if (wait_signal(suspend, &usr1, &unblocked) < 0) {
            fprintf(stderr, "%s: no answer after %ld round trips\n", argv[0], i);
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    int status;
    waitpid(child, &status, 0);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("round_trips_per_second %.1f\n", n / seconds);
    return 0;
}
