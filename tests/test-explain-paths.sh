#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# cagesh --explain and programs named by path: compared with the file
# the profile's path finds in the cage when the cage is on this host
# (links in the cage followed as seen from the host), by the path's
# directory when it is not; and the chain of wrappers shown.  No root.
. "${top_srcdir:-.}/tests/lib.sh"

cage=$scratch/cage
mkdir -p "$cage/usr/bin" "$cage/tmp" "$cage/opt/x" &&
    ln -s usr/bin "$cage/bin" &&
    printf '#!/bin/sh\n' > "$cage/usr/bin/git" &&
    cp "$cage/usr/bin/git" "$cage/tmp/git" &&
    cp "$cage/usr/bin/git" "$cage/opt/x/rsync" &&
    chmod 755 "$cage/usr/bin/git" "$cage/tmp/git" "$cage/opt/x/rsync" ||
    { echo "not ok 1 - cannot make the cage"; echo "1..1"; exit 1; }

conf_with() {	# conf_with CAGE
	cat > "$scratch/c.conf" <<CONF
profiles = {
  p = {
    path = [ "/usr/bin", "/bin", "/opt/x" ];
    commands = {
      git = { subcommands = { ls-remote = {}; }; };
      rsync = {};
      nohup = { wrapper = true; };
    };
  };
};
users = ( { user = "$me"; cage = "$1"; home = "/h"; profile = "p"; } );
CONF
}
x() { "$CAGESH" --config "$scratch/c.conf" --explain "$me" -- "$@" 2>&1; }

conf_with "$cage"
out=$(x '/usr/bin/git ls-remote r')
ok $? "cage on the host: the path of the program the path finds is allowed"
printf '%s\n' "$out" | grep -q "/usr/bin/git is /usr/bin/git in the cage $cage"
ok $? "cage on the host: --explain says it compared in the cage" ||
    diag "$out"
out=$(x '/bin/git ls-remote r')
ok $? "cage on the host: a path to the same file through the cage's link" ||
    diag "$out"
out=$(x '/tmp/git ls-remote r')
ok $(test $? -eq 1; echo $?) "cage on the host: a file of the user's named git"
printf '%s\n' "$out" | grep -q "not the program the profile's path finds for 'git' (/usr/bin/git)"
ok $? "cage on the host: the reason names the program" || diag "$out"
out=$(x '/opt/x/rsync a')
ok $? "cage on the host: a program found in the last path directory" ||
    diag "$out"
rm "$cage/usr/bin/git"
out=$(x '/usr/bin/git ls-remote r')
ok $(test $? -eq 1; echo $?) "cage on the host: the path finds no git"
printf '%s\n' "$out" | grep -q "the profile's path finds no program 'git'"
ok $? "cage on the host: the reason says so" || diag "$out"

conf_with "$scratch/no-such-cage"
out=$(x '/usr/bin/git ls-remote r')
ok $? "no cage: by the path's directory"
printf '%s\n' "$out" | grep -q "by its directory, in the path"
ok $? "no cage: --explain says it matched by directory only" || diag "$out"
out=$(x '/tmp/git ls-remote r')
ok $(test $? -eq 1; echo $?) "no cage: a directory not in the path is denied"

out=$(x 'nohup /usr/bin/git ls-remote r')
ok $? "a wrapper's command by path"
printf '%s\n' "$out" | grep -q "nohup ($scratch/c.conf:[0-9]*) > git ls-remote ($scratch/c.conf:[0-9]*)"
ok $? "--explain shows the chain, each rule with FILE:LINE" || diag "$out"
done_testing
