"""Speed and size measurements, each written to ``bench/results/`` (run them all with ``make bench``)."""
