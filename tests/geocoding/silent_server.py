"""A loopback TCP server that accepts connections and never answers: a national address API
that hangs. It counts the connections it accepted."""

import contextlib
import socket
import threading


class SilentServer:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def connections(self) -> int:
        with self.lock:
            return len(self.accepted)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            with self.lock:
                self.accepted.append(conn)  # kept open, never read, never answered

    def close(self):
        # shutdown() wakes the accepting thread (close() alone does not on Linux).
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(timeout=5)
        with self.lock:
            for conn in self.accepted:
                conn.close()
