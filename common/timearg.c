/* \summary: the one time grammar of every synlab option (docs/time-grammar.md), and sleeping until an instant */
#include "timearg.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* ".25" -> 250000000 ns (digits past the ninth are ignored). */
static int
parse_frac(const char **p, int64_t *frac_ns)
{
	int64_t scale = 100000000;

	*frac_ns = 0;
	if (**p != '.')
		return SL_OK;
	(*p)++;
	if (!isdigit((unsigned char)**p))
		return SL_EINVAL;
	for (; isdigit((unsigned char)**p); (*p)++) {
		*frac_ns += (**p - '0') * scale;
		scale /= 10;
	}
	return SL_OK;
}

/* Digits and an optional fraction: whole units and 1e-9 units. */
static int
parse_number(const char **p, int64_t *whole, int64_t *frac_ns)
{
	*whole = 0;
	if (!isdigit((unsigned char)**p))
		return SL_EINVAL;
	while (isdigit((unsigned char)**p)) {
		*whole = *whole * 10 + (**p - '0');
		if (*whole > 100000000000LL)
			return SL_EINVAL;
		(*p)++;
	}
	return parse_frac(p, frac_ns);
}

int
sl_parse_duration(const char *s, int64_t *ns, char *errbuf)
{
	static const struct {
		const char *name;
		int64_t mul;
	} unit[] = {
	    {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	const char *p = s;
	int64_t whole, frac, v;
	int neg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (parse_number(&p, &whole, &frac) != SL_OK)
		goto bad;
	if (*p == '\0' && whole == 0 && frac == 0) {
		*ns = 0;
		return SL_OK;
	}
	for (size_t i = 0; i < sizeof unit / sizeof unit[0]; i++) {
		if (strcmp(p, unit[i].name) != 0)
			continue;
		if (whole > SL_DURATION_MAX_NS / unit[i].mul)
			goto bad;
		/* frac is in 1e-9 of the unit: round to whole ns */
		v = whole * unit[i].mul +
		    (frac * unit[i].mul + 500000000) / 1000000000;
		if (v > SL_DURATION_MAX_NS)
			goto bad;
		*ns = neg ? -v : v;
		return SL_OK;
	}
bad:
	if (errbuf != NULL)
		sl_errbuf_set(errbuf,
			      "'%s': want a duration with a unit, like 10ms, "
			      "-2.5ms, 500us or 2s",
			      s);
	return SL_EINVAL;
}

int
sl_parse_duration_opt(const char *opt, const char *s, bool allow_negative,
		      int64_t *ns, char *errbuf)
{
	char msg[SL_ERRBUF_SIZE];

	if (sl_parse_duration(s, ns, msg) != SL_OK) {
		sl_errbuf_set(errbuf, "%s %s", opt, msg);
		return SL_EINVAL;
	}
	if (*ns < 0 && !allow_negative) {
		sl_errbuf_set(errbuf, "%s wants a duration >= 0, not '%s'", opt,
			      s);
		return SL_EINVAL;
	}
	return SL_OK;
}

int
sl_parse_count(const char *opt, const char *s, unsigned long min,
	       unsigned long max, unsigned long *v, char *errbuf)
{
	char *end;

	*v = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || *v < min || *v > max) {
		sl_errbuf_set(errbuf,
			      "%s wants a whole number %lu..%lu, not '%s'", opt,
			      min, max, s);
		return SL_EINVAL;
	}
	return SL_OK;
}

/* ISO 8601 "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)". */
static int
parse_iso(const char *s, int64_t *at_ns, char *errbuf)
{
	struct tm tm;
	const char *p;
	int64_t frac = 0, off = 0;
	int n = 0, oh, om;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return SL_EINVAL;
	p = s + n;
	if (parse_frac(&p, &frac) != SL_OK)
		return SL_EINVAL;
	if (*p == 'Z' && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') &&
		   sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5 &&
		   p[6] == '\0' && oh <= 23 && om <= 59) {
		off = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
	} else {
		sl_errbuf_set(errbuf,
			      "TIME '%s': say which zone: end it with "
			      "Z (UTC) or an offset like +01:00",
			      s);
		return SL_ENOTSUP;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return SL_EINVAL;
	*at_ns = ((int64_t)t - off) * 1000000000 + frac;
	return SL_OK;
}

int
sl_parse_instant(const char *s, int64_t now_ns, int64_t *at_ns, char *errbuf)
{
	int64_t whole, frac, d;
	const char *p = s + 1;
	int rc;

	if (s[0] == '+') {
		if (sl_parse_duration(s + 1, &d, NULL) == SL_OK && d >= 0) {
			*at_ns = now_ns + d;
			return SL_OK;
		}
	} else if (s[0] == '@') {
		if (parse_number(&p, &whole, &frac) == SL_OK && *p == '\0') {
			*at_ns = whole * 1000000000 + frac;
			return SL_OK;
		}
	} else if ((rc = parse_iso(s, at_ns, errbuf)) != SL_EINVAL) {
		return rc == SL_OK ? SL_OK : SL_EINVAL;
	}
	sl_errbuf_set(errbuf,
		      "TIME '%s': want +DURATION (+10s, +500ms), @EPOCH "
		      "seconds or an ISO 8601 instant like "
		      "2026-11-27T12:00:00.250Z",
		      s);
	return SL_EINVAL;
}

void
sl_fmt_instant(int64_t at_ns, char *buf, size_t len)
{
	time_t t = (time_t)(at_ns / 1000000000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "@%lld", (long long)(at_ns / 1000000000));
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (long long)(at_ns % 1000000000));
}

int
sl_sleep_until(clockid_t clk, int64_t t_ns, volatile const int *stop)
{
	for (;;) {
		struct timespec now, ts;
		int64_t n, wake = t_ns;

		if (stop != NULL && *stop)
			return SL_EINTR;
		clock_gettime(clk, &now);
		n = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
		if (n >= t_ns)
			return SL_OK;
		if (stop != NULL && t_ns - n > 50000000)
			wake = n + 50000000;
		ts.tv_sec = (time_t)(wake / 1000000000);
		ts.tv_nsec = (long)(wake % 1000000000);
		(void)clock_nanosleep(clk, TIMER_ABSTIME, &ts, NULL);
	}
}

bool
sl_fifo_enter(void)
{
	struct sched_param rt = {1};

	return sched_getscheduler(0) == SCHED_OTHER &&
	       sched_setscheduler(0, SCHED_FIFO, &rt) == 0;
}

void
sl_fifo_leave(bool entered)
{
	struct sched_param other = {0};

	if (entered)
		(void)sched_setscheduler(0, SCHED_OTHER, &other);
}
