# The three regimes on the scalar factorization 1/2 (uv - 1)^2 (paper/eos.md, eos_scalar).
label(v) = sprintf('η=%.2f', v + 0)
bcolumn = 'balance'
blabel = 'balance |u^2 - v^2|'
load 'figures/eos_regimes.gp'
