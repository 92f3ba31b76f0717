#!/bin/bash
# Interactive logins, as root: the setuid cagesh started as a login
# shell on a real pseudo-terminal (tests/ptydrive.py), as sshd starts it
# for `ssh -t`, in a cage built here.  The steps are in
# tests/interactive.py; this script makes and removes the user, the
# cage, the config and the PAM file.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -z "${CAGESH_SKIP_ROOT:-}" ] || skip_all "CAGESH_SKIP_ROOT is set"
root_test_lock
for t in useradd userdel setpriv python3 ldd mount; do
	command -v $t >/dev/null || skip_all "needs $t"
done
conf_path=$("$CAGESH" --version | sed -n 's/.*(config \(.*\))$/\1/p')
[ -n "$conf_path" ] || skip_all "cannot tell the config path"
[ -e "$conf_path" ] && skip_all "$conf_path exists; not touching it"
tiocsti=${top_builddir:-.}/tests/tiocsti
[ -x "$tiocsti" ] || skip_all "no $tiocsti (make check builds it)"

work=$(mktemp -d /var/lib/cagesh-test.XXXXXX) || exit 1
chmod 755 "$work"
u=cgi$$
u2=cgj$$
pam_made=0
cleanup() {
	pkill -KILL -u "$u" 2>/dev/null
	pkill -KILL -u "$u2" 2>/dev/null
	umount "$work/cage/proc" 2>/dev/null
	umount "$work/log" 2>/dev/null
	rm -f "$conf_path"
	[ $pam_made = 1 ] && rm -f /etc/pam.d/cagesh
	userdel "$u" 2>/dev/null
	userdel "$u2" 2>/dev/null
	rm -rf "$work" "$scratch"
}
trap cleanup EXIT

useradd -M -U -d /home/"$u" -s /bin/false "$u" || exit 1
useradd -M -U -d /home/"$u2" -s /bin/false "$u2" || exit 1
usermod -p '*' "$u"
usermod -p '*' "$u2"
mkdir -p "$(dirname "$conf_path")"
if [ ! -e /etc/pam.d/cagesh ]; then
	cp "$top_srcdir/pam/cagesh" /etc/pam.d/cagesh && pam_made=1
fi

mkdir -p "$work/sbin" "$work/log"
# The log on a small file system of its own, to fill it up.
mount -t tmpfs -o size=8m tmpfs "$work/log" || skip_all "cannot mount a tmpfs"
chmod 700 "$work/log"
bin=$work/sbin/cagesh
cp "$CAGESH" "$bin" && chown root:root "$bin" && chmod 4755 "$bin"

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

while IFS= read -r line; do
	case $line in
	"ok - "*)	ok 0 "${line#ok - }" ;;
	"not ok - "*)	ok 1 "${line#not ok - }" ;;
	*)		diag "$line" ;;
	esac
done < <(python3 "$top_srcdir/tests/interactive.py" 2>&1)

# Nothing of the sessions is left running.
pgrep -u "$u" >/dev/null
ok $((! $?)) "no process of the user is left"
done_testing
