# common.gp - shared look of batchbench plots (loaded by each script).
set datafile separator whitespace
set key outside right top box opaque font ",9" noenhanced
set grid xtics ytics lc rgb "#dddddd"
set pointsize 1.1
