/* engine.h: runs an experiment over a grid: work units (batch x trial) on OpenMP threads (and
 * over MPI ranks under mpirun, see sltmpi.h), one RNG stream each, running mean/SE in trial
 * order, rows streamed as CSV; a killed run resumed from its rows. No memory is returned. */
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
    int resume;             /* out already holds the header and the first resume_rows rows */
    size_t resume_rows;
    /* Optional, one byte per grid point: slt_resume_scan marks the written rows whose theory
     * fields are all empty, and slt_run computes their theory again, so that a row whose theory
     * failed before the interruption is reported (and exits 1) like the rows computed now. */
    unsigned char *resume_blank;
} slt_run_opts;

/* Run and stream the table to o->out. SLT_OK, SLT_EUSAGE (a point failed its check; nothing
 * written), SLT_EFAIL (message in err), SLT_EINTR (finished rows written), SLT_EROWS (the table
 * is complete but the theory failed at some rows: their theory fields are empty, the first ten
 * each reported on standard error as "sltsim: EXP: theory failed at ...", and err says how many
 * more there were, or is empty when all were reported). Under mpirun every
 * rank calls it: rank 0 schedules and writes o->out, the others compute (their o->out unused).
 * With o->resume, batches whose rows are all among the first resume_rows are not run again. */
int slt_run(const slt_grid *g, const slt_run_opts *o, char *err);

/* Every point's cross-parameter check (sizes, memory) before any output: SLT_EUSAGE + message. */
int slt_validate(const slt_grid *g, const slt_run_opts *o, char *err);

/* Provenance lines ("# ...", control characters written as \xNN) and the header row, flushed:
 * 0, or -1 on a write error (errno set). */
int slt_write_header(FILE *f, const slt_grid *g, const slt_run_opts *o);
/* A resumed table: the file at fd must begin with exactly the header this run writes, followed
 * by rows of this grid in order (the last line may be cut). Sets *rows (complete rows) and *keep
 * (bytes up to the end of the last of them), and o->resume_blank[k] for those rows when given.
 * SLT_OK, or SLT_EUSAGE with err saying what differs. */
int slt_resume_scan(int fd, const slt_grid *g, const slt_run_opts *o, size_t *rows, long *keep, char *err);
/* Library versions in use: "gsl 2.7.1; fftw 3.3.10; blas openblas 0.3.21" */
void slt_library_versions(char *buf, size_t len);

#endif
