/*
 * rpc_proto.h - the RPC protocol spoken by every stub and server: the
 * messages a call is made of, in the wire encoding (wire.h). Lua's rpc.*,
 * fs.* and clock.* clients and the C file and time servers share it.
 *
 * A kernel message of the protocol carries, as consecutive wire values:
 *
 *   request: i32 RPC_REQUEST, i64 request id, string target (the service
 *            name), i32 method id, i32 protocol (enum rpc_protocol),
 *            array of arguments
 *   reply:   i32 RPC_REPLY, i64 request id, i32 status (enum rpc_status),
 *            array of results (status != RPC_OK: one string, the reason)
 *   ack:     i32 RPC_ACK, i64 request id            (RRA protocol only)
 *
 * A request sent with call() is answered through its send-once reply right;
 * an asynchronous request (sent with send()) carries, as the message's one
 * port right, the port the reply is to be sent to. Request ids are unique
 * per client process; (client pid, request id) names a request, and is
 * what an at-most-once server's reply history is keyed by.
 *
 * Method ids count from 1 in the order of the server's interface. Method 0,
 * RPC_METHOD_INTERFACE, is answered by every server with its interface: an
 * array of method names, the k-th being method k. A client binds by looking
 * the service up and asking for its interface once.
 */
#ifndef UKERN_RPC_PROTO_H
#define UKERN_RPC_PROTO_H

#include <stdint.h>

enum rpc_type { RPC_REQUEST = 1, RPC_REPLY = 2, RPC_ACK = 3 };

/* Spector's protocols: R (request only, no reply: maybe semantics), RR
 * (request, reply), RRA (request, reply, acknowledgement of the reply, so
 * the server can drop the reply it kept). */
enum rpc_protocol { RPC_R = 0, RPC_RR = 1, RPC_RRA = 2 };

enum rpc_status {
	RPC_OK = 0,
	RPC_EHANDLER = 1,     /* the handler raised an error: results = { message } */
	RPC_ENOMETHOD = 2,    /* no such method id */
	RPC_EMALFORMED = 3,   /* the request could not be decoded: results = { reason } */
	RPC_EARGS = 4,        /* wrong arguments for the method: results = { reason } */
	RPC_ESTALE = 5,       /* a handle the server no longer knows (after a restart) */
	RPC_EKIND = 6,        /* not served by messages (an LRPC interface's clerk):
			       * results = { reason } */
};

#define RPC_METHOD_INTERFACE 0

#endif
