# The runs fragment alone, for `make slurm` (src/slurm/submit.sh): the query
# of the stale runs, one shard of them per array task, and the gather of
# aggregates and figures.  Nothing here can rebuild the driver or a plugin,
# so a compute node only ever runs experiments, by the fragment's recipes.
#   RUNS_MK  the fragment the Makefile made (build/runs.mk, build/runs-quick.mk)
#   PAPER    one document's runs and figures; empty for all documents
#   SHARD    for slurm-shard: a file listing run targets, one a line
.DELETE_ON_ERROR:
include $(RUNS_MK)

SLURM_RUNS    := $(if $(PAPER),$(LINDYN_RUNS_$(PAPER)),$(LINDYN_ALL_RUNS))
SLURM_FIGURES := $(if $(PAPER),$(LINDYN_FIGURES_$(PAPER)),$(LINDYN_ALL_FIGURES))

.PHONY: slurm-stale slurm-shard slurm-gather
slurm-stale: $(filter %/.done,$(SLURM_RUNS))
slurm-shard: $(if $(SHARD),$(strip $(file < $(SHARD))))
slurm-gather: $(SLURM_RUNS) $(SLURM_FIGURES)
