/* \summary: synlab-bench-read: the floor, a bare pcap_next_ex loop */
/*
 * Reads each file with libpcap and counts packets and bytes, nothing
 * more: the least any analyzer must spend to read the same capture.
 * Prints one line per file: "FILE: N packets, B bytes captured, dlt D".
 * Exits 3 when a file cannot be read to its end (libpcap's message on
 * stderr), as `synlab analyze` does.
 */
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	int i, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: synlab-bench-read FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct pcap_pkthdr *h;
		const u_char *data;
		uint64_t n = 0, bytes = 0;
		pcap_t *p;
		int r;

		p = pcap_open_offline(argv[i], errbuf);
		if (p == NULL) {
			fprintf(stderr, "synlab-bench-read: %s: %s\n", argv[i],
				errbuf);
			status = 3;
			continue;
		}
		while ((r = pcap_next_ex(p, &h, &data)) == 1) {
			n++;
			bytes += h->caplen;
		}
		printf("%s: %llu packets, %llu bytes captured, dlt %d\n",
		       argv[i], (unsigned long long)n,
		       (unsigned long long)bytes, pcap_datalink(p));
		if (r == PCAP_ERROR) {
			fprintf(stderr,
				"synlab-bench-read: %s: after packet "
				"%llu: %s\n",
				argv[i], (unsigned long long)n, pcap_geterr(p));
			status = 3;
		}
		pcap_close(p);
	}
	return status;
}
