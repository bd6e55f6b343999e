"""
A python3-h2 (hyper-h2) client for the interop suite: a plain socket and
h2.connection.H2Connection, h2c with prior knowledge. It runs one scenario
against the rx-http2 test app (test/interop/app.ts) and prints one JSON
object with what it saw. Run with Debian's /usr/bin/python3.

    h2_client.py PORT basic     GET, POST, trailers, 103, push, 100 streams
    h2_client.py PORT goaway    GET /hold; the server closes gracefully mid-flight
"""
import hashlib
import json
import socket
import sys

import h2.config
import h2.connection
import h2.events
from h2.connection import ConnectionInputs, ConnectionState, H2ConnectionStateMachine

DEADLINE_S = 15


def tolerate_goaway(conn):
    """
    hyper-h2 moves its connection state machine to CLOSED when it *receives*
    GOAWAY, and then raises ProtocolError on every later frame, including the
    HEADERS/DATA of streams at or below the GOAWAY's last-stream-id. RFC 9113
    §6.8 says those streams "might still complete successfully" and that the
    receiver only MUST NOT open new streams. That is a limitation of h2, not
    of the server: patch this instance's transition table so that a received
    GOAWAY leaves the connection open for the streams already in flight.
    """
    table = dict(H2ConnectionStateMachine._transitions)
    for state in (ConnectionState.CLIENT_OPEN, ConnectionState.SERVER_OPEN):
        table[(state, ConnectionInputs.RECV_GOAWAY)] = (None, state)
    conn.state_machine._transitions = table


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
        self.conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        tolerate_goaway(self.conn)
        self.conn.initiate_connection()
        self.flush()
        self.authority = "127.0.0.1:%d" % port
        self.streams = {}
        self.log = []
        self.eof = False
        self.pending_sends = {}

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, method, path, body=None, headers=()):
        sid = self.conn.get_next_available_stream_id()
        hdrs = [(":method", method), (":scheme", "http"), (":authority", self.authority), (":path", path)] + list(headers)
        self.conn.send_headers(sid, hdrs, end_stream=body is None)
        self.streams[sid] = {"path": path, "informational": [], "headers": None, "trailers": None,
                             "bytes": 0, "sha256": hashlib.sha256(), "body": b"", "ended": False, "reset": None}
        if body is not None:
            self.pending_sends[sid] = memoryview(body)
            self.send_pending()
        self.flush()
        return sid

    def send_pending(self):
        """Sends request bodies as the flow-control windows allow."""
        for sid in list(self.pending_sends):
            view = self.pending_sends[sid]
            while len(view) > 0:
                n = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size, len(view))
                if n <= 0:
                    break
                self.conn.send_data(sid, view[:n].tobytes())
                view = view[n:]
            self.pending_sends[sid] = view
            if len(view) == 0:
                self.conn.end_stream(sid)
                del self.pending_sends[sid]

    def pump(self, done):
        """Reads and handles events until done() or EOF."""
        while not done() and not self.eof:
            data = self.sock.recv(65536)
            if not data:
                self.eof = True
                self.log.append(["eof"])
                break
            for event in self.conn.receive_data(data):
                self.handle(event)
            self.send_pending()
            self.flush()

    def handle(self, event):
        if isinstance(event, h2.events.InformationalResponseReceived):
            self.streams[event.stream_id]["informational"].append(dict(event.headers))
        elif isinstance(event, h2.events.ResponseReceived):
            self.streams[event.stream_id]["headers"] = dict(event.headers)
            self.log.append(["response", event.stream_id, dict(event.headers).get(":status")])
        elif isinstance(event, h2.events.TrailersReceived):
            self.streams[event.stream_id]["trailers"] = dict(event.headers)
        elif isinstance(event, h2.events.DataReceived):
            s = self.streams[event.stream_id]
            s["bytes"] += len(event.data)
            s["sha256"].update(event.data)
            if len(s["body"]) < 4096:
                s["body"] += event.data
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            self.streams[event.stream_id]["ended"] = True
            self.log.append(["ended", event.stream_id])
        elif isinstance(event, h2.events.StreamReset):
            if event.stream_id in self.streams:
                self.streams[event.stream_id]["reset"] = event.error_code
            self.log.append(["reset", event.stream_id, event.error_code])
        elif isinstance(event, h2.events.PushedStreamReceived):
            headers = dict(event.headers)
            self.streams[event.pushed_stream_id] = {"path": headers.get(":path"), "pushed": True, "parent": event.parent_stream_id,
                                                    "informational": [], "headers": None, "trailers": None, "bytes": 0,
                                                    "sha256": hashlib.sha256(), "body": b"", "ended": False, "reset": None}
            self.log.append(["push", event.parent_stream_id, event.pushed_stream_id, headers.get(":path")])
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.log.append(["goaway", int(event.error_code), event.last_stream_id])
        elif isinstance(event, h2.events.RemoteSettingsChanged):
            self.log.append(["settings", {int(k): v.new_value for k, v in event.changed_settings.items()}])
        elif isinstance(event, h2.events.SettingsAcknowledged):
            self.log.append(["settings-ack"])

    def result(self, sid):
        s = self.streams[sid]
        return {"path": s["path"], "informational": s["informational"], "headers": s["headers"], "trailers": s["trailers"],
                "bytes": s["bytes"], "sha256": s["sha256"].hexdigest(), "body": s["body"][:4096].decode("latin-1"),
                "ended": s["ended"], "reset": s["reset"], "pushed": s.get("pushed", False)}


def basic(port):
    c = Client(port)
    out = {}
    hello = c.request("GET", "/hello")
    c.pump(lambda: c.streams[hello]["ended"])
    out["hello"] = c.result(hello)

    body = bytes(range(256)) * 1024  # 256 KiB: four times the initial window
    echo = c.request("POST", "/echo", body)
    c.pump(lambda: c.streams[echo]["ended"])
    out["echo"] = c.result(echo)
    out["echoSentSha256"] = hashlib.sha256(body).hexdigest()

    empty = c.request("POST", "/sha256", b"")
    c.pump(lambda: c.streams[empty]["ended"])
    out["emptyPost"] = c.result(empty)

    trailers = c.request("GET", "/trailers")
    c.pump(lambda: c.streams[trailers]["ended"])
    out["trailers"] = c.result(trailers)

    hints = c.request("GET", "/early-hints")
    c.pump(lambda: c.streams[hints]["ended"])
    out["earlyHints"] = c.result(hints)

    push = c.request("GET", "/push")
    c.pump(lambda: c.streams[push]["ended"] and all(s["ended"] for s in c.streams.values() if s.get("pushed")))
    out["push"] = c.result(push)
    out["pushed"] = [c.result(sid) for sid, s in c.streams.items() if s.get("pushed")]

    ids = [c.request("GET", "/bytes/%d" % (1000 * i)) for i in range(100)]
    c.pump(lambda: all(c.streams[i]["ended"] or c.streams[i]["reset"] is not None for i in ids))
    out["concurrent"] = [c.result(i) for i in ids]

    c.conn.close_connection()
    c.flush()
    c.sock.close()
    out["log"] = [e for e in c.log if e[0] in ("settings", "settings-ack", "goaway")]
    return out


def goaway(port):
    c = Client(port)
    hold = c.request("GET", "/hold")
    # Until the server's GOAWAY, the response to the stream in flight, and the server closing the connection.
    c.pump(lambda: False)
    out = {"hold": c.result(hold), "holdId": hold, "log": [e for e in c.log if e[0] != "settings" and e[0] != "settings-ack"]}
    c.sock.close()
    return out


def main():
    port = int(sys.argv[1])
    scenario = sys.argv[2]
    out = {"basic": basic, "goaway": goaway}[scenario](port)
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
