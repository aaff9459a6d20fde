# latency.gp - latency percentile spectrum, one line per configuration, with
# the x axis as 1/(1-p) on a log scale, as HdrHistogram plots it.
# Variables from `batchbench plot`: datafile (blocks "inv_one_minus_p value_us"),
# nseries, outpng, outsvg, subtitle, xmin, xmax, ymin, ymax, logy.
load pdir."/common.gp"
set title "batchbench: latency by percentile\n".subtitle noenhanced font ",8"
set xlabel "percentile"
set ylabel "latency (us; closed loop: from submit, open loop: from the intended start)"
set logscale x 10
set xrange [1:xmax]
set xtics ("0%%" 1, "50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, "99.999%%" 100000, "99.9999%%" 1000000)
if (logy) { set logscale y; set yrange [ymin:ymax]; set ytics add (0.02,0.05,0.2,0.5,2,5,20,50,200,500,2000,5000,20000,50000,200000,500000) } else { set yrange [0:ymax] }
set terminal pngcairo size 1280,720 enhanced font "sans,11"
set output outpng
plot for [i=0:nseries-1] datafile index i using 1:2 with linespoints lw 2 dt 1+(i/8)%5 pt (i%7)+4 pi 12 title columnheader(1)
set terminal svg size 1280,720 dynamic enhanced font "sans,11"
set output outsvg
replot
set output
