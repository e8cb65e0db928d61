"""A loopback HTTP server standing for the CSV endpoint of the national address API
(`POST /search/csv/`): it answers canned bodies (tests/fixtures/ban_csv/) or the answer of a
function of the uploaded rows, and records what it was sent."""

import csv
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ban_csv"
RESULT_COLUMNS = [
    "latitude",
    "longitude",
    "result_label",
    "result_score",
    "result_score_next",
    "result_type",
    "result_id",
    "result_housenumber",
    "result_name",
    "result_street",
    "result_postcode",
    "result_city",
    "result_context",
    "result_citycode",
    "result_oldcitycode",
    "result_oldcity",
    "result_district",
    "result_status",
]


def canned(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def not_found_for_every_row(rows: list[dict]) -> bytes:
    """The API's answer when no row has a result: input columns, empty results, not-found."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*rows[0].keys(), *RESULT_COLUMNS] if rows else RESULT_COLUMNS)
    for row in rows:
        writer.writerow([*row.values(), *[""] * (len(RESULT_COLUMNS) - 1), "not-found"])
    return buffer.getvalue().encode()


@dataclass
class Answer:
    body: bytes | Callable[[list[dict]], bytes] = b""
    status: int = 200
    delay: float = 0.0
    content_type: str = "text/csv; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    started: float
    finished: float
    path: str
    content_type: str
    fields: dict[str, str]  # form fields
    rows: list[dict]  # rows of the uploaded `data` file
    file_name: str


class FakeBANCSV:
    def __init__(self):
        self.answers = [Answer(status=500, body=b"no answer configured")]
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.busy = 0
        self.received = 0  # requests begun (a timed-out one is recorded when it ends)
        self.overlapped = False

    def will_answer(self, *answers: Answer):
        with self.lock:
            self.answers = list(answers)

    def next_answer(self) -> Answer:
        with self.lock:
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _parse_multipart(content_type: str, body: bytes):
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields, rows, file_name = {}, [], ""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "data":
            file_name = part.get_filename() or ""
            rows = list(csv.DictReader(io.StringIO(payload.decode("utf-8"))))
        else:
            fields[name] = payload.decode("utf-8")
    return fields, rows, file_name


def _handler(fake: FakeBANCSV):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            started = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            content_type = self.headers.get("Content-Type", "")
            fields, rows, file_name = _parse_multipart(content_type, self.rfile.read(length))
            request = Request(started, 0.0, self.path, content_type, fields, rows, file_name)
            with fake.lock:
                fake.busy += 1
                fake.received += 1
                fake.overlapped = fake.overlapped or fake.busy > 1
            answer = fake.next_answer()
            time.sleep(answer.delay)
            body = answer.body(rows) if callable(answer.body) else answer.body
            request.finished = time.monotonic()
            with fake.lock:
                # Recorded before the answer leaves: the client sees it once answered.
                fake.busy -= 1
                fake.requests.append(request)
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format, *args):
            pass

    return Handler


def start_server(fake: FakeBANCSV):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    return server, thread
