#!/usr/bin/env python3
"""Real servers for the IPVS comparison scenario (test/qemu/ipvs-compare.ts), run inside the
guest's "rs" network namespace: one process listens on every ADDR:PORT given and answers each
connection with a minimal HTTP 200. The file DOWN_FILE lists "ADDR PORT" lines that must be
down; it is re-read every 100 ms, a listed listener is closed (connects get RST) and reopened
once unlisted. READY_FILE is written after the first pass of binds. With RS_HITS set, every
accepted connection appends "ADDR PORT" (the listener's) to that file, so the scenario can
wait until a daemon's checkers have reached given real servers.

usage: rs-servers.py DOWN_FILE READY_FILE ADDR:PORT|[ADDR6]:PORT ...
"""
import os
import selectors
import socket
import sys
import time

RESPONSE = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"


def parse(spec):
    if spec.startswith("["):
        addr, port = spec[1:].split("]:")
        return (addr, int(port), socket.AF_INET6)
    addr, port = spec.rsplit(":", 1)
    return (addr, int(port), socket.AF_INET)


def listen(addr, port, family):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    s.setblocking(False)
    return s


def read_down(path):
    try:
        with open(path) as f:
            return {tuple(line.split()[:2]) for line in f if len(line.split()) >= 2}
    except FileNotFoundError:
        return set()


def main():
    down_file, ready_file = sys.argv[1], sys.argv[2]
    targets = [parse(a) for a in sys.argv[3:]]
    sel = selectors.DefaultSelector()
    open_socks = {}
    first = True
    hits = os.environ.get("RS_HITS")
    while True:
        down = read_down(down_file)
        for t in targets:
            key = (t[0], str(t[1]))
            if key in down and t in open_socks:
                sel.unregister(open_socks[t])
                open_socks.pop(t).close()
            elif key not in down and t not in open_socks:
                try:
                    open_socks[t] = listen(*t)
                    sel.register(open_socks[t], selectors.EVENT_READ, t)
                except OSError as e:
                    print(f"rs-servers: bind {t}: {e}", file=sys.stderr, flush=True)
        if first:
            with open(ready_file, "w") as f:
                f.write(f"{os.getpid()}\n")
            first = False
        deadline = time.monotonic() + 0.1
        while (left := deadline - time.monotonic()) > 0:
            for key, _ in sel.select(left):
                try:
                    conn, _ = key.fileobj.accept()
                except OSError:
                    continue
                if hits:
                    with open(hits, "a") as f:
                        f.write(f"{key.data[0]} {key.data[1]}\n")
                try:
                    conn.settimeout(0.5)
                    try:
                        conn.recv(4096)
                    except OSError:
                        pass
                    conn.sendall(RESPONSE)
                except OSError:
                    pass
                finally:
                    conn.close()


if __name__ == "__main__":
    main()
