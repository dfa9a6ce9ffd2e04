/* mpi.c: work units over MPI ranks. Rank 0 serves: the other ranks' threads each ask for one
 * unit at a time, handing in the values of the one they finished, so scheduling is dynamic
 * across ranks exactly as it is across threads, and rank 0 aggregates in trial order as when
 * alone (hence the same bytes for any number of ranks). Without --with-mpi (SLT_HAVE_MPI unset)
 * this file only says "rank 0 of 1". */
#include "config.h"
#include "sltmpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slt.h"

#ifdef SLT_HAVE_MPI
#include <mpi.h>

enum { TAG_RESULT = 1, TAG_ERROR, TAG_UNIT, TAG_BYE };
enum { ST_MORE = 0, ST_LAST = 1, ST_ERROR = 2 };

/* MPI itself is process-wide state; these mirror it, set once by slt_mpi_init. */
static int started, my_rank, nranks = 1;

/* Launched by Open MPI's mpirun, or by a PMI/PMIx launcher such as Slurm's srun. */
static int launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

int slt_mpi_init(int *argc, char ***argv, char *err)
{
    if (!launched())
        return SLT_OK;
    int provided = 0;
    /* Serialized: the threads of a computing rank call MPI one at a time (inside a critical
     * section); rank 0 calls it from its serving thread only. */
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        snprintf(err, SLT_ERRLEN, "MPI could not start (MPI_Init_thread failed)");
        return SLT_EFAIL;
    }
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (provided < MPI_THREAD_SERIALIZED && nranks > 1) {
        snprintf(err, SLT_ERRLEN, "the MPI library does not allow calls from several threads "
                                  "(MPI_THREAD_SERIALIZED); run with --threads 1 per rank or another MPI build");
        return SLT_EFAIL;
    }
    return SLT_OK;
}

void slt_mpi_finalize(void)
{
    if (started)
        MPI_Finalize();
    started = 0;
}

int slt_mpi_rank(void) { return my_rank; }
int slt_mpi_size(void) { return nranks; }

int slt_mpi_bcast(int status)
{
    if (nranks > 1)
        MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return status;
}

int slt_mpi_max(int status)
{
    int all = status;
    if (nranks > 1)
        MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return all;
}

/* One request: [unit, state, values...] as doubles (units are exact in a double up to 2^53),
 * then, for a failure, the message. */
static void serve_one(const slt_mpi_server *s, MPI_Status *st, double **buf, int *cap)
{
    int count = 0;
    MPI_Get_count(st, MPI_DOUBLE, &count);
    if (count > *cap) {
        double *nb = realloc(*buf, (size_t)count * sizeof(double));
        if (!nb) /* a message cannot be received in part nor left pending: nothing else to do */
            MPI_Abort(MPI_COMM_WORLD, SLT_EFAIL);
        *buf = nb, *cap = count;
    }
    MPI_Recv(*buf, count, MPI_DOUBLE, st->MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    long u = count >= 2 ? (long)(*buf)[0] : -1;
    int state = count >= 2 ? (int)(*buf)[1] : ST_LAST;
    if (state == ST_ERROR) {
        char msg[SLT_ERRLEN] = "";
        MPI_Recv(msg, SLT_ERRLEN, MPI_CHAR, st->MPI_SOURCE, TAG_ERROR, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        msg[SLT_ERRLEN - 1] = 0;
        char full[SLT_ERRLEN];
        snprintf(full, sizeof full, "rank %d: %.200s", st->MPI_SOURCE, msg);
        s->fail(s->ctx, full);
    } else if (u >= 0) {
        size_t n = 0;
        double *slot = s->slot(s->ctx, u, &n);
        if (slot) {
            memcpy(slot, *buf + 2, (n < (size_t)count - 2 ? n : (size_t)count - 2) * sizeof(double));
            s->done(s->ctx, u);
        }
    }
    long next = state == ST_MORE ? s->next(s->ctx) : -1;
    MPI_Send(&next, 1, MPI_LONG, st->MPI_SOURCE, TAG_UNIT, MPI_COMM_WORLD);
}

void slt_mpi_serve(const slt_mpi_server *s)
{
    double *buf = NULL;
    int cap = 0, live = nranks - 1;
    while (live > 0) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (!flag) { /* a blocking receive would spin a core that rank 0's own threads need */
            struct timespec pause = {0, 100000};
            nanosleep(&pause, NULL);
            continue;
        }
        if (st.MPI_TAG == TAG_BYE) {
            MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, TAG_BYE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            live--;
        } else if (st.MPI_TAG == TAG_RESULT)
            serve_one(s, &st, &buf, &cap);
    }
    free(buf);
}

long slt_mpi_exchange(long u, const double *vals, size_t n, int more, const char *err)
{
    double head[2], *msg = err ? NULL : malloc((n + 2) * sizeof(double));
    if (!err && !msg)
        err = "out of memory for a result message";
    if (err)
        n = 0;
    double *m = msg ? msg : head;
    m[0] = (double)u;
    m[1] = err ? ST_ERROR : more ? ST_MORE : ST_LAST;
    if (n)
        memcpy(m + 2, vals, n * sizeof(double));
    long next = -1;
#pragma omp critical(slt_mpi)
    {
        MPI_Send(m, (int)n + 2, MPI_DOUBLE, 0, TAG_RESULT, MPI_COMM_WORLD);
        if (err)
            MPI_Send(err, (int)strnlen(err, SLT_ERRLEN - 1) + 1, MPI_CHAR, 0, TAG_ERROR, MPI_COMM_WORLD);
        MPI_Recv(&next, 1, MPI_LONG, 0, TAG_UNIT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    free(msg);
    return next;
}

void slt_mpi_bye(void)
{
    if (nranks > 1)
        MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_BYE, MPI_COMM_WORLD);
}

#else /* one process */

int slt_mpi_init(int *argc, char ***argv, char *err)
{
    (void)argc, (void)argv, (void)err;
    return SLT_OK;
}
void slt_mpi_finalize(void) {}
int slt_mpi_rank(void) { return 0; }
int slt_mpi_size(void) { return 1; }
int slt_mpi_bcast(int status) { return status; }
int slt_mpi_max(int status) { return status; }
void slt_mpi_serve(const slt_mpi_server *s) { (void)s; }
long slt_mpi_exchange(long u, const double *vals, size_t n, int more, const char *err)
{
    (void)u, (void)vals, (void)n, (void)more, (void)err;
    return -1;
}
void slt_mpi_bye(void) {}

#endif
