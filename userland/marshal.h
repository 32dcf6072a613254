/*
 * marshal.h - Lua values to message bytes and back, in a canonical,
 * big-endian encoding (doc/scenario-api.md, "Marshalling"):
 *
 *   value := tag payload
 *   0 nil | 1 false | 2 true
 *   3 integer: 8 bytes, two's complement, big-endian
 *   4 float:   8 bytes, IEEE 754 binary64, big-endian
 *   5 string:  4-byte length, bytes
 *   6 table:   4-byte count, then count pairs of key value, keys sorted
 *              (integers ascending, then strings bytewise, then booleans)
 *   7 port:    1 byte index into the message's rights
 *
 * Sorting the keys makes the bytes of equal tables equal, whatever Lua's
 * hash order. A message's size is the length of this encoding, which is
 * what the cost model charges.
 */
#ifndef UKERN_MARSHAL_H
#define UKERN_MARSHAL_H

#include <lua.h>
#include <stdint.h>

struct msg;

enum marshal_tag {
	MT_NIL, MT_FALSE, MT_TRUE, MT_INT, MT_FLOAT, MT_STRING, MT_TABLE, MT_PORT,
};

/* Encode the value at idx into a new message; port handles must belong to
 * process pid and become the message's rights. Raises a Lua error, at the
 * scenario's line, for a value that cannot travel (function, coroutine,
 * foreign userdata, too deep or cyclic, too big). Returns the message, or
 * NULL with *err set (UK_ENORIGHT: a port handle of another process;
 * MARSHAL_EXPORT: local objects to export first, see below). */
struct msg *marshal_encode(lua_State *L, int idx, uint32_t pid, int *err);

/* Decode m's payload and push the value; ports become handles of process
 * pid (their names in m->names). If the value is a table, extra more fields
 * are reserved in it (the caller is about to add them). Returns 0, or -1
 * when the payload is malformed (nothing pushed). */
int marshal_decode(lua_State *L, const struct msg *m, uint32_t pid, int extra);

/* Remote objects (userland/objects.lua) in plain messages, at no cost to
 * the messages that carry none. objects.lua registers three functions with
 * marshal_hooks(out, in, export) (a Lua C function):
 *
 * - out(t), for each table t met while encoding whose metatable has a
 *   field __wire (a local object or a reference): the table to encode in
 *   its place, its record { __objref = true, port, id, class, methods }
 *   (or t itself: not an object after all); nil for a local object not yet
 *   exported. Such an object is noted pending, the encoding ends with
 *   MARSHAL_EXPORT, and the caller runs marshal_export and encodes again:
 *   exporting makes a port, a system call, which cannot happen inside the
 *   encoder. Objects are met, and so exported, in the wire's key order.
 * - in(t), for each decoded table holding the key MARSHAL_REF_KEY: the
 *   value to keep in its place (a reference, or t). Not for the outermost
 *   table, which marshal_decode_ref reports in *ref instead (the caller
 *   adds its fields first, then calls marshal_ref_in).
 * - export(list): export the pending objects of list, in order; may yield. */
#define MARSHAL_EXPORT (-1)
#define MARSHAL_REF_KEY "__objref"

int marshal_decode_ref(lua_State *L, const struct msg *m, uint32_t pid, int extra, int *ref);

/* Replace the table on top of the stack by in(table). */
void marshal_ref_in(lua_State *L);

/* Call export with the list the last encoding noted, as lua_callk does,
 * then k(L, LUA_OK, ctx) (k is called after a yield as well): a C function
 * whose encoding ended with MARSHAL_EXPORT returns this, and k encodes
 * again. */
int marshal_export(lua_State *L, lua_KContext ctx, lua_KFunction k);

/* marshal_hooks(out, in, export), for objects.lua. */
int marshal_hooks(lua_State *L);

#endif
