/* registry.c: every experiment sltsim knows. Adding an experiment: one file in experiments/
 * and one line in each list below. */
#include "slt.h"

extern const slt_experiment slt_exp_ridge;
extern const slt_experiment slt_exp_mp;
extern const slt_experiment slt_exp_gd_dynamics;
extern const slt_experiment slt_exp_early_stopping;
extern const slt_experiment slt_exp_rf;
extern const slt_experiment slt_exp_masked_sc, slt_exp_sc_toy;

static const slt_experiment *const registry[] = {
    &slt_exp_ridge,
    &slt_exp_mp,
    &slt_exp_gd_dynamics,
    &slt_exp_early_stopping,
    &slt_exp_rf,
    &slt_exp_masked_sc, &slt_exp_sc_toy,
};

size_t slt_registry_count(void) { return sizeof registry / sizeof registry[0]; }
const slt_experiment *slt_registry_get(size_t i) { return i < slt_registry_count() ? registry[i] : NULL; }
