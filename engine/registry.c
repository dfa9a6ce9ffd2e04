/* registry.c: every experiment sltsim knows. Adding an experiment: one file in experiments/
 * and one line in each list below. */
#include "slt.h"

extern const slt_experiment slt_exp_ridge;
extern const slt_experiment slt_exp_mp;
extern const slt_experiment slt_exp_gd_dynamics;
extern const slt_experiment slt_exp_early_stopping;
extern const slt_experiment slt_exp_rf;
extern const slt_experiment slt_exp_sgd, slt_exp_sgd_modes;
extern const slt_experiment slt_exp_tilting;
extern const slt_experiment slt_exp_tilting_toy;
extern const slt_experiment slt_exp_nce;
extern const slt_experiment slt_exp_nce_landscape;
extern const slt_experiment slt_exp_sensitivity;
extern const slt_experiment slt_exp_starvation;
extern const slt_experiment slt_exp_sd_margin;
extern const slt_experiment slt_exp_moons;
extern const slt_experiment slt_exp_moons_boundary;

static const slt_experiment *const registry[] = {
    &slt_exp_ridge,
    &slt_exp_mp,
    &slt_exp_gd_dynamics,
    &slt_exp_early_stopping,
    &slt_exp_rf,
    &slt_exp_sgd, &slt_exp_sgd_modes,
    &slt_exp_tilting,
    &slt_exp_tilting_toy,
    &slt_exp_nce,
    &slt_exp_nce_landscape,
    &slt_exp_sensitivity,
    &slt_exp_starvation,
    &slt_exp_sd_margin,
    &slt_exp_moons,
    &slt_exp_moons_boundary,
};

size_t slt_registry_count(void) { return sizeof registry / sizeof registry[0]; }
const slt_experiment *slt_registry_get(size_t i) { return i < slt_registry_count() ? registry[i] : NULL; }
