# Reads that librumphijack serves from what an open brought along
# (tests/t_hijack_cache.sh): run once on host files and once through
# ukfs-run on the same files in an image; the two outputs must agree.
#   python3 rcache.py DIR     (DIR holds small (1000 B) and big (100 KiB))
import hashlib
import os
import sys

d = sys.argv[1]


def out(*a):
    print(*a, flush=True)


# small: reads, offsets, pread, EOF, SEEK_END
fd = os.open(d + "/small", os.O_RDONLY)
out("size", os.fstat(fd).st_size)
out("read3", os.read(fd, 3))
out("cur", os.lseek(fd, 0, os.SEEK_CUR))
out("pread", os.pread(fd, 5, 100))
out("cur", os.lseek(fd, 0, os.SEEK_CUR))
out("rest", hashlib.md5(os.read(fd, 5000)).hexdigest())
out("eof", os.read(fd, 10))
out("end", os.lseek(fd, -4, os.SEEK_END), os.read(fd, 10))
out("set", os.lseek(fd, 10, os.SEEK_SET), os.read(fd, 4))
# dup: the copy reads on from the same offset
fd2 = os.dup(fd)
out("dup", os.read(fd2, 4), os.read(fd, 4))
os.close(fd2)
os.close(fd)

# big: a read across the end of what came is not cut short
fd = os.open(d + "/big", os.O_RDONLY)
a = os.read(fd, 60000)
b = os.read(fd, 10000)
out("across", len(a), len(b), hashlib.md5(a + b).hexdigest())
out("pread far", hashlib.md5(os.pread(fd, 100, 90000)).hexdigest())
out("cur", os.lseek(fd, 0, os.SEEK_CUR))
os.lseek(fd, 0, os.SEEK_SET)
whole = b""
while True:
    c = os.read(fd, 7000)
    if not c:
        break
    whole += c
out("whole", len(whole), hashlib.md5(whole).hexdigest())
os.close(fd)

# fork: parent and child share the offset
fd = os.open(d + "/small", os.O_RDONLY)
out("parent", os.read(fd, 10))
pid = os.fork()
if pid == 0:
    out("child", os.read(fd, 10))
    os._exit(0)
os.waitpid(pid, 0)
out("parent after", os.read(fd, 10), os.lseek(fd, 0, os.SEEK_CUR))
os.close(fd)

# entries' status brought along by the directory read: lstat by path and
# by directory descriptor, stat through a link, and a change seen
names = sorted(n for n in os.listdir(d) if n != "lost+found")
for n in names:
    a = os.lstat(d + "/" + n)
    out("lstat", n, oct(a.st_mode), a.st_nlink,
        a.st_size if n != "rw" else "-")
dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
for e in sorted(os.scandir(d), key=lambda e: e.name):
    if e.name == "lost+found":
        continue
    a = os.stat(e.name, dir_fd=dfd, follow_symlinks=False)
    b = os.stat(d + "/" + e.name)
    out("at", e.name, oct(a.st_mode), oct(b.st_mode),
        b.st_size if e.name != "rw" else "-")
os.close(dfd)

# a file written and read back in one run (rw images only)
if len(sys.argv) > 2:
    p = sys.argv[2] + "/new"
    with open(p, "wb") as f:
        f.write(b"first")
    fd = os.open(p, os.O_RDONLY)
    out("new", os.read(fd, 100))
    os.close(fd)
    with open(p, "ab") as f:
        f.write(b" second")
    with open(p, "rb") as f:
        out("new again", f.read())
    # the same process changes a file it has open for reading: its
    # reads and fstat see the change
    fd = os.open(p, os.O_RDONLY)
    out("before", os.read(fd, 3), oct(os.fstat(fd).st_mode))
    w = os.open(p, os.O_WRONLY)
    os.pwrite(w, b"FIRST", 0)
    os.close(w)
    os.chmod(p, 0o600)
    out("after", os.read(fd, 100), oct(os.fstat(fd).st_mode))
    os.close(fd)
    os.listdir(sys.argv[2])
    os.chmod(p, 0o640)
    out("lstat after chmod", oct(os.lstat(p).st_mode))
