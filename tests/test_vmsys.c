/*
 * test_vmsys.c - virtual memory through the kernel (kernel/vmsys.h): fork
 * and wait, copy-on-write between processes, what faults cost, a
 * segmentation fault and running out of frames killing only the process
 * concerned, out-of-line message data, and no frame left held at the end.
 *
 * Bodies are C functions (tests/harness.h) that note what they see; the
 * tests assert afterwards, including on the kernel's own counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ipc_world.h"
#include "machine.h"
#include "msg.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "uk.h"
#include "vm.h"
#include "vmsys.h"

#define PS 4096ull
#define RW (VM_R | VM_W)

/* What the bodies of one test share with it. */
struct vmw {
	struct world w;
	uint64_t a;              /* an address the parent allocated */
	uint32_t pid;            /* a process another body waits for */
	char faults[4][160];     /* fault reports, in order */
	unsigned nfaults;
};

static struct vmw *the_vmw;  /* for the fault hook */

static void on_fault(struct machine *m, struct thread *t, const char *text)
{
	(void)m;
	(void)t;
	if (the_vmw->nfaults < 4)
		snprintf(the_vmw->faults[the_vmw->nfaults], sizeof the_vmw->faults[0], "%s", text);
	the_vmw->nfaults++;
}

static struct machine *vm_machine(void **state, struct vmw *v, int with_ns)
{
	struct machine *m = with_ns ? world_machine(state, 1) : *state;

	if (!with_ns)
		assert_int_equal(h_machine(m, 1, "fifo", 10 * MS, 16), 0);
	the_vmw = v;
	m->fault_hook = on_fault;
	return m;
}

/* Give m frames frames of PS bytes instead of the default (before the run). */
static void small_memory(struct machine *m, uint32_t frames)
{
	vm_fini(&m->vm);
	m->cfg.frames = frames;
	m->cfg.page_size = (uint32_t)PS;
	assert_int_equal(vmsys_init(m), 0);
}

/* End the whole process with code (uk.h has no exit). */
static void h_exit(struct thread *self, int code)
{
	self->sc.op = SYS_PEXIT;
	self->sc.arg = (uint64_t)(int64_t)code;
	body_c_trap(self);
}

/* Do the len bytes at addr read as s? */
static int reads(struct thread *self, uint64_t addr, const char *s)
{
	char buf[64] = "";
	size_t n = strlen(s);

	return n < sizeof buf && uk_mem_read(self, addr, buf, n) == UK_OK && memcmp(buf, s, n) == 0;
}

/* --- fork and wait --- */

static void cow_child(struct thread *self, void *arg)
{
	struct vmw *v = arg;

	h_note(&v->w.lg, self, "child sees parent's page 0", reads(self, v->a, "parent-0"));
	h_note(&v->w.lg, self, "child write", uk_mem_write(self, v->a + PS, "child-1", 7));
	h_note(&v->w.lg, self, "child sees its page 1", reads(self, v->a + PS, "child-1"));
	h_note(&v->w.lg, self, "child frames", (int64_t)self->p->as->resident);
	h_exit(self, 5);
}

static void cow_parent(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int code = -1, faulted = -1;
	uint32_t pid = 0;

	h_note(&v->w.lg, self, "alloc", uk_mem_alloc(self, 4 * PS, RW, &v->a));
	uk_mem_write(self, v->a, "parent-0", 8);
	uk_mem_write(self, v->a + PS, "parent-1", 8);
	h_note(&v->w.lg, self, "fork", uk_fork(self, cow_child, v, &pid));
	h_note(&v->w.lg, self, "child pid", pid);
	h_note(&v->w.lg, self, "wait", uk_wait(self, pid, &code, &faulted));
	h_note(&v->w.lg, self, "exit code", code);
	h_note(&v->w.lg, self, "faulted", faulted);
	h_note(&v->w.lg, self, "parent kept page 1", reads(self, v->a + PS, "parent-1"));
	h_note(&v->w.lg, self, "wait again", uk_wait(self, pid, &code, &faulted));
}

static void test_fork_wait_copy_on_write(void **state)
{
	struct vmw v = { .w.bad = 0 };
	struct machine *m = vm_machine(state, &v, 1);
	struct proc *c;

	add(m, "P", 0, cow_parent, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { 0, "alloc", UK_OK }, { 0, "fork", UK_OK }, { 0, "child pid", 3 },
		 { 0, "child sees parent's page 0", 1 }, { 0, "child write", UK_OK },
		 { 0, "child sees its page 1", 1 }, { 0, "child frames", 2 },
		 { 0, "wait", UK_OK }, { 0, "exit code", 5 }, { 0, "faulted", 0 },
		 { 0, "parent kept page 1", 1 }, { 0, "wait again", UK_ECHILD });
	assert_int_equal(v.a, VM_HEAP_BASE);
	c = m->procs[2];
	assert_string_equal(c->name, "P.fork1");
	assert_int_equal(c->parent, 2);
	assert_int_equal(c->as->cow_faults, 1);
	assert_int_equal(c->as->pages_copied, 1);
	assert_int_equal(c->as->zero_faults, 0);
	assert_int_equal(m->procs[1]->as->zero_faults, 2);
	assert_int_equal(m->forks, 1);
	assert_int_equal(m->vm.peak, 3);       /* two pages, and the child's one copy */
	assert_int_equal(m->vm.used, 0);       /* everyone ended: no frame held */
	assert_int_equal(m->vm.shared, 0);
}

static void timed_child(struct thread *self, void *arg)
{
	struct vmw *v = arg;

	uk_mem_write(self, v->a, "c", 1);
	h_note(&v->w.lg, self, "child wrote", 0);
}

static void timed_parent(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	char page[3 * PS];
	int code, faulted;
	uint32_t pid;

	memset(page, 'p', sizeof page);
	uk_mem_alloc(self, 3 * PS, RW, &v->a);
	uk_mem_write(self, v->a, page, sizeof page);
	h_note(&v->w.lg, self, "filled", 0);
	uk_fork(self, timed_child, v, &pid);
	h_note(&v->w.lg, self, "forked", 0);
	uk_wait(self, pid, &code, &faulted);
	h_note(&v->w.lg, self, "waited", code);
}

/* modern costs, one CPU, no name server: alloc is a trap (100); three
 * zero-fill faults (3 x 1000); fork a trap and three pages mapped (3 x 50);
 * wait a trap, then the child is dispatched (switch 1500 + address space
 * 500); its write takes a copy-on-write fault and copies a page (1000 +
 * 400); its end wakes the parent, dispatched back (2000). */
static void test_fault_and_fork_costs(void **state)
{
	struct vmw v = { .w.bad = 0 };
	struct machine *m = vm_machine(state, &v, 0);

	assert_int_equal(h_costs(m, "modern"), 0);
	add(m, "P", 0, timed_parent, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { 3100, "filled", 0 }, { 3350, "forked", 0 },
		 { 6850, "child wrote", 0 }, { 8850, "waited", 0 });
}

static void quick_child(struct thread *self, void *arg)
{
	(void)self;
	(void)arg;
}

static void grandchild_maker(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	uint32_t pid;

	if (uk_fork(self, quick_child, v, &pid) != UK_OK)
		v->w.bad++;
	v->pid = pid;
	uk_sleep(self, 5 * MS);
}

static void waiter(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int code = -1, faulted = -1;
	uint32_t pid;

	if (uk_fork(self, grandchild_maker, v, &pid) != UK_OK)
		v->w.bad++;
	uk_sleep(self, 1 * MS);
	/* The child still runs (it sleeps); its child has ended. */
	h_note(&v->w.lg, self, "wait a grandchild", uk_wait(self, v->pid, &code, &faulted));
	h_note(&v->w.lg, self, "wait itself", uk_wait(self, self->p->pid, &code, &faulted));
	h_note(&v->w.lg, self, "wait a stranger", uk_wait(self, 1, &code, &faulted));
	h_note(&v->w.lg, self, "wait no one", uk_wait(self, 999, &code, &faulted));
	h_note(&v->w.lg, self, "wait the child", uk_wait(self, pid, &code, &faulted));
	h_note(&v->w.lg, self, "its code", code);
}

static void stranger(struct thread *self, void *arg)
{
	(void)arg;
	uk_sleep(self, 10 * MS);
}

static void test_wait_errors(void **state)
{
	struct vmw v = { .w.bad = 0 };
	struct machine *m = vm_machine(state, &v, 0);

	add(m, "S", 0, stranger, &v.w, 0);
	add(m, "W", 0, waiter, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { 1 * MS, "wait a grandchild", UK_ECHILD },
		 { 1 * MS, "wait itself", UK_ECHILD }, { 1 * MS, "wait a stranger", UK_ECHILD },
		 { 1 * MS, "wait no one", UK_ECHILD }, { 5 * MS, "wait the child", UK_OK },
		 { 5 * MS, "its code", 0 });
	assert_string_equal(m->procs[2]->name, "W.fork1");
	assert_string_equal(m->procs[3]->name, "W.fork1.fork1");
}

/* --- faults that kill --- */

static void segv_server(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int32_t pn = serve_port(self, &v->w, "srv", 16);
	int err;
	struct msg *req = uk_recv(self, pn, UK_FOREVER, &err);
	uint64_t a;

	msg_free(req);
	uk_mem_alloc(self, PS, RW, &a);
	/* The text region is read-only: this never returns. */
	uk_mem_write(self, VM_TEXT_BASE + 8, "x", 1);
	h_note(&v->w.lg, self, "server survived", 1);
}

static void segv_reader(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	char c;

	uk_sleep(self, 2 * MS);
	uk_mem_read(self, 0x1000, &c, 1);
	h_note(&v->w.lg, self, "reader survived", 1);
}

static void segv_client(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int32_t s = find(self, &v->w, "srv");

	call_note(self, &v->w, s, 1, UK_FOREVER, "call");
	uk_compute(self, 3 * MS);
	h_note(&v->w.lg, self, "client goes on", 1);
}

static void test_segfault_kills_only_that_process(void **state)
{
	struct vmw v = { .w.bad = 0 };
	struct machine *m = vm_machine(state, &v, 1);

	add(m, "srv", 0, segv_server, &v.w, 0);
	add(m, "cli", 1 * MS, segv_client, &v.w, 0);
	add(m, "rd", 0, segv_reader, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	/* The server died holding the client's reply right: "dead port". */
	H_EXPECT(&v.w.lg, { 1 * MS, "call", -UK_EDEADPORT }, { 4 * MS, "client goes on", 1 });
	assert_int_equal(v.nfaults, 2);
	assert_string_equal(v.faults[0], "segmentation fault at 0x400008 (write to a read-only page)");
	assert_string_equal(v.faults[1], "segmentation fault at 0x1000 (read of an unmapped address)");
	assert_true(m->procs[1]->faulted && m->procs[1]->exit_code == 1);
	assert_true(m->procs[3]->faulted);
	assert_false(m->procs[2]->faulted);
	assert_int_equal(m->segfaults, 2);
	assert_int_equal(m->script_errors, 2);
	assert_int_equal(m->vm.used, 0);
}

static void hog(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	static char big[6 * PS];
	uint64_t a;

	memset(big, 'h', sizeof big);
	uk_mem_alloc(self, 8 * PS, RW, &a);
	uk_mem_write(self, a, big, sizeof big);
	h_note(&v->w.lg, self, "hog survived", 1);
}

static void modest(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	static char four[4 * PS];
	uint64_t a;

	memset(four, 'm', sizeof four);
	h_note(&v->w.lg, self, "alloc", uk_mem_alloc(self, 4 * PS, RW, &a));
	h_note(&v->w.lg, self, "write 4 pages", uk_mem_write(self, a, four, sizeof four));
	h_note(&v->w.lg, self, "frames", self->m->vm.used);
}

static void test_out_of_frames_kills_the_process_in_need(void **state)
{
	struct vmw v = { .w.bad = 0 };
	struct machine *m = vm_machine(state, &v, 0);

	small_memory(m, 4);
	add(m, "hog", 0, hog, &v.w, 0);
	add(m, "modest", 1 * MS, modest, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { 1 * MS, "alloc", UK_OK }, { 1 * MS, "write 4 pages", UK_OK },
		 { 1 * MS, "frames", 4 });
	assert_int_equal(v.nfaults, 1);
	assert_string_equal(v.faults[0], "out of memory at 0x10004000: no free frame (all 4 frames "
					 "of the machine are in use)");
	assert_true(m->procs[0]->faulted);
	assert_int_equal(m->oom_kills, 1);
	assert_int_equal(m->vm.used, 0);
}

/* --- out-of-line data --- */

static void ool_receiver(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int32_t pn = serve_port(self, &v->w, "r", 16);
	int err;
	struct msg *m = uk_recv(self, pn, UK_FOREVER, &err);
	uint64_t at = m ? m->ool_addr : 0, start = at & ~(PS - 1);

	h_note(&v->w.lg, self, "value", h_val(m));
	h_note(&v->w.lg, self, "ool len", m ? (int64_t)m->ool_len : -1);
	h_note(&v->w.lg, self, "offset", (int64_t)(at - start));
	h_note(&v->w.lg, self, "page 0 as sent", reads(self, at, "age0"));
	h_note(&v->w.lg, self, "page 2 as sent", reads(self, start + 2 * PS, "page2"));
	msg_free(m);
	uk_mem_write(self, start + 2 * PS, "mine2", 5);
	h_note(&v->w.lg, self, "pages copied", (int64_t)self->p->as->pages_copied);
	h_note(&v->w.lg, self, "free", uk_mem_free(self, start));
	h_note(&v->w.lg, self, "free again", uk_mem_free(self, start));
}

static void ool_sender(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int32_t r = find(self, &v->w, "r"), d = find(self, &v->w, "d");
	uint64_t msgs;
	struct msg *m;

	uk_mem_alloc(self, 3 * PS, RW, &v->a);
	uk_mem_write(self, v->a, "page0", 5);
	uk_mem_write(self, v->a + PS, "page1", 5);
	uk_mem_write(self, v->a + 2 * PS, "page2", 5);
	/* From byte 1 of page 0 to the end of page 2: three pages. */
	m = h_msg(7);
	m->ool_addr = v->a + 1;
	m->ool_len = 3 * PS - 1;
	h_note(&v->w.lg, self, "send ool", uk_send(self, r, m, UK_FOREVER));
	/* The message holds the old page 0: the sender copies it to write. */
	uk_mem_write(self, v->a, "PAGE0", 5);
	h_note(&v->w.lg, self, "sender copies", (int64_t)self->p->as->pages_copied);
	msgs = self->m->msgs;
	m = h_msg(8);
	m->ool_addr = 0x1000;
	m->ool_len = 10;
	h_note(&v->w.lg, self, "bad address", uk_send(self, r, m, UK_FOREVER));
	h_note(&v->w.lg, self, "not sent", self->m->msgs == msgs);
	uk_sleep(self, 2 * MS);
	m = h_msg(9);
	m->ool_addr = v->a;
	m->ool_len = PS;
	h_note(&v->w.lg, self, "to a dead port", uk_send(self, d, m, UK_FOREVER));
}

static void short_lived(struct thread *self, void *arg)
{
	struct vmw *v = arg;

	serve_port(self, &v->w, "d", 16);
	uk_sleep(self, 1 * MS);
}

static void test_out_of_line_data(void **state)
{
	struct vmw v = { .w.bad = 0 };
	struct machine *m = vm_machine(state, &v, 1);

	add(m, "r", 0, ool_receiver, &v.w, 0);
	add(m, "d", 0, short_lived, &v.w, 0);
	add(m, "s", 0, ool_sender, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { 0, "send ool", UK_OK }, { 0, "sender copies", 1 },
		 { 0, "bad address", UK_EFAULT }, { 0, "not sent", 1 }, { 0, "value", 7 },
		 { 0, "ool len", 3 * PS - 1 }, { 0, "offset", 1 }, { 0, "page 0 as sent", 1 },
		 { 0, "page 2 as sent", 1 }, { 0, "pages copied", 1 }, { 0, "free", UK_OK },
		 { 0, "free again", UK_EINVAL }, { 2 * MS, "to a dead port", UK_EDEADPORT });
	assert_int_equal(m->ool_msgs, 1);
	assert_int_equal(m->ool_pages, 3);
	assert_int_equal(m->vm.used, 0);    /* the dropped message let its pages go */
}

/* An out-of-line message costs per page mapped, not per byte: the same
 * 8-byte message with 1 and with 8 pages out of line, sender's send and
 * receiver's copy-out both charged page_map (50 ns, modern) per page. */
static void ool_cost_receiver(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int32_t pn = serve_port(self, &v->w, "r", 16);
	int err;

	for (int i = 0; i < 2; i++) {
		struct msg *m = uk_recv(self, pn, UK_FOREVER, &err);
		h_note(&v->w.lg, self, "latency", (int64_t)(uk_now(self) - (uint64_t)h_val(m)));
		msg_free(m);
	}
}

static void ool_cost_sender(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int32_t r = find(self, &v->w, "r");

	uk_mem_alloc(self, 8 * PS, RW, &v->a);
	for (uint64_t pages = 1; pages <= 8; pages += 7) {
		struct msg *m;
		uk_sleep(self, 1 * MS);
		m = h_msg((int64_t)uk_now(self));
		m->ool_addr = v->a;
		m->ool_len = pages * PS;
		uk_send(self, r, m, UK_FOREVER);
	}
}

static void test_out_of_line_costs_per_page(void **state)
{
	struct vmw v = { .w.bad = 0 };
	struct machine *m = world_machine(state, 2);

	assert_int_equal(h_costs(m, "modern"), 0);
	the_vmw = &v;
	add(m, "r", 0, ool_cost_receiver, &v.w, 0);
	add(m, "s", 0, ool_cost_sender, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	assert_int_equal(v.w.lg.n, 2);
	assert_int_equal(v.w.lg.ev[1].val - v.w.lg.ev[0].val, 2 * 7 * 50);
}

/* --- a parent waiting for a child that waits for it --- */

static void dl_child(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int32_t p = find(self, &v->w, "parent");

	call_note(self, &v->w, p, 1, UK_FOREVER, "call");
}

static void dl_parent(struct thread *self, void *arg)
{
	struct vmw *v = arg;
	int code, faulted;
	uint32_t pid;

	serve_port(self, &v->w, "parent", 0);
	uk_fork(self, dl_child, v, &pid);
	h_note(&v->w.lg, self, "wait", uk_wait(self, pid, &code, &faulted));
}

static void test_wait_deadlock(void **state)
{
	struct vmw v = { .w.bad = 0 };
	struct machine *m = vm_machine(state, &v, 1);

	add(m, "P", 0, dl_parent, &v.w, 0);
	FINISH(m, &v.w, OUT_DEADLOCK);
	assert_non_null(strstr(m->deadlock_report, "a cycle of 2 threads"));
	assert_non_null(strstr(m->deadlock_report,
			       "thread P (process P) waits for its child process P.fork1 to end"));
	assert_non_null(strstr(m->deadlock_report, "thread P.fork1 (process P.fork1) waits to "
						   "send on port"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_fork_wait_copy_on_write),
		H_TEST(test_fault_and_fork_costs),
		H_TEST(test_wait_errors),
		H_TEST(test_segfault_kills_only_that_process),
		H_TEST(test_out_of_frames_kills_the_process_in_need),
		H_TEST(test_out_of_line_data),
		H_TEST(test_out_of_line_costs_per_page),
		H_TEST(test_wait_deadlock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
