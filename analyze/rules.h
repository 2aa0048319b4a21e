/* \summary: the analyzer's rules: id, severity, RFC section, requirement */
#ifndef SL_RULES_H
#define SL_RULES_H

#include <stdbool.h>
#include <stdio.h>

#include "analyze.h"

/*
 * Every finding the analyzer can raise, once.  Only a rule whose
 * requirement is an RFC MUST (or processing that a conforming peer
 * enforces by dropping or resetting) may be a violation; what a correct
 * stack may do is a note; what is suspicious is a warning.
 */
enum sl_rule_id {
	SL_RULE_SYNACK_BAD_ACK,
	SL_RULE_SYNACK_OLD_DUP,
	SL_RULE_SIMOPEN_SYNACK_NEW_ISN,
	SL_RULE_SYNACK_NEW_ISN,
	SL_RULE_RST_TO_SYN_NO_ACK,
	SL_RULE_RST_TO_SYN_BAD_ACK,
	SL_RULE_RST_TO_SYN_BAD_SEQ,
	SL_RULE_RST_STRAY,
	SL_RULE_SYNRCVD_BAD_ACK,
	SL_RULE_SYNRCVD_BAD_SEQ,
	SL_RULE_WS_NOT_NEGOTIATED,
	SL_RULE_WS_UNSOLICITED,
	SL_RULE_TS_NOT_NEGOTIATED,
	SL_RULE_TS_MISSING,
	SL_RULE_ACK_UNSENT_DATA,
	SL_RULE_ONE_DIRECTION,
	SL_RULE_LATE_SYN_UNANSWERED,
	SL_RULE_NAT_PORT_CHANGED,
	SL_RULE_NAT_PUNCHED,
	SL_RULE_NAT_RST,
	SL_RULE_NAT_MISMATCH,
	SL_RULE__COUNT
};

struct sl_rule {
	const char *id; /* stable, e.g. "synack-bad-ack" */
	enum sl_severity sev;
	bool must;		 /* the requirement is an RFC MUST */
	const char *rfc;	 /* "RFC 9293 §3.10.7.3" */
	const char *requirement; /* the RFC's words, a few of them */
	const char *meaning;	 /* what a finding of this rule says */
};

/* The rule with this id (static storage); NULL for an unknown id. */
const struct sl_rule *sl_rule_get(enum sl_rule_id id);

/*
 * Write the rules table to out: a Markdown table (as the README holds
 * it) or, with json, one JSON array.  Returns 0, or SL_EIO when a write
 * failed.
 */
int sl_rules_write(FILE *out, bool json);

#endif
