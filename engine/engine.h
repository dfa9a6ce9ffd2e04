/* engine.h: runs an experiment over a grid: work units (batch x trial) on OpenMP threads, one
 * RNG stream each, running mean/SE in trial order, rows streamed as CSV. No memory is returned. */
#ifndef SLT_ENGINE_H
#define SLT_ENGINE_H

#include <signal.h>
#include <stdio.h>

#include "grid.h"

typedef struct {
    long trials;            /* Monte Carlo repetitions per point; 0 = theory only */
    unsigned long seed;
    int threads;            /* >= 1 */
    int progress;           /* draw a progress bar on standard error */
    FILE *out;              /* CSV destination */
    const char *command;    /* the command line, for provenance */
    volatile sig_atomic_t *interrupted; /* set asynchronously to stop early (may be NULL) */
    /* Optional: called after new rows were written and flushed (a live figure), one call at a
     * time, from whichever thread wrote them. */
    void (*on_rows)(void *arg);
    void *on_rows_arg;
} slt_run_opts;

/* Run and stream the table to o->out. SLT_OK, SLT_EUSAGE (a point failed its check; nothing
 * written), SLT_EFAIL (message in err), SLT_EINTR (finished rows written). */
int slt_run(const slt_grid *g, const slt_run_opts *o, char *err);

/* Every point's cross-parameter check (sizes, memory) before any output: SLT_EUSAGE + message. */
int slt_validate(const slt_grid *g, const slt_run_opts *o, char *err);

/* Provenance lines ("# ...", control characters written as \xNN) and the header row, flushed:
 * 0, or -1 on a write error (errno set). */
int slt_write_header(FILE *f, const slt_grid *g, const slt_run_opts *o);
/* Library versions in use: "gsl 2.7.1; fftw 3.3.10; blas openblas 0.3.21" */
void slt_library_versions(char *buf, size_t len);

#endif
