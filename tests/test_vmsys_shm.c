/*
 * test_vmsys_shm.c - a segment handle restricted to reading (kernel/
 * vmsys_shm.c, SYS_MEM_RESTRICT): a right to a second port that names the
 * same segment and maps it "r" at most, made once per segment and named
 * again by every later restriction; a right that is read-only already is
 * its own restriction; it travels through the name server as the segment's
 * own right does; its holder cannot map "rw", and a write through its
 * mapping is a segmentation fault; both ports die with the segment; and the
 * refusals (a port that names no segment, "rw", a dead segment).
 *
 * Bodies are C functions (tests/harness.h) that note what they see; the
 * tests assert afterwards, including on the kernel's own state.
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
#include "port.h"
#include "proc.h"
#include "syscall.h"
#include "thread.h"
#include "trace.h"
#include "uk.h"
#include "uk_err.h"
#include "vm.h"
#include "vmsys.h"

#define PS 4096ull
#define RW (VM_R | VM_W)

/* What the bodies of one test share with it. */
struct shw {
	struct world w;
	const struct vm_seg *seg;  /* the maker's segment, for the test side */
	int32_t seg_name, ro_name; /* the maker's names for its two rights */
	uint64_t ro_addr;          /* the user's read-only mapping */
	char faults[2][160];
	unsigned nfaults;
};

static struct shw *the_shw;     /* for the fault hook */

static void on_fault(struct machine *m, struct thread *t, const char *text)
{
	(void)m;
	(void)t;
	if (the_shw->nfaults < 2)
		snprintf(the_shw->faults[the_shw->nfaults], sizeof the_shw->faults[0], "%s", text);
	the_shw->nfaults++;
}

/* The system calls of mem.share, mem.map and mem.restrict (uk.h has none). */
static int trap(struct thread *self, unsigned op, int32_t name, uint64_t arg)
{
	self->sc.op = (uint16_t)op;
	self->sc.name = name;
	self->sc.arg = arg;
	self->sc.timeout = UK_FOREVER;
	self->sc.m = NULL;
	body_c_trap(self);
	return self->sc.err;
}

static int share(struct thread *self, uint64_t bytes, uint8_t perm, uint64_t *addr,
		 int32_t *name)
{
	int err = trap(self, SYS_MEM_SHARE, perm, bytes);

	*addr = (uint64_t)self->sc.val;
	*name = self->sc.name;
	return err;
}

static int map(struct thread *self, int32_t seg, uint8_t perm, uint64_t *addr)
{
	int err = trap(self, SYS_MEM_MAP, seg, perm);

	*addr = err ? 0 : (uint64_t)self->sc.val;
	return err;
}

static int restrict_to(struct thread *self, int32_t seg, uint8_t perm, int32_t *out)
{
	int err = trap(self, SYS_MEM_RESTRICT, seg, perm);

	*out = err ? 0 : self->sc.name;
	return err;
}

static int64_t region_perm(struct thread *self, uint64_t addr)
{
	const struct vm_region *g = as_region(self->p->as, addr);

	return g ? g->perm : -1;
}

/* Do the bytes at addr read as s? */
static int reads(struct thread *self, uint64_t addr, const char *s)
{
	char buf[32] = "";
	size_t n = strlen(s);

	return n < sizeof buf && uk_mem_read(self, addr, buf, n) == UK_OK && memcmp(buf, s, n) == 0;
}

static void maker(struct thread *self, void *arg)
{
	struct shw *v = arg;
	struct h_log *lg = &v->w.lg;
	uint64_t a = 0, r = 0, w = 0;
	int32_t seg = 0, ro = 0, again = 0, ro2 = 0, x = 0;

	h_note(lg, self, "share", share(self, 2 * PS, RW, &a, &seg));
	v->seg = vmsys_seg_of(self->p, seg);
	h_note(lg, self, "restrict", restrict_to(self, seg, VM_R, &ro));
	h_note(lg, self, "a new name", ro != seg && ro != 0);
	h_note(lg, self, "restrict again", restrict_to(self, seg, VM_R, &again));
	h_note(lg, self, "the same name", again == ro);
	h_note(lg, self, "restrict the restricted", restrict_to(self, ro, VM_R, &ro2));
	h_note(lg, self, "its own name", ro2 == ro);
	h_note(lg, self, "restrict to rw", restrict_to(self, seg, RW, &x));
	h_note(lg, self, "restrict a send right", restrict_to(self, UK_NAME_NAMESERVER, VM_R, &x));
	h_note(lg, self, "map it rw", map(self, ro, RW, &r));
	h_note(lg, self, "map it", map(self, ro, 0, &r));
	h_note(lg, self, "its perm", region_perm(self, r));
	h_note(lg, self, "map the segment rw", map(self, seg, RW, &w));
	h_note(lg, self, "write", uk_mem_write(self, w, "maker", 5));
	h_note(lg, self, "read through the restricted one", reads(self, r, "maker"));
	v->seg_name = seg;
	v->ro_name = ro;
	h_note(lg, self, "register", h_register(self, "ro", ro));
	uk_sleep(self, 2 * MS);         /* the user maps it, and dies writing */
	uk_mem_free(self, a);
	uk_mem_free(self, r);
	uk_mem_free(self, w);           /* the last mapping: the segment dies */
	h_note(lg, self, "restrict after", restrict_to(self, seg, VM_R, &x));
	h_note(lg, self, "map after", map(self, ro, 0, &r));
}

static void user(struct thread *self, void *arg)
{
	struct shw *v = arg;
	struct h_log *lg = &v->w.lg;
	struct right *rt;
	uint64_t a = 0;
	int32_t ro = 0, again = 0;

	h_note(lg, self, "lookup", h_lookup(self, "ro", &ro));
	rt = proc_right(self->p, ro);
	h_note(lg, self, "a map right", rt && rt->kinds == RIGHT_MAP);
	h_note(lg, self, "map rw", map(self, ro, RW, &a));
	h_note(lg, self, "map", map(self, ro, 0, &a));
	v->ro_addr = a;
	h_note(lg, self, "perm", region_perm(self, a));
	h_note(lg, self, "reads", reads(self, a, "maker"));
	h_note(lg, self, "restrict", restrict_to(self, ro, VM_R, &again));
	h_note(lg, self, "the same name", again == ro);
	h_note(lg, self, "protect rw", uk_mem_protect(self, a, PS, RW));
	uk_mem_write(self, a, "user", 4);   /* a segmentation fault: it ends here */
	h_note(lg, self, "wrote", 1);
}

/* A segment shared "r": its own right is read-only already. */
static void reader_maker(struct thread *self, void *arg)
{
	struct shw *v = arg;
	struct h_log *lg = &v->w.lg;
	uint64_t a = 0;
	int32_t seg = 0, ro = 0;

	uk_sleep(self, 5 * MS);
	h_note(lg, self, "share r", share(self, PS, VM_R, &a, &seg));
	h_note(lg, self, "restrict r", restrict_to(self, seg, VM_R, &ro));
	h_note(lg, self, "itself", ro == seg);
	h_note(lg, self, "no second port", vmsys_seg_of(self->p, seg)->port_r == NULL);
}

/* The trace records of restriction and port death. */
struct capture {
	unsigned restricts;
	uint64_t args[4];         /* the shm_restrict record's */
	uint64_t dead[8];         /* the ports that died, in order */
	unsigned ndead;
};

static void capture(void *ctx, uint64_t ns, unsigned kind, const uint64_t *args, const char *s,
		    size_t len)
{
	struct capture *c = ctx;

	(void)ns;
	(void)s;
	(void)len;
	if (kind == TR_SHM_RESTRICT) {
		c->restricts++;
		memcpy(c->args, args, sizeof c->args);
	} else if (kind == TR_PORT_DEAD && c->ndead < 8) {
		c->dead[c->ndead++] = args[0];
	}
}

static void test_restricted_handle(void **state)
{
	struct shw v = { .w.bad = 0 };
	struct machine *m = world_machine(state, 1);
	const struct port *own, *ro;
	struct capture c = { 0 };
	struct trace_sink sink = { capture, &c };
	uint32_t ports;
	char want[96];
	int own_dead = 0, ro_dead = 0;

	the_shw = &v;
	m->fault_hook = on_fault;
	assert_int_equal(machine_add_sink(m, &sink), 0);
	add(m, "maker", 0, maker, &v.w, 0);
	add(m, "user", 1 * MS, user, &v.w, 0);
	add(m, "rmaker", 0, reader_maker, &v.w, 0);
	FINISH(m, &v.w, OUT_COMPLETED);
	H_EXPECT(&v.w.lg, { 0, "share", UK_OK }, { 0, "restrict", UK_OK }, { 0, "a new name", 1 },
		 { 0, "restrict again", UK_OK }, { 0, "the same name", 1 },
		 { 0, "restrict the restricted", UK_OK }, { 0, "its own name", 1 },
		 { 0, "restrict to rw", UK_EINVAL }, { 0, "restrict a send right", UK_ENORIGHT },
		 { 0, "map it rw", UK_EINVAL }, { 0, "map it", UK_OK }, { 0, "its perm", VM_R },
		 { 0, "map the segment rw", UK_OK }, { 0, "write", UK_OK },
		 { 0, "read through the restricted one", 1 }, { 0, "register", UK_OK },
		 { 1 * MS, "lookup", UK_OK }, { 1 * MS, "a map right", 1 },
		 { 1 * MS, "map rw", UK_EINVAL }, { 1 * MS, "map", UK_OK },
		 { 1 * MS, "perm", VM_R }, { 1 * MS, "reads", 1 }, { 1 * MS, "restrict", UK_OK },
		 { 1 * MS, "the same name", 1 }, { 1 * MS, "protect rw", UK_EFAULT },
		 { 2 * MS, "restrict after", UK_EDEADSEG }, { 2 * MS, "map after", UK_EDEADSEG },
		 { 5 * MS, "share r", UK_OK }, { 5 * MS, "restrict r", UK_OK },
		 { 5 * MS, "itself", 1 }, { 5 * MS, "no second port", 1 });
	/* The write through the read-only mapping killed the user, and only it. */
	assert_int_equal(v.nfaults, 1);
	snprintf(want, sizeof want, "segmentation fault at 0x%llx (write to a read-only page)",
		 (unsigned long long)v.ro_addr);
	assert_string_equal(v.faults[0], want);
	assert_true(m->procs[2]->faulted);
	assert_false(m->procs[1]->faulted);
	/* Two ports name the segment, with their own permissions; both died
	 * with it, the segment's last mapping (its name was freed). */
	assert_non_null(v.seg);
	own = v.seg->port;
	ro = v.seg->port_r;
	assert_non_null(own);
	assert_non_null(ro);
	assert_ptr_not_equal(own, ro);
	assert_ptr_equal(own->seg, v.seg);
	assert_ptr_equal(ro->seg, v.seg);
	assert_int_equal(own->seg_perm, RW);
	assert_int_equal(ro->seg_perm, VM_R);
	assert_null(ro->owner);
	assert_true(own->dead);
	assert_true(ro->dead);
	assert_int_equal(v.seg->maps, 0);
	/* Three restrictions of the maker's segment by two processes made one
	 * port: the ports that name a segment are its two and the "r" one's. */
	ports = 0;
	for (uint32_t i = 0; i < m->nports; i++)
		ports += m->ports[i]->seg != NULL;
	assert_int_equal(ports, 3);
	/* Traced once, when the read-only port was made; both ports' deaths. */
	assert_int_equal(c.restricts, 1);
	assert_int_equal(c.args[0], v.seg->id);
	assert_int_equal(c.args[1], m->procs[1]->pid);
	assert_int_equal(c.args[2], ro->id);
	assert_int_equal(c.args[3], VM_R);
	for (unsigned i = 0; i < c.ndead; i++) {
		own_dead += c.dead[i] == own->id;
		ro_dead += c.dead[i] == ro->id;
	}
	assert_int_equal(own_dead, 1);
	assert_int_equal(ro_dead, 1);
	assert_int_equal(m->shm_maps, 3);   /* two by the maker, one by the user */
	assert_int_equal(m->shm_dead, 2);
	assert_int_equal(m->vm.used, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		H_TEST(test_restricted_handle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
