/* fuzz_grammar.c: libFuzzer target for the value grammar and the grid builder. The input is
 * one experiment index byte and then NAME=VALUE arguments separated by newlines; every
 * outcome must be a grid or a one-line refusal, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/grid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    const slt_experiment *e = slt_registry_get(data[0] % slt_registry_count());
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    char *assign[64];
    int n = 0;
    for (char *s = text, *nl; s && n < 64; s = nl ? nl + 1 : NULL) {
        if ((nl = strchr(s, '\n')))
            *nl = 0;
        assign[n++] = s;
    }
    slt_grid g;
    char err[SLT_ERRLEN];
    if (slt_grid_build(e, n, assign, &g, err) == SLT_OK) {
        double par[SLT_MAX_PARAMS];
        slt_grid_point(&g, g.npoints - 1, par);
        slt_grid_free(&g);
    } else if (strchr(err, '\n') && !strchr(text, '\n')) /* a message is one line */
        abort();
    free(text);
    return 0;
}
