/* \summary: the hole-punching success matrix: every pair of NAT mappings across B's start offsets, each run a fresh lab */
#include "holepunch_sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define NMAP SL_NAT_MAP__COUNT

struct sl_hp_sweep {
	struct sl_hp_sweep_cfg cfg;
	size_t noff;
	struct sl_hp_cell *cells; /* [map A][map B][offset] */
};

static struct sl_hp_cell *
cell(struct sl_hp_sweep *sw, unsigned a, unsigned b, size_t k)
{
	return &sw->cells[((size_t)a * NMAP + b) * sw->noff + k];
}

const struct sl_hp_cell *
sl_hp_sweep_cell(const struct sl_hp_sweep *sw, unsigned a, unsigned b, size_t k)
{
	return &sw->cells[((size_t)a * NMAP + b) * sw->noff + k];
}

size_t
sl_hp_sweep_noffsets(const struct sl_hp_sweep *sw)
{
	return sw->noff;
}

int64_t
sl_hp_sweep_offset(const struct sl_hp_sweep *sw, size_t k)
{
	return sw->cfg.from + (int64_t)k * sw->cfg.step;
}

struct sl_hp_sweep *
sl_hp_sweep_new(const struct sl_hp_sweep_cfg *cfg)
{
	struct sl_hp_sweep *sw = sl_xcalloc(1, sizeof *sw);

	sw->cfg = *cfg;
	if (sw->cfg.step <= 0 || sw->cfg.to < sw->cfg.from)
		sw->noff = 1;
	else
		sw->noff =
		    (size_t)((sw->cfg.to - sw->cfg.from) / sw->cfg.step) + 1;
	if (sw->cfg.count == 0)
		sw->cfg.count = 1;
	sw->cells = sl_xcalloc(NMAP * NMAP * sw->noff, sizeof *sw->cells);
	return sw;
}

void
sl_hp_sweep_free(struct sl_hp_sweep *sw)
{
	if (sw == NULL)
		return;
	free(sw->cells);
	free(sw);
}

int
sl_hp_sweep_run(struct sl_hp_sweep *sw, char *errbuf)
{
	size_t planned = NMAP * NMAP * sw->noff * sw->cfg.count, done = 0;

	for (unsigned a = 0; a < NMAP; a++)
		for (unsigned b = 0; b < NMAP; b++)
			for (size_t k = 0; k < sw->noff; k++)
				for (unsigned i = 0; i < sw->cfg.count; i++) {
					struct sl_hp_opts o = sw->cfg.base;
					struct sl_hp_result r;
					struct sl_hp_cell *c =
					    cell(sw, a, b, k);
					int rc;

					o.nat[0].map = (enum sl_nat_type)a;
					o.nat[1].map = (enum sl_nat_type)b;
					o.offset_ns = sl_hp_sweep_offset(sw, k);
					rc = sl_holepunch_run(&o, &r, errbuf);
					if (rc == SL_OK) {
						c->runs++;
						if (sl_holepunch_ok(&r))
							c->connected++;
						else if (r.host[0].outcome ==
							     SL_HP_REFUSED ||
							 r.host[1].outcome ==
							     SL_HP_REFUSED)
							c->refused++;
						else
							c->timed_out++;
					}
					sl_hp_result_free(&r);
					if (rc != SL_OK)
						return rc;
					if (sw->cfg.progress)
						sw->cfg.progress(++done,
								 planned,
								 sw->cfg.arg);
				}
	return SL_OK;
}

void
sl_hp_sweep_write_table(const struct sl_hp_sweep *sw, FILE *f)
{
	const struct sl_hp_opts *o = &sw->cfg.base;

	fprintf(f,
		"holepunch success matrix: both hosts connected / runs; "
		"unsolicited SYN: NAT A %s, NAT B %s; %.1f ms one way\n",
		sl_nat_unsol_name(o->nat[0].unsol),
		sl_nat_unsol_name(o->nat[1].unsol), (double)o->delay_ns / 1e6);
	fprintf(f, "%-28s", "NAT A / NAT B \\ offset");
	for (size_t k = 0; k < sw->noff; k++)
		fprintf(f, " %9.0fms", (double)sl_hp_sweep_offset(sw, k) / 1e6);
	fputc('\n', f);
	for (unsigned a = 0; a < NMAP; a++)
		for (unsigned b = 0; b < NMAP; b++) {
			char pair[40];

			snprintf(pair, sizeof pair, "%s / %s",
				 sl_nat_map_name(a), sl_nat_map_name(b));
			fprintf(f, "%-28s", pair);
			for (size_t k = 0; k < sw->noff; k++) {
				const struct sl_hp_cell *c =
				    sl_hp_sweep_cell(sw, a, b, k);
				char v[16];

				snprintf(v, sizeof v, "%u/%u", c->connected,
					 c->runs);
				fprintf(f, " %11s", v);
			}
			fputc('\n', f);
		}
}

void
sl_hp_sweep_write_json(const struct sl_hp_sweep *sw, FILE *f,
		       const char *kernel)
{
	const struct sl_hp_opts *o = &sw->cfg.base;
	struct sl_json j;

	sl_json_init(&j, f);
	sl_json_begin_obj(&j);
	sl_json_kstring(&j, "sweep", "holepunch");
	sl_json_kstring(&j, "kernel", kernel);
	sl_json_kfixed(&j, "delay_ms", (double)o->delay_ns / 1e6, 3);
	sl_json_kstring(&j, "unsolicited_a",
			sl_nat_unsol_name(o->nat[0].unsol));
	sl_json_kstring(&j, "unsolicited_b",
			sl_nat_unsol_name(o->nat[1].unsol));
	sl_json_kuint(&j, "count", sw->cfg.count);
	sl_json_key(&j, "cells");
	sl_json_begin_arr(&j);
	for (unsigned a = 0; a < NMAP; a++)
		for (unsigned b = 0; b < NMAP; b++)
			for (size_t k = 0; k < sw->noff; k++) {
				const struct sl_hp_cell *c =
				    sl_hp_sweep_cell(sw, a, b, k);

				sl_json_begin_obj(&j);
				sl_json_kstring(&j, "nat_a",
						sl_nat_map_name(a));
				sl_json_kstring(&j, "nat_b",
						sl_nat_map_name(b));
				sl_json_kfixed(
				    &j, "offset_ms",
				    (double)sl_hp_sweep_offset(sw, k) / 1e6, 3);
				sl_json_kuint(&j, "runs", c->runs);
				sl_json_kuint(&j, "connected", c->connected);
				sl_json_kuint(&j, "refused", c->refused);
				sl_json_kuint(&j, "timed_out", c->timed_out);
				sl_json_end(&j);
			}
	sl_json_end(&j);
	sl_json_end(&j);
	fputc('\n', f);
}

int
sl_hp_sweep_write_plot(const struct sl_hp_sweep *sw, const char *path,
		       char *errbuf)
{
	const double L = 190, T = 50, CW = 70, CH = 24;
	const double W = L + CW * (double)sw->noff + 20, H = T + CH * 9 + 40;
	bool out = strcmp(path, "-") == 0;
	FILE *f = out ? stdout : fopen(path, "w");
	int bad;

	if (f == NULL) {
		sl_errbuf_set(errbuf, "%s: %s", path, strerror(errno));
		return SL_EIO;
	}
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" font-family=\"sans-serif\" "
		"font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
		"fill=\"white\"/>\n<text x=\"10\" y=\"20\" "
		"font-size=\"14\">synlab sweep holepunch: both connected / "
		"runs; unsolicited SYN %s / %s; %.1f ms one way</text>\n"
		"<text x=\"10\" y=\"%.0f\">NAT A / NAT B</text>\n",
		W, H, sl_nat_unsol_name(sw->cfg.base.nat[0].unsol),
		sl_nat_unsol_name(sw->cfg.base.nat[1].unsol),
		(double)sw->cfg.base.delay_ns / 1e6, T - 8);
	for (size_t k = 0; k < sw->noff; k++)
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.0f\" "
			"text-anchor=\"middle\">%+.0f ms</text>\n",
			L + CW * ((double)k + 0.5), T - 8,
			(double)sl_hp_sweep_offset(sw, k) / 1e6);
	for (unsigned a = 0; a < NMAP; a++)
		for (unsigned b = 0; b < NMAP; b++) {
			double y = T + CH * (a * NMAP + b);

			fprintf(f, "<text x=\"10\" y=\"%.1f\">%s / %s</text>\n",
				y + CH * 0.65, sl_nat_map_name(a),
				sl_nat_map_name(b));
			for (size_t k = 0; k < sw->noff; k++) {
				const struct sl_hp_cell *c =
				    sl_hp_sweep_cell(sw, a, b, k);
				/* green for all connected, red for none */
				double q = c->runs
					       ? (double)c->connected / c->runs
					       : 0;

				fprintf(f,
					"<rect x=\"%.1f\" y=\"%.1f\" "
					"width=\"%.0f\" height=\"%.0f\" "
					"fill=\"rgb(%.0f,%.0f,80)\" "
					"stroke=\"white\"/>\n<text "
					"x=\"%.1f\" y=\"%.1f\" "
					"text-anchor=\"middle\" "
					"fill=\"white\">%u/%u</text>\n",
					L + CW * (double)k, y, CW, CH,
					200 * (1 - q) + 30, 160 * q + 40,
					L + CW * ((double)k + 0.5),
					y + CH * 0.65, c->connected, c->runs);
			}
		}
	fputs("</svg>\n", f);
	bad = ferror(f);
	if (!out)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	if (bad) {
		sl_errbuf_set(errbuf, "%s: write failed", path);
		return SL_EIO;
	}
	return SL_OK;
}
