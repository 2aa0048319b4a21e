/* \summary: unit tests: conntrack entries as text and as timeline events (capture/conntrack.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "conntrack.h"

static void
tuple(struct sl_ct_tuple *t, int family, const char *src, uint16_t sport,
      const char *dst, uint16_t dport)
{
	int af = family == 6 ? AF_INET6 : AF_INET;

	memset(t, 0, sizeof *t);
	assert_int_equal(inet_pton(af, src, t->src), 1);
	assert_int_equal(inet_pton(af, dst, t->dst), 1);
	t->sport = sport;
	t->dport = dport;
}

/* A masquerade that changed the port: "as" is the reply's destination. */
static void
test_entry_str_snat(void **state)
{
	struct sl_ct_entry e = {0};
	uint8_t a[16];
	uint16_t port;
	char buf[SL_EV_DETAILLEN];

	(void)state;
	e.family = 4;
	e.proto = IPPROTO_TCP;
	e.tcp_state = SL_CT_TCP_SYN_SENT;
	tuple(&e.orig, 4, "10.1.0.2", 40000, "198.51.100.2", 4000);
	tuple(&e.reply, 4, "198.51.100.2", 4000, "198.51.100.1", 61003);
	sl_ct_entry_str(&e, buf, sizeof buf);
	assert_string_equal(buf, "tcp 10.1.0.2:40000 -> 198.51.100.2:4000 as "
				 "198.51.100.1:61003 SYN_SENT UNREPLIED");
	sl_ct_entry_mapped(&e, a, &port);
	assert_int_equal(port, 61003);
	assert_memory_equal(a, e.reply.dst, 16);
	e.tcp_state = SL_CT_TCP_ESTABLISHED;
	e.seen_reply = e.assured = true;
	sl_ct_entry_str(&e, buf, sizeof buf);
	assert_string_equal(buf, "tcp 10.1.0.2:40000 -> 198.51.100.2:4000 as "
				 "198.51.100.1:61003 ESTABLISHED ASSURED");
}

/* IPv6 in brackets; a destination NAT names the real peer with "to". */
static void
test_entry_str_v6_dnat(void **state)
{
	struct sl_ct_entry e = {0};
	char buf[SL_EV_DETAILLEN];

	(void)state;
	e.family = 6;
	e.proto = IPPROTO_TCP;
	e.tcp_state = SL_CT_TCP_SYN_SENT2;
	e.seen_reply = true;
	tuple(&e.orig, 6, "fd00:99::2", 4000, "fd00:99::1", 40000);
	tuple(&e.reply, 6, "fd00:1::2", 40000, "fd00:99::2", 4000);
	sl_ct_entry_str(&e, buf, sizeof buf);
	assert_string_equal(buf, "tcp [fd00:99::2]:4000 -> [fd00:99::1]:40000 "
				 "as [fd00:99::2]:4000 to [fd00:1::2]:40000 "
				 "SYN_SENT2");
	/* UDP has no TCP state; an unknown protocol is named by number. */
	e.proto = IPPROTO_UDP;
	e.seen_reply = false;
	tuple(&e.orig, 6, "fd00:1::2", 53, "fd00:99::2", 53);
	tuple(&e.reply, 6, "fd00:99::2", 53, "fd00:1::2", 53);
	sl_ct_entry_str(&e, buf, sizeof buf);
	assert_string_equal(buf, "udp [fd00:1::2]:53 -> [fd00:99::2]:53 as "
				 "[fd00:1::2]:53 UNREPLIED");
	e.proto = 132;
	e.seen_reply = true;
	sl_ct_entry_str(&e, buf, sizeof buf);
	assert_string_equal(buf, "proto-132 [fd00:1::2]:53 -> [fd00:99::2]:53 "
				 "as [fd00:1::2]:53");
	assert_string_equal(sl_ct_tcp_state_name(SL_CT_TCP_TIME_WAIT),
			    "TIME_WAIT");
	assert_string_equal(sl_ct_tcp_state_name((enum sl_ct_tcp_state)99),
			    "UNKNOWN");
	assert_string_equal(sl_ct_kind_name(SL_CT_DESTROY), "ct-destroy");
}

/*
 * Conntrack events arrive after the socket calls recorded meanwhile: the
 * sort puts them in time order and keeps equal stamps in arrival order;
 * the text form reads "conntrack new: <entry>".
 */
static void
test_events_sort_and_text(void **state)
{
	struct sl_events *ev = sl_events_new();
	char line[256];

	(void)state;
	sl_events_add_at(ev, 1000, 'A', "a", "connect", -1, EINPROGRESS, NULL);
	sl_events_add_at(ev, 3000, 'A', "a", "connect-done", 0, 0, NULL);
	sl_events_add_at(ev, 2000, 'C', "NAT A", "ct-new", 0, 0, "%s",
			 "tcp 10.1.0.2:1 -> 198.51.100.2:2 as 198.51.100.1:1 "
			 "SYN_SENT UNREPLIED");
	sl_events_add_at(ev, 3000, 'C', "NAT A", "ct-update", 0, 0, "x");
	sl_events_add_at(ev, 1000, 'C', "NAT A", "note", 0, 0, "y");
	sl_events_sort(ev);
	assert_int_equal(sl_events_count(ev), 5);
	assert_string_equal(sl_events_get(ev, 0)->call, "connect");
	assert_string_equal(sl_events_get(ev, 1)->call, "note");
	assert_string_equal(sl_events_get(ev, 2)->call, "ct-new");
	assert_string_equal(sl_events_get(ev, 3)->call, "connect-done");
	assert_string_equal(sl_events_get(ev, 4)->call, "ct-update");
	sl_event_text(sl_events_get(ev, 2), NULL, 0, 1000, line, sizeof line);
	assert_string_equal(line, "   +0.001 ms  C NAT A conntrack new: tcp "
				  "10.1.0.2:1 -> 198.51.100.2:2 as "
				  "198.51.100.1:1 SYN_SENT UNREPLIED");
	sl_events_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entry_str_snat),
	    cmocka_unit_test(test_entry_str_v6_dnat),
	    cmocka_unit_test(test_events_sort_and_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
