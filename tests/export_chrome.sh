#!/bin/sh
# export_chrome.sh - the Chrome Trace Event JSON export read as a viewer
# reads it: valid JSON (python3 -m json.tool); every process and thread
# named by an M event; times in microseconds as floats; one s/f flow pair
# per delivered message, s and f sharing cat, name and id, f binding its
# enclosing slice ("bp":"e"), each written right behind its message slice
# (s at the sender slice's time, f within the receiver slice); state and CPU
# slices of a track never overlap; strings escaped into valid UTF-8. Skips
# (77) without python3.
. "${top_srcdir:-.}/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }

cat >"$TMP/check.py" <<'EOF'
import json, re, sys

def lanes(text):
    pids = {int(re.search(r' pid=(\d+)', l).group(1)) for l in text if ' proc_new ' in l}
    thr = {(int(re.search(r' pid=(\d+)', l).group(1)), int(re.search(r' tid=(\d+)', l).group(1)))
           for l in text if ' thread_new ' in l}
    return pids, thr

def check_names(ev, text, errs):
    pids, thr = lanes(text)
    pname = {e['pid'] for e in ev if e['ph'] == 'M' and e['name'] == 'process_name'}
    tname = {(e['pid'], e['tid']) for e in ev if e['ph'] == 'M' and e['name'] == 'thread_name'}
    errs += ['process %d has no process_name' % p for p in sorted(pids - pname)]
    errs += ['thread %d of %d has no thread_name' % (t, p) for p, t in sorted(thr - tname)]
    for e in ev:
        if e['ph'] == 'M' or e.get('s') == 'g':
            continue
        if not isinstance(e['ts'], float) or not isinstance(e.get('dur', 0.0), float):
            errs.append('a time is not a float: %r' % e)
        if e['pid'] not in pname or (e['pid'], e['tid']) not in tname:
            errs.append('event on an unnamed lane or track: %r' % e)

def check_flows(ev, delivered, errs):
    flows = {'s': {}, 'f': {}}
    for i, e in enumerate(ev):
        if e['ph'] in flows:
            if e['id'] in flows[e['ph']]:
                errs.append('%s id %r twice' % (e['ph'], e['id']))
            flows[e['ph']][e['id']] = i
    s, f = flows['s'], flows['f']
    if not len(s) == len(f) == delivered:
        errs.append('%d s, %d f for %d delivered messages' % (len(s), len(f), delivered))
    for fid, i in s.items():
        g = ev[f[fid]] if fid in f else None
        if not g or (g['cat'], g['name']) != (ev[i]['cat'], ev[i]['name']) or g.get('bp') != 'e':
            errs.append('s %r has no matching f' % ev[i])
    for ph in 'sf':
        for i in flows[ph].values():
            e, x = ev[i], ev[i - 1]
            ok = x['ph'] == 'X' and all(x[k] == e[k] for k in ('pid', 'tid', 'cat', 'name'))
            if ok and ph == 's':
                ok = x['ts'] == e['ts']
            if ok and ph == 'f':
                ok = x['ts'] <= e['ts'] <= x['ts'] + x['dur']
            if not ok:
                errs.append('%s not right behind its slice: %r after %r' % (ph, e, x))
    return len(s)

def check_tracks(ev, errs):
    tracks = {}
    for e in ev:
        if e['ph'] == 'X' and e['cat'] in ('state', 'cpu'):
            tracks.setdefault((e['pid'], e['tid']), []).append(e)
    for k, xs in tracks.items():
        xs.sort(key=lambda e: e['ts'])
        for a, b in zip(xs, xs[1:]):
            if b['ts'] < a['ts'] + a['dur'] - 1e-9:
                errs.append('overlapping slices on %r: %r %r' % (k, a, b))

def main(jpath, tpath):
    with open(jpath, encoding='utf-8') as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or set(doc) < {'traceEvents', 'displayTimeUnit'}:
        print('not an object with traceEvents and displayTimeUnit')
        return 1
    ev = doc['traceEvents']
    text = open(tpath, encoding='utf-8', errors='replace').read().splitlines()
    delivered = sum(' msg_deliver ' in l for l in text)
    errs = []
    check_names(ev, text, errs)
    n = check_flows(ev, delivered, errs)
    check_tracks(ev, errs)
    for m in errs[:10]:
        print(m)
    print('%s: %d events, %d flow pairs, %d delivered: %s' %
          (jpath, len(ev), n, delivered, '%d errors' % len(errs) if errs else 'ok'))
    return 1 if errs else 0

sys.exit(main(sys.argv[1], sys.argv[2]))
EOF

# check NAME TRACE: export TRACE as text and chrome, validate the JSON with
# json.tool, then check it against the text export.
check() {
	run 0 export "$2" -o "$TMP/$1.txt" || return
	run 0 export "$2" --format chrome -o "$TMP/$1.json" || return
	checks=$((checks + 2))
	python3 -m json.tool "$TMP/$1.json" >/dev/null || fail "$1: json.tool rejects the chrome export"
	python3 "$TMP/check.py" "$TMP/$1.json" "$TMP/$1.txt" || fail "$1: chrome export"
}

# record NAME ARGS...: "ukern run ARGS" into $TMP/NAME.uktrace. Whatever the
# run's outcome (a deadlock, a script error), it must leave a trace.
record() {
	name=$1
	shift
	checks=$((checks + 1))
	"$UKERN" run "$@" --trace "$TMP/$name.uktrace" --quiet >/dev/null 2>&1
	[ -f "$TMP/$name.uktrace" ] || { fail "ukern run $*: no trace"; return 1; }
}

# Every shipped scenario, and variants that take other paths: buffered
# ports, user threads on LWPs, scheduler activations with their upcalls.
for f in scenarios/*.lua; do
	s=$(basename "$f" .lua)
	record "$s" "$f" && check "$s" "$TMP/$s.uktrace"
done
record buffering-q2 scenarios/buffering.lua --set qlimit=2 && check buffering-q2 "$TMP/buffering-q2.uktrace"
for m in many-to-one activations; do
	record "$m" scenarios/thread-models.lua --set model=$m && check "$m" "$TMP/$m.uktrace"
done
checks=$((checks + 2))
[ "$(grep -c '"cat":"upcall"' "$TMP/activations.json")" -eq "$(grep -c ' upcall ' "$TMP/activations.txt")" ] ||
	fail "activations: not one instant per upcall"
grep -q '"name":"running","args":{"lwp":' "$TMP/activations.json" ||
	fail "activations: a user thread's running slice does not name its LWP"

# Messages dropped at a dead port and still queued at a deadlock get no
# arrow; a deadlock is a global instant.
run 0 run tests/api/deadport.lua --trace "$TMP/deadport.uktrace" --quiet &&
	check deadport "$TMP/deadport.uktrace" &&
	{ checks=$((checks + 1)); grep -q '"name":"msg dropped"' "$TMP/deadport.json" ||
		fail "deadport: no dropped-message instant"; }
run 3 run tests/bad/deadlock.lua --trace "$TMP/deadlock.uktrace" --quiet &&
	check deadlock "$TMP/deadlock.uktrace" &&
	{ checks=$((checks + 1)); grep -q '"s":"g","cat":"deadlock"' "$TMP/deadlock.json" ||
		fail "deadlock: no global deadlock instant"; }

# Strings: quotes, backslashes, control bytes and invalid UTF-8 in a log
# line come out as valid JSON; valid UTF-8 and the printable text survive.
cat >"$TMP/escapes.lua" <<'EOF'
machine { cpus = 1, costs = "zero" }
process { name = 'caf\xc3\xa9\\x', main = function()
  log("%s", 'q " b \\ t \t n \n esc \27 del \127 bad \xff\xfe \xed\xa0\x80 cut \xe2\x86')
end }
EOF
run 0 run "$TMP/escapes.lua" --trace "$TMP/escapes.uktrace" --quiet && check escapes "$TMP/escapes.uktrace"
checks=$((checks + 1))
python3 - "$TMP/escapes.json" <<'EOF' || fail "escapes: strings did not survive the export"
import json, sys
ev = json.load(open(sys.argv[1], encoding='utf-8'))['traceEvents']
logs = [e['name'] for e in ev if e.get('cat') == 'log']
names = {e['args']['name'] for e in ev if e['ph'] == 'M'}
want = 'q " b \\ t \t n \n esc \x1b del \x7f bad \ufffd\ufffd \ufffd\ufffd\ufffd cut \ufffd\ufffd'
sys.exit(0 if logs == [want] and 'caf\u00e9\\x' in names else print(logs, names) or 1)
EOF
finish
