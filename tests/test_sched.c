/*
 * test_sched.c - unit tests for scheduling: the fifo and rr policies, the
 * CPUs, yield, sleep, process start times and the switch cost.
 *
 * The one idea: with the "zero" cost profile only uk_compute makes time
 * pass, so every finish, first-run and wait time is an exact number that
 * follows from the rules of SCHED-SEMANTICS (the OSTEP simulators); the
 * tests assert those numbers to the nanosecond. Jobs are one-thread
 * processes whose body computes; the thread structs keep the statistics.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"
#include "machine.h"
#include "proc.h"
#include "thread.h"
#include "uk.h"

#define MS H_MS

/* A job: a process whose main thread computes run_ns and ends. */
struct job {
	uint64_t run_ns;
	struct thread *t;      /* its thread, seen from inside */
};

static void job_main(struct thread *self, void *arg)
{
	struct job *j = arg;

	j->t = self;
	uk_compute(self, j->run_ns);
}

static void add_job(struct machine *m, const char *name, uint64_t start_ns, struct job *j)
{
	assert_non_null(h_proc(m, name, start_ns, job_main, j));
}

/* The textbook statistics of one job's thread. */
static void check_job(const struct job *j, uint64_t arrival, uint64_t first_run,
		      uint64_t finish, uint64_t wait)
{
	assert_non_null(j->t);
	assert_int_equal(j->t->state, T_EXITED);
	assert_int_equal(j->t->arrival, arrival);
	assert_int_equal(j->t->first_run, first_run);
	assert_int_equal(j->t->finish, finish);
	assert_int_equal(j->t->wait_ns, wait);
	assert_int_equal(j->t->cpu_ns, j->run_ns);
}

/* fifo: arrival order, each to completion; wait = turnaround - run. */
static void test_fifo_order(void **state)
{
	struct machine *m = *state;
	struct job a = { 30 * MS, NULL }, b = { 20 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 0, &b);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&a, 0, 0, 30 * MS, 0);
	check_job(&b, 0, 30 * MS, 50 * MS, 30 * MS);
	assert_int_equal(m->now, 50 * MS);
	assert_int_equal(m->cpus[0].busy_ns, 50 * MS);
	assert_int_equal(m->cpus[0].switches, 1);
	assert_int_equal(a.t->switches, 0);
	assert_int_equal(b.t->switches, 1);
}

/* fifo never preempts: a short job arriving later waits for the long one. */
static void test_fifo_no_preemption(void **state)
{
	struct machine *m = *state;
	struct job a = { 30 * MS, NULL }, b = { 5 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 10 * MS, &b);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&a, 0, 0, 30 * MS, 0);
	check_job(&b, 10 * MS, 30 * MS, 35 * MS, 20 * MS);
}

/* rr, quantum 10: A 0-10, B 10-20, A 20-30, B 30-40 (its remainder equals
 * the quantum: it finishes, no preemption), A 40-50. */
static void test_rr_alternates(void **state)
{
	struct machine *m = *state;
	struct job a = { 30 * MS, NULL }, b = { 20 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "rr", 10 * MS, 16), 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 0, &b);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&a, 0, 0, 50 * MS, 20 * MS);
	check_job(&b, 0, 10 * MS, 40 * MS, 20 * MS);
	assert_int_equal(a.t->switches, 2);
	assert_int_equal(b.t->switches, 2);
	assert_int_equal(m->cpus[0].switches, 4);
	assert_int_equal(m->cpus[0].busy_ns, 50 * MS);
}

/* rr equality: a job whose remainder equals the quantum runs it and
 * finishes at once; the next job starts at that instant. */
static void test_rr_equality_finishes(void **state)
{
	struct machine *m = *state;
	struct job a = { 10 * MS, NULL }, b = { 10 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "rr", 10 * MS, 16), 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 0, &b);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&a, 0, 0, 10 * MS, 0);
	check_job(&b, 0, 10 * MS, 20 * MS, 10 * MS);
	assert_int_equal(m->cpus[0].switches, 1);
}

/* rr with three jobs, as OSTEP's scheduler.py computes it (quantum 10):
 * A 0-10, B 10-20 (done), C 20-30, A 30-40, C 40-45 (done), A 45-50 (done). */
static void test_rr_three_jobs(void **state)
{
	struct machine *m = *state;
	struct job a = { 25 * MS, NULL }, b = { 10 * MS, NULL }, c = { 15 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "rr", 10 * MS, 16), 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 0, &b);
	add_job(m, "C", 0, &c);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&a, 0, 0, 50 * MS, 25 * MS);
	check_job(&b, 0, 10 * MS, 20 * MS, 10 * MS);
	check_job(&c, 0, 20 * MS, 45 * MS, 30 * MS);
}

/* rr: a job that arrives during a quantum is ahead of the job that quantum
 * preempts. */
static void test_rr_arrival_before_preempted(void **state)
{
	struct machine *m = *state;
	struct job a = { 30 * MS, NULL }, b = { 10 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "rr", 10 * MS, 16), 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 5 * MS, &b);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&b, 5 * MS, 10 * MS, 20 * MS, 5 * MS);
	check_job(&a, 0, 0, 40 * MS, 10 * MS);
}

/* rr: a job alone is re-dispatched at every quantum at no cost: under the
 * "modern" profile it still finishes at exactly its length, no switch. */
static void test_rr_alone_no_switch(void **state)
{
	struct machine *m = *state;
	struct job a = { 35 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "rr", 10 * MS, 16), 0);
	assert_int_equal(h_costs(m, "modern"), 0);
	assert_true(m->cfg.costs.kernel_switch_ns > 0);
	add_job(m, "A", 0, &a);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&a, 0, 0, 35 * MS, 0);
	assert_int_equal(a.t->switches, 0);
	assert_int_equal(m->cpus[0].switches, 0);
	assert_int_equal(m->cpus[0].busy_ns, 35 * MS);
}

/* Two CPUs run two jobs side by side; a third takes the first CPU freed. */
static void test_two_cpus_parallel(void **state)
{
	struct machine *m = *state;
	struct job a = { 30 * MS, NULL }, b = { 20 * MS, NULL }, c = { 10 * MS, NULL };

	assert_int_equal(h_machine(m, 2, "fifo", 10 * MS, 16), 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 0, &b);
	add_job(m, "C", 0, &c);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&a, 0, 0, 30 * MS, 0);
	check_job(&b, 0, 0, 20 * MS, 0);
	check_job(&c, 0, 20 * MS, 30 * MS, 20 * MS);
	assert_ptr_equal(a.t->cpu, NULL);
	assert_int_equal(m->now, 30 * MS);
	assert_int_equal(m->cpus[0].busy_ns, 30 * MS);
	assert_int_equal(m->cpus[1].busy_ns, 30 * MS);
	assert_int_equal(m->cpus[0].switches, 0);
	assert_int_equal(m->cpus[1].switches, 1);
}

/* A body that computes, yields, and notes when it gets the CPU back. */
struct yielder {
	struct h_log *lg;
	uint64_t before_ns;    /* compute before yielding */
	int yield;
};

static void yielder_main(struct thread *self, void *arg)
{
	struct yielder *y = arg;

	uk_compute(self, y->before_ns);
	h_note(y->lg, self, self->name, 0);
	if (y->yield) {
		h_yield(self);
		h_note(y->lg, self, self->name, 1);
	}
}

/* yield puts the thread at the tail of the ready queue: A yields at 1 ms
 * behind B and C, and gets the CPU back only after both. */
static void test_yield_to_tail(void **state)
{
	struct machine *m = *state;
	struct h_log lg = { .n = 0 };
	struct yielder a = { &lg, 1 * MS, 1 }, b = { &lg, 2 * MS, 0 }, c = { &lg, 3 * MS, 0 };

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	assert_non_null(h_proc(m, "A", 0, yielder_main, &a));
	assert_non_null(h_proc(m, "B", 0, yielder_main, &b));
	assert_non_null(h_proc(m, "C", 0, yielder_main, &c));
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	H_EXPECT(&lg, { 1 * MS, "A", 0 }, { 3 * MS, "B", 0 }, { 6 * MS, "C", 0 },
		 { 6 * MS, "A", 1 });
}

/* A thread alone that yields gets the CPU straight back. */
static void test_yield_alone(void **state)
{
	struct machine *m = *state;
	struct h_log lg = { .n = 0 };
	struct yielder a = { &lg, 1 * MS, 1 };

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	assert_non_null(h_proc(m, "A", 0, yielder_main, &a));
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	H_EXPECT(&lg, { 1 * MS, "A", 0 }, { 1 * MS, "A", 1 });
}

struct sleeper {
	struct h_log *lg;
	uint64_t before_ns, sleep_ns;
	struct thread *t;
};

static void sleeper_main(struct thread *self, void *arg)
{
	struct sleeper *s = arg;

	s->t = self;
	uk_compute(self, s->before_ns);
	h_note(s->lg, self, "sleep", (int64_t)s->sleep_ns);
	uk_sleep(self, s->sleep_ns);
	h_note(s->lg, self, "woke", (int64_t)s->sleep_ns);
}

/* Sleepers wake at exactly when + duration, in wake-time order. */
static void test_sleep_exact(void **state)
{
	struct machine *m = *state;
	struct h_log lg = { .n = 0 };
	struct sleeper a = { &lg, 3 * MS, 5 * MS, NULL }, b = { &lg, 1 * MS, 2 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	assert_non_null(h_proc(m, "A", 0, sleeper_main, &a));
	assert_non_null(h_proc(m, "B", 0, sleeper_main, &b));
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	H_EXPECT(&lg, { 3 * MS, "sleep", 5 * MS }, { 4 * MS, "sleep", 2 * MS },
		 { 6 * MS, "woke", 2 * MS }, { 8 * MS, "woke", 5 * MS });
	assert_int_equal(a.t->finish, 8 * MS);
	assert_int_equal(a.t->wait_ns, 0);
	assert_int_equal(b.t->wait_ns, 3 * MS);     /* ready 0-3 behind A */
	assert_int_equal(m->cpus[0].busy_ns, 4 * MS);
}

/* A sleeper woken while another job holds the CPU (fifo) is ready from the
 * wake time on: its wait counts from exactly then. */
static void test_sleep_wake_while_busy(void **state)
{
	struct machine *m = *state;
	struct h_log lg = { .n = 0 };
	struct sleeper a = { &lg, 3 * MS, 5 * MS, NULL };
	struct job b = { 10 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	assert_non_null(h_proc(m, "A", 0, sleeper_main, &a));
	add_job(m, "B", 0, &b);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	H_EXPECT(&lg, { 3 * MS, "sleep", 5 * MS }, { 13 * MS, "woke", 5 * MS });
	assert_int_equal(a.t->wait_ns, 5 * MS);      /* ready 8-13 */
	check_job(&b, 0, 3 * MS, 13 * MS, 3 * MS);
}

/* Process start times: a process declared to start at 5 ms arrives then. */
static void test_start_times(void **state)
{
	struct machine *m = *state;
	struct job a = { 20 * MS, NULL }, b = { 10 * MS, NULL }, c = { 2 * MS, NULL };

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 5 * MS, &b);
	add_job(m, "C", 40 * MS, &c);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	check_job(&a, 0, 0, 20 * MS, 0);
	check_job(&b, 5 * MS, 20 * MS, 30 * MS, 15 * MS);
	check_job(&c, 40 * MS, 40 * MS, 42 * MS, 0);     /* the CPU idled 30-40 */
	assert_int_equal(m->cpus[0].busy_ns, 32 * MS);
}

/* "modern": a switch between threads of two processes charges
 * kernel_switch_ns + as_switch_ns to the incoming thread, before its work. */
static void test_modern_switch_cost(void **state)
{
	struct machine *m = *state;
	struct job a = { 30 * MS, NULL }, b = { 20 * MS, NULL };
	uint64_t sw;

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	assert_int_equal(h_costs(m, "modern"), 0);
	sw = m->cfg.costs.kernel_switch_ns + m->cfg.costs.as_switch_ns;
	assert_true(m->cfg.costs.kernel_switch_ns > 0);
	add_job(m, "A", 0, &a);
	add_job(m, "B", 0, &b);
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	assert_int_equal(a.t->finish, 30 * MS);
	assert_int_equal(b.t->first_run, 30 * MS);
	assert_int_equal(b.t->finish, 50 * MS + sw);
	assert_int_equal(b.t->cpu_ns, 20 * MS + sw);
	assert_int_equal(m->cpus[0].busy_ns, 50 * MS + sw);
	assert_int_equal(m->cpus[0].switches, 1);
}

struct pair {
	struct job child;
	struct thread *main_t;
	uint32_t tid;
	int err;
};

static void pair_main(struct thread *self, void *arg)
{
	struct pair *pr = arg;

	pr->main_t = self;
	pr->err = h_spawn(self, job_main, &pr->child, &pr->tid);
	uk_compute(self, 30 * MS);
}

/* "modern": between two threads of one process only kernel_switch_ns is
 * charged (no address-space switch). The spawn costs one trap. */
static void test_modern_switch_same_process(void **state)
{
	struct machine *m = *state;
	struct pair pr = { { 20 * MS, NULL }, NULL, 0, -1 };
	uint64_t trap, ksw;

	assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	assert_int_equal(h_costs(m, "modern"), 0);
	trap = m->cfg.costs.trap_ns;
	ksw = m->cfg.costs.kernel_switch_ns;
	assert_true(m->cfg.costs.as_switch_ns > 0);
	assert_non_null(h_proc(m, "P", 0, pair_main, &pr));
	assert_int_equal(machine_run(m), OUT_COMPLETED);
	assert_int_equal(pr.err, UK_OK);
	assert_non_null(pr.child.t);
	assert_int_equal(pr.child.t->tid, pr.tid);
	assert_string_equal(pr.child.t->name, "P.1");
	assert_int_equal(pr.main_t->finish, trap + 30 * MS);
	assert_int_equal(pr.child.t->arrival, trap);
	assert_int_equal(pr.child.t->first_run, trap + 30 * MS);
	assert_int_equal(pr.child.t->finish, trap + 30 * MS + ksw + 20 * MS);
	assert_int_equal(m->cpus[0].busy_ns, trap + 30 * MS + ksw + 20 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_fifo_order),
		H_TEST(test_fifo_no_preemption),
		H_TEST(test_rr_alternates),
		H_TEST(test_rr_equality_finishes),
		H_TEST(test_rr_three_jobs),
		H_TEST(test_rr_arrival_before_preempted),
		H_TEST(test_rr_alone_no_switch),
		H_TEST(test_two_cpus_parallel),
		H_TEST(test_yield_to_tail),
		H_TEST(test_yield_alone),
		H_TEST(test_sleep_exact),
		H_TEST(test_sleep_wake_while_busy),
		H_TEST(test_start_times),
		H_TEST(test_modern_switch_cost),
		H_TEST(test_modern_switch_same_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
