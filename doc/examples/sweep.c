/* sweep.c: a parameter sweep through libsltsim, what `sltsim run ridge gamma=0.5,1.5,2,4 lambda=0
 * --trials 20` does: look the experiment up in the registry, build the grid from NAME=VALUE texts
 * (the command line's grammar), check it, and stream the table as CSV to standard output.
 *
 *   cc sweep.c $(pkg-config --cflags --libs sltsim) -o sweep && ./sweep > sweep.csv
 */
#include <stdio.h>

#include <gsl/gsl_errno.h>

#include <engine/engine.h>

int main(void)
{
    gsl_set_error_handler_off(); /* a numerical failure becomes an error return, never an abort */

    const slt_experiment *e = slt_registry_find("ridge");
    if (!e) {
        fprintf(stderr, "sweep: no experiment named ridge\n");
        return 1;
    }
    char *assign[] = {"gamma=0.5,1.5,2,4", "lambda=0"};
    char err[SLT_ERRLEN];
    slt_grid g;
    if (slt_grid_build(e, 2, assign, &g, err) != SLT_OK) {
        fprintf(stderr, "sweep: %s\n", err);
        return 2;
    }
    slt_run_opts o = {.trials = 20, .seed = 1, .threads = 2, .out = stdout,
                      .command = "sweep (doc/examples/sweep.c)"};
    int rc = slt_validate(&g, &o, err);
    if (rc == SLT_OK)
        rc = slt_run(&g, &o, err);
    if (rc != SLT_OK)
        fprintf(stderr, "sweep: %s\n", err);
    slt_grid_free(&g);
    return rc;
}
