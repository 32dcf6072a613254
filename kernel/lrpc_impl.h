/*
 * lrpc_impl.h - what lrpc.c (interfaces, bindings, revocation) and
 * lrpc_call.c (the call and the return) share. Not for other modules,
 * which use lrpc.h.
 */
#ifndef UKERN_LRPC_IMPL_H
#define UKERN_LRPC_IMPL_H

#include <stdint.h>

#include "lrpc.h"

struct machine;
struct thread;

/* m's LRPC state, made at the first use; NULL when memory runs out. */
struct lrpc_state *lrpc_state(struct machine *m);

/* Thread t (its arguments in t->sc.m) takes A-stack ai of binding b and
 * enters the server's domain. waited: t was blocked for the A-stack and is
 * not running (it enters when dispatched); else it is running in its call's
 * effect, and crosses now (an exchange or an address-space switch). Returns
 * UK_OK, or UK_EFAULT when the arguments could not be written onto the
 * A-stack (the client made it read-only): the A-stack stays free. */
int lrpc_enter(struct thread *t, struct lrpc_binding *b, uint32_t ai, int waited);

/* A-stack ai of b is free again: the first thread waiting for one of its
 * procedure takes it and is woken. */
void lrpc_astack_free(struct machine *m, struct lrpc_binding *b, uint32_t ai);

/* "service.procedure" of procedure proc (from 1) of b, in buf. */
const char *lrpc_label(const struct lrpc_binding *b, uint32_t proc, char *buf, unsigned len);

#endif
