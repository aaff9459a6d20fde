# throughput-latency.gp - for open-loop rate sweeps: p99 latency against the
# achieved throughput, one line per configuration (each point one --rate,
# median over repetitions).
# Variables from `batchbench plot`: datafile (blocks "achieved_mops p99_us"),
# nseries, outpng, outsvg, subtitle, xmin, xmax, ymin, ymax, logy.
load pdir."/common.gp"
set title "batchbench: p99 latency against achieved throughput (open loop)\n".subtitle noenhanced font ",8"
set xlabel "achieved throughput (Mops/s)"
set ylabel "p99 latency (us, from the intended start)"
set logscale x 10
set xrange [xmin:xmax]
set xtics add (0.002,0.005,0.02,0.05,0.2,0.5,2,5,20,50,200,500)
if (logy) { set logscale y; set yrange [ymin:ymax]; set ytics add (0.02,0.05,0.2,0.5,2,5,20,50,200,500,2000,5000,20000,50000,200000,500000) } else { set yrange [0:ymax] }
set terminal pngcairo size 1280,720 enhanced font "sans,11"
set output outpng
plot for [i=0:nseries-1] datafile index i using 1:2 with linespoints lw 2 dt 1+(i/8)%5 pt (i%7)+4 title columnheader(1)
set terminal svg size 1280,720 dynamic enhanced font "sans,11"
set output outsvg
replot
set output
