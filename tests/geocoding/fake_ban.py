"""A loopback HTTP server standing for the national address API (BAN): it answers canned
bodies (tests/fixtures/ban/) and records what it was asked."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

BAN_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ban"


def canned(name: str) -> bytes:
    """A canned answer of the address API (see tests/fixtures/ban/README.md)."""
    return (BAN_FIXTURES / name).read_bytes()


@dataclass
class Answer:
    """One HTTP answer of the fake API."""

    body: bytes = b""
    status: int = 200
    delay: float = 0.0
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    at: float  # time.monotonic()
    path: str
    params: dict[str, list[str]]


class FakeBAN:
    """What the loopback server answers (in order, the last answer repeating) and what it was
    asked."""

    def __init__(self):
        self.answers = [Answer(status=500, body=b"no answer configured")]
        self.requests: list[Request] = []
        self.lock = threading.Lock()

    def will_answer(self, *answers: Answer):
        with self.lock:
            self.answers = list(answers)

    def next_answer(self, path: str) -> Answer:
        url = urlsplit(path)
        with self.lock:
            self.requests.append(Request(time.monotonic(), url.path, parse_qs(url.query)))
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _handler(fake: FakeBAN):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            answer = fake.next_answer(self.path)
            time.sleep(answer.delay)
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout): nothing to answer to

        def log_message(self, format, *args):
            pass

    return Handler


def start_server(fake: FakeBAN) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Serve `fake` on 127.0.0.1, on a free port, in a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    server.block_on_close = False  # a handler may still sleep on a timed-out answer
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    return server, thread
