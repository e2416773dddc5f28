"""`make bench`: each workload of the bench in lindyn and in the NumPy/SciPy
reference (reference.py), same sizes, same starting point (lindyn writes its
inputs as .npy or reads the reference's), timed in process CPU time, best of
--repeat runs; checks that both sides computed the same numbers and prints one
Markdown table.  Exits 1 when any workload disagrees.

usage: python3 bench.py --lindyn build/lindyn --dgemm build/bench/dgemm [--only NAME...]
"""

import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # before NumPy loads its BLAS

import argparse
import datetime
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as ref  # noqa: E402


# ---- running lindyn -----------------------------------------------------------

class Lindyn:
    def __init__(self, exe, workdir):
        self.exe, self.workdir, self.count = exe, workdir, 0

    def run(self, plugin, params, seed=1):
        """One `lindyn run`; returns (CPU seconds of the process, output dir)."""
        self.count += 1
        out = os.path.join(self.workdir, f"{plugin}-{self.count}")
        args = [self.exe, "run", plugin, *params.split(), "--seed", str(seed), "--out", out]
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                err.seek(0)
                sys.exit(f"bench: {' '.join(args)} exited {proc.returncode}: "
                         f"{err.read().decode().strip()}")
        return usage.ru_utime + usage.ru_stime, out


def read_tsv(path):
    """A lindyn table as {column: array}."""
    cols, rows = None, []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            if cols is None:  # the header line of column names
                cols = line.split()
            else:
                rows.append([float(x) for x in line.split("\t")])
    data = np.array(rows).reshape(len(rows), len(cols))
    return {c: data[:, i] for i, c in enumerate(cols)}


def best_of(repeat, fn):
    """min CPU seconds over `repeat` calls of fn() -> (seconds, result); the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        seconds, result = fn()
        best = min(best, seconds)
    return best, result


def timed(fn, *args):
    t0 = time.process_time()
    result = fn(*args)
    return time.process_time() - t0, result


def rel_diff(mine, theirs):
    """max over shared keys of |a - b| / |b|."""
    return max(abs(mine[k] - theirs[k]) / abs(theirs[k]) for k in theirs)


# ---- the table ----------------------------------------------------------------

class Table:
    def __init__(self):
        self.rows, self.failed = [], []

    def add(self, name, lindyn, reference, unit, agree, tol, extra=""):
        ok = agree <= tol
        if not ok:
            self.failed.append(f"{name}: lindyn and the reference differ by {agree:.2e} "
                               f"(relative), more than {tol:.0e}")
        ratio = reference / lindyn if lindyn > 0 else float("inf")
        self.rows.append((name, fmt_time(lindyn, unit), fmt_time(reference, unit),
                          f"{ratio:.1f}x", f"{agree:.1e}" + ("" if ok else " DISAGREE"), extra))
        print(f"  {name}: lindyn {fmt_time(lindyn, unit)}, reference "
              f"{fmt_time(reference, unit)}, {ratio:.1f}x, agree {agree:.1e} {extra}",
              file=sys.stderr, flush=True)

    def print(self):
        head = ("workload", "lindyn", "NumPy/SciPy", "speed-up", "max rel. diff", "notes")
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in self.rows:
            print("| " + " | ".join(row) + " |")


def fmt_time(seconds, unit):
    if unit == "iter":
        return f"{seconds * 1e6:.1f} µs/it" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms/it"
    return f"{seconds:.3f} s"


# ---- workloads ----------------------------------------------------------------

# (n, d, h, m), GD steps timed: enough that the steps outweigh the noise in the setup of
# the two processes whose difference gives the per-step time.
GD2_SIZES = [
    ((20, 10, 50, 5), 200000),
    ((200, 100, 500, 50), 3000),
    ((1000, 500, 2000, 200), 60),
]


def gd2_problem(n, d, h, m, workdir):
    """Gaussian X scaled to ||X|| ~ 1, a noisy teacher Y = X Theta + noise (n > d:
    the loss tends to a positive L*, so relative agreement stays meaningful),
    W1, W2 ~ N(0, 1/h), and a step a tenth of the stability limit's order:
    saved as .npy."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((n, d)) / np.sqrt(n)
    Y = X @ (rng.standard_normal((d, m)) / np.sqrt(d)) + 0.1 * rng.standard_normal((n, m))
    W1 = rng.standard_normal((d, h)) / np.sqrt(h)
    W2 = rng.standard_normal((h, m)) / np.sqrt(h)
    sx, s1, s2 = (np.linalg.norm(A, 2) for A in (X, W1, W2))
    eta = 0.1 / (sx ** 2 * (s1 ** 2 + s2 ** 2))
    paths = {}
    for name, A in (("x", X), ("y", Y), ("w1", W1), ("w2", W2)):
        paths[name] = os.path.join(workdir, f"gd2_{n}_{name}.npy")
        np.save(paths[name], A)
    return (X, Y, W1, W2), paths, eta


def bench_gd2(lin, table, repeat, dgemm_rate):
    for (n, d, h, m), steps in GD2_SIZES:
        (X, Y, W1, W2), p, eta = gd2_problem(n, d, h, m, lin.workdir)
        log_every = steps // 2  # 3 rows: logging is not the workload
        params = (f"n={n} d={d} h={h} m={m} data=npy x_npy={p['x']} y_npy={p['y']} "
                  f"init=npy w1_npy={p['w1']} w2_npy={p['w2']} loss_scale=sum rule=const "
                  f"eta={eta!r} log_every={log_every}")
        t_setup, _ = best_of(repeat, lambda: lin.run("gd2", params + " steps=0"))
        t_full, out = best_of(repeat, lambda: lin.run("gd2", params + f" steps={steps}"))
        mine_tab = read_tsv(os.path.join(out, "loss.tsv"))
        # gd2 logs the excess L - L*; the reference logs L.
        loss_star = read_tsv(os.path.join(out, "summary.tsv"))["loss_star"][0]
        mine = dict(zip(mine_tab["step"].astype(int), mine_tab["loss"] + loss_star))
        t_ref, theirs = best_of(repeat, lambda: timed(ref.gd2, X, Y, W1, W2, eta, steps,
                                                      sorted(mine)))
        per_it, per_it_ref = (t_full - t_setup) / steps, t_ref / steps
        # NumPy's work: W1 W2, X W, X^T R, G W2^T, W1^T G (lindyn's reduced steps do less)
        flops = 6 * d * h * m + 4 * n * d * m
        rate = flops / per_it / 1e9
        table.add(f"1. gd2 (n,d,h,m)=({n},{d},{h},{m}), {steps} steps", per_it, per_it_ref,
                  "iter", rel_diff(mine, theirs), 1e-9,
                  f"{rate:.1f} GFLOP/s of full-width work = {100 * rate / dgemm_rate:.0f}% "
                  "of dgemm")


def bench_lora(lin, table, repeat):
    base = ("m=10 n=10 h=100 r=4 sigma=5 c=1.05 pair=top init=random alpha=1e-3 "
            "solver=gd eta=1e-4")
    _, inputs = lin.run("lora_gf", base + " t_end=1e-4 log_points=1 reduce=none "
                                          "save_inputs=true", seed=2025)
    arrays = [np.load(os.path.join(inputs, f + ".npy"))
              for f in ("w1", "w2", "dy", "a1_init", "b1_init", "a2_init", "b2_init")]
    t_mine, out = best_of(repeat, lambda: lin.run("lora_gf", base + " t_end=5 log_points=500",
                                                  seed=2025))
    tab = read_tsv(os.path.join(out, "loss.tsv"))
    mine = dict(zip(tab["step"].astype(int), tab["loss"]))
    steps = max(mine)
    t_ref, theirs = best_of(repeat, lambda: timed(ref.lora_gd, *arrays, 1e-4, steps,
                                                  sorted(mine)))
    table.add(f"2. LoRA Fig. 1, GD, {steps} steps", t_mine, t_ref, "s", rel_diff(mine, theirs),
              1e-6, f"loss {tab['loss'][-1]:.2e} at the end")


# E1 of the implicit-bias paper (gf_e1_flow, case sigma_u = sigma_v = 0.1) on the
# half loss, logged at t = 0 and t = 0.15 only: the bench is about the integrator.
FLOW = ("n=100 d=400 m=1 h=500 data=orthonormal theta_std=0.05 noise=0.01 init=gauss "
        "sigma_u=0.1 sigma_v=0.1 loss_scale=half t_end=0.15 log_dt=0.15 reduce=rowspace")
FLOW_TOL = (1e-10, 1e-12)  # rel, abs


def flow_final(out):
    tab = read_tsv(os.path.join(out, "loss.tsv"))
    return tab["loss"][-1], int(tab["grad_evals"][-1])


def bench_flow(lin, table, repeat):
    _, inputs = lin.run("rk4_gf", FLOW + " t_end=0 save_inputs=1", seed=2021)
    X, Y, W1, W2 = (np.load(os.path.join(inputs, f + ".npy"))
                    for f in ("x", "y", "w1_init", "w2_init"))
    _, exact = lin.run("rk4_gf", FLOW + " method=rk8pd rel_tol=1e-13 abs_tol=1e-16", seed=2021)
    exact, _ = flow_final(exact)
    setup, _ = best_of(repeat, lambda: lin.run("rk4_gf", FLOW + " t_end=0", seed=2021))
    times = np.array([0.15])

    def error(x):
        return abs(x - exact) / exact

    rtol, atol = FLOW_TOL
    for lindyn_method, scipy_method in (("rk8pd", "DOP853"), ("rkf45", "RK45")):
        t_mine, out = best_of(repeat, lambda: lin.run(
            "rk4_gf", FLOW + f" method={lindyn_method} rel_tol={rtol} abs_tol={atol}",
            seed=2021))
        mine, evals = flow_final(out)
        t_ref, (theirs, nfev) = best_of(repeat, lambda: timed(
            ref.flow, X, Y, W1, W2, 0.15, times, scipy_method, rtol, atol))
        table.add(f"3. flow E1 to t = 0.15: rk4_gf {lindyn_method} vs solve_ivp {scipy_method}, "
                  f"rtol {rtol:g} atol {atol:g}", t_mine, t_ref, "s",
                  abs(mine - theirs[0.15]) / theirs[0.15], 1e-8,
                  f"evals {evals} vs {nfev}; error {error(mine):.0e} vs "
                  f"{error(theirs[0.15]):.0e}; lindyn without its setup (starting, drawing "
                  f"X, the row-space reduction: {setup * 1e3:.0f} ms): {(t_mine - setup) * 1e3:.0f} ms = "
                  f"{t_ref / max(t_mine - setup, 1e-4):.0f}x")
    # The papers' GD: eta = 5e-4 on the mean loss = a flow step of 2 eta / n = 1e-5.
    dt, steps = 1e-5, 15000
    t_gd, out = best_of(repeat, lambda: lin.run("rk4_gf", FLOW + f" method=euler dt={dt}",
                                                seed=2021))
    gd, _ = flow_final(out)
    t_ref, theirs = best_of(repeat, lambda: timed(ref.flow_gd, X, Y, W1, W2, dt, steps,
                                                  [steps]))
    table.add(f"3. the paper's GD on E1 (step {dt:g} in flow time, {steps} steps)", t_gd,
              t_ref, "s", abs(gd - theirs[steps]) / theirs[steps], 1e-8,
              f"evals {steps}; error {error(gd):.0e} (vs the flow)")
    # The flow at a tolerance that still beats GD's accuracy, against NumPy's GD.
    t_mine, out = best_of(repeat, lambda: lin.run(
        "rk4_gf", FLOW + " method=rk8pd rel_tol=1e-6 abs_tol=1e-8", seed=2021))
    mine, evals = flow_final(out)
    if error(mine) > error(gd):
        table.failed.append("flow at rel_tol 1e-6 is less accurate than GD")
    table.add("3. rk4_gf rk8pd rtol 1e-6 vs the paper's GD in NumPy", t_mine, t_ref, "s",
              abs(mine - theirs[steps]) / theirs[steps], 10 * error(gd),
              f"evals {evals} vs {steps}; error {error(mine):.0e} vs {error(gd):.0e}")


def bench_eos(lin, table, repeat):
    params = ("model=product depth=2 y=1 init=offset init_a=1.2 init_eps=1e-3 eta=1 "
              "steps=1000000")
    figure_logging = " log_linear=3000 log_per_decade=40"  # eos_scalar's grid
    t_mine, out = best_of(repeat, lambda: lin.run("eos", params + figure_logging))
    t_bare, bare = best_of(repeat, lambda: lin.run("eos", params +
                                                   " log_linear=1 log_per_decade=1"))
    tab = read_tsv(os.path.join(out, "traj.tsv"))
    bare_rows = len(read_tsv(os.path.join(bare, "traj.tsv"))["t"])
    mine = dict(zip(tab["t"].astype(int), tab["loss"]))
    x0 = (1.2, 1 / 1.2 + 1e-3)
    note = (f"loss {tab['loss'][-1]:.2e} at the end; lindyn logs {len(tab['t'])} rows of "
            f"{len(tab)} columns (the figure's grid); with {bare_rows} rows: "
            f"{t_bare * 1e3:.0f} ms")
    t_ref, theirs = best_of(repeat, lambda: timed(ref.eos_product_numpy, x0, 1.0, 1.0, 1000000,
                                                  sorted(mine)))
    table.add("4. EoS critical run, 10^6 GD steps, vs a NumPy loop", t_mine, t_ref, "s",
              rel_diff(mine, theirs), 1e-8, note)
    t_ref, theirs = best_of(repeat, lambda: timed(ref.eos_product, *x0, 1.0, 1.0, 1000000,
                                                  sorted(mine)))
    table.add("4. the same vs plain Python floats", t_mine, t_ref, "s", rel_diff(mine, theirs),
              1e-8, "")


# ---- main ---------------------------------------------------------------------

WORKLOADS = {"gd2": bench_gd2, "lora": bench_lora, "flow": bench_flow, "eos": bench_eos}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lindyn", default="build/lindyn")
    ap.add_argument("--dgemm", default="build/bench/dgemm")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", choices=sorted(WORKLOADS), default=None)
    args = ap.parse_args()

    dgemm_rate = float(subprocess.run([args.dgemm, "1000", "1000", "1000"], check=True,
                                      capture_output=True, text=True).stdout)
    table = Table()
    with tempfile.TemporaryDirectory(prefix="lindyn-bench-") as work:
        lin = Lindyn(os.path.abspath(args.lindyn), work)
        for name in args.only or WORKLOADS:
            print(f"bench: {name}", file=sys.stderr, flush=True)
            fn = WORKLOADS[name]
            if name == "gd2":
                fn(lin, table, args.repeat, dgemm_rate)
            else:
                fn(lin, table, args.repeat)

    print(f"{cpu_model()}, {os.cpu_count()} cores; "
          f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
          f"NumPy {np.__version__}, SciPy {scipy.__version__}, Python {platform.python_version()}; "
          f"OpenBLAS dgemm 1000^3, 1 thread: {dgemm_rate:.1f} GFLOP/s")
    print()
    table.print()
    if table.failed:
        for why in table.failed:
            print(f"bench: {why}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
