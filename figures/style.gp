# Shared style for every lindyn figure.  A figure script starts with
#   load 'figures/style.gp'
# and is run by make as
#   gnuplot -e "datadir='data'; outbase='build/figures/NAME'; term='pdf'" figures/NAME.gp
# (then again with term='png').  Scripts read data as datadir.'/exp/point/s0/table.tsv'
# and may override `size_pdf` / `size_png` before loading this file for wide layouts.
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
set key box opaque samplen 2.5 spacing 1.1
set grid lw 0.5 lc rgb '#dddddd'
set border lw 1
set tics nomirror
set format y '%g'

# A colour-blind-safe palette (Okabe-Ito); use with `lc c1` etc.
c1 = '#0072B2'; c2 = '#D55E00'; c3 = '#009E73'; c4 = '#CC79A7'
c5 = '#E69F00'; c6 = '#56B4E9'; c7 = '#000000'; c8 = '#F0E442'
# Mean +/- std bands: `using 1:($2-$3):($2+$3) with filledcurves fs transparent solid 0.2`
set style fill transparent solid 0.2 noborder
