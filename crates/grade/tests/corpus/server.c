/*
 * A classic minitalk server, as students write it in C: the tester's corpus.
 *
 * It prints its PID in colour, then the messages it receives, each exactly and with no
 * newline after it. A client sends 8 bits a byte, most significant first (SIGUSR1 for 0,
 * SIGUSR2 for 1), and a NUL byte at the end; the server answers every bit with SIGUSR1
 * to its sender, once it has checked that the sender catches SIGUSR1 (an answer would
 * kill a process that does not). A new sender starts a new byte.
 *
 * The tests build it with `cc`, once as it is and once per defect, each defect one
 * macro: NO_FLUSH (the messages stay in stdio's buffer), ONE_CLIENT (after the first
 * message it answers nobody: it must be restarted between clients), NO_ACK (it never
 * answers: for a client that does not wait), ANSWERS_EVERYONE (it answers whoever
 * signals it, without a look: most servers do).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one bit in flight: its value and its sender. The handler only stores them; the
 * main loop, which sleeps in sigsuspend with both signals blocked otherwise, does the
 * rest. Clients wait for the answer to a bit before they send the next, so one slot is
 * enough. */
static volatile sig_atomic_t bit_sender;
static volatile sig_atomic_t bit_value;

static void on_bit(int signal, siginfo_t *info, void *context)
{
    (void)context;
    bit_value = (signal == SIGUSR2);
    bit_sender = info->si_pid;
}

#ifndef NO_ACK
/* Whether `pid` catches SIGUSR1: bit 9 of SigCgt in /proc/PID/status. */
static int catches_sigusr1(pid_t pid)
{
#ifdef ANSWERS_EVERYONE
    (void)pid;
    return 1;
#endif
    char path[64], line[256];
    int caught = 0;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *status = fopen(path, "r");
    if (!status)
        return 0;
    while (fgets(line, sizeof line, status))
        if (strncmp(line, "SigCgt:", 7) == 0)
            caught = (strtoull(line + 7, NULL, 16) >> (SIGUSR1 - 1)) & 1;
    fclose(status);
    return caught;
}
#endif

int main(void)
{
    struct sigaction action;
    sigset_t both, none;
    pid_t current = 0;
    unsigned char byte = 0;
    int bits = 0;
    int served = 0;

    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_bit;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &both, NULL);
    sigaction(SIGUSR1, &action, NULL);
    sigaction(SIGUSR2, &action, NULL);

    printf("\033[0;33mServer PID:\033[0;37m %d\033[0m\n", (int)getpid());
    fflush(stdout);
    for (;;) {
        bit_sender = 0;
        while (!bit_sender)
            sigsuspend(&none);
        pid_t sender = bit_sender;
        if (served)
            continue;
        if (sender != current) {
            current = sender;
            byte = 0;
            bits = 0;
        }
        byte = (unsigned char)(byte << 1 | bit_value);
        if (++bits == 8) {
            if (byte == 0) {
#ifdef ONE_CLIENT
                served = 1;
#endif
                current = 0;
            } else {
                putchar(byte);
#ifndef NO_FLUSH
                fflush(stdout);
#endif
            }
            byte = 0;
            bits = 0;
        }
#ifndef NO_ACK
        if (catches_sigusr1(sender))
            kill(sender, SIGUSR1);
#endif
    }
}
