"""Current ClickHouse (chdb-core: the ClickHouse engine in-process) behind the part of ClickHouse's HTTP interface
that @clickhouse/client speaks, so Vigil's own code, unchanged, runs its migrations, inserts and queries on it.

    python chdb_http.py <data dir> <port>

Prints one line, `listening <port> <ClickHouse version>`, once it answers; exits when its stdin closes (the test
run that started it ended, however it ended).

What it serves, as ClickHouse's HTTP server does:
  GET /ping                    -> "Ok.\\n"
  POST /?query=...&database=.. -> the query (the URL's `query`, then the body: an INSERT's rows, or the whole query
                                  when the URL has none) run in database `database` (default: `default`); the
                                  answer in the format the query names (TabSeparated when it names none)
  an error                     -> HTTP 500 and ClickHouse's own message ("Code: 62. DB::Exception: ..."), which
                                  the client parses as it parses a server's
Other URL parameters (query_id, settings the client adds) are accepted and ignored. One query at a time: the
engine is one session, guarded by a lock; the HTTP server takes connections on threads (the client keeps several
alive).
"""

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from chdb import session as chdb_session

DATA_DIR, PORT = sys.argv[1], int(sys.argv[2])
ENGINE = chdb_session.Session(DATA_DIR)
LOCK = threading.Lock()
VERSION = ENGINE.query("SELECT version()", "TabSeparated").bytes().decode().strip()


def run(query: str, database: str) -> bytes:
    with LOCK:
        ENGINE.query(f"USE `{database}`")
        return ENGINE.query(query, "TabSeparated").bytes()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-ClickHouse-Server-Display-Name", "chdb")
        self.send_header("X-ClickHouse-Summary", "{}")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (the base class's name)
        if urlparse(self.path).path == "/ping":
            self.answer(200, b"Ok.\n")
        else:
            self.answer(404, b"Code: 0. DB::Exception: only /ping answers GET here\n")

    def do_POST(self):  # noqa: N802
        params = parse_qs(urlparse(self.path).query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self.read_chunked()
        url_query = params.get("query", [""])[0]
        query = f"{url_query}\n{body}" if url_query and body else (url_query or body)
        database = params.get("database", ["default"])[0]
        try:
            self.answer(200, run(query, database))
        except Exception as error:  # the engine's errors carry ClickHouse's code and message
            message = str(error).strip()
            if not message.startswith("Code:"):
                message = f"Code: 1000. DB::Exception: {message}"
            self.answer(500, f"{message} (version {VERSION})\n".encode())

    def read_chunked(self) -> str:
        chunks = []
        while True:
            size = int(self.rfile.readline().strip(), 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(chunks).decode("utf-8")
            chunks.append(self.rfile.read(size))
            self.rfile.readline()


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening {PORT} {VERSION}", flush=True)
    sys.stdin.read()  # until the parent goes
    server.shutdown()


if __name__ == "__main__":
    main()
