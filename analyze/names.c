/* \summary: the stable names of shapes, states, roles, severities and vantages */
#include "analyze.h"

/* Shape names are docs/design.md's vocabulary: they appear in JSON and comments. */
static const char *const shape_names[SL_SHAPE__COUNT] = {
    [SL_SHAPE_THREE_WAY] = "three-way",
    [SL_SHAPE_SIMOPEN] = "simultaneous-open",
    [SL_SHAPE_SELF] = "self-connect",
    [SL_SHAPE_REFUSED] = "refused",
    [SL_SHAPE_UNANSWERED] = "unanswered",
    [SL_SHAPE_RESET] = "reset",
    [SL_SHAPE_INCOMPLETE] = "incomplete",
};

/* RFC 9293 §3.3.2 spelling. */
static const char *const state_names[SL_ST__COUNT] = {
    [SL_ST_NONE] = "?",
    [SL_ST_CLOSED] = "CLOSED",
    [SL_ST_LISTEN] = "LISTEN",
    [SL_ST_SYN_SENT] = "SYN-SENT",
    [SL_ST_SYN_RECEIVED] = "SYN-RECEIVED",
    [SL_ST_ESTABLISHED] = "ESTABLISHED",
    [SL_ST_FIN_WAIT_1] = "FIN-WAIT-1",
    [SL_ST_FIN_WAIT_2] = "FIN-WAIT-2",
    [SL_ST_CLOSE_WAIT] = "CLOSE-WAIT",
    [SL_ST_CLOSING] = "CLOSING",
    [SL_ST_LAST_ACK] = "LAST-ACK",
    [SL_ST_TIME_WAIT] = "TIME-WAIT",
};

static const char *const role_names[SL_ROLE__COUNT] = {
    [SL_ROLE_SYN] = "SYN",
    [SL_ROLE_SYN_RETX] = "SYN retransmission",
    [SL_ROLE_SYNACK] = "SYN-ACK",
    [SL_ROLE_SYNACK_RETX] = "SYN-ACK retransmission",
    [SL_ROLE_ACK] = "ACK",
    [SL_ROLE_DUP_ACK] = "duplicate ACK",
    [SL_ROLE_RST] = "RST",
    [SL_ROLE_LATE_SYN] = "late SYN",
    [SL_ROLE_CHALLENGE_ACK] = "challenge ACK",
    [SL_ROLE_DATA] = "data",
    [SL_ROLE_FIN] = "FIN",
    [SL_ROLE_OTHER] = "segment",
    [SL_ROLE_DSACK_ACK] = "duplicate ACK with D-SACK of the SYN",
};

const char *
sl_shape_name(enum sl_shape s)
{
	return (unsigned)s < SL_SHAPE__COUNT ? shape_names[s] : "?";
}

const char *
sl_state_name(enum sl_state s)
{
	return (unsigned)s < SL_ST__COUNT ? state_names[s] : "?";
}

const char *
sl_role_name(enum sl_role r)
{
	return (unsigned)r < SL_ROLE__COUNT ? role_names[r] : "?";
}

const char *
sl_severity_name(enum sl_severity s)
{
	switch (s) {
	case SL_SEV_NOTE:
		return "note";
	case SL_SEV_WARNING:
		return "warning";
	case SL_SEV_VIOLATION:
		return "violation";
	}
	return "?";
}

const char *
sl_vantage_name(enum sl_vantage v)
{
	switch (v) {
	case SL_VANT_UNKNOWN:
		break;
	case SL_VANT_A:
		return "a";
	case SL_VANT_B:
		return "b";
	case SL_VANT_LOCAL:
		return "local";
	case SL_VANT_PATH:
		return "path";
	}
	return "unknown";
}
