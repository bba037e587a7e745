"""Running per-file tasks: the task itself, the executors (in-process and a pool of worker
processes under time and memory limits), and the process primitives under them."""
