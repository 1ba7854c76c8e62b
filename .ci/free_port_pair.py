"""Print a port P such that P and P + 1 are both free on 127.0.0.1 (the browser tests' servers)."""

import socket


def free_pair() -> int:
    for _ in range(100):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
                return port
    raise SystemExit("free_port_pair: no two adjacent free ports found")


if __name__ == "__main__":
    print(free_pair())
