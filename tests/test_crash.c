/*
 * test_crash.c - unit tests for injected crashes and restarts: what a
 * crash does to a server and its callers (dead port, names removed, the
 * process's state), a crash that finds nothing, a non-daemon's crash, and
 * the reincarnation server: a new incarnation (new pid, name, ports,
 * registered again), restart times on the check grid, the doubling
 * backoff and its cap, and who may use the supervisor's calls.
 *
 * The one idea: C-bodied processes ("zero" costs, so only sleeps, computes
 * and the faults make time pass); crashes are declared with crash_add
 * before the run, as the loader does, with rs_install when they restart;
 * restartable test programs provide a respawn hook that makes a new C
 * process on the same body.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "harness.h"
#include "ipc_world.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "rs/rs.h"
#include "thread.h"
#include "uk.h"

/* A crash of target at at; restart_ns UINT64_MAX: no restart. */
static void crash(struct machine *m, const char *target, struct proc *p, uint64_t at,
		  uint64_t every, uint32_t count, uint64_t restart_ns, uint64_t backoff_max)
{
	struct fault_crash c;

	memset(&c, 0, sizeof c);
	strcpy(c.target, target);
	c.service = p == NULL;
	c.proc = p;
	c.at_ns = at;
	c.every_ns = every;
	c.count = count;
	c.restart_ns = restart_ns;
	c.backoff_max_ns = backoff_max;
	strcpy(c.where, "test");
	assert_int_equal(crash_add(m, &c), 0);
}

/* An echo service "svc" that computes 1 ms per request. */
static void echo_server(struct thread *self, void *arg)
{
	echo_loop(self, serve_port(self, arg, "svc", 16), 1 * MS);
}

/* The respawn hook of a test program: the same C body on a new process. */
static struct proc *respawn_echo(struct proc *old)
{
	struct proc *p = h_proc(old->m, old->name, old->m->now, echo_server, old->respawn_arg);

	if (p) {
		p->daemon = old->daemon;
		p->respawn = respawn_echo;
		p->respawn_arg = old->respawn_arg;
	}
	return p;
}

static struct proc *restartable(struct machine *m, struct world *w)
{
	struct proc *p = add(m, "echo", 0, echo_server, w, 1);

	p->respawn = respawn_echo;
	p->respawn_arg = w;
	return p;
}

/* Calls at 2 ms (the server is busy on it at the crash), then looks the
 * service up again at 4 ms and at 12 ms, calling what it finds. */
static void caller(struct thread *self, void *arg)
{
	struct world *w = arg;
	int32_t pn = find(self, w, "svc");
	int err;

	uk_sleep(self, 2 * MS);
	call_note(self, w, pn, 1, UK_FOREVER, "call");
	uk_sleep(self, 4 * MS - uk_now(self));
	err = h_lookup(self, "svc", &pn);
	h_note(&w->lg, self, "lookup", err);
	uk_sleep(self, 12 * MS - uk_now(self));
	err = h_lookup(self, "svc", &pn);
	h_note(&w->lg, self, "lookup", err);
	if (err == UK_OK)
		call_note(self, w, pn, 2, UK_FOREVER, "call");
}

/* The server crashes at 2.5 ms, in the middle of a request: the caller
 * gets "dead port", the name is removed; the process's state says so. */
static void test_crash_kills_the_server(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *s = add(m, "echo", 0, echo_server, &w, 1);

	add(m, "client", 0, caller, &w, 0);
	crash(m, "svc", NULL, 2500 * H_US, 0, 0, UINT64_MAX, 0);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 2500 * H_US, "call", -UK_EDEADPORT }, { 4 * MS, "lookup", UK_ENOENT },
		 { 12 * MS, "lookup", UK_ENOENT });
	assert_int_equal(s->state, P_EXITED);
	assert_true(s->crashed);
	assert_false(s->faulted);
	assert_int_equal(s->exit_code, -1);
	assert_int_equal(s->main_thread->why, R_CRASH);
	assert_int_equal(s->main_thread->finish, 2500 * H_US);
	assert_int_equal(m->crashed, 1);
	assert_int_equal(m->crash_misses, 0);
	assert_int_equal(m->nsvcs, 0);
}

static void idle_main(struct thread *self, void *arg)
{
	(void)arg;
	uk_sleep(self, 10 * MS);
}

/* A crash of a name nobody serves, or of a process not started yet or
 * already gone, crashes nothing: it is counted, and the run goes on. */
static void test_crash_finds_nothing(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *late = add(m, "late", 5 * MS, idle_main, &w, 0);
	struct proc *early = add(m, "early", 0, idle_main, &w, 0);

	crash(m, "nobody", NULL, 1 * MS, 0, 0, UINT64_MAX, 0);
	crash(m, "late", late, 2 * MS, 0, 0, UINT64_MAX, 0);
	crash(m, "early", early, 11 * MS, 0, 0, UINT64_MAX, 0);
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(m->crashed, 0);
	assert_int_equal(m->crash_misses, 3);
	assert_false(late->crashed);
	assert_int_equal(late->exit_code, 0);
	assert_int_equal(m->now, 15 * MS);
}

static void long_job(struct thread *self, void *arg)
{
	(void)arg;
	uk_compute(self, 100 * MS);
}

/* A crashed non-daemon process ends its part as if it had exited: the run
 * completes when the others are done. A crash by process handle finds it
 * whether or not it serves anything. */
static void test_crash_of_a_non_daemon(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *p = add(m, "worker", 0, long_job, &w, 0);

	crash(m, "worker", p, 10 * MS, 0, 0, UINT64_MAX, 0);
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(m->now, 10 * MS);
	assert_true(p->crashed);
	assert_int_equal(p->main_thread->cpu_ns, 10 * MS);
}

/* With restart_after 3 ms and checks every 1 ms, the server crashed at
 * 2.5 ms comes back at 6 ms (the first check from 5.5 ms) as a new process
 * "echo#2" that registers "svc" again; a client that looks it up again
 * reaches it. */
static void test_restart_new_incarnation(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *s = restartable(m, &w), *s2;

	add(m, "client", 0, caller, &w, 0);
	crash(m, "svc", NULL, 2500 * H_US, 0, 0, 3 * MS, 100 * MS);
	assert_non_null(rs_install(m, 1 * MS));
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 2500 * H_US, "call", -UK_EDEADPORT }, { 4 * MS, "lookup", UK_ENOENT },
		 { 12 * MS, "lookup", UK_OK }, { 13 * MS, "call", 1002 });
	assert_int_equal(m->nprocs, 5);
	s2 = m->procs[4];
	assert_int_equal(s2->pid, 5);
	assert_string_equal(s2->name, "echo#2");
	assert_string_equal(s2->main_thread->name, "echo#2");
	assert_int_equal(s2->incarnation, 2);
	assert_ptr_equal(s2->origin, s);
	assert_int_equal(s2->state, P_LIVE);
	assert_int_equal(s2->main_thread->arrival, 6 * MS);
	assert_int_equal(m->restarts, 1);
	assert_int_equal(m->nsvcs, 1);
	assert_false(m->svcs[0].dead);
	assert_ptr_equal(m->svcs[0].cur, s2);
}

static void patient_client(struct thread *self, void *arg)
{
	(void)arg;
	uk_sleep(self, 100 * MS);
}

/* The arrival of every incarnation of the program whose first is p. */
static unsigned arrivals(const struct machine *m, const struct proc *p, uint64_t *at)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < m->nprocs; i++)
		if (m->procs[i]->origin == p && m->procs[i] != p)
			at[n++] = m->procs[i]->main_thread->arrival;
	return n;
}

/* Crashes every 20 ms from 10 ms, restart_after 2 ms: the restart delay
 * doubles with each crash (2, 4, 8 ms), up to backoff_max (5 ms). */
static void test_backoff_doubles_up_to_its_cap(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *s = restartable(m, &w);
	uint64_t at[8];

	add(m, "client", 0, patient_client, &w, 0);
	crash(m, "echo", s, 10 * MS, 20 * MS, 4, 2 * MS, 5 * MS);
	assert_non_null(rs_install(m, 1 * MS));
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(arrivals(m, s, at), 4);
	assert_int_equal(at[0], 12 * MS);
	assert_int_equal(at[1], 34 * MS);
	assert_int_equal(at[2], 55 * MS);
	assert_int_equal(at[3], 75 * MS);
	assert_int_equal(m->crashed, 4);
	assert_int_equal(m->svcs[0].crashes, 4);
	assert_string_equal(m->procs[m->nprocs - 1]->name, "echo#5");
}

/* A crash that comes while the program waits for its restart finds
 * nothing; the restart waits for the check grid: restart_after 2.5 ms
 * from a crash at 10 ms gives the check at 15 ms (every 5 ms). */
static void test_restart_on_the_check_grid(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *s = restartable(m, &w);
	uint64_t at[4];

	add(m, "client", 0, patient_client, &w, 0);
	crash(m, "svc", NULL, 10 * MS, 1 * MS, 3, 2500 * H_US, 100 * MS);
	assert_non_null(rs_install(m, 5 * MS));
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(arrivals(m, s, at), 1);
	assert_int_equal(at[0], 15 * MS);
	assert_int_equal(m->crashed, 1);
	assert_int_equal(m->crash_misses, 2);
}

static void short_worker(struct thread *self, void *arg)
{
	(void)arg;
	uk_compute(self, 4 * MS);
}

static struct proc *respawn_worker(struct proc *old)
{
	struct proc *p = h_proc(old->m, old->name, 0, short_worker, NULL);

	if (p)
		p->respawn = respawn_worker;
	return p;
}

/* A non-daemon waiting for its restart keeps the run going; its new
 * incarnation (started now, whatever start time its hook gave) runs to
 * the end. */
static void test_restart_keeps_the_run_alive(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };
	struct proc *p = add(m, "worker", 0, short_worker, &w, 0);

	p->respawn = respawn_worker;
	crash(m, "worker", p, 2 * MS, 0, 0, 3 * MS, 3 * MS);
	assert_non_null(rs_install(m, 1 * MS));
	FINISH(m, &w, OUT_COMPLETED);
	assert_int_equal(m->restarts, 1);
	assert_int_equal(m->now, 9 * MS);
	assert_int_equal(m->procs[m->nprocs - 1]->state, P_EXITED);
	assert_false(m->procs[m->nprocs - 1]->crashed);
}

/* --- the supervisor's calls --- */

static void pretender(struct thread *self, void *arg)
{
	struct world *w = arg;
	struct uk_svc_status st;
	uint32_t pid = 0;
	int32_t pn = 0;

	uk_sleep(self, 1 * MS);
	if (uk_port(self, UINT64_MAX, &pn) != UK_OK)
		w->bad++;
	h_note(&w->lg, self, "status", uk_svc_status(self, 0, &st));
	h_note(&w->lg, self, "respawn", uk_respawn(self, 0, &pid));
	h_note(&w->lg, self, "watch", uk_svc_watch(self, pn));
	h_note(&w->lg, self, "watch name server", uk_svc_watch(self, UK_NAME_NAMESERVER));
}

static void first_watcher(struct thread *self, void *arg)
{
	struct world *w = arg;
	struct uk_svc_status st;
	uint32_t pid = 0;
	int32_t pn = 0;

	if (uk_port(self, UINT64_MAX, &pn) != UK_OK)
		w->bad++;
	h_note(&w->lg, self, "watch send right", uk_svc_watch(self, UK_NAME_NAMESERVER));
	h_note(&w->lg, self, "watch", uk_svc_watch(self, pn));
	h_note(&w->lg, self, "status", uk_svc_status(self, 0, &st));
	h_note(&w->lg, self, "respawn", uk_respawn(self, 0, &pid));
	uk_sleep(self, 5 * MS);
	h_note(&w->lg, self, "status", uk_svc_status(self, 0, &st));
	h_note(&w->lg, self, "dead", st.dead);
	h_note(&w->lg, self, "crashes", st.crashes);
	h_note(&w->lg, self, "respawn", uk_respawn(self, 0, &pid));
	h_note(&w->lg, self, "pid", pid);
	h_note(&w->lg, self, "respawn again", uk_respawn(self, 0, &pid));
	h_note(&w->lg, self, "status 1", uk_svc_status(self, 1, &st));
}

/* The first process to watch with a receive right is the supervisor; the
 * others may not watch, ask or restart; slots past the table are unknown;
 * only a dead program can be restarted. */
static void test_supervisor_calls(void **state)
{
	struct machine *m = world_machine(state, 1);
	struct world w = { .bad = 0 };

	add(m, "watcher", 0, first_watcher, &w, 0);
	add(m, "pretender", 0, pretender, &w, 0);
	restartable(m, &w);
	crash(m, "svc", NULL, 3 * MS, 0, 0, 1 * MS, 1 * MS);
	FINISH(m, &w, OUT_COMPLETED);
	H_EXPECT(&w.lg, { 0, "watch send right", UK_ENORIGHT }, { 0, "watch", UK_OK },
		 { 0, "status", UK_ENOENT }, { 0, "respawn", UK_ENOENT },
		 { 1 * MS, "status", UK_ENOTOWNER }, { 1 * MS, "respawn", UK_ENOTOWNER },
		 { 1 * MS, "watch", UK_ENOTOWNER }, { 1 * MS, "watch name server", UK_ENOTOWNER },
		 { 5 * MS, "status", UK_OK }, { 5 * MS, "dead", 1 }, { 5 * MS, "crashes", 1 },
		 { 5 * MS, "respawn", UK_OK }, { 5 * MS, "pid", 5 },
		 { 5 * MS, "respawn again", UK_EINVAL }, { 5 * MS, "status 1", UK_ENOENT });
	assert_string_equal(m->procs[4]->name, "echo#2");
}

/* The policy itself: restart_after doubled for each crash after the
 * first, never past the cap, without overflowing. */
static void test_backoff_policy(void **state)
{
	(void)state;
	assert_int_equal(rs_backoff(2 * MS, 1, 100 * MS), 2 * MS);
	assert_int_equal(rs_backoff(2 * MS, 2, 100 * MS), 4 * MS);
	assert_int_equal(rs_backoff(2 * MS, 4, 100 * MS), 16 * MS);
	assert_int_equal(rs_backoff(2 * MS, 4, 5 * MS), 5 * MS);
	assert_int_equal(rs_backoff(2 * MS, 1000, UINT64_MAX), UINT64_MAX);
	assert_int_equal(rs_backoff(0, 9, 0), 0);
	assert_int_equal(rs_backoff(3 * MS, 7, 3 * MS), 3 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_crash_kills_the_server),
		H_TEST(test_crash_finds_nothing),
		H_TEST(test_crash_of_a_non_daemon),
		H_TEST(test_restart_new_incarnation),
		H_TEST(test_backoff_doubles_up_to_its_cap),
		H_TEST(test_restart_on_the_check_grid),
		H_TEST(test_restart_keeps_the_run_alive),
		H_TEST(test_supervisor_calls),
		cmocka_unit_test(test_backoff_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
