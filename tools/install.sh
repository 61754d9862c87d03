#!/bin/sh
# make install / make uninstall: the work of both, from one list, so that
# uninstall removes exactly what install made.  The Makefile passes B,
# DESTDIR, PREFIX, BINDIR, LIBDIR, INCDIR, MANDIR, PCDIR, COMPDIR, VERSION,
# SOMAJOR, HDRS (headers for INCDIR) and RUMP_HDRS (for INCDIR/rump).
#   sh tools/install.sh install|uninstall
set -eu
mode=$1
D=${DESTDIR:-}

# The names a manual page documents: the .Nm lines of its NAME section.
page_names() {
	awk '/^\.Sh /{ s = $2 } s == "NAME" && /^\.Nm / { print $2 }' "$1"
}

# Each action prints what it does, like make.
put() { # mode source dest
	echo "install -m $1 $2 $3"
	[ "$mode" = install ] || return 0
	install -m "$1" "$2" "$3"
}
link() { # target linkname
	echo "ln -sf $1 $2"
	[ "$mode" = install ] || return 0
	ln -sf "$1" "$2"
}
mkdirs() {
	[ "$mode" = install ] || return 0
	install -d "$@"
}
# The uninstall list, in the order made; removed at the end.
made=""
track() {
	made="$made $1"
}

mkdirs "$D$BINDIR" "$D$LIBDIR" "$D$INCDIR/rump" "$D$PCDIR" "$D$COMPDIR"

# Programs: the multi-call program and its links, the FUSE daemons, ...
for p in "$B"/bin/*; do
	n=${p##*/}
	if [ -L "$p" ]; then
		link "$(readlink "$p")" "$D$BINDIR/$n"
	else
		put 755 "$p" "$D$BINDIR/$n"
	fi
	track "$D$BINDIR/$n"
done

# Libraries: lib*.so.MAJOR (the SONAME) and the development link lib*.so.
for l in "$B"/lib/lib*.so; do
	[ -f "$l" ] || continue
	n=${l##*/}
	put 644 "$l" "$D$LIBDIR/$n.$SOMAJOR"
	link "$n.$SOMAJOR" "$D$LIBDIR/$n"
	track "$D$LIBDIR/$n.$SOMAJOR"
	track "$D$LIBDIR/$n"
done

for h in $HDRS; do
	put 644 "$h" "$D$INCDIR/${h##*/}"
	track "$D$INCDIR/${h##*/}"
done
for h in $RUMP_HDRS; do
	put 644 "$h" "$D$INCDIR/rump/${h##*/}"
	track "$D$INCDIR/rump/${h##*/}"
done

echo "write $D$PCDIR/ukfs.pc"
if [ "$mode" = install ]; then
	cat >"$D$PCDIR/ukfs.pc" <<PC
prefix=$PREFIX
libdir=$LIBDIR
includedir=$INCDIR

Name: ukfs
Description: file-system images in user space (libukfs, librump)
Version: $VERSION
Libs: -L\${libdir} -lukfs -lrump
Cflags: -I\${includedir}
PC
fi
track "$D$PCDIR/ukfs.pc"

# The manual: each page in its section, a link for each further name.
for m in man/*.[0-9]; do
	s=${m##*.}
	n=${m##*/}
	mkdirs "$D$MANDIR/man$s"
	put 644 "$m" "$D$MANDIR/man$s/$n"
	track "$D$MANDIR/man$s/$n"
	for a in $(page_names "$m"); do
		[ "$a.$s" = "$n" ] && continue
		link "$n" "$D$MANDIR/man$s/$a.$s"
		track "$D$MANDIR/man$s/$a.$s"
	done
done

# bash completion: one script, a link per program that uses it.
if [ -f completion/ukfs ]; then
	put 644 completion/ukfs "$D$COMPDIR/ukfs"
	track "$D$COMPDIR/ukfs"
	for p in "$B"/bin/ukfs-*; do
		[ -e "$p" ] || continue
		link ukfs "$D$COMPDIR/${p##*/}"
		track "$D$COMPDIR/${p##*/}"
	done
fi

if [ "$mode" = uninstall ]; then
	for f in $made; do
		if [ -e "$f" ] || [ -L "$f" ]; then
			echo "rm -f $f"
			rm -f "$f"
		fi
	done
	# Directories only ukfs uses; shared ones (bin, lib, man1) stay.
	rmdir "$D$INCDIR/rump" 2>/dev/null || true
fi
