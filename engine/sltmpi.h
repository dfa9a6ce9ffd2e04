/* sltmpi.h: the MPI side of the engine: whether this process is one rank of `mpirun -np K`, and
 * the exchange of work units between rank 0 (schedules, aggregates, writes) and the other ranks
 * (compute). Built without --with-mpi, every process is rank 0 of 1. No memory is returned. */
#ifndef SLT_MPI_H
#define SLT_MPI_H

#include <stddef.h>

/* Start MPI when this process was launched by mpirun or srun (their environment variables say
 * so); otherwise do nothing, so that the same binary runs alone as before. SLT_OK, or SLT_EFAIL
 * with a message in err. Call once, first thing in main; slt_mpi_finalize before exit. */
int slt_mpi_init(int *argc, char ***argv, char *err);
void slt_mpi_finalize(void);
int slt_mpi_rank(void); /* 0 when alone */
int slt_mpi_size(void); /* 1 when alone */

/* Collective: every rank passes its status; returns rank 0's (bcast) or the largest (max). */
int slt_mpi_bcast(int status);
int slt_mpi_max(int status);

/* Rank 0's side: callbacks into the engine, called from the serving thread only. */
typedef struct {
    void *ctx;
    long (*next)(void *ctx);                        /* the next unit to hand out; -1: none */
    double *(*slot)(void *ctx, long u, size_t *n);  /* where unit u's n values go; NULL: failed */
    void (*done)(void *ctx, long u);                /* unit u's values are in its slot */
    void (*fail)(void *ctx, const char *msg);       /* another rank failed: its message */
} slt_mpi_server;

/* Serve the other ranks' requests until each has said it stopped. Rank 0, one thread. */
void slt_mpi_serve(const slt_mpi_server *s);

/* The other ranks, from any of their threads (calls are serialized inside): hand in unit u's n
 * values (u = -1: none yet) and get the next unit to run, or -1 to stop. `more` = 0 says this
 * thread stops anyway (interrupted); a non-NULL err reports a failure instead of values. */
long slt_mpi_exchange(long u, const double *vals, size_t n, int more, const char *err);
/* Every thread of this rank has stopped: rank 0 may stop serving it. */
void slt_mpi_bye(void);

#endif
