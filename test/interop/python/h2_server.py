"""
A python3-h2 (hyper-h2) server for the interop suite: h2c with prior
knowledge on 127.0.0.1, an OS-chosen port printed as "LISTENING <port>" once
it accepts. One thread, a selector, H2Connection per socket; flow control
respected both ways. Run with Debian's /usr/bin/python3.

Routes:
    GET  /hello            200 "hello from python-h2"
    GET  /trailers         200 "python body", trailers x-trailer-one, x-checksum (sha256 of the body)
    GET  /early-hints      two 103 responses, then 200 "after hints"
    GET  /bytes/N          200, N pseudo-random octets (streamed, never held whole); trailer x-sha256
    POST /sha256           200 {"bytes": n, "sha256": "..."} of the request body (hashed as it arrives)
    GET  /hold/I?of=K      held until K such streams are open on the connection; then a GOAWAY
                           (NO_ERROR) whose last-stream-id is the K/2-th of them, written as a raw
                           frame so h2 keeps the connection usable; streams at or below it get
                           200 "held I", the others are never processed (RFC 9113 §6.8)
"""
import hashlib
import json
import os
import selectors
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events
from hyperframe.frame import GoAwayFrame

DEADLINE_S = 60  # the suite stops us long before; this only bounds a forgotten process
CHUNK = 65536
BLOCK = os.urandom(CHUNK)


class Body:
    """A body to send: bytes, or N generated octets; hashed as sent; then trailers, or END_STREAM."""

    def __init__(self, data=None, size=None, trailers=None, checksum_trailer=False):
        self.data = memoryview(data) if data is not None else None
        self.remaining = size if size is not None else 0
        self.index = 0
        self.current = memoryview(b"")
        self.hash = hashlib.sha256()
        self.trailers = trailers
        self.checksum_trailer = checksum_trailer

    def next_bytes(self, n):
        """Up to n octets, or b'' when done."""
        if self.data is not None:
            out, self.data = self.data[:n], self.data[n:]
            return out.tobytes()
        if len(self.current) == 0 and self.remaining > 0:
            size = min(CHUNK, self.remaining)
            chunk = bytearray(BLOCK[:size])
            if size >= 4:
                chunk[0:4] = self.index.to_bytes(4, "big")
            self.index += 1
            self.remaining -= size
            self.current = memoryview(bytes(chunk))
        out, self.current = self.current[:n], self.current[n:]
        return out.tobytes()

    def done(self):
        if self.data is not None:
            return len(self.data) == 0
        return self.remaining == 0 and len(self.current) == 0


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.requests = {}  # stream id -> {"headers", "hash", "bytes"}
        self.sending = {}  # stream id -> Body
        self.held = []  # (stream id, path)
        self.goaway_sent = False
        self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def receive(self, data):
        for event in self.conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                self.requests[event.stream_id] = {"headers": dict(event.headers), "hash": hashlib.sha256(), "bytes": 0}
            elif isinstance(event, h2.events.DataReceived):
                r = self.requests.get(event.stream_id)
                if r is not None:
                    r["hash"].update(event.data)
                    r["bytes"] += len(event.data)
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.dispatch(event.stream_id)
            elif isinstance(event, h2.events.StreamReset):
                self.sending.pop(event.stream_id, None)
        self.pump()
        self.flush()

    def respond(self, sid, status, headers=(), body=None):
        self.conn.send_headers(sid, [(":status", str(status))] + list(headers), end_stream=body is None)
        if body is not None:
            self.sending[sid] = body

    def dispatch(self, sid):
        r = self.requests[sid]
        method, path = r["headers"][":method"], r["headers"][":path"]
        if method == "GET" and path == "/hello":
            self.respond(sid, 200, [("content-type", "text/plain")], Body(b"hello from python-h2"))
        elif method == "GET" and path == "/trailers":
            body = b"python body"
            self.respond(sid, 200, [("content-type", "text/plain")],
                         Body(body, trailers=[("x-trailer-one", "one"), ("x-checksum", hashlib.sha256(body).hexdigest())]))
        elif method == "GET" and path == "/early-hints":
            self.conn.send_headers(sid, [(":status", "103"), ("link", "</a.css>; rel=preload; as=style")])
            self.conn.send_headers(sid, [(":status", "103"), ("link", "</b.js>; rel=preload; as=script")])
            self.respond(sid, 200, [("content-type", "text/plain")], Body(b"after hints"))
        elif method == "GET" and path.startswith("/bytes/"):
            n = int(path[len("/bytes/"):])
            self.respond(sid, 200, [("content-length", str(n))], Body(size=n, checksum_trailer=True))
        elif method == "POST" and path == "/sha256":
            out = json.dumps({"bytes": r["bytes"], "sha256": r["hash"].hexdigest()}).encode()
            self.respond(sid, 200, [("content-type", "application/json")], Body(out))
        elif method == "GET" and path.startswith("/hold/"):
            self.held.append((sid, path))
            want = int(path.split("of=")[1])
            if len(self.held) == want and not self.goaway_sent:
                self.goaway_mid_flight()
        else:
            self.respond(sid, 404, [], Body(b"not found"))

    def goaway_mid_flight(self):
        ids = sorted(sid for sid, _ in self.held)
        last = ids[len(ids) // 2 - 1]
        self.flush()
        # Raw frame: h2's own close_connection() would move its state machine to CLOSED and
        # refuse to send the responses of the streams the GOAWAY lets complete.
        self.sock.sendall(GoAwayFrame(0, last_stream_id=last, error_code=0, additional_data=b"interop").serialize())
        self.goaway_sent = True
        for sid, path in self.held:
            if sid <= last:
                self.respond(sid, 200, [("content-type", "text/plain")], Body(("held " + path.split("/")[2].split("?")[0]).encode()))

    def pump(self):
        """Sends queued response bodies as the windows allow."""
        for sid in list(self.sending):
            body = self.sending[sid]
            while not body.done():
                n = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size)
                if n <= 0:
                    break
                chunk = body.next_bytes(n)
                body.hash.update(chunk)
                self.conn.send_data(sid, chunk)
                if len(self.conn._data_to_send) > 1 << 20:
                    self.flush()
            if body.done():
                del self.sending[sid]
                trailers = list(body.trailers or [])
                if body.checksum_trailer:
                    trailers.append(("x-sha256", body.hash.hexdigest()))
                if trailers:
                    self.conn.send_headers(sid, trailers, end_stream=True)
                else:
                    self.conn.end_stream(sid)


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    sys.stdout.write("LISTENING %d\n" % listener.getsockname()[1])
    sys.stdout.flush()
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE_S:
        for key, _ in sel.select(timeout=1):
            if key.data is None:
                sock, _ = listener.accept()
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sel.register(sock, selectors.EVENT_READ, Connection(sock))
                continue
            conn = key.data
            try:
                data = conn.sock.recv(1 << 20)
            except ConnectionError:
                data = b""
            if not data:
                sel.unregister(conn.sock)
                conn.sock.close()
                continue
            try:
                conn.receive(data)
            except Exception as e:  # report, drop the connection, keep serving
                sys.stderr.write("connection error: %r\n" % (e,))
                sel.unregister(conn.sock)
                conn.sock.close()


if __name__ == "__main__":
    main()
