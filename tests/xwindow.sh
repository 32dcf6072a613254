# xwindow.sh - sourced inside an X session (the scripts under_xvfb runs):
# start a viewer and wait for its window.

# view_window OUT ERR ARGS...: start "$UKERN" view ARGS in the background
# (stdout to OUT, stderr to ERR; its pid in pid) and wait until its window
# exists, at most 20 s. A viewer that could not reach the X server at once
# (a busy machine) is started again, up to three times.
view_window() {
	vout=$1 verr=$2
	shift 2
	for attempt in 1 2 3; do
		"$UKERN" view "$@" >"$vout" 2>"$verr" &
		pid=$!
		i=0
		until xdotool search --name "ukern view" >/dev/null 2>&1 || [ $i -ge 80 ] ||
			! kill -0 $pid 2>/dev/null; do
			sleep 0.25
			i=$((i + 1))
		done
		kill -0 $pid 2>/dev/null && break
		sleep 1
	done
}
