/*
 * A classic minitalk client, as students write it in C: the tester's corpus (see
 * server.c for the protocol). Usage: client <server-pid> <message>.
 *
 * It blocks SIGUSR1 and SIGUSR2 before its first kill, then waits for the server's
 * answer to each bit in sigsuspend, taking an answer only from the server: a signal from
 * anyone else is caught and ignored (SIGUSR2's default action would kill it). It prints
 * nothing when it succeeds.
 *
 * The tests build it with `cc`, once as it is and once per defect, each defect one
 * macro: USAGE_ON_STDOUT (usage errors on stdout, exit 1: a convention, not a defect),
 * ATOI (the PID read with atoi, unchecked), TRUNCATE (it stops after 100 bytes, and
 * exits 0 all the same), NO_ACK (it sleeps 100 us between bits instead of waiting),
 * TIMEOUT (it gives up, exit 1, when an answer takes more than 3 s: SIGALRM).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t answered;
static pid_t server;

static void on_answer(int signal, siginfo_t *info, void *context)
{
    (void)signal;
    (void)context;
    if (info->si_pid == server)
        answered = 1;
}

#ifdef TIMEOUT
/* The alarm rang: no answer for 3 s. write(2) and _exit(2) are async-signal-safe;
 * fprintf and exit are not (they lock and flush stdio). */
static void on_alarm(int signal)
{
    static const char gave_up[] = "client: no answer from the server for 3 s\n";
    ssize_t written = write(2, gave_up, sizeof gave_up - 1);
    (void)signal;
    (void)written;
    _exit(1);
}
#endif

static int usage(const char *why)
{
#ifdef USAGE_ON_STDOUT
    printf("Error: %s\nUsage: ./client <server-pid> <message>\n", why);
    return 1;
#else
    fprintf(stderr, "client: %s (usage: client <server-pid> <message>)\n", why);
    return 2;
#endif
}

/* The PID, or 0 if `text` is not one process's PID: decimal digits, 1 to 4194304. */
static pid_t parse_pid(const char *text)
{
#ifdef ATOI
    return atoi(text);
#else
    long pid = 0;
    if (!*text)
        return 0;
    for (const char *c = text; *c; c++) {
        if (*c < '0' || *c > '9' || pid > 4194304)
            return 0;
        pid = pid * 10 + (*c - '0');
    }
    return pid <= 4194304 ? (pid_t)pid : 0;
#endif
}

static void send_bit(int one, sigset_t *waiting)
{
    answered = 0;
    kill(server, one ? SIGUSR2 : SIGUSR1);
#ifdef NO_ACK
    (void)waiting;
    usleep(100);
#else
#ifdef TIMEOUT
    alarm(3);
#endif
    while (!answered)
        sigsuspend(waiting);
#ifdef TIMEOUT
    alarm(0);
#endif
#endif
}

int main(int argc, char **argv)
{
    struct sigaction action;
    sigset_t answer, waiting;

    if (argc != 3)
        return usage("expected a PID and a message");
    server = parse_pid(argv[1]);
#ifndef ATOI
    if (server <= 0)
        return usage("the PID must be a process's: decimal digits, 1 to 4194304");
#endif
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_answer;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigemptyset(&answer);
    sigaddset(&answer, SIGUSR1);
    sigaddset(&answer, SIGUSR2);
    sigprocmask(SIG_BLOCK, &answer, &waiting);
    sigdelset(&waiting, SIGUSR1);
    sigdelset(&waiting, SIGUSR2);
    sigaction(SIGUSR1, &action, NULL);
    sigaction(SIGUSR2, &action, NULL);
#ifdef TIMEOUT
    struct sigaction alarm_action;
    memset(&alarm_action, 0, sizeof alarm_action);
    alarm_action.sa_handler = on_alarm;
    sigemptyset(&alarm_action.sa_mask);
    sigaction(SIGALRM, &alarm_action, NULL);
#endif

    size_t length = strlen(argv[2]);
#ifdef TRUNCATE
    if (length > 100)
        length = 100;
#endif
    for (size_t i = 0; i <= length; i++) {
        unsigned char byte = i < length ? (unsigned char)argv[2][i] : 0;
        for (int bit = 7; bit >= 0; bit--)
            send_bit((byte >> bit) & 1, &waiting);
    }
    return 0;
}
