#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Interactive logins, as root: the setuid cagesh started as a login
# shell on a real pseudo-terminal (tests/ptydrive.py), as sshd starts it
# for `ssh -t`, in a cage built here.  The steps are in
# tests/interactive.py; this script makes and removes the user, the
# cage, the config and the PAM file.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

tiocsti=${top_builddir:-.}/tests/tiocsti
[ -x "$tiocsti" ] || skip_all "no $tiocsti (make check builds it)"
session_test_setup cgi cgj

# The log on a small file system of its own, to fill it up.
mount -t tmpfs -o size=8m tmpfs "$work/log" || skip_all "cannot mount a tmpfs"
chmod 700 "$work/log"

# The cage: a few programs, terminfo for readline, /dev/null, /proc.
cage=$work/cage
mkdir -p "$cage"/{etc,tmp,proc,dev,home/"$u",home/"$u2"}
chmod 1777 "$cage/tmp"
chown "$u:$u" "$cage/home/$u"
chown "$u2:$u2" "$cage/home/$u2"
cage_programs "$cage" $(for p in cat ls sleep id; do command -v $p; done) \
    "$tiocsti" || exit 1
cp -r /lib/terminfo "$cage/lib/" 2>/dev/null ||
    { mkdir -p "$cage/usr/share" && cp -r /usr/share/terminfo "$cage/usr/share/"; }
mknod -m 666 "$cage/dev/null" c 1 3
mount -t proc proc "$cage/proc" || skip_all "cannot mount /proc in the cage"
printf 'notes\n' > "$cage/home/$u/deploy-notes.txt"
chown "$u:$u" "$cage/home/$u/deploy-notes.txt"

log=$work/log/audit.jsonl
export CAGESH_BIN=$bin CAGESH_LOG=$log CAGESH_CONF=$conf_path
export CAGESH_CAGE=$cage CAGESH_USER=$u CAGESH_USER2=$u2
export CAGESH_TIOCSTI=$tiocsti

# The checks interactive.py makes in every run: one missing (it
# stopped early) is a failure, as is its non-zero exit (an exception).
CHECKS=129
python3 "$top_srcdir/tests/interactive.py" > "$work/interactive.out" 2>&1
st=$?
n=0
while IFS= read -r line; do
	case $line in
	"ok - "*)	ok 0 "${line#ok - }"; n=$((n + 1)) ;;
	"not ok - "*)	ok 1 "${line#not ok - }"; n=$((n + 1)) ;;
	*)		diag "$line" ;;
	esac
done < "$work/interactive.out"
ok $st "tests/interactive.py ran to its end (exit $st)"
ok $(test "$n" -eq "$CHECKS"; echo $?) "it made its $CHECKS checks ($n)"

# Nothing of the sessions is left running.
pgrep -u "$u" >/dev/null
ok $((! $?)) "no process of the user is left"
done_testing
