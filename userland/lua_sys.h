/*
 * lua_sys.h - what the Lua bindings share: finding the simulated thread of
 * the running coroutine, argument checks for durations, port handles, and
 * the functions that register the bindings as globals.
 */
#ifndef UKERN_LUA_SYS_H
#define UKERN_LUA_SYS_H

#include <lua.h>
#include <stdint.h>

struct thread;

/* The simulated thread running this code, for the binding called fn.
 * Raises a Lua error outside a thread body (the scenario's top level, a
 * coroutine of the script's own), where a yield is impossible (inside a
 * table.sort comparator, say), and inside an LRPC procedure for every
 * binding but compute, sleep, yield, log, mem.* and lrpc (LRPC calls):
 * there the thread runs in the server's domain, where it holds no port
 * rights, threads or children of its own. */
struct thread *lu_self(lua_State *L, const char *fn);

/* Its address is the registry key that is set while a scheduler's pick
 * runs (lua_sched.c), so that lu_self's error can say where it was called. */
extern const char lu_pick_marker;

/* Its address is the registry key of the coroutine the scenario's top level
 * runs in (loader.c: resumed, not called, so that an error that unwinds,
 * such as running out of Lua memory, still leaves the line it reached). */
extern const char lu_top_marker;

/* 1 when L is the scenario's top level (the main thread, or the coroutine
 * the top level runs in), not a coroutine of the script's own. */
int lu_top_level(lua_State *L);

/* The thread a continuation (lua_yieldk's k) runs in. A continuation runs
 * only once its function's checks (lu_self's) have passed and the thread
 * has yielded, so it need not make them again. */
static inline struct thread *lu_resumed(lua_State *L)
{
	return *(struct thread **)lua_getextraspace(L);
}

/* has_process(name) -> whether the run has a process so called, in any
 * state: a Lua C function for clock.lua and fs.lua, which tell a server never
 * declared (server { "time" }, server { "file" }) from one that has not
 * registered its name yet, or has died. */
int lu_has_process(lua_State *L);

/* Before fn makes a thread (what = "threads") or a port ("ports") for t:
 * raise an error naming the limit when the run has made as many as it may
 * (machine { max_threads } or UK_MAX_THREADS, UK_MAX_PORTS), so a loop that
 * makes them without end stops there (past UK_MAX_PROCS processes the
 * kernel's fork stops the run: vmsys_limit_stop). Threads are counted here, as the scenario's code makes them: a
 * passing check counts one more (check "threads" last). */
void lu_check_limit(lua_State *L, const struct thread *t, const char *fn, const char *what);

/* The value at idx as a message shows it: a string, number or boolean as
 * text, anything else by its type ("table", "function"), never by an
 * address, so that messages are the same in every run. Pushed on L. */
const char *lu_shown(lua_State *L, int idx);

/* A duration argument: a number of milliseconds or a string such as "5us".
 * Raises a Lua error naming the argument when it is not one. */
uint64_t lu_checkduration(lua_State *L, int arg);

/* What is wrong with the value at arg, which is not a duration ("invalid
 * duration 'x' (write ...)", or a number of ms too large). Pushed on L. */
const char *lu_duration_error(lua_State *L, int arg);

/* Convert the value at idx to a duration; returns 0, or -1 when it is not one. */
int lu_toduration(lua_State *L, int idx, uint64_t *ns);

/* Field field of the options table at arg (absent or nil: dflt). */
uint64_t lu_optfield_duration(lua_State *L, int arg, const char *field, uint64_t dflt);

/* service_thread(fn, ...) -> thread: as thread(), a service thread
 * (thread_make_service): the built-in libraries' daemons (an object's
 * server loop, a clock daemon) that must not keep their process alive. A
 * lua_CFunction for their primitive tables; yields. */
int lu_service_thread(lua_State *L);

/* Push nil and the reason of err; returns 2 (for "return lu_fail(L, err)"). */
int lu_fail(lua_State *L, int err);

/* Port handles: a right name valid in process pid only. */
void lu_pushport(lua_State *L, uint32_t pid, int32_t name);
int lu_toport(lua_State *L, int idx, uint32_t *pid, int32_t *name);

/* Is name, in process pid, a right to map a shared segment? lu_pushport
 * then makes a segment handle (lua_shm.c). */
int lu_is_segment(lua_State *L, uint32_t pid, int32_t name);

/* Add mem.share and mem.map to mem (lua_shm.c; lu_open_mem calls it). */
void lu_open_shm(lua_State *L);

/* The text of the error object at idx: a string or a number as it is,
 * anything else by its __tostring, else by its type ("error object is a
 * table value"), not by an address that changes from run to run. Pushed on
 * L unless it is the value at idx. */
const char *lu_error_text(lua_State *L, int idx);

/* The error object at idx as a message that names the script's file and
 * line: an error raised without a position (error({}), error("x", 0)) gets
 * the line of the innermost Lua function still on L's stack that is not
 * ukern's own (rpc.lua, clock.lua), and an object
 * that is not a string is shown by its __tostring or its type. Pushes the
 * message and returns it. Use it as a message handler, or on a coroutine
 * whose resume failed (its stack is not unwound). */
const char *lu_error_message(lua_State *L, int idx);

/* 1 when a chunk's source (lua_Debug.source) is one of the built-in
 * libraries (rpc.lua, fs.lua, clock.lua ...), not the scenario: errors are
 * placed at the scenario's lines, never inside them. */
int lu_builtin_source(const char *source);

/* Arm the endless-loop watch on L: if L then runs UK_LUA_STEPS Lua
 * instructions before control comes back to the kernel (a system call, the
 * body's end, a scheduler's pick returning), a Lua error is raised at the
 * line it has reached. Call it before each resume or call into the script. */
void lu_watch(lua_State *L);

/* lu_watch with a budget of steps (> 0) instructions instead. */
void lu_watch_steps(lua_State *L, int steps);

/* Register the thread-body functions (compute, sleep, yield, now, log,
 * exit, thread, join) and the message functions (port, send, recv, call,
 * reply, register, lookup) as globals. */
void lu_open_sys(lua_State *L);

/* migrate() (lua_migrate.c); lu_migrate_install gives a machine with
 * nodes what a move does to a process's clock (node A's clock is the
 * machine's: offset, drift, given as machine { } declared them). */
void lu_open_migrate(lua_State *L);
struct machine;
void lu_migrate_install(struct machine *m, int64_t offset, int64_t drift, int given);
/* migrate { at = ... } declared at the top level: lu_migrate_check checks
 * the names once the script has run (0, or -1 with "FILE:LINE: ..." in
 * err); lu_migrate_build hands them to machine m, whose processes are
 * made (0, or -1 when memory runs out). */
struct scenario;
int lu_migrate_check(struct scenario *s, char *err, size_t errlen);
int lu_migrate_build(struct scenario *s, struct machine *m);
void lu_open_ipc(lua_State *L);

/* register, lookup, unregister, names (lua_names.c; lu_open_ipc calls it). */
void lu_open_names(lua_State *L);

/* Define the global rpc (rpc.serve, rpc.bind) from the built-in rpc.lua
 * and its primitives (lua_rpc.c). */
void lu_open_rpc(lua_State *L);

/* Push a new table of the RPC stubs' primitives (lua_rpc.c), for the
 * built-in libraries that speak the RPC protocol. */
void lu_push_rpc_prims(lua_State *L);

/* Define the global lrpc (lrpc.export, lrpc.bind) from the built-in
 * lrpc.lua and the stubs of lua_lrpc.c. Call after lu_open_rpc. */
void lu_open_lrpc(lua_State *L);

/* Define the global fs (fs.open, fs.read, ..., fs.bind) from the built-in
 * fs.lua, over rpc (lua_fs.c). Call after lu_open_rpc. */
void lu_open_fs(lua_State *L);

/* Raise msg as an error at the scenario's line: the innermost Lua function
 * on the stack that is not part of a built-in library (rpc.lua, fs.lua,
 * lrpc.lua). */
int lu_script_error(lua_State *L, const char *msg);

/* The same with a message formatted as lua_pushfstring does. */
int lu_script_errorf(lua_State *L, const char *fmt, ...);

/* Define result(name, value) (lua_result.c), recording into r, which must
 * outlive L. */
struct results;
void lu_open_result(lua_State *L, struct results *r);

/* Register mutex, semaphore and cond (lua_sync.c). */
void lu_open_sync(lua_State *L);

/* Define the global clock (clock.now, clock.get, clock.sync, clock.sleep,
 * clock.alarm) from the built-in clock.lua and its primitives
 * (lua_clock.c). Call after lu_open_rpc: the client is built on rpc.bind. */
void lu_open_clock(lua_State *L);

/* Define the global mem (alloc, free, protect, read, write, page_size,
 * regions, stat) and the globals fork and wait (lua_mem.c). */
void lu_open_mem(lua_State *L);

#endif
