/* \summary: the hole-punching success matrix: every pair of NAT mappings across B's start offsets */
#ifndef SL_HOLEPUNCH_SWEEP_H
#define SL_HOLEPUNCH_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "holepunch.h"

struct sl_hp_sweep_cfg {
	struct sl_hp_opts base; /* policies, delay, timeout; the mappings
				   and the offset are swept */
	int64_t from, to, step; /* B's offsets */
	unsigned count;		/* runs a cell; 0: 1 */
	/* After every run; may be NULL. */
	void (*progress)(size_t done, size_t planned, void *arg);
	void *arg;
};

/* One cell: a pair of mappings at one offset. */
struct sl_hp_cell {
	unsigned runs, connected, refused, timed_out;
};

struct sl_hp_sweep;

/* Never NULL; cfg copied. */
struct sl_hp_sweep *sl_hp_sweep_new(const struct sl_hp_sweep_cfg *cfg);

/*
 * Every cell, count times, a fresh lab each run (a NAT's conntrack state
 * must not carry over).  0, SL_EINTR, or the run's error with errbuf.
 */
int sl_hp_sweep_run(struct sl_hp_sweep *sw, char *errbuf);

size_t sl_hp_sweep_noffsets(const struct sl_hp_sweep *sw);
int64_t sl_hp_sweep_offset(const struct sl_hp_sweep *sw, size_t k);
const struct sl_hp_cell *sl_hp_sweep_cell(const struct sl_hp_sweep *sw,
					  unsigned map_a, unsigned map_b,
					  size_t k);

/* The matrix as text: one row a pair, one column an offset. */
void sl_hp_sweep_write_table(const struct sl_hp_sweep *sw, FILE *f);

/* The same as one JSON object and a newline. */
void sl_hp_sweep_write_json(const struct sl_hp_sweep *sw, FILE *f,
			    const char *kernel);

/*
 * The matrix as an SVG image at path ("-": stdout), a cell's color from
 * red (none connected) to green (all).  0 or SL_EIO with errbuf.
 */
int sl_hp_sweep_write_plot(const struct sl_hp_sweep *sw, const char *path,
			   char *errbuf);

void sl_hp_sweep_free(struct sl_hp_sweep *sw);

#endif /* SL_HOLEPUNCH_SWEEP_H */
