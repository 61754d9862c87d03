# Hostile and broken clients of ukfs-server (tests/t_remote_stress.sh):
#   python3 garbage.py SOCKET
# Each case opens a connection, misbehaves, and checks the server's
# answer where one is due; prints one line per case, exit 1 on a failure.
import os
import random
import socket
import struct
import sys

path = sys.argv[1]
MAGIC, VERSION = 0x706D7572, 2
failures = 0


def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(path)
    return s


def hello(s, kind=1, magic=MAGIC, version=VERSION, cookie=0):
    s.sendall(struct.pack("=IIIIQ", magic, version, kind, 0o22, cookie))
    return s.recv(16)


def request(s, op, body, seq=1, length=None):
    n = 16 + len(body) if length is None else length
    s.sendall(struct.pack("=IIII", n, seq, op, 0) + body)


def reply(s):
    hdr = b""
    while len(hdr) < 24:
        part = s.recv(24 - len(hdr))
        if not part:
            return None
        hdr += part
    n, seq, err, _, rv = struct.unpack("=IIiIq", hdr)
    rest = n - 24
    while rest > 0:
        part = s.recv(rest)
        if not part:
            return None
        rest -= len(part)
    return seq, err, rv


def closed(s):
    try:
        return s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        return True


def check(name, ok):
    global failures
    print(("ok: " if ok else "FAIL: ") + name)
    if not ok:
        failures += 1


def item(data):
    if data is None:
        return struct.pack("=II", 0xFFFFFFFF, 0)
    pad = (-len(data)) % 8
    return struct.pack("=II", len(data), 0) + data + b"\0" * pad


def scalar(v):
    return struct.pack("=q", v)


SYS_OPEN, SYS_CLOSE, SYS_READ, SYS_STAT, SYS_MKDIR = 1, 3, 4, 9, 29

rnd = random.Random(11)
# 1. random bytes instead of a hello: the server hangs up
s = conn()
s.sendall(bytes(rnd.getrandbits(8) for _ in range(65536)))
check("random bytes: connection closed", closed(s))
# 2. a wrong version is refused with an answer
s = conn()
w = hello(s, version=99)
check("wrong version refused",
      len(w) == 16 and struct.unpack("=IIii", w)[2] != 0)
# 3. an unknown hello kind, a fork cookie nobody made
for kind, cookie in ((7, 0), (2, 0x1234567890)):
    s = conn()
    w = hello(s, kind=kind, cookie=cookie)
    check("hello kind %d refused" % kind,
          len(w) == 16 and struct.unpack("=IIii", w)[2] != 0)
# 4. huge and tiny length fields: the server hangs up
for n in (0xFFFFFFFF, 0x7FFFFFFF, 3, 15):
    s = conn()
    hello(s)
    request(s, SYS_STAT, b"", length=n)
    check("length %#x: connection closed" % n, closed(s))
# 5. a truncated message, then the client goes
s = conn()
hello(s)
request(s, SYS_STAT, item(b"/img0\0")[:5], length=100)
s.close()
check("truncated message and hang-up", True)
# 6. malformed bodies get EBADMSG (74) and the connection goes on
s = conn()
hello(s)
bad = [
    (SYS_STAT, b""),                                   # missing items
    (SYS_STAT, item(b"/img0")),                        # no NUL
    (SYS_STAT, item(b"/a\0b\0")),                      # two NULs
    (SYS_STAT, struct.pack("=II", 5000, 0) + b"ab"),   # length past the end
    (SYS_READ, scalar(0) + scalar(1 << 40)),           # size out of range
    (SYS_CLOSE, scalar(1 << 40)),                      # int out of range
    (SYS_MKDIR, item(b"/x\0") + scalar(0o755) + scalar(1)),  # extra item
    (9999, b""),                                       # unknown call (ENOSYS)
    (25, b""),                                         # mount: not remote
    (0x10001, scalar(-100) + item(b"/\0")),            # openread: items missing
    (0x10001, scalar(-100) + item(b"/\0") + scalar(0) + scalar(0) +
     scalar(1 << 40)),                                 # openread: size too big
    (0x10002, scalar(0) + scalar(1 << 20)),            # getdentsplus: too big
    (0x10002, scalar(0)),                              # getdentsplus: no size
]
seq = 1
for op, body in bad:
    seq += 1
    request(s, op, body, seq=seq)
    r = reply(s)
    check("op %d malformed: error %s" % (op, r and r[1]),
          r is not None and r[0] == seq and r[2] == -1 and r[1] in (74, 38, 14))
# a good request still works on the same connection
seq += 1
request(s, SYS_STAT, item(b"/\0"), seq=seq)
r = reply(s)
check("a good stat after the bad ones", r is not None and r[2] == 0)
# 7. random bodies with valid framing, many of them
for i in range(300):
    seq += 1
    body = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 200)))
    op = rnd.choice([SYS_OPEN, SYS_STAT, SYS_READ, SYS_MKDIR, 51, 64, 65])
    request(s, op, body, seq=seq)
    r = reply(s)
    if r is None or r[0] != seq:
        check("random body %d answered" % i, False)
        break
else:
    check("300 random bodies answered", True)
s.close()
# 8. connections that never say anything
idle = [conn() for _ in range(20)]
for c in idle:
    c.close()
check("20 silent connections", True)
sys.exit(1 if failures else 0)
