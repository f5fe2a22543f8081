/* interrupt.c - note SIGINT and SIGTERM for the long loops to poll (see interrupt.h). */
#define _POSIX_C_SOURCE 200809L

#include "dsc/interrupt.h"

#include <signal.h>
#include <stddef.h>

/* Written only by the handler; sig_atomic_t is the one type a handler may safely store. */
static volatile sig_atomic_t received;

static void note_signal(int sig)
{
    received = sig;
    /* The next signal of this kind gets the default action: a second Ctrl-C kills. */
    signal(sig, SIG_DFL);
}

void dsc_interrupt_install(void)
{
    struct sigaction sa;
    sa.sa_handler = note_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* reads and writes in progress go on; loops poll the flag */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int dsc_interrupted(void)
{
    return (int)received;
}

const char *dsc_interrupt_name(int sig)
{
    switch (sig) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    default:
        return "a signal";
    }
}
