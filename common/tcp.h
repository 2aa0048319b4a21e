/* \summary: TCP header constants shared by every module (RFC 9293 §3.1) */
#ifndef SL_TCP_H
#define SL_TCP_H

/* TCP flag bits, as on the wire (byte 13 of the header; RFC 3168 §6.1.1). */
#define SL_TH_FIN 0x01
#define SL_TH_SYN 0x02
#define SL_TH_RST 0x04
#define SL_TH_PSH 0x08
#define SL_TH_ACK 0x10
#define SL_TH_URG 0x20
#define SL_TH_ECE 0x40
#define SL_TH_CWR 0x80

#endif /* SL_TCP_H */
