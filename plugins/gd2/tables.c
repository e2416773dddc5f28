/* tables.c -- the declaration of gd2's tables (ABI 1.2, see tables.h). */
#include "tables.h"

static const lindyn_column loss_columns[] = {
	GD2_LOSS_BASE(COLUMN_DEF) GD2_LOSS_TMLR(COLUMN_DEF) GD2_LOSS_AISTATS(COLUMN_DEF)
	GD2_LOSS_WALL(COLUMN_DEF) { NULL, NULL }
};

static const lindyn_column summary_columns[] = {
	GD2_SUMMARY(COLUMN_DEF) { NULL, NULL }
};

static const lindyn_column spectrum_columns[] = {
	GD2_D0_SPECTRUM(COLUMN_DEF) { NULL, NULL }
};

static const lindyn_column tmlr_columns[] = {
	GD2_TMLR(COLUMN_DEF) { NULL, NULL }
};

static const lindyn_column aistats_columns[] = {
	GD2_AISTATS(COLUMN_DEF) { NULL, NULL }
};

const lindyn_table_def gd2_tables[] = {
	{ "loss", "one row per logged step: loss, gradient, imbalance drift, step (stats=full: "
	          "the TMLR/AISTATS quantities and running checks)", loss_columns },
	{ "summary", "one row: the imbalance levels (S1 Table 2), L(0), L* and the S1 Theorem 1 rate",
	  summary_columns },
	{ "d0_spectrum", "the nonzero-candidate eigenvalues of D(0), decreasing (with tmlr or aistats)",
	  spectrum_columns },
	{ "tmlr", "one row: the TMLR constants (rules eta0, rho, rhobar or stats=full)", tmlr_columns },
	{ "aistats", "one row: the AISTATS constants (rules xu_*, arora or stats=full, squared loss)",
	  aistats_columns },
	{ NULL, NULL, NULL }
};
