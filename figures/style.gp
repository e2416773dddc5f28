# Shared style for every lindyn figure.  A figure script sets its sizes
# (size_pdf, size_png) and then
#   load lindyn_style
# and is run by make (through a wrapper that fails on missing or empty data) as
#   gnuplot -e "datadir='data'; outbase='build/figures/NAME'; term='pdf'; \
#               lindyn_style='figures/style.gp'; load 'build/figvars/NAME.gp'" figures/NAME.gp
# (then again with term='png'; lindyn_style names this file wherever it is
# installed).  The figvars file, written by `lindyn tangle`,
# defines per `data: NAME = EXP[SEL]/TABLE` line of the figure block
#   NAME = 'file1 file2 ...'       the selected points' files, in sweep order
#   NAME_KEY = 'v1 v2 ...'         per swept KEY: its value at each file
# Scripts never spell paths: they plot word(NAME, i), `for [f in NAME]`, or
# lindyn_pick('NAME', 'key=value ...'), and read columns by name only
# (using 't':'loss_mean', column('loss_mean'); $0 is the row index).
# They may override `size_pdf` / `size_png` before loading this file.
if (!exists("datadir")) datadir = 'data'
if (!exists("outbase")) outbase = 'build/figures/unnamed'
if (!exists("term")) term = 'pdf'
if (!exists("size_pdf")) size_pdf = '5in,3.5in'
if (!exists("size_png")) size_png = '1000,700'

if (term eq 'png') {
    eval sprintf("set terminal pngcairo enhanced font 'Sans,11' linewidth 1.5 size %s", size_png)
    set output outbase.'.png'
} else {
    eval sprintf("set terminal pdfcairo enhanced font 'Sans,9' linewidth 1.5 size %s", size_pdf)
    set output outbase.'.pdf'
}

set datafile commentschars '#'
set datafile separator whitespace
# The first non-comment line of every lindyn table names its columns.
set datafile columnheaders

# lindyn_pick('NAME', 'k1=v1 k2=v2'): the file of data line NAME whose swept
# values equal the given ones (as written in NAME_k1 ...).  When not exactly
# one file matches, a path 'NAME: N points match SEL' that no file has, so
# the figure fails (make's gnuplot wrapper stops on the missing file; the
# path does not start with '<', which gnuplot would run as a command).
lindyn_key(kv) = kv[1:strstrt(kv, '=') - 1]
lindyn_val(kv) = kv[strstrt(kv, '=') + 1:]
lindyn_kv_ok(N, sel, i, j) = word(value(N.'_'.lindyn_key(word(sel, j))), i) eq lindyn_val(word(sel, j))
lindyn_match(N, sel, i) = (sum [j=1:words(sel)] (lindyn_kv_ok(N, sel, i, j) ? 0 : 1)) == 0
lindyn_count(N, sel) = sum [i=1:words(value(N))] (lindyn_match(N, sel, i) ? 1 : 0)
lindyn_index(N, sel) = sum [i=1:words(value(N))] (lindyn_match(N, sel, i) ? i : 0)
lindyn_pick(N, sel) = lindyn_count(N, sel) == 1 ? word(value(N), lindyn_index(N, sel)) \
    : sprintf('%s: %d points match %s', N, lindyn_count(N, sel), sel)
# lindyn_num('5e-3'): a swept value as a number.  Sweep values are written
# the shortest way (FORMAT.md), and gnuplot reads '5e-3' + 0 as an error (it
# wants a '.' before the exponent), so one is added where missing.
lindyn_num(s) = (strstrt(s, 'e') > 0 && strstrt(s, '.') == 0) \
    ? s[1:strstrt(s, 'e') - 1].'.0'.s[strstrt(s, 'e'):] + 0 : s + 0
set key box opaque samplen 2.5 spacing 1.1
set grid lw 0.5 lc rgb '#dddddd'
set border lw 1
set tics nomirror
set format y '%g'

# A colour-blind-safe palette (Okabe-Ito); use with `lc c1` etc.
c1 = '#0072B2'; c2 = '#D55E00'; c3 = '#009E73'; c4 = '#CC79A7'
c5 = '#E69F00'; c6 = '#56B4E9'; c7 = '#000000'; c8 = '#F0E442'
# Mean +/- std bands: `using 't':(column('loss_mean') - column('loss_std')):(column('loss_mean') + column('loss_std')) with filledcurves`
set style fill transparent solid 0.2 noborder
