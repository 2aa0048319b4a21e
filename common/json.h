/* \summary: JSON output: the one string escaper and a small writer that manages commas (RFC 8259) */
#ifndef SL_JSON_H
#define SL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Writes s to out as a JSON string, quoted: '"' and '\' escaped, newline,
 * CR and tab as \n \r \t, other control characters as \u00XX, every other
 * byte as is (UTF-8 passes through).  s must not be NULL.
 */
void sl_json_str(FILE *out, const char *s);

/*
 * A writer that knows where commas go.  Usage:
 *
 *	struct sl_json j;
 *	sl_json_init(&j, out);
 *	sl_json_begin_obj(&j);
 *	sl_json_key(&j, "files");
 *	sl_json_begin_arr(&j);
 *	sl_json_string(&j, "a.pcap");
 *	sl_json_end(&j);
 *	sl_json_key(&j, "count");
 *	sl_json_int(&j, 1);
 *	sl_json_end(&j);		// {"files":["a.pcap"],"count":1}
 *
 * It writes no white space and checks nothing but nesting depth; output
 * errors are the FILE's (check ferror or fclose).  The struct is the
 * caller's and holds no resources.
 */
#define SL_JSON_DEPTH 32

struct sl_json {
	FILE *out;
	unsigned depth;
	bool after_key; /* a key was written, its value is next */
	bool nonempty
	    [SL_JSON_DEPTH]; /* the container at this depth has a member */
	char close[SL_JSON_DEPTH]; /* '}' or ']' */
};

void sl_json_init(struct sl_json *j, FILE *out);
void sl_json_begin_obj(struct sl_json *j);
void sl_json_begin_arr(struct sl_json *j);
/* Closes the innermost open object or array. */
void sl_json_end(struct sl_json *j);
/* An object member's key; the next call writes its value. */
void sl_json_key(struct sl_json *j, const char *key);
/* Values. sl_json_string writes null for NULL. */
void sl_json_string(struct sl_json *j, const char *s);
void sl_json_int(struct sl_json *j, int64_t v);
void sl_json_uint(struct sl_json *j, uint64_t v);
void sl_json_bool(struct sl_json *j, bool v);
void sl_json_null(struct sl_json *j);
/* A number or any other value, formatted by printf (e.g. "%.6f"). */
void sl_json_printf(struct sl_json *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* SL_JSON_H */
