"""A fault-injecting TCP proxy for the "the server dies mid-write" tests: it
sits on 127.0.0.1 between elhub and a real server (Cassandra, FerretDB) and
fails the connection at a point the test chooses, on every run, instead of
racing a real server stop against the client.

It counts what the client sends, in bytes or in protocol messages:
- "cql": native protocol v4 frames (a 9-byte header whose last four bytes are
  the body length, big-endian; native_protocol_v4.spec section 2);
- "mongo": MongoDB wire messages (a little-endian int32 total length first).

Faults, armed at any time and counted from the moment they are armed:
- cut_after(n): forwards the next n messages (or bytes) from the client,
  then "the server dies": every open connection is reset (TCP RST) and every
  new one is reset at accept, until restore();
- hold_after(n): forwards n messages, then holds everything the client sends
  (the server hears nothing more, the client waits) until release(); the
  test can do something at that exact point (stop the real server) first;
- with match (bytes the message holds, or a function of the message), only
  matching messages count toward n and the others pass: "after the third
  insert command", whatever the handshake and schema traffic before it;
- restore(): forwards everything again (the server "came back").

Messages are forwarded whole, so a cut never hands the server half a frame.
Thread-safe: the test thread arms faults while connections run."""
import socket
import struct
import threading


def _frame_len(framing, buf):
    """Bytes of the first complete message in buf, or 0 if incomplete."""
    if framing == "cql":
        if len(buf) < 9:
            return 0
        n = 9 + struct.unpack(">i", buf[5:9])[0]
    elif framing == "mongo":
        if len(buf) < 4:
            return 0
        n = struct.unpack("<i", buf[:4])[0]
    else:
        return len(buf)
    return n if len(buf) >= n else 0


def _reset(sock):
    """Closes sock with an RST rather than a FIN, as a dying server does."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class FaultProxy:
    def __init__(self, target_port, target_host="127.0.0.1", framing=None):
        assert framing in (None, "cql", "mongo")
        self.target = (target_host, target_port)
        self.framing = framing
        self.lock = threading.Condition()
        self.mode = "pass"          # pass | cut | hold | down
        self.budget = 0             # messages (bytes) left before the fault
        self.match = None           # only messages holding these bytes count
        self.forwarded = 0          # messages (bytes) forwarded since start
        self.resets = 0             # connections reset by a cut
        self.held = threading.Event()
        self.conns = set()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    # ---- faults --------------------------------------------------------
    def cut_after(self, n, match=None):
        with self.lock:
            self.mode, self.budget, self.match = "cut", n, match
            self.lock.notify_all()

    def hold_after(self, n, match=None):
        with self.lock:
            self.held.clear()
            self.mode, self.budget, self.match = "hold", n, match
            self.lock.notify_all()

    def release(self):
        """Ends a hold: what was held is forwarded (to whatever the server
        is now), and everything after it."""
        with self.lock:
            if self.mode == "hold":
                self.mode = "pass"
            self.lock.notify_all()

    def restore(self):
        with self.lock:
            self.mode = "pass"
            self.lock.notify_all()

    def is_down(self):
        with self.lock:
            return self.mode == "down"

    def close(self):
        self.closed = True
        _reset(self.listener)
        with self.lock:
            self.mode = "down"
            for s in list(self.conns):
                _reset(s)
            self.lock.notify_all()

    # ---- plumbing ------------------------------------------------------
    def _die(self):
        """Under the lock: the server dies now."""
        self.mode = "down"
        for s in list(self.conns):
            _reset(s)
        self.conns.clear()
        self.resets += 1
        self.lock.notify_all()

    def _accept(self):
        while not self.closed:
            try:
                c, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                down = self.mode == "down"
            if down:
                _reset(c)
                continue
            try:
                s = socket.create_connection(self.target, timeout=10)
                s.settimeout(None)
            except OSError:
                _reset(c)
                continue
            with self.lock:
                self.conns.update((c, s))
            threading.Thread(target=self._client_to_server, args=(c, s), daemon=True).start()
            threading.Thread(target=self._server_to_client, args=(s, c), daemon=True).start()

    def _admit(self, size, message=b""):
        """Decides the fate of the next message of `size` bytes: True to
        forward it, False if the connection died. Blocks while held."""
        unit = 1 if self.framing else size
        with self.lock:
            while True:
                if self.mode == "down":
                    return False
                if self.mode in ("cut", "hold") and self.match is not None and not (
                        self.match(message) if callable(self.match) else self.match in message):
                    self.forwarded += unit
                    return True
                if self.mode in ("cut", "hold") and self.budget < unit:
                    if self.mode == "cut":
                        self._die()
                        return False
                    self.held.set()
                    self.lock.wait()
                    continue
                if self.mode in ("cut", "hold"):
                    self.budget -= unit
                self.forwarded += unit
                return True

    def _client_to_server(self, c, s):
        buf = b""
        try:
            while True:
                data = c.recv(65536)
                if not data:
                    break
                buf += data
                while buf:
                    n = _frame_len(self.framing, buf)
                    if n == 0:
                        break
                    if not self.framing and self.mode in ("cut", "hold"):
                        with self.lock:
                            n = min(n, max(self.budget, 1))
                    if not self._admit(n, buf[:n]):
                        return
                    s.sendall(buf[:n])
                    buf = buf[n:]
        except OSError:
            pass
        finally:
            with self.lock:
                self.conns.discard(c)
                self.conns.discard(s)
            for x in (c, s):
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _server_to_client(self, s, c):
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                with self.lock:
                    if self.mode == "down":
                        return
                c.sendall(data)
        except OSError:
            pass
        finally:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
