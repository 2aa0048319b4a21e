/* \summary: socket addresses: built from (family, bytes, port), written as "10.0.0.1:1314" or "[fd00::1]:1314" */
#ifndef SL_NETADDR_H
#define SL_NETADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * Fills ss with family 4 or 6, the address bytes a (4 or 16, network
 * order) and port; returns the length to pass to bind/connect.
 */
socklen_t sl_sockaddr_make(int family, const uint8_t *a, uint16_t port,
			   struct sockaddr_storage *ss);

/* "10.0.0.1:1314" or "[fd00::1]:1314" into buf; returns buf. */
const char *sl_sockaddr_str(const struct sockaddr *sa, char *buf, size_t len);

#endif /* SL_NETADDR_H */
