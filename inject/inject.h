/* \summary: libnet segment builders and the send scheduler (inject/) */
#ifndef SL_INJECT_H
#define SL_INJECT_H

/* The libnet version string this build links, e.g. "libnet version 1.1.6". */
const char *sl_inject_libnet_version(void);

#endif /* SL_INJECT_H */
