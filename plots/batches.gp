# batches.gp - batch-size distribution, one line per configuration: the
# fraction of batches whose size falls in each log2 bucket [2^k, 2^(k+1)).
# Variables from `batchbench plot`: datafile (blocks "size_lo fraction"),
# nseries, outpng, outsvg, subtitle, xmin, xmax, ymin, ymax, logy.
load pdir."/common.gp"
set title "batchbench: batch sizes\n".subtitle noenhanced font ",8"
set xlabel "batch size (log2 bucket: lower bound)"
set ylabel "fraction of batches"
set logscale x 2
set xrange [xmin:xmax]
set yrange [0:1.05]
set terminal pngcairo size 1280,720 enhanced font "sans,11"
set output outpng
plot for [i=0:nseries-1] datafile index i using 1:2 with linespoints lw 2 dt 1+(i/8)%5 pt (i%7)+4 title columnheader(1)
set terminal svg size 1280,720 dynamic enhanced font "sans,11"
set output outsvg
replot
set output
