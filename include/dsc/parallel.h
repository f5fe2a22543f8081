/* parallel.h - work across processes with MPI (built with `make MPI=1`); without MPI these
 * are the one-process answers, so callers need no #ifdef.
 *
 * MPI's own state is process-wide; these wrappers keep that fact in one file.
 */
#ifndef DSC_PARALLEL_H
#define DSC_PARALLEL_H

#include <stddef.h>

/* Starts MPI when built with it (call once, first thing in main). */
int dsc_par_init(int *argc, char ***argv);
/* Stops MPI (call once, last thing in main). */
void dsc_par_finalize(void);
/* This process's rank and the number of processes (0 and 1 without MPI). */
int dsc_par_rank(void);
int dsc_par_size(void);
/* Waits for every process. */
void dsc_par_barrier(void);
/* The worst status over all processes (statuses are >= 0), so that every process stops
 * when one fails. */
int dsc_par_agree(int status);
/* Combines arrays in which each process computed a disjoint set of entries and left the
 * others NaN: afterwards every process holds, at each entry, the finite value if any
 * process had one. Entries no process computed stay NaN. */
void dsc_par_merge_finite(float *v, size_t n);
/* Sums counters over all processes (in place). */
void dsc_par_sum(size_t *v, size_t n);

#endif
