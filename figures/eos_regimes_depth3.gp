# The three regimes on the depth-3 product 1/2 (x1 x2 x3 - 1)^2 (paper/eos.md, eos_depth3).
# The sweep is in units of eta_c (eta_unit=crit): 0.98 is written 0.98η_c, 1 is η_c.
label(v) = (v + 0 == 1) ? 'η_c' : v.'η_c'
bcolumn = 'spread'
blabel = 'spread max x_i - min x_i'
load 'figures/eos_regimes.gp'
