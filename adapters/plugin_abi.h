/* The C ABI between cho4 and an adapter plugin (a shared object loaded with dlopen at start-up).
 *
 * A plugin is built out of tree against this header only (plain C types: no C++ standard library,
 * no cho4 headers cross the boundary) and exports two symbols:
 *
 *   uint32_t cho4_plugin_abi_version(void);            returns CHO4_PLUGIN_ABI_VERSION
 *   const struct cho4_plugin_v1* cho4_plugin_entry(void);   the function table below
 *
 * cho4 refuses a plugin whose version differs from its own, or which lacks either symbol, with a
 * clear error; other adapters keep working. The table and every string it returns must stay valid
 * until the plugin is unloaded.
 *
 * Threading: create/destroy are called once per configured instance from one thread; the other
 * functions may be called concurrently on the same instance from several threads, so a plugin
 * instance must be immutable after create (or synchronise itself).
 *
 * Strings are (pointer, length) pairs of UTF-8 bytes, not NUL-terminated unless stated. Output
 * goes through callbacks so that the plugin never frees memory cho4 allocated or vice versa.
 */
#ifndef CHO4_ADAPTERS_PLUGIN_ABI_H
#define CHO4_ADAPTERS_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of the structures or function signatures below. */
#define CHO4_PLUGIN_ABI_VERSION 1u

#define CHO4_PLUGIN_SYMBOL_VERSION "cho4_plugin_abi_version"
#define CHO4_PLUGIN_SYMBOL_ENTRY "cho4_plugin_entry"

typedef struct cho4_str {
  const char* data;
  size_t len;
} cho4_str;

typedef struct cho4_header {
  cho4_str name;
  cho4_str value;
} cho4_header;

typedef struct cho4_request {
  cho4_str method;
  cho4_str target;
  const cho4_header* headers;
  size_t header_count;
  cho4_str body;
} cho4_request;

/* Directions: the numbers of core's Direction. */
#define CHO4_DIRECTION_IN 1
#define CHO4_DIRECTION_OUT 2

/* One credit, as core's BankCredit minus what cho4 fills in itself (instance, received time,
 * verified scheme). amount_vnd is positive; direction says which way the money moved. */
typedef struct cho4_credit {
  cho4_str provider_txn_id;
  cho4_str bank_reference;
  cho4_str bank;
  cho4_str account;
  cho4_str sub_account;
  cho4_str description;
  int64_t amount_vnd;
  int32_t direction;
  int32_t occurred_date_only; /* 0 or 1 */
  int64_t occurred_at_ms;
} cho4_credit;

/* Result codes. 0 is success; authentication failures use the numbers of AuthErrorKind, parse
 * failures those of ParseErrorKind (adapters/errors.h), so that cho4 reports them typed. */
#define CHO4_PLUGIN_OK 0
#define CHO4_AUTH_MISSING_CREDENTIALS 1
#define CHO4_AUTH_BAD_CREDENTIALS 2
#define CHO4_AUTH_BAD_SIGNATURE 3
#define CHO4_AUTH_STALE_TIMESTAMP 4
#define CHO4_AUTH_MALFORMED_HEADER 5
#define CHO4_PARSE_INVALID_JSON 1
#define CHO4_PARSE_MISSING_FIELD 2
#define CHO4_PARSE_BAD_AMOUNT 3
#define CHO4_PARSE_AMOUNT_OUT_OF_RANGE 4
#define CHO4_PARSE_BAD_TIME 5
#define CHO4_PARSE_TOO_DEEP 6
#define CHO4_PARSE_INVALID_UTF8 7
#define CHO4_PARSE_WRONG_TYPE 8
#define CHO4_PARSE_ZERO_AMOUNT 9
#define CHO4_PARSE_FRACTIONAL_AMOUNT 10
#define CHO4_PARSE_AMOUNT_AS_STRING 11
#define CHO4_PARSE_BAD_VALUE 12

/* Error detail: the plugin writes a NUL-terminated English message (and, for parse errors, the
 * JSON path) into these caller-owned buffers, truncating to fit. */
typedef struct cho4_error_out {
  char* message;
  size_t message_cap;
  char* path;
  size_t path_cap;
} cho4_error_out;

/* Receives each parsed credit; the strings need only live for the duration of the call. */
typedef void (*cho4_credit_sink)(void* sink_ctx, const cho4_credit* credit);
/* Receives one reply or one signed request. */
typedef void (*cho4_reply_sink)(void* sink_ctx, int status, cho4_str content_type, cho4_str body);
typedef void (*cho4_request_sink)(void* sink_ctx, const cho4_request* request);

typedef struct cho4_plugin_v1 {
  uint32_t abi_version; /* CHO4_PLUGIN_ABI_VERSION, again, as a check of the table itself */
  const char* kind;     /* NUL-terminated kind name, [a-z0-9_], e.g. "fictobank" */

  /* Builds an instance from its JSON configuration object (secrets already resolved from *_env by
   * cho4). Returns NULL on failure with the reason in err. */
  void* (*create)(cho4_str instance_name, cho4_str config_json, cho4_error_out* err);
  void (*destroy)(void* instance);

  /* CHO4_PLUGIN_OK, or a CHO4_AUTH_* code. */
  int (*authenticate)(const void* instance, const cho4_request* request, int64_t now_ms,
                      cho4_error_out* err);
  /* CHO4_PLUGIN_OK after calling sink once per credit, or a CHO4_PARSE_* code. */
  int (*parse)(const void* instance, const cho4_request* request, cho4_credit_sink sink,
               void* sink_ctx, cho4_error_out* err);
  /* Calls sink once with the provider's expected success reply for n credits. */
  void (*success_response)(const void* instance, size_t credit_count, cho4_reply_sink sink,
                           void* sink_ctx);

  /* Signing side (may be NULL when the plugin offers none): builds the request the bank sends
   * for these credits at now_ms and calls sink once; returns CHO4_PLUGIN_OK or a nonzero code
   * with the reason in err. */
  int (*sign)(const void* instance, const cho4_credit* credits, size_t count, int64_t now_ms,
              cho4_request_sink sink, void* sink_ctx, cho4_error_out* err);
} cho4_plugin_v1;

typedef uint32_t (*cho4_plugin_abi_version_fn)(void);
typedef const cho4_plugin_v1* (*cho4_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CHO4_ADAPTERS_PLUGIN_ABI_H */
