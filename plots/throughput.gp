# throughput.gp - throughput against threads, one line per configuration
# (variant/queue/launch and whatever else varies), min-max error bars.
# Called by `batchbench plot DIR` with:
#   datafile  blocks of "threads median min max", one block per series, each
#             starting with a header line whose first field is the series title
#   nseries   number of blocks
#   outpng, outsvg   output files
#   logy      1 for a logarithmic y axis (all values > 0), else 0
#   subtitle  what is constant across the series
#   xmin, xmax, ymin, ymax  data ranges (so one point or all-zero data still plot)
load pdir."/common.gp"
set xlabel "threads"
set ylabel "throughput (Mops/s, median of repetitions; bars: min-max)"
set title "batchbench: throughput against threads\n".subtitle noenhanced font ",8"
set logscale x 2
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
set xrange [xmin:xmax]
if (logy) { set logscale y; set ytics add (0.2, 0.5, 2, 5, 20, 50, 200, 500, 2000, 5000); set autoscale yfix; set offsets 0, 0, graph 0.15, graph 0.15 } else { set yrange [0:ymax*1.1] }

set terminal pngcairo size 1280,720 enhanced font "sans,11"
set output outpng
plot for [i=0:nseries-1] datafile index i using 1:2:3:4 with yerrorlines lw 2 dt 1+(i/8)%5 pt (i%7)+4 title columnheader(1)

set terminal svg size 1280,720 dynamic enhanced font "sans,11"
set output outsvg
replot
set output
