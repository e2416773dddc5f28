#!/bin/sh
# A plugin written out of tree, as README's "Out of tree" section says: install
# lindyn, create a plugin from the installed template, build it with
# pkg-config alone, run it through LINDYN_PLUGIN_PATH, rerun it from the command
# its header records, and pass check-plugin.
set -eu
if [ -n "${LINDYN_SAN:-}" ]; then
	echo "outoftree: skipped under sanitizers (the installed driver is the plain build)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s install BUILD="${LINDYN_BUILD:-build}" PREFIX="$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
lindyn="$tmp/prefix/bin/lindyn"
mkdir "$tmp/src" && cd "$tmp/src"
"$lindyn" new-plugin walkthrough . >/dev/null
cc -shared -fPIC -fvisibility=hidden -O2 -Wall -Wextra -Werror $(pkg-config --cflags lindyn) walkthrough.c \
	-o walkthrough.so $(pkg-config --libs lindyn)
LINDYN_PLUGIN_PATH="$PWD" "$lindyn" list | grep -q '^walkthrough '
# A driver outside the working directory that PATH does not find is
# recorded by its absolute path; one PATH finds, as `lindyn`.
LINDYN_PLUGIN_PATH="$PWD" "$lindyn" run walkthrough steps=50 --out "$tmp/abs"
grep -qx "# command: LINDYN_PLUGIN_PATH=$PWD $lindyn run walkthrough steps=50 --out $tmp/abs" "$tmp/abs/loss.tsv"
LINDYN_PLUGIN_PATH="$PWD" PATH="$tmp/prefix/bin:$PATH" lindyn run walkthrough steps=50 --out "$tmp/run"
grep -qx "# command: LINDYN_PLUGIN_PATH=$PWD lindyn run walkthrough steps=50 --out $tmp/run" "$tmp/run/loss.tsv"
grep -qx "# plugin: walkthrough 0.1.0 (walkthrough.so)" "$tmp/run/loss.tsv"
grep -qx "# plugin_sha256: $(sha256sum walkthrough.so | cut -d' ' -f1)" "$tmp/run/loss.tsv"
# The recorded command works as printed, with the installed lindyn on PATH.
mv "$tmp/run" "$tmp/first"
command=$(sed -n 's/^# command: //p' "$tmp/first/loss.tsv")
env -u LINDYN_PLUGIN_PATH PATH="$tmp/prefix/bin:$PATH" sh -c "$command"
cmp "$tmp/first/loss.tsv" "$tmp/run/loss.tsv"
# The template declares its table: the header row is its declared columns.
grep -qx "$(printf 'step\tloss\tgrad_norm')" "$tmp/run/loss.tsv"
LINDYN_PLUGIN_PATH="$PWD" "$lindyn" help walkthrough | grep -q '^    grad_norm  '
"$lindyn" check-plugin ./walkthrough.so > "$tmp/report"
if grep -q '^FAIL' "$tmp/report"; then
	cat "$tmp/report"
	exit 1
fi
echo "outoftree: installed tree builds, lists, runs and checks an out-of-tree plugin"
