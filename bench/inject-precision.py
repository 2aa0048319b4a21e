# Scapy's send() on the same path as synlab's injector, for bench/inject-precision.c:
# a raw IP socket in host A (conf.L3socket = L3RawSocket), the same spoofed
# source, bare SYNs scheduled at start + k * interval on CLOCK_REALTIME with
# the same sleep-then-spin.  Packets are built before the loop.
# usage: inject-precision.py N START_NS INTERVAL_NS
import sys
import time

from scapy.all import IP, TCP, L3RawSocket, conf, send

conf.L3socket = L3RawSocket
n, start, iv = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
pkts = [IP(src="10.0.0.3", dst="10.0.0.2") /
        TCP(sport=40000 + k % 20000, dport=10, seq=k, flags="S",
            window=64240, options=[("MSS", 1460)]) for k in range(n)]
for k in range(n):
    t = start + k * iv
    now = time.time_ns()
    if t - 300000 > now:
        time.sleep((t - 300000 - now) / 1e9)
    while time.time_ns() < t:
        pass
    send(pkts[k], verbose=0)
